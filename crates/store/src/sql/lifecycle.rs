//! The SQL of operators' user lifecycle (disable, enable, delete, sessions), one text for both
//! databases (see `sql`); each change is one transaction with its audit line.

use super::audit::write_event;
use super::tokens::{revoke, revoke_user};
use super::{Db, SqlStore};
use crate::backend::Backend;
use crate::errors::translate;
use crate::rows::{UserRow, user_columns};
use kordon_core::audit::{AuditEvent, SUCCESS, kind};
use kordon_core::ports::StoreResult;
use kordon_core::types::{ApiTokenInfo, SessionInfo, User};

#[async_trait::async_trait]
impl kordon_core::ports::LifecycleStore for SqlStore {
    async fn user_any_state(&self, email_key: &str) -> StoreResult<Option<(User, bool)>> {
        let row =
            sqlx::query_as::<Db, UserRow>(concat!("SELECT ", user_columns!(), " FROM users WHERE email_key = $1"))
                .bind(email_key)
                .fetch_optional(&self.pool)
                .await
                .map_err(translate)?;
        let Some(row) = row else { return Ok(None) };
        let user: User = row.into();
        let disabled = sqlx::query_scalar::<Db, Option<i64>>("SELECT disabled_at FROM users WHERE id = $1")
            .bind(user.id)
            .fetch_one(&self.pool)
            .await
            .map_err(translate)?
            .is_some();
        Ok(Some((user, disabled)))
    }

    async fn set_user_disabled(&self, user_id: i64, disabled: bool, actor: &str, now: i64) -> StoreResult<bool> {
        let mut tx = self.pool.begin_with(Self::BEGIN).await.map_err(translate)?;
        let changed = match disabled {
            true => sqlx::query::<Db>("UPDATE users SET disabled_at = $1 WHERE id = $2 AND disabled_at IS NULL")
                .bind(now)
                .bind(user_id),
            false => sqlx::query::<Db>("UPDATE users SET disabled_at = NULL WHERE id = $1 AND disabled_at IS NOT NULL")
                .bind(user_id),
        }
        .execute(&mut *tx)
        .await
        .map_err(translate)?
        .rows_affected()
            == 1;
        if !changed {
            return Ok(false);
        }
        if disabled {
            // Every token of theirs dies with the switch.
            revoke_user(&mut tx, user_id, now).await?;
            sqlx::query::<Db>("DELETE FROM api_tokens WHERE user_id = $1")
                .bind(user_id)
                .execute(&mut *tx)
                .await
                .map_err(translate)?;
        }
        let event = if disabled { kind::USER_DISABLE } else { kind::USER_ENABLE };
        write_event(&mut *tx, &operator_line(event, user_id, None, actor, now)).await?;
        tx.commit().await.map_err(translate)?;
        Ok(true)
    }

