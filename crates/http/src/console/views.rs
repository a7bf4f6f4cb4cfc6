//! The console's pages as askama templates (in `templates/console/`, escaped by askama): the
//! layout every signed-in page shares (the bar, the navigation each role sees) and one struct a
//! page. Handlers fill them; nothing here reads the core.

use super::texts::Texts;
use crate::pages::{CardLink, Nav};
use askama::Template;

/// What every signed-in page shows around its content.
pub(super) struct Layout {
    pub t: &'static Texts,
    /// The family's first page (`/console`); its logout is `<home>/logout`.
    pub home: &'static str,
    pub title: String,
    pub nav: Vec<Nav>,
    /// The signed-in user's email.
    pub who: String,
    /// Their scope, in words.
    pub scope: String,
    pub csrf: String,
}

/// A figure of the Overview.
pub(super) struct Tile {
    pub label: &'static str,
    pub figure: String,
    pub hint: String,
}

#[derive(Template)]
#[template(path = "console/overview.html")]
pub(super) struct OverviewPage {
    pub l: Layout,
    pub tiles: Vec<Tile>,
}

/// A blocked host as the Defender page lists it.
pub(super) struct BlockRow {
    pub ip: String,
    /// The host's events in the audit log.
    pub history_href: String,
    pub reason: String,
    pub left: String,
    pub failures: i64,
    pub logins: Vec<String>,
    /// The confirmation page of its unblock.
    pub unblock_href: String,
}

#[derive(Template)]
#[template(path = "console/defender.html")]
pub(super) struct DefenderPage {
    pub l: Layout,
    pub lead: &'static str,
    pub notice: Option<String>,
    pub blocks: Vec<BlockRow>,
    pub capped: Vec<CappedRow>,
}

/// A login at its daily cap of failed checks, with its Forgive.
pub(super) struct CappedRow {
    /// The Defender's key, posted back by Forgive.
    pub login: String,
    /// The login as a person reads it.
    pub shown: String,
    /// The page of the user who has it, if anyone does.
    pub user_href: Option<String>,
    pub failures: i64,
    pub left: String,
}

/// A user among several the search found.
pub(super) struct FoundRow {
    pub href: String,
    pub email: String,
    pub phone: String,
    pub id: i64,
}

#[derive(Template)]
#[template(path = "console/users.html")]
pub(super) struct UsersPage {
    pub l: Layout,
    pub lead: &'static str,
    pub notice: Option<&'static str>,
    pub query: String,
    /// Why the query cannot be searched (not an email, a phone or an id).
    pub invalid: Option<String>,
    pub missing: bool,
    pub found: Vec<FoundRow>,
}

/// A session of every kind on the user page.
pub(super) struct SessionRow {
    pub kind: &'static str,
    pub client: String,
    pub started: String,
    pub last_active: String,
    pub expires: String,
    /// The address and the browser, or how the browser signed in, or the scopes.
    pub place: String,
    /// The confirmation page of its revocation.
    pub revoke_href: String,
}

/// A recent event of the user page.
pub(super) struct EventRow {
    pub at: String,
    pub kind: String,
    pub result: String,
    pub host: String,
    pub actor: String,
}

#[derive(Template)]
#[template(path = "console/user.html")]
pub(super) struct UserPage {
    pub l: Layout,
    pub notice: Option<&'static str>,
    pub id: i64,
    pub email: String,
    pub phone: String,
    pub account: i64,
    pub domain: String,
    pub role: &'static str,
    pub disabled: bool,
    /// The confirmation pages of disabling and deleting the user.
    pub disable_href: String,
    pub delete_href: String,
    /// The second factors the user has, in words (empty: none), and the question that resets them.
    pub mfa: Vec<&'static str>,
    pub mfa_reset_href: String,
    pub sessions: Vec<SessionRow>,
    pub events: Vec<EventRow>,
    /// The user's events on the Audit page.
    pub events_href: String,
}

/// A signing key row.
pub(super) struct KeyRow {
    pub kid: String,
    pub age: String,
    pub status: String,
    pub signing: bool,
}

#[derive(Template)]
#[template(path = "console/keys.html")]
pub(super) struct KeysPage {
    pub l: Layout,
    pub notice: Option<String>,
    pub keys: Vec<KeyRow>,
}

