//! The cabinet's response bodies, field for field as seed 000 shows them.

use kordon_core::TokenPair;
use kordon_core::types::User;
use serde::Serialize;

#[derive(Serialize)]
pub struct RoleView {
    pub name: &'static str,
    pub client_id: i64,
}

#[derive(Serialize)]
pub struct UserView {
    pub id: i64,
    pub email: String,
    pub phone: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub middle_name: Option<String>,
    pub role: RoleView,
}

impl UserView {
    pub fn new(user: User, client_id: i64) -> Self {
        Self {
            id: user.id,
            email: user.email,
            phone: user.phone,
            first_name: user.first_name,
            last_name: user.last_name,
            middle_name: user.middle_name,
            role: RoleView { name: user.role.as_str(), client_id },
        }
    }
}

/// `{token, token_expire, refresh_token, refresh_token_expire}` (refresh, update-password).
#[derive(Serialize)]
pub struct TokensView {
    pub token: String,
    pub token_expire: Option<i64>,
    pub refresh_token: Option<String>,
    pub refresh_token_expire: Option<i64>,
}

impl From<TokenPair> for TokensView {
    fn from(p: TokenPair) -> Self {
        Self {
            token: p.access,
            token_expire: Some(p.access_expires),
            refresh_token: Some(p.refresh),
            refresh_token_expire: Some(p.refresh_expires),
        }
    }
}

/// The user with their tokens and `success` (register, login, authuser).
#[derive(Serialize)]
pub struct SessionView {
    pub user: UserView,
    #[serde(flatten)]
    pub tokens: TokensView,
    pub success: bool,
}

#[derive(Serialize)]
pub struct Success {
    pub success: bool,
}

pub const SUCCESS: Success = Success { success: true };
