//! The provider API's answer: the user a bearer acts for, and the account they belong to.

use kordon_core::types::{Role, User};
use serde::Serialize;
use utoipa::ToSchema;

/// The user and their account.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": 82, "email": "user@mail.ru", "phone": "79993332210", "first_name": null, "last_name": null,
    "middle_name": null, "role": "lk_admin", "account": {"id": 34, "domain": "office.runtel.org"}
}))]
pub(super) struct ProviderUser {
    pub id: i64,
    #[schema(format = Email)]
    pub email: String,
    /// Digits, as the cabinet stores them.
    #[schema(required = true)]
    pub phone: Option<String>,
    #[schema(required = true)]
    pub first_name: Option<String>,
    #[schema(required = true)]
    pub last_name: Option<String>,
    #[schema(required = true)]
    pub middle_name: Option<String>,
    #[schema(inline)]
    pub role: ProviderRole,
    pub account: ProviderAccount,
}

/// The user's cabinet role.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub(super) enum ProviderRole {
    LkAdmin,
    LkUser,
}

/// The account (contract) the user belongs to, and its PBX domain.
#[derive(Debug, Serialize, ToSchema)]
pub(super) struct ProviderAccount {
    pub id: i64,
    /// The PBX domain's name; null while the account has none.
    #[schema(required = true)]
    pub domain: Option<String>,
}

impl ProviderUser {
    pub fn new(user: User, domain: Option<String>) -> Self {
        Self {
            id: user.id,
            email: user.email,
            phone: user.phone,
            first_name: user.first_name,
            last_name: user.last_name,
            middle_name: user.middle_name,
            // An operator administers their own account: `lk_admin` here.
            role: match user.role {
                Role::LkAdmin | Role::Operator => ProviderRole::LkAdmin,
                Role::LkUser => ProviderRole::LkUser,
            },
            account: ProviderAccount { id: user.account_id, domain },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_are_spelled_as_the_core_spells_them() {
        for role in [Role::LkAdmin, Role::LkUser, Role::Operator] {
            let user = ProviderUser::new(
                User {
                    id: 1,
                    account_id: 2,
                    email: "a@b.c".into(),
                    phone: None,
                    first_name: None,
                    last_name: None,
                    middle_name: None,
                    role,
                    role_id: 0,
                    password_hash: String::new(),
                    token_generation: 0,
                    email_verified: false,
                    sip_user: None,
                },
                None,
            );
            let json = serde_json::to_value(&user).expect("json");
            assert_eq!(json["role"], role.dialect_name());
        }
    }
}
