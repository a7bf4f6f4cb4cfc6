//! What the admin API and the console read from the store: users whatever their state, every
//! kind of a user's live sign-ins, and clients with their owner's account. Times are Unix seconds.

use super::{Client, User};

/// A user whatever its state.
#[derive(Debug, Clone)]
pub struct UserRecord {
    pub user: User,
    /// When the user was disabled, if they are.
    pub disabled_at: Option<i64>,
    pub created_at: i64,
}

/// A live token family: a cabinet, PBX or OAuth session with its latest tokens.
#[derive(Debug, Clone)]
pub struct FamilyRecord {
    pub family_id: String,
    /// `cabinet`, `pbx`, `oauth` or `oauth-app` (the sessions' kinds).
    pub kind: String,
    pub client_id: i64,
    /// The login (the family's first session).
    pub started_at: i64,
    /// The last refresh (the live session's issue).
    pub refreshed_at: i64,
    /// When its refresh token (or, without one, its access token) expires.
    pub expires_at: i64,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    /// The scopes of a code-flow family (empty otherwise).
    pub scope: String,
    /// The digest of the browser sign-in a code-flow family came from.
    pub login_session: Option<String>,
}

/// A browser's live sign-in at kordon (SSO), by the digest of its cookie.
#[derive(Debug, Clone)]
pub struct BrowserRecord {
    pub digest: String,
    pub auth_time: i64,
    /// `pwd` or `tel`.
    pub amr: String,
    pub expires_at: i64,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    /// When a code was last issued for it (at most a minute off).
    pub last_used_at: Option<i64>,
}

/// What a user allowed a client.
#[derive(Debug, Clone)]
pub struct ConsentRecord {
    pub client_id: i64,
    pub scope: String,
    pub granted_at: i64,
}

/// A personal API token (never the token: its first characters).
#[derive(Debug, Clone)]
pub struct ApiTokenRecord {
    pub id: i64,
    pub prefix: String,
    pub created_at: i64,
    pub last_used: Option<i64>,
    /// Where it was created.
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

/// Everything that lets a user in now, each revocable on its own.
#[derive(Debug, Clone, Default)]
pub struct UserGrants {
    pub families: Vec<FamilyRecord>,
    pub browsers: Vec<BrowserRecord>,
    pub consents: Vec<ConsentRecord>,
    pub api_tokens: Vec<ApiTokenRecord>,
}

/// One grant to end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GrantRef {
    /// A token family (every session of it).
    Family(String),
    /// A browser's sign-in, by its digest.
    Browser(String),
    /// A consent, and the code-flow sessions of that user and client with it.
    Consent { user_id: i64, client_id: i64 },
    /// A personal API token.
    ApiToken(i64),
}

/// A client with what only an administrator reads beside it.
#[derive(Debug, Clone)]
pub struct ClientRecord {
    pub client: Client,
    pub created_at: i64,
    /// The account of the client's owner; none for the platform's (no owner, or an operator:
    /// an operator's application is never a tenant's, whatever account the operator sits in).
    pub owner_account_id: Option<i64>,
}
