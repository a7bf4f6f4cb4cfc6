//! The account pages as askama templates (in `templates/account/`, escaped by askama): the
//! layout every signed-in page shares and one struct a page. Handlers fill them; nothing here
//! reads the core.

use super::texts::Texts;
use crate::pages::{CardLink, Nav};
use askama::Template;

/// What every signed-in page shows around its content (`templates/pages/base.html`).
pub(super) struct Layout {
    pub t: &'static Texts,
    /// `/account`; its logout is `/account/logout`.
    pub home: &'static str,
    pub title: String,
    pub nav: Vec<Nav>,
    /// The signed-in person's email.
    pub who: String,
    /// Nothing: a person sees only themselves (the console names an operator's scope here).
    pub scope: String,
    pub csrf: String,
}

/// A figure of the Overview, with the page it opens.
pub(super) struct Tile {
    pub label: &'static str,
    pub figure: usize,
    pub hint: &'static str,
    pub href: &'static str,
}

#[derive(Template)]
#[template(path = "account/overview.html")]
pub(super) struct OverviewPage {
    pub l: Layout,
    pub name: String,
    pub email: String,
    pub phone: String,
    pub tiles: Vec<Tile>,
}

/// What the profile page's forms hold, and what is wrong with each.
#[derive(Default)]
pub(super) struct ProfileForms {
    pub first: String,
    pub middle: String,
    pub last: String,
    pub names_error: Option<&'static str>,
    pub password_error: Option<&'static str>,
}

#[derive(Template)]
#[template(path = "account/profile.html")]
pub(super) struct ProfilePage {
    pub l: Layout,
    pub notice: Option<&'static str>,
    pub email: String,
    /// The address is proved (a followed link).
    pub verified: bool,
    pub phone: String,
    pub f: ProfileForms,
}

/// A session as the Sessions page lists it.
pub(super) struct SessionRow {
    pub what: &'static str,
    pub app: String,
    pub place: String,
    pub agent: String,
    pub started: String,
    pub last_used: String,
    pub this_device: bool,
    /// None for this page's own session (the bar's Sign out ends it).
    pub end_href: Option<String>,
}

#[derive(Template)]
#[template(path = "account/sessions.html")]
pub(super) struct SessionsPage {
    pub l: Layout,
    pub notice: Option<String>,
    pub sessions: Vec<SessionRow>,
    /// Whether anything but this device's could be ended by "everywhere else".
    pub others: bool,
}

/// An application as the Apps page lists it.
pub(super) struct AppRow {
    pub name: String,
    pub publisher: String,
    pub allowed: Vec<&'static str>,
    pub granted: String,
    pub withdraw_href: String,
}

#[derive(Template)]
#[template(path = "account/apps.html")]
pub(super) struct AppsPage {
    pub l: Layout,
    pub notice: Option<&'static str>,
    pub apps: Vec<AppRow>,
}

