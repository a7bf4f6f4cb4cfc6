//! `kordon admin …`: operator commands over the same core the server runs. Each prints one JSON
//! object on stdout; errors go to stderr with a non-zero exit.

use crate::cli::{
    AccountCommand, AdminCommand, AuditCommand, ClientCommand, DefenderCommand, DomainCommand, DomainSettingsArgs,
    KeysCommand, ManagerCommand, SecretCommand, SessionCommand, TelephonyCommand, UserCommand,
};
use kordon_core::Core;
use kordon_core::oidc_types::ClientPatch;
use kordon_core::services::{ClientOptions, DomainPatch, NewUserCommand};
use kordon_core::types::{PbxRole, Role};
use serde_json::{Value, json};

pub async fn run(core: &Core, command: AdminCommand) -> Result<Value, String> {
    let fail = |e: kordon_core::Error| describe(&e);
    match command {
        AdminCommand::Client {
            command:
                ClientCommand::Create {
                    name,
                    id,
                    grants,
                    owner_email,
                    access_ttl,
                    introspect,
                    redirect_uris,
                    post_logout_redirect_uris,
                    public,
                    trusted,
                },
        } => {
            let options =
                ClientOptions { access_ttl, introspect, redirect_uris, post_logout_redirect_uris, public, trusted };
            let created = core
                .admin_create_client_with(&name, id, grants, owner_email.as_deref(), options)
                .await
                .map_err(fail)?;
            let mut answer = json!({ "client_id": created.client_id });
            if let Some(secret) = created.client_secret {
                answer["client_secret"] = json!(secret);
            }
            Ok(answer)
        }
        AdminCommand::Client {
            command:
                ClientCommand::Update { id, name, grants, redirect_uris, post_logout_redirect_uris, trusted, require_mfa },
        } => {
            let given = |list: Vec<String>| (!list.is_empty()).then_some(list);
            let patch = ClientPatch {
                name,
                grants: given(grants),
                redirect_uris: given(redirect_uris),
                post_logout_redirect_uris: given(post_logout_redirect_uris),
                trusted,
                require_mfa,
            };
            let client = core.admin_update_client(id, patch).await.map_err(fail)?;
            Ok(json!({
                "client_id": client.id,
                "name": client.name,
                "grants": client.grants,
                "redirect_uris": client.redirect_uris,
                "post_logout_redirect_uris": client.post_logout_redirect_uris,
                "public": client.public,
                "trusted": client.trusted,
                "require_mfa": client.require_mfa,
            }))
        }
        AdminCommand::User {
            command: UserCommand::Create { email, password, password_stdin, phone, role, domain },
        } => {
            let password = crate::password_input::password(password, password_stdin)?;
            let (role, role_id) = match role.as_str() {
                "lk_admin" => (Role::LkAdmin, PbxRole::ADMINISTRATOR),
                // The platform's operator administers their own account in the dialects.
                "operator" => (Role::Operator, PbxRole::ADMINISTRATOR),
                "pbx_operator" => (Role::LkUser, PbxRole::OPERATOR),
                "lk_user" => (Role::LkUser, PbxRole::USER),
                _ => return Err("role must be lk_admin, operator, pbx_operator or lk_user".into()),
            };
            let cmd = NewUserCommand {
                email: &email,
                password: &password,
                phone: phone.as_deref(),
                role,
                role_id,
                domain: domain.as_deref(),
            };
            let (user_id, account_id) = core.admin_create_user(cmd).await.map_err(fail)?;
            Ok(json!({ "user_id": user_id, "account_id": account_id }))
        }
        AdminCommand::User { command: UserCommand::Show { email } } => {
            let (user, disabled) = core.admin_find_user(&email).await.map_err(fail)?;
            Ok(json!({
                "user_id": user.id,
                "account_id": user.account_id,
                "email": user.email,
                "phone": user.phone,
                "role": user.role.as_str(),
                "sip_user": user.sip_user,
                "disabled": disabled,
            }))
        }
        AdminCommand::User { command: UserCommand::Update { email, sip_user } } => {
            let mut user = core.admin_find_user(&email).await.map_err(fail)?.0;
            if let Some(sip_user) = sip_user {
                user = core.admin_set_sip_user_by_email(&email, &sip_user).await.map_err(fail)?;
            }
            Ok(json!({ "user_id": user.id, "email": user.email, "sip_user": user.sip_user }))
        }
        AdminCommand::User { command: UserCommand::Disable { email } } => {
            let changed = core.admin_set_user_disabled(&email, true, "cli").await.map_err(fail)?;
            Ok(json!({ "disabled": true, "changed": changed }))
        }
        AdminCommand::User { command: UserCommand::Enable { email } } => {
            let changed = core.admin_set_user_disabled(&email, false, "cli").await.map_err(fail)?;
            Ok(json!({ "disabled": false, "changed": changed }))
        }
        AdminCommand::User { command: UserCommand::Delete { email } } => {
            core.admin_delete_user(&email, "cli").await.map_err(fail)?;
            Ok(json!({ "deleted": true }))
        }
        AdminCommand::User { command: UserCommand::Sessions { email } } => {
            let found = core.admin_user_sessions(&email).await.map_err(fail)?;
            Ok(json!({
                "user_id": found.user.id,
                "disabled": found.disabled,
                "sessions": found.sessions,
                "api_tokens": found.api_tokens,
            }))
        }
        AdminCommand::User { command: UserCommand::MfaReset { email } } => {
            let reset = core.admin_mfa_reset(&email, "cli").await.map_err(fail)?;
            Ok(json!({ "reset": reset }))
        }
        AdminCommand::Session { command: SessionCommand::Revoke { id } } => {
            core.admin_revoke_session(id, "cli").await.map_err(fail)?;
            Ok(json!({ "revoked": true }))
        }
        AdminCommand::Manager { command: ManagerCommand::Create { name, email, phone } } => {
            let id = core.admin_create_manager(&name, &email, &phone).await.map_err(fail)?;
            Ok(json!({ "manager_id": id }))
        }
        AdminCommand::Account { command: AccountCommand::SetManager { account, manager } } => {
            core.admin_set_manager(account, manager).await.map_err(fail)?;
            Ok(json!({ "success": true }))
        }
        AdminCommand::Domain { command: DomainCommand::Show { domain } } => {
            Ok(domain_json(&core.admin_domain(&domain).await.map_err(fail)?))
        }
        AdminCommand::Domain { command: DomainCommand::Update { domain, settings } } => {
            let patch = domain_patch(settings)?;
            Ok(domain_json(&core.admin_update_domain(&domain, patch).await.map_err(fail)?))
        }
        AdminCommand::Defender { command: DefenderCommand::List } => {
            let blocks = core.defender_blocks().await.map_err(fail)?;
            Ok(Value::Array(
                blocks
                    .into_iter()
                    .map(|b| {
                        json!({
                            "ip": b.ip,
                            "reason": b.reason,
                            "failures": b.failures,
                            "blocked_until": kordon_core::clock::format_rfc3339(b.blocked_until),
                            "account": b.account,
                        })
                    })
                    .collect(),
            ))
        }
        AdminCommand::Defender { command: DefenderCommand::Unblock { ip } } => {
            core.defender_unblock(&ip, "cli").await.map_err(fail)?;
            Ok(json!({ "success": true }))
        }
        AdminCommand::Defender { command: DefenderCommand::Forgive { login } } => {
            let forgiven = core.defender_forgive(&login, "cli").await.map_err(fail)?;
            Ok(json!({ "forgiven": forgiven }))
        }
        AdminCommand::Keys { command: KeysCommand::Rotate } => {
            let longest = core.longest_client_ttl().await.map_err(fail)?;
            let kid = core.rotate_keys(longest).await.map_err(fail)?;
            Ok(json!({ "kid": kid }))
        }
        AdminCommand::Keys { command: KeysCommand::Rewrap } => {
            let at_rest = core.rewrap_signing_keys().await.map_err(fail)?;
            Ok(json!({ "rewrapped": at_rest.sealed, "fingerprint": at_rest.fingerprint }))
        }
        AdminCommand::Keys { command: KeysCommand::List } => {
            serde_json::to_value(core.jwks().await.map_err(fail)?).map_err(|e| e.to_string())
        }
        AdminCommand::Telephony { command: TelephonyCommand::Secret { command: SecretCommand::Add { stdin } } } => {
            let given = match stdin {
                true => Some(crate::password_input::line_from_stdin("the secret")?),
                false => None,
            };
            let added = core.telephony_secret_add(given.as_deref()).await.map_err(fail)?;
            serde_json::to_value(added).map_err(|e| e.to_string())
        }
        AdminCommand::Telephony { command: TelephonyCommand::Secret { command: SecretCommand::List } } => {
            serde_json::to_value(core.telephony_secret_list().await.map_err(fail)?).map_err(|e| e.to_string())
        }
        AdminCommand::Telephony { command: TelephonyCommand::Secret { command: SecretCommand::Remove { id } } } => {
            core.telephony_secret_remove(id).await.map_err(fail)?;
            Ok(json!({ "removed": id }))
        }
        AdminCommand::Telephony { command: TelephonyCommand::Config { server } } => {
            let server = kordon_core::services::ServerKind::parse(&server).ok_or("--for: kamailio or coturn")?;
            Ok(Value::String(core.telephony_server_config(server).await.map_err(fail)?))
        }
        AdminCommand::Audit { command: Some(AuditCommand::List { filter }), .. } => {
            crate::admin_audit::run(core, filter, true).await.map_err(fail)
        }
        AdminCommand::Audit { filter, command: None } => {
            let json = filter.json;
            crate::admin_audit::run(core, filter, json).await.map_err(fail)
        }
    }
}

