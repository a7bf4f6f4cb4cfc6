//! The command line: `serve`, `migrate` and `admin …`, each taking the same store options.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(name = "kordon", version, about = "One identity and access server for telephony platforms")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

/// Where the data lives; every command takes these.
#[derive(Debug, Clone, Args, Default)]
pub struct StoreArgs {
    /// Folder of the embedded SQLite database and the dev outbox [default: ./kordon-data]
    #[arg(long, global = true)]
    pub data_dir: Option<PathBuf>,
    /// postgres://… to use PostgreSQL instead of the embedded SQLite
    #[arg(long, global = true)]
    pub database_url: Option<String>,
    /// TOML configuration file (also KORDON_CONFIG)
    #[arg(long, global = true, env = "KORDON_CONFIG")]
    pub config: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
#[expect(clippy::large_enum_variant, reason = "parsed once per process: boxing would buy nothing")]
pub enum Command {
    /// Run the server (migrates the database first)
    Serve {
        /// Address to listen on [default: 127.0.0.1:8080]
        #[arg(long)]
        listen: Option<String>,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Apply pending database migrations and exit
    Migrate {
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Print the OpenAPI 3.1 document that `/openapi.json` serves, and exit
    Openapi,
    /// Operator commands; each prints one JSON object
    Admin {
        #[command(flatten)]
        store: StoreArgs,
        #[command(subcommand)]
        command: AdminCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Applications (OAuth clients)
    Client {
        #[command(subcommand)]
        command: ClientCommand,
    },
    /// Users
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Login sessions
    Session {
        #[command(subcommand)]
        command: SessionCommand,
    },
    /// Account managers
    Manager {
        #[command(subcommand)]
        command: ManagerCommand,
    },
    /// Accounts (contracts)
    Account {
        #[command(subcommand)]
        command: AccountCommand,
    },
    /// PBX domains and their settings
    Domain {
        #[command(subcommand)]
        command: DomainCommand,
    },
    /// The Defender's blocks
    Defender {
        #[command(subcommand)]
        command: DefenderCommand,
    },
    /// JWT signing keys
    Keys {
        #[command(subcommand)]
        command: KeysCommand,
    },
    /// SIP and TURN credentials: the shared secrets and the servers' configuration
    Telephony {
        #[command(subcommand)]
        command: TelephonyCommand,
    },
    /// The audit log, newest first: sign-ins, tokens, the Defender, passwords, operators' changes
    #[command(args_conflicts_with_subcommands = true)]
    Audit {
        #[command(flatten)]
        filter: AuditArgs,
        #[command(subcommand)]
        command: Option<AuditCommand>,
    },
}

#[derive(Debug, Subcommand)]
pub enum DomainCommand {
    /// Show a domain's settings
    Show {
        #[arg(long)]
        domain: String,
    },
    /// Change a domain's settings
    Update {
        #[arg(long)]
        domain: String,
        #[command(flatten)]
        settings: DomainSettingsArgs,
    },
}

/// The domain settings `admin domain update` may change; each left out stays as it is.
#[derive(Debug, Args)]
pub struct DomainSettingsArgs {
    #[arg(long)]
    pub mode: Option<i64>,
    /// RFC 3339 time, or `none`
    #[arg(long)]
    pub test_until: Option<String>,
    /// An exact decimal, e.g. 1000.0
    #[arg(long)]
    pub balance: Option<String>,
    #[arg(long)]
    pub block_inbound: Option<bool>,
    #[arg(long)]
    pub block_outbound: Option<bool>,
    #[arg(long)]
    pub block_face: Option<bool>,
    /// IANA time zone, e.g. Europe/Prague
    #[arg(long)]
    pub tz: Option<String>,
    /// e.g. en_US
    #[arg(long)]
    pub locale: Option<String>,
    /// PBX session lifetime, seconds
    #[arg(long)]
    pub token_ttl: Option<i64>,
    /// Whether every person of the domain must sign in with a second factor
    #[arg(long)]
    pub require_mfa: Option<bool>,
}

#[derive(Debug, Subcommand)]
pub enum DefenderCommand {
    /// The hosts blocked now (a JSON array)
    List,
    /// Lift the block of a host
    Unblock { ip: String },
    /// Forget a login's failed checks (ends its slow-down and its daily cap): an email, or a
    /// phone for its PIN logins
    Forgive {
        #[arg(long)]
        login: String,
    },
}

/// Which events `admin audit` shows (every filter narrows), and how.
#[derive(Debug, Clone, Args)]
pub struct AuditArgs {
    /// A user's events: their id or email
    #[arg(long)]
    pub user: Option<String>,
    /// Events from this IP address
    #[arg(long)]
    pub ip: Option<String>,
    /// A type (signin, token.reuse, defender.block, …) or a family (token, defender, password, …)
    #[arg(long = "type")]
    pub kind: Option<String>,
    /// From this time on: RFC 3339 (2026-12-06T08:00:00Z) or an age (30m, 1h, 7d, 2w)
    #[arg(long)]
    pub since: Option<String>,
    /// Before this time (the same forms)
    #[arg(long)]
    pub until: Option<String>,
    /// Events per page, at most 1000
    #[arg(long, default_value_t = 100)]
    pub limit: i64,
    /// The page: 1 is the newest
    #[arg(long, default_value_t = 1)]
    pub page: i64,
    /// A JSON array instead of the table
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// The same search, always as a JSON array (kept for scripts)
    List {
        #[command(flatten)]
        filter: AuditArgs,
    },
}

#[derive(Debug, Subcommand)]
pub enum ClientCommand {
    /// Register an application; its secret is shown once
    Create {
        #[arg(long)]
        name: String,
        /// Numeric client id [default: the next free one]
        #[arg(long)]
        id: Option<i64>,
        /// A grant the client may use (cabinet, password, client_credentials, refresh_token, pbx, …)
        #[arg(long = "grant")]
        grants: Vec<String>,
        /// The user the application acts for
        #[arg(long)]
        owner_email: Option<String>,
        /// This client's access-token lifetime, seconds [default: oauth.access_ttl]
        #[arg(long)]
        access_ttl: Option<i64>,
        /// The client may introspect tokens (POST /oauth/introspect, RFC 7662); without an owner it
        /// sees every token, with one only its owner's account's
        #[arg(long)]
        introspect: bool,
        /// Where the authorization code flow may return (exact URI; repeat for more)
        #[arg(long = "redirect-uri")]
        redirect_uris: Vec<String>,
        /// Where RP-initiated logout may return (exact URI; repeat for more)
        #[arg(long = "post-logout-redirect-uri")]
        post_logout_redirect_uris: Vec<String>,
        /// A browser or mobile app: no secret, PKCE required
        #[arg(long)]
        public: bool,
        /// A first-party app: its users are not asked for consent
        #[arg(long)]
        trusted: bool,
    },
    /// Change a client's registration; what is not given stays, a list given replaces the old one
    Update {
        /// The client's id
        #[arg(long)]
        id: i64,
        #[arg(long)]
        name: Option<String>,
        /// The client's grants (replace the old ones)
        #[arg(long = "grant")]
        grants: Vec<String>,
        /// Its redirect URIs (replace the old ones)
        #[arg(long = "redirect-uri")]
        redirect_uris: Vec<String>,
        /// Its post-logout redirect URIs (replace the old ones)
        #[arg(long = "post-logout-redirect-uri")]
        post_logout_redirect_uris: Vec<String>,
        /// Whether its users skip the consent page
        #[arg(long)]
        trusted: Option<bool>,
        /// Whether its sign-ins must carry a second factor
        #[arg(long)]
        require_mfa: Option<bool>,
    },
}

#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Add a new JWT signing key; the old ones stay published until their tokens expire
    Rotate,
    /// The published keys (the JWKS)
    List,
    /// Seal every stored signing key under the current key-encryption key (after rotating
    /// `signing_keys.encryption_key`, with the old one as `signing_keys.previous_encryption_key`)
    Rewrap,
}

#[derive(Debug, Subcommand)]
pub enum TelephonyCommand {
    /// The shared secrets SIP and TURN credentials are signed with (the newest signs)
    Secret {
        #[command(subcommand)]
        command: SecretCommand,
    },
    /// Print the lines that make a server accept kordon's credentials (every secret)
    Config {
        /// kamailio (auth_ephemeral) or coturn (TURN REST API)
        #[arg(long = "for", value_parser = ["kamailio", "coturn"])]
        server: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum SecretCommand {
    /// Add a secret (made here; or one line from standard input with --stdin): it signs from now
    /// on. Print the servers' configuration again and reload them
    Add {
        /// Read the secret from standard input (one line) instead of making one
        #[arg(long)]
        stdin: bool,
    },
    /// The secrets, oldest first, by id and fingerprint (never the secret)
    List,
    /// Remove a secret: credentials signed with it stop working once the servers drop it
    Remove { id: i64 },
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create a user
    Create {
        #[arg(long)]
        email: String,
        /// The password (visible in the process list: prefer --password-stdin or KORDON_PASSWORD)
        #[arg(long)]
        password: Option<String>,
        /// Read the password from standard input (one line)
        #[arg(long)]
        password_stdin: bool,
        #[arg(long)]
        phone: Option<String>,
        /// lk_admin (PBX administrator), operator (the platform's: the admin API and console over
        /// every tenant), pbx_operator (the PBX's call-centre Operator role), or lk_user (PBX user)
        #[arg(long, default_value = "lk_admin", value_parser = ["lk_admin", "operator", "pbx_operator", "lk_user"])]
        role: String,
        /// Join this PBX domain's account (created on first use); without it, a new account
        #[arg(long)]
        domain: Option<String>,
    },
    /// Show a user
    Show {
        #[arg(long)]
        email: String,
    },
    /// Change a user: what is not given stays
    Update {
        #[arg(long)]
        email: String,
        /// Their SIP user (extension) in their PBX domain; an empty one clears it
        #[arg(long)]
        sip_user: Option<String>,
    },
    /// Disable a user: every dialect refuses them at once, and every token of theirs dies
    Disable {
        #[arg(long)]
        email: String,
    },
    /// Enable a disabled user again (they sign in anew)
    Enable {
        #[arg(long)]
        email: String,
    },
    /// Delete a user with their sessions, API tokens and applications (and the account's
    /// biometric persons when they were its last user)
    Delete {
        #[arg(long)]
        email: String,
    },
    /// A user's live sessions and API tokens
    Sessions {
        #[arg(long)]
        email: String,
    },
    /// Remove a user's second factors (authenticator app, calls to the phone, recovery codes),
    /// for a person who lost them: they sign in with the password alone until they switch one on
    #[command(name = "mfa-reset")]
    MfaReset {
        #[arg(long)]
        email: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum SessionCommand {
    /// End a session (its whole refresh family)
    Revoke { id: i64 },
}

#[derive(Debug, Subcommand)]
pub enum ManagerCommand {
    /// Create a manager (the contact `GET /api/v1/manager` answers)
    Create {
        #[arg(long)]
        name: String,
        #[arg(long)]
        email: String,
        #[arg(long)]
        phone: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum AccountCommand {
    /// Assign a manager to an account
    SetManager {
        #[arg(long)]
        account: i64,
        #[arg(long)]
        manager: i64,
    },
}
