//! Row shapes shared by both backends, and their conversion into core records.

use kordon_core::types::{Client, Domain, Manager, PbxRole, Role, User};

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
    role_id: i64,
    password_hash: String,
    token_generation: i64,
    email_verified_at: Option<i64>,
    sip_user: Option<String>,
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
            role_id: r.role_id,
            password_hash: r.password_hash,
            token_generation: r.token_generation,
            email_verified: r.email_verified_at.is_some(),
            sip_user: r.sip_user,
        }
    }
}

/// The columns [`UserRow`] reads, as a literal so queries stay static strings.
macro_rules! user_columns {
    () => {
        "id, account_id, email, phone, first_name, last_name, middle_name, role, role_id, password_hash, token_generation, email_verified_at, sip_user"
    };
}
pub(crate) use user_columns;

#[derive(sqlx::FromRow)]
pub(crate) struct ClientRow {
    id: i64,
    name: String,
    grants: String,
    owner_user_id: Option<i64>,
    access_ttl: Option<i64>,
    introspect: bool,
    redirect_uris: String,
    post_logout_redirect_uris: String,
    public: bool,
    trusted: bool,
    require_mfa: bool,
}

fn words(list: &str) -> Vec<String> {
    list.split_whitespace().map(str::to_owned).collect()
}

impl From<ClientRow> for Client {
    fn from(r: ClientRow) -> Self {
        Client {
            id: r.id,
            name: r.name,
            grants: words(&r.grants),
            owner_user_id: r.owner_user_id,
            access_ttl: r.access_ttl,
            introspect: r.introspect,
            redirect_uris: words(&r.redirect_uris),
            post_logout_redirect_uris: words(&r.post_logout_redirect_uris),
            public: r.public,
            trusted: r.trusted,
            require_mfa: r.require_mfa,
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

#[derive(sqlx::FromRow)]
pub(crate) struct DomainRow {
    id: i64,
    domain: Option<String>,
    mode: i64,
    test_until: Option<i64>,
    balance: String,
    block_inbound: bool,
    block_outbound: bool,
    block_face: bool,
    tz: String,
    locale: String,
    token_ttl: i64,
    require_mfa: bool,
}

impl From<DomainRow> for Domain {
    fn from(r: DomainRow) -> Self {
        Domain {
            account_id: r.id,
            name: r.domain,
            mode: r.mode,
            test_until: r.test_until,
            balance: r.balance,
            block_inbound: r.block_inbound,
            block_outbound: r.block_outbound,
            block_face: r.block_face,
            tz: r.tz,
            locale: r.locale,
            token_ttl: r.token_ttl,
            require_mfa: r.require_mfa,
        }
    }
}

/// The columns [`DomainRow`] reads.
macro_rules! domain_columns {
    () => {
        "id, domain, mode, test_until, balance, block_inbound, block_outbound, block_face, tz, locale, token_ttl,
         require_mfa"
    };
}
pub(crate) use domain_columns;

#[derive(sqlx::FromRow)]
pub(crate) struct RoleRow {
    id: i64,
    name: String,
    role_type: i64,
    perms: String,
    visible: String,
    filters: String,
}

impl From<RoleRow> for PbxRole {
    fn from(r: RoleRow) -> Self {
        PbxRole {
            id: r.id,
            name: r.name,
            role_type: r.role_type,
            perms: r.perms,
            visible: r.visible,
            filters: r.filters,
        }
    }
}