fn domain_patch(a: DomainSettingsArgs) -> Result<DomainPatch, String> {
    let test_until = match a.test_until.as_deref() {
        None => None,
        Some("none" | "") => Some(None),
        Some(text) => Some(Some(
            kordon_core::clock::parse_rfc3339(text)
                .ok_or_else(|| format!("--test-until: not an RFC 3339 time: {text}"))?,
        )),
    };
    Ok(DomainPatch {
        mode: a.mode,
        test_until,
        balance: a.balance,
        block_inbound: a.block_inbound,
        block_outbound: a.block_outbound,
        block_face: a.block_face,
        tz: a.tz,
        locale: a.locale,
        token_ttl: a.token_ttl,
        require_mfa: a.require_mfa,
    })
}

fn domain_json(d: &kordon_core::types::Domain) -> Value {
    json!({
        "domain_id": d.account_id,
        "domain_name": d.name,
        "mode": d.mode,
        "test_until": d.test_until.map(kordon_core::clock::format_rfc3339),
        "billing_options": {
            "balance": d.balance,
            "block_inbound": d.block_inbound,
            "block_outbound": d.block_outbound,
            "block_face": d.block_face,
        },
        "tz": d.tz,
        "locale": d.locale,
        "token_ttl": d.token_ttl,
        "require_mfa": d.require_mfa,
    })
}

fn describe(err: &kordon_core::Error) -> String {
    match err {
        kordon_core::Error::Validation { message, .. } => message.clone(),
        kordon_core::Error::NotFound => "not found".into(),
        kordon_core::Error::Internal(why) => why.clone(),
        other => other.to_string(),
    }
}
