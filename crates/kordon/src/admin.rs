//! `kordon admin …`: operator commands over the same core the server runs. Each prints one JSON
//! object on stdout; errors go to stderr with a non-zero exit.

use crate::cli::{AccountCommand, AdminCommand, ClientCommand, ManagerCommand, UserCommand};
use kordon_core::Core;
use kordon_core::services::NewUserCommand;
use kordon_core::types::Role;
use serde_json::{Value, json};

pub async fn run(core: &Core, command: AdminCommand) -> Result<Value, String> {
    let fail = |e: kordon_core::Error| describe(&e);
    match command {
        AdminCommand::Client { command: ClientCommand::Create { name, id, grants, owner_email } } => {
            let created = core.admin_create_client(&name, id, grants, owner_email.as_deref()).await.map_err(fail)?;
            Ok(json!({ "client_id": created.client_id, "client_secret": created.client_secret }))
        }
        AdminCommand::User { command: UserCommand::Create { email, password, phone, role, domain } } => {
            let role = Role::parse(&role).ok_or("role must be lk_admin or lk_user")?;
            let cmd = NewUserCommand {
                email: &email,
                password: &password,
                phone: phone.as_deref(),
                role,
                domain: domain.as_deref(),
            };
            let (user_id, account_id) = core.admin_create_user(cmd).await.map_err(fail)?;
            Ok(json!({ "user_id": user_id, "account_id": account_id }))
        }
        AdminCommand::User { command: UserCommand::Show { email } } => {
            let user = core.admin_user(&email).await.map_err(fail)?;
            Ok(json!({
                "user_id": user.id,
                "account_id": user.account_id,
                "email": user.email,
                "phone": user.phone,
                "role": user.role.as_str(),
            }))
        }
        AdminCommand::Manager { command: ManagerCommand::Create { name, email, phone } } => {
            let id = core.admin_create_manager(&name, &email, &phone).await.map_err(fail)?;
            Ok(json!({ "manager_id": id }))
        }
        AdminCommand::Account { command: AccountCommand::SetManager { account, manager } } => {
            core.admin_set_manager(account, manager).await.map_err(fail)?;
            Ok(json!({ "success": true }))
        }
    }
}

fn describe(err: &kordon_core::Error) -> String {
    match err {
        kordon_core::Error::Validation { message, .. } => message.clone(),
        kordon_core::Error::NotFound => "not found".into(),
        other => other.to_string(),
    }
}
