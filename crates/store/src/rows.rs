//! Row shapes shared by both backends, and their conversion into core records.

use kordon_core::types::{Client, Manager, Role, User};

#[derive(sqlx::FromRow)]
pub(crate) struct UserRow {
    id: i64,
    account_id: i64,
    email: String,
    phone: Option<String>,
    first_name: Option<String>,
    last_name: Option<String>,
    middle_name: Option<String>,
    role: String,
    password_hash: String,
}

impl From<UserRow> for User {
    fn from(r: UserRow) -> Self {
        User {
            id: r.id,
            account_id: r.account_id,
            email: r.email,
            phone: r.phone,
            first_name: r.first_name,
            last_name: r.last_name,
            middle_name: r.middle_name,
            role: Role::parse(&r.role).unwrap_or(Role::LkUser),
            password_hash: r.password_hash,
        }
    }
}

/// The columns [`UserRow`] reads, as a literal so queries stay static strings.
macro_rules! user_columns {
    () => {
        "id, account_id, email, phone, first_name, last_name, middle_name, role, password_hash"
    };
}
pub(crate) use user_columns;

#[derive(sqlx::FromRow)]
pub(crate) struct ClientRow {
    id: i64,
    name: String,
    grants: String,
    owner_user_id: Option<i64>,
}

impl From<ClientRow> for Client {
    fn from(r: ClientRow) -> Self {
        Client {
            id: r.id,
            name: r.name,
            grants: r.grants.split_whitespace().map(str::to_owned).collect(),
            owner_user_id: r.owner_user_id,
        }
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct ManagerRow {
    id: i64,
    name: String,
    email: String,
    phone: String,
}

impl From<ManagerRow> for Manager {
    fn from(r: ManagerRow) -> Self {
        Manager { id: r.id, name: r.name, email: r.email, phone: r.phone }
    }
}