/// The question before a destructive action: GET shows it, its form POSTs the action.
#[derive(Template)]
#[template(path = "pages/confirm.html")]
pub(super) struct ConfirmPage {
    pub l: Layout,
    pub question: &'static str,
    pub text: &'static str,
    /// What the action is done to, shown in full.
    pub subject: String,
    pub action: &'static str,
    /// The form's hidden fields besides the CSRF token.
    pub fields: Vec<(&'static str, String)>,
    pub button: &'static str,
    pub cancel: String,
}

/// A type in the Audit page's choice.
pub(super) struct Kind {
    pub name: &'static str,
    pub selected: bool,
}

/// An event row of the Audit page.
pub(super) struct AuditRow {
    pub at: String,
    pub kind: String,
    pub result: String,
    pub user: String,
    pub host: String,
    pub actor: String,
    pub detail: String,
}

#[derive(Template)]
#[template(path = "console/audit.html")]
pub(super) struct AuditPage {
    pub l: Layout,
    pub lead: &'static str,
    pub user: String,
    pub ip: String,
    pub since: String,
    pub until: String,
    pub kinds: Vec<Kind>,
    pub rows: Vec<AuditRow>,
    /// The pages before and after this one, when there are.
    pub newer: Option<String>,
    pub older: Option<String>,
}

/// A window the FlashCall page offers.
pub(super) struct Window {
    pub href: String,
    pub label: &'static str,
    pub current: bool,
}

/// A row of FlashCall traffic: a country, a number prefix or a tenant.
pub(super) struct TrafficRow {
    pub key: String,
    pub placed: i64,
    pub verified: i64,
    pub refused: i64,
    pub failed: i64,
    pub conversion: String,
    /// Low conversion over enough calls: shown with a badge and a row style.
    pub flagged: bool,
}

/// One table of the FlashCall page.
pub(super) struct FlashcallTable {
    pub title: &'static str,
    /// The heading of its first column.
    pub key: &'static str,
    pub rows: Vec<TrafficRow>,
}

#[derive(Template)]
#[template(path = "console/flashcalls.html")]
pub(super) struct FlashcallsPage {
    pub l: Layout,
    /// The flagging rule, in words.
    pub threshold: String,
    pub period: String,
    pub windows: Vec<Window>,
    pub tables: Vec<FlashcallTable>,
}

/// An application on the Applications page.
pub(super) struct AppRow {
    pub id: i64,
    pub href: String,
    pub name: String,
    pub uris: Vec<String>,
    pub trusted: bool,
    pub created: String,
}

/// The applications in scope and the form that registers one (empty, or as typed when refused).
#[derive(Template)]
#[template(path = "console/applications.html")]
pub(super) struct ApplicationsPage {
    pub l: Layout,
    pub lead: &'static str,
    pub notice: Option<&'static str>,
    pub apps: Vec<AppRow>,
    /// The operator's form has the trusted box.
    pub platform: bool,
    pub error: Option<String>,
    pub name: String,
    pub uris: String,
    pub trusted: bool,
}

/// An application's page: its facts, and the form that changes it (as typed when refused).
#[derive(Template)]
#[template(path = "console/application.html")]
pub(super) struct ApplicationPage {
    pub l: Layout,
    pub notice: Option<&'static str>,
    pub id: i64,
    /// Public or confidential, in words.
    pub kind: &'static str,
    pub grants: String,
    pub owner: String,
    pub trusted: bool,
    /// Its sign-ins must carry a second factor.
    pub require_mfa: bool,
    pub created: String,
    pub uris: Vec<String>,
    /// The console's own client: shown, not changed.
    pub builtin: bool,
    /// No secret to rotate.
    pub public: bool,
    pub platform: bool,
    /// The confirmation pages of rotating the secret and deleting.
    pub rotate_href: String,
    pub delete_href: String,
    pub error: Option<String>,
    pub name: String,
    pub uris_text: String,
    pub trusted_checked: bool,
    pub require_mfa_checked: bool,
}

/// A client's secret, shown once: the answer to the POST that made it.
#[derive(Template)]
#[template(path = "console/secret.html")]
pub(super) struct SecretPage {
    pub l: Layout,
    pub lead: &'static str,
    pub client_id: i64,
    /// None: a public client (no secret).
    pub secret: Option<String>,
    pub app_href: String,
}

/// An answer inside the layout: refused, not found, a failure.
#[derive(Template)]
#[template(path = "pages/message.html")]
pub(super) struct MessagePage {
    pub l: Layout,
    pub message: &'static str,
    pub detail: Option<String>,
}

/// An answer outside a session (the login pages' card): signed out, sign-in failed, refused.
#[derive(Template)]
#[template(path = "pages/card.html")]
pub(super) struct CardPage {
    pub t: &'static Texts,
    pub heading: &'static str,
    pub message: &'static str,
    pub problem: bool,
    /// A link under the message.
    pub link: Option<CardLink>,
}

/// A question before a destructive action (its confirmation page's words and form).
#[derive(Clone, Copy)]
pub(super) struct Question {
    pub title: &'static str,
    pub question: &'static str,
    pub text: &'static str,
    pub action: &'static str,
    pub button: &'static str,
}

impl Question {
    /// The confirmation page of the action on object `id` (`subject` names it in full), its form
    /// posting the id back; Cancel returns to `cancel`.
    pub(super) fn page(self, l: Layout, subject: String, cancel: String, id: i64) -> ConfirmPage {
        ConfirmPage {
            l,
            question: self.question,
            text: self.text,
            subject,
            action: self.action,
            fields: vec![("id", id.to_string())],
            button: self.button,
            cancel,
        }
    }
}