/// The question before an action that ends something: a GET shows it, its form POSTs.
#[derive(Template)]
#[template(path = "pages/confirm.html")]
pub(super) struct ConfirmPage {
    pub l: Layout,
    pub question: &'static str,
    pub subject: String,
    pub text: &'static str,
    pub action: &'static str,
    pub fields: Vec<(&'static str, String)>,
    pub button: &'static str,
    pub cancel: String,
}

#[derive(Template)]
#[template(path = "pages/message.html")]
pub(super) struct MessagePage {
    pub l: Layout,
    pub message: &'static str,
    pub detail: Option<String>,
}

/// A page outside a session (sign-in failed, signed out, password changed).
#[derive(Template)]
#[template(path = "pages/card.html")]
pub(super) struct CardPage {
    pub t: &'static Texts,
    pub heading: &'static str,
    pub message: &'static str,
    pub problem: bool,
    pub link: Option<CardLink>,
}

#[derive(Template)]
#[template(path = "account/security.html")]
pub(super) struct SecurityPage {
    pub l: Layout,
    pub notice: Option<&'static str>,
    pub error: Option<&'static str>,
    pub totp: bool,
    pub recovery_left: i64,
    /// FlashCall is on as a second factor.
    pub flashcall: bool,
    /// The account's phone (FlashCall calls it), shown; None when there is none.
    pub phone: Option<String>,
    /// How many app passwords the person holds.
    pub app_passwords: usize,
    /// How many passkeys the person holds.
    pub passkeys: i64,
    /// Any second factor is on (recovery codes matter).
    pub any: bool,
}

/// An authenticator's enrolment: its QR code (inline SVG, drawn by kordon) and key, and the form
/// that switches it on.
#[derive(Template)]
#[template(path = "account/totp.html")]
pub(super) struct TotpPage {
    pub l: Layout,
    pub qr: String,
    /// The key in groups of four, as apps ask for it typed.
    pub key: String,
    pub error: Option<&'static str>,
}

/// Recovery codes, shown once.
#[derive(Template)]
#[template(path = "account/recovery.html")]
pub(super) struct RecoveryPage {
    pub l: Layout,
    pub notice: Option<&'static str>,
    pub codes: Vec<String>,
}

/// The question before removing the authenticator, with the password it takes.
#[derive(Template)]
#[template(path = "account/totp_remove.html")]
pub(super) struct RemovePage {
    pub l: Layout,
    pub error: Option<&'static str>,
}

/// An app password as its page lists it.
pub(super) struct AppPasswordRow {
    pub name: String,
    pub prefix: String,
    pub made: String,
    pub last_used: String,
    pub delete_href: String,
}

/// App passwords: the list and the form that makes one (its name kept when it is refused).
#[derive(Template)]
#[template(path = "account/app_passwords.html")]
pub(super) struct AppPasswordsPage {
    pub l: Layout,
    pub notice: Option<&'static str>,
    pub error: Option<&'static str>,
    pub rows: Vec<AppPasswordRow>,
    pub name: String,
}

/// A new app password, shown once.
#[derive(Template)]
#[template(path = "account/app_password_shown.html")]
pub(super) struct AppPasswordShownPage {
    pub l: Layout,
    pub name: String,
    pub secret: String,
}

/// A passkey as its page lists it.
pub(super) struct PasskeyRow {
    pub name: String,
    /// Where it is kept, in words.
    pub kind: &'static str,
    pub made: String,
    pub last_used: String,
    pub remove_href: String,
}

/// Passkeys: the list and the form that begins adding one (its name kept when it is refused).
#[derive(Template)]
#[template(path = "account/passkeys.html")]
pub(super) struct PasskeysPage {
    pub l: Layout,
    pub notice: Option<&'static str>,
    pub error: Option<&'static str>,
    pub rows: Vec<PasskeyRow>,
    pub name: String,
}

/// The step that creates a passkey in the browser (the page runs `passkey.js`): the options of
/// the ceremony, and the name it will be stored under.
#[derive(Template)]
#[template(path = "account/passkey_add.html")]
pub(super) struct PasskeyAddPage {
    pub l: Layout,
    pub options: String,
    pub name: String,
}

/// The question before removing a passkey, with the password it takes.
#[derive(Template)]
#[template(path = "account/passkey_remove.html")]
pub(super) struct PasskeyRemovePage {
    pub l: Layout,
    pub id: i64,
    pub name: String,
    pub error: Option<&'static str>,
}

/// Email: the address and whether it is proved, the button that mails a link to prove it, and the
/// form that mails one to a new address (what was typed kept when it is refused).
#[derive(Template)]
#[template(path = "account/email.html")]
pub(super) struct EmailPage {
    pub l: Layout,
    pub notice: Option<&'static str>,
    pub error: Option<&'static str>,
    pub email: String,
    pub verified: bool,
    pub typed: String,
}

/// A mailed link's page (outside a session): the address it proves and the button that does it.
#[derive(Template)]
#[template(path = "account/email_confirm.html")]
pub(super) struct EmailConfirmPage {
    pub t: &'static Texts,
    pub email: String,
    pub token: String,
    pub action: &'static str,
}

/// Phone: the number and the form that calls a new one.
#[derive(Template)]
#[template(path = "account/phone.html")]
pub(super) struct PhonePage {
    pub l: Layout,
    pub notice: Option<&'static str>,
    pub error: Option<&'static str>,
    pub phone: String,
    pub typed: String,
}

/// The PIN of the call to a new number.
#[derive(Template)]
#[template(path = "account/phone_pin.html")]
pub(super) struct PhonePinPage {
    pub l: Layout,
    /// The number called, `+` and its digits (also the form's).
    pub phone: String,
    pub token: String,
    pub error: Option<&'static str>,
}