    async fn delete_user(&self, user_id: i64, actor: &str, now: i64) -> StoreResult<bool> {
        let mut tx = self.pool.begin_with(Self::BEGIN).await.map_err(translate)?;
        let account = sqlx::query_scalar::<Db, i64>("SELECT account_id FROM users WHERE id = $1")
            .bind(user_id)
            .fetch_optional(&mut *tx)
            .await
            .map_err(translate)?;
        let Some(account) = account else { return Ok(false) };
        let others = sqlx::query_scalar::<Db, i64>("SELECT COUNT(*) FROM users WHERE account_id = $1 AND id <> $2")
            .bind(account)
            .bind(user_id)
            .fetch_one(&mut *tx)
            .await
            .map_err(translate)?;
        let mut steps: Vec<&'static str> = vec![
            "DELETE FROM sessions WHERE user_id = $1
                OR client_id IN (SELECT id FROM clients WHERE owner_user_id = $1)",
            // What other users granted the user's applications (the user's own rows go
            // with the user: ON DELETE CASCADE).
            "DELETE FROM consents WHERE client_id IN (SELECT id FROM clients WHERE owner_user_id = $1)",
            "DELETE FROM authorization_codes WHERE client_id IN (SELECT id FROM clients WHERE owner_user_id = $1)",
            "DELETE FROM clients WHERE owner_user_id = $1",
            "DELETE FROM api_tokens WHERE user_id = $1",
            "DELETE FROM password_resets WHERE user_id = $1",
            "DELETE FROM verifications WHERE user_id = $1",
        ];
        if others == 0 {
            // The account's last user: its biometric persons go with it.
            steps.extend([
                "DELETE FROM phrases WHERE person_id IN (SELECT p.id FROM persons p JOIN users u
                    ON u.account_id = p.account_id WHERE u.id = $1)",
                "DELETE FROM face_tokens WHERE person_id IN (SELECT p.id FROM persons p JOIN users u
                    ON u.account_id = p.account_id WHERE u.id = $1)",
                "DELETE FROM persons WHERE account_id IN (SELECT account_id FROM users WHERE id = $1)",
            ]);
        }
        steps.push("DELETE FROM users WHERE id = $1");
        for step in steps {
            sqlx::query::<Db>(step).bind(user_id).execute(&mut *tx).await.map_err(translate)?;
        }
        write_event(&mut *tx, &operator_line(kind::USER_DELETE, user_id, Some(account), actor, now)).await?;
        tx.commit().await.map_err(translate)?;
        Ok(true)
    }

    async fn user_sessions(&self, user_id: i64, now: i64) -> StoreResult<(Vec<SessionInfo>, Vec<ApiTokenInfo>)> {
        let sessions = sqlx::query_as::<Db, (i64, String, i64, i64, i64, i64, Option<String>)>(
            "SELECT s.id, s.kind, s.client_id,
                    (SELECT MIN(f.created_at) FROM sessions f WHERE f.family_id = s.family_id),
                    s.created_at, s.refresh_expires, s.ip
             FROM sessions s
             WHERE s.user_id = $1 AND s.revoked_at IS NULL AND s.rotated_at IS NULL AND s.refresh_expires > $2
             ORDER BY s.created_at DESC, s.id DESC",
        )
        .bind(user_id)
        .bind(now)
        .fetch_all(&self.pool)
        .await
        .map_err(translate)?;
        let tokens = sqlx::query_as::<Db, (i64, i64, Option<i64>)>(
            "SELECT id, created_at, last_used FROM api_tokens WHERE user_id = $1 ORDER BY id",
        )
        .bind(user_id)
        .fetch_all(&self.pool)
        .await
        .map_err(translate)?;
        let at = kordon_core::clock::format_rfc3339;
        Ok((
            sessions
                .into_iter()
                .map(|(id, kind, client_id, started, refreshed, expires, ip)| SessionInfo {
                    id,
                    kind,
                    client_id,
                    started_at: at(started),
                    refreshed_at: at(refreshed),
                    expires_at: at(expires),
                    ip,
                })
                .collect(),
            tokens
                .into_iter()
                .map(|(id, created, used)| ApiTokenInfo { id, created_at: at(created), last_used: used.map(at) })
                .collect(),
        ))
    }

    async fn revoke_session(&self, id: i64, actor: &str, now: i64) -> StoreResult<bool> {
        let mut tx = self.pool.begin_with(Self::BEGIN).await.map_err(translate)?;
        let found = sqlx::query_as::<Db, (String, i64)>(
            "SELECT family_id, user_id FROM sessions WHERE id = $1 AND revoked_at IS NULL AND rotated_at IS NULL",
        )
        .bind(id)
        .fetch_optional(&mut *tx)
        .await
        .map_err(translate)?;
        let Some((family, user_id)) = found else { return Ok(false) };
        revoke(&mut *tx, &family, now).await?;
        let mut line = operator_line(kind::SESSION_REVOKE, user_id, None, actor, now);
        line.detail = Some(format!(r#"{{"session":{id}}}"#));
        write_event(&mut *tx, &line).await?;
        tx.commit().await.map_err(translate)?;
        Ok(true)
    }
}

/// An operator's change to a user: the user, its tenant (looked up when not given: a deleted
/// user's row is gone by the time the line is written), and who acted.
fn operator_line(event: &'static str, user_id: i64, tenant: Option<i64>, actor: &str, now: i64) -> AuditEvent {
    let mut line = AuditEvent::new(event, SUCCESS).at(now).subject(format!("user:{user_id}")).actor(actor);
    line.user_id = Some(user_id);
    line.tenant_id = tenant;
    line
}
