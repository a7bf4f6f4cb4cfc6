//! The cabinet's response bodies, field for field as seed 000 shows them.

use kordon_core::TokenPair;
use kordon_core::types::User;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ObjectBuilder, Schema, SchemaType, Type};

/// The schema of every `success` field: always `true` (failures answer an error shape instead).
pub(super) fn always_true() -> impl Into<RefOr<Schema>> {
    ObjectBuilder::new().schema_type(SchemaType::new(Type::Boolean)).enum_values(Some([true]))
}

/// The user's role in the cabinet, and the client the answer was given to.
#[derive(Serialize, ToSchema)]
#[schema(as = CabinetRole)]
pub struct RoleView {
    /// `lk_admin` opened the account (registered); `lk_user` was added to it. A platform
    /// operator reads `lk_admin` (of their own account).
    #[schema(schema_with = role_names)]
    pub name: &'static str,
    /// The `Client` the request named.
    pub client_id: i64,
}

fn role_names() -> impl Into<RefOr<Schema>> {
    ObjectBuilder::new().schema_type(SchemaType::new(Type::String)).enum_values(Some(["lk_admin", "lk_user"]))
}

/// A cabinet user.
#[derive(Serialize, ToSchema)]
#[schema(as = CabinetUser)]
pub struct UserView {
    pub id: i64,
    /// As typed at registration (matched case-insensitively).
    #[schema(format = Email)]
    pub email: String,
    /// Digits with the country code.
    #[schema(required = true)]
    pub phone: Option<String>,
    #[schema(required = true)]
    pub first_name: Option<String>,
    #[schema(required = true)]
    pub last_name: Option<String>,
    #[schema(required = true)]
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
            role: RoleView { name: user.role.dialect_name(), client_id },
        }
    }
}

/// `{token, token_expire, refresh_token, refresh_token_expire}` (refresh, update-password).
#[derive(Serialize, ToSchema)]
#[schema(as = CabinetTokens, example = json!({
    "token": "hsU0XgtVX4sxkLoHZEGk6gheXvDnD8ti", "token_expire": 1665474011,
    "refresh_token": "OeDdqfSCOlXPGSW6kgMPwNL4aUoxLotL", "refresh_token_expire": 1665556811}))]
pub struct TokensView {
    /// The access token (32 characters `[A-Za-z0-9]`), or the personal API token presented to
    /// `authuser`.
    pub token: String,
    /// Access token expiry, Unix seconds; null for a personal API token.
    #[schema(required = true)]
    pub token_expire: Option<i64>,
    /// The refresh token; null in `authuser` (only its digest is stored).
    #[schema(required = true)]
    pub refresh_token: Option<String>,
    /// Refresh token expiry, Unix seconds; null for a personal API token.
    #[schema(required = true)]
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
#[derive(Serialize, ToSchema)]
#[schema(as = CabinetSession, example = json!({
    "user": {"id": 82, "email": "user@mail.ru", "phone": "79993332210", "first_name": null,
             "last_name": null, "middle_name": null, "role": {"name": "lk_admin", "client_id": 10553}},
    "token": "hsU0XgtVX4sxkLoHZEGk6gheXvDnD8ti", "token_expire": 1665474011,
    "refresh_token": "OeDdqfSCOlXPGSW6kgMPwNL4aUoxLotL", "refresh_token_expire": 1665556811,
    "success": true}))]
pub struct SessionView {
    pub user: UserView,
    #[serde(flatten)]
    pub tokens: TokensView,
    #[schema(schema_with = always_true)]
    pub success: bool,
}

/// `{"success":true}`.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({"success": true}))]
pub struct Success {
    #[schema(schema_with = always_true)]
    pub success: bool,
}

pub const SUCCESS: Success = Success { success: true };
