//! The account pages' words, in Russian and English (picked per request as the login pages
//! pick theirs). The words of things the login pages already name — an application's
//! publisher, a scope, a password rule — are theirs (`crate::oidc::texts`), not repeated here.

mod en;
mod ru;

/// Every text of the account pages.
pub(crate) struct Texts {
    pub lang: &'static str,
    pub product: &'static str,
    pub footer: &'static str,
    pub nav_overview: &'static str,
    pub nav_profile: &'static str,
    pub nav_sessions: &'static str,
    pub nav_apps: &'static str,
    pub sign_out: &'static str,
    pub none: &'static str,
    // Overview
    pub overview_title: &'static str,
    pub overview_lead: &'static str,
    pub email: &'static str,
    pub phone: &'static str,
    pub name: &'static str,
    pub tile_sessions: &'static str,
    pub tile_sessions_hint: &'static str,
    pub tile_apps: &'static str,
    pub tile_apps_hint: &'static str,
    // Profile
    pub profile_lead: &'static str,
    pub names: &'static str,
    pub first_name: &'static str,
    pub middle_name: &'static str,
    pub last_name: &'static str,
    pub save: &'static str,
    pub names_saved: &'static str,
    pub name_too_long: &'static str,
    pub contact: &'static str,
    pub contact_note: &'static str,
    pub password: &'static str,
    pub password_note: &'static str,
    pub current_password: &'static str,
    pub new_password: &'static str,
    pub repeat_password: &'static str,
    pub change_password: &'static str,
    pub current_required: &'static str,
    pub current_wrong: &'static str,
    pub password_changed_title: &'static str,
    pub password_changed_text: &'static str,
    // Sessions
    pub sessions_lead: &'static str,
    pub col_what: &'static str,
    pub col_app: &'static str,
    pub col_where: &'static str,
    pub col_started: &'static str,
    pub col_last_used: &'static str,
    pub kind_cabinet: &'static str,
    pub kind_pbx: &'static str,
    pub kind_oauth: &'static str,
    pub kind_browser: &'static str,
    pub kind_api_token: &'static str,
    pub this_device: &'static str,
    pub end: &'static str,
    pub no_sessions: &'static str,
    pub session_ended: &'static str,
    pub others_title: &'static str,
    pub others_text: &'static str,
    pub others_button: &'static str,
    pub others_ended: &'static str,
    pub end_question: &'static str,
    pub end_text: &'static str,
    pub end_this_text: &'static str,
    pub cancel: &'static str,
    // Apps
    pub apps_lead: &'static str,
    pub col_publisher: &'static str,
    pub col_allowed: &'static str,
    pub col_granted: &'static str,
    pub withdraw: &'static str,
    pub no_apps: &'static str,
    pub withdrawn: &'static str,
    pub withdraw_question: &'static str,
    pub withdraw_text: &'static str,
    // Messages
    pub not_found_title: &'static str,
    pub not_found_text: &'static str,
    pub bad_form_title: &'static str,
    pub bad_form_text: &'static str,
    pub problem: &'static str,
    pub failed: &'static str,
    pub busy: &'static str,
    pub too_many: &'static str,
    pub unavailable: &'static str,
    pub signin_failed: &'static str,
    pub signin_failed_text: &'static str,
    pub signed_out: &'static str,
    pub signed_out_text: &'static str,
    pub sign_in_again: &'static str,
}

/// The language of a request: English when the browser prefers it, else Russian.
pub(crate) fn texts(locale: Option<&str>) -> &'static Texts {
    match locale {
        Some("en") => &en::EN,
        _ => &ru::RU,
    }
}
