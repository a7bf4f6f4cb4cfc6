//! The SQL of the OpenID Connect login (the `OidcStore` port): browser sign-ins, authorization
//! codes (spent by one conditional statement; a second use revokes what the first issued),
//! consents, and client registration changes — one text for both databases (see `sql`).

use super::tokens::insert_session;
use super::{Db, SqlStore};
use crate::backend::Backend;
use crate::errors::translate;
use kordon_core::ports::StoreResult;
use kordon_core::types::NewSession;

type LoginSessionRow = (String, i64, i64, String, i64, Option<String>, Option<String>, Option<String>, Option<i64>);
type CodeRow = (String, i64, i64, String, String, Option<String>, Option<String>, i64, String, String, i64);

#[async_trait::async_trait]
impl kordon_core::ports::OidcStore for SqlStore {
    async fn create_login_session(&self, s: &kordon_core::oidc_types::LoginSession) -> StoreResult<()> {
        sqlx::query::<Db>(
            "INSERT INTO login_sessions (digest, user_id, auth_time, amr, expires_at, flow, ip, user_agent, last_used_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(&s.digest)
        .bind(s.user_id)
        .bind(s.auth_time)
        .bind(&s.amr)
        .bind(s.expires_at)
        .bind(&s.flow)
        .bind(&s.ip)
        .bind(&s.user_agent)
        .bind(s.last_used_at)
        .execute(&self.pool)
        .await
        .map_err(translate)?;
        Ok(())
    }

    async fn login_session(
        &self,
        digest: &str,
        now: i64,
    ) -> StoreResult<Option<kordon_core::oidc_types::LoginSession>> {
        let row = sqlx::query_as::<Db, LoginSessionRow>(
            "SELECT l.digest, l.user_id, l.auth_time, l.amr, l.expires_at, l.flow, l.ip, l.user_agent, l.last_used_at
             FROM login_sessions l
             JOIN users u ON u.id = l.user_id
             WHERE l.digest = $1 AND l.revoked_at IS NULL AND l.expires_at > $2 AND u.disabled_at IS NULL",
        )
        .bind(digest)
        .bind(now)
        .fetch_optional(&self.pool)
        .await
        .map_err(translate)?;
        Ok(row.map(|(digest, user_id, auth_time, amr, expires_at, flow, ip, user_agent, last_used_at)| {
            kordon_core::oidc_types::LoginSession {
                digest,
                user_id,
                auth_time,
                amr,
                expires_at,
                flow,
                ip,
                user_agent,
                last_used_at,
            }
        }))
    }

    async fn touch_login_session(&self, digest: &str, now: i64) -> StoreResult<()> {
        sqlx::query::<Db>("UPDATE login_sessions SET last_used_at = $1 WHERE digest = $2")
            .bind(now)
            .bind(digest)
            .execute(&self.pool)
            .await
            .map_err(translate)?;
        Ok(())
    }

    async fn end_login_session(&self, digest: &str, now: i64) -> StoreResult<bool> {
        let done =
            sqlx::query::<Db>("UPDATE login_sessions SET revoked_at = $1 WHERE digest = $2 AND revoked_at IS NULL")
                .bind(now)
                .bind(digest)
                .execute(&self.pool)
                .await
                .map_err(translate)?;
        Ok(done.rows_affected() > 0)
    }

    async fn spend_login_flow(&self, digest: &str, flow: &str) -> StoreResult<bool> {
        let done = sqlx::query::<Db>("UPDATE login_sessions SET flow = NULL WHERE digest = $1 AND flow = $2")
            .bind(digest)
            .bind(flow)
            .execute(&self.pool)
            .await
            .map_err(translate)?;
        Ok(done.rows_affected() > 0)
    }

    async fn create_code(
        &self,
        c: &kordon_core::oidc_types::AuthorizationCode,
        now: i64,
        keep: i64,
    ) -> StoreResult<()> {
        let mut tx = self.pool.begin_with(Self::BEGIN).await.map_err(translate)?;
        sqlx::query::<Db>(
            "DELETE FROM authorization_codes
             WHERE login_session = $1 AND client_id = $2 AND spent_at IS NULL
               AND (expires_at <= $3 OR digest NOT IN (
                   SELECT digest FROM authorization_codes
                   WHERE login_session = $1 AND client_id = $2 AND spent_at IS NULL AND expires_at > $3
                   ORDER BY expires_at DESC, digest DESC LIMIT $4))",
        )
        .bind(&c.login_session)
        .bind(c.client_id)
        .bind(now)
        .bind((keep - 1).max(0))
        .execute(&mut *tx)
        .await
        .map_err(translate)?;
        sqlx::query::<Db>(
            "INSERT INTO authorization_codes (digest, client_id, user_id, redirect_uri, scope, nonce,
                                              code_challenge, auth_time, amr, login_session, expires_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(&c.digest)
        .bind(c.client_id)
        .bind(c.user_id)
        .bind(&c.redirect_uri)
        .bind(&c.scope)
        .bind(&c.nonce)
        .bind(&c.code_challenge)
        .bind(c.auth_time)
        .bind(&c.amr)
        .bind(&c.login_session)
        .bind(c.expires_at)
        .execute(&mut *tx)
        .await
        .map_err(translate)?;
        tx.commit().await.map_err(translate)?;
        Ok(())
    }

    async fn code(&self, digest: &str) -> StoreResult<Option<kordon_core::oidc_types::AuthorizationCode>> {
        let row = sqlx::query_as::<Db, CodeRow>(
            "SELECT digest, client_id, user_id, redirect_uri, scope, nonce, code_challenge, auth_time, amr,
                    login_session, expires_at
             FROM authorization_codes c WHERE digest = $1 AND spent_at IS NULL
               AND EXISTS (SELECT 1 FROM login_sessions l
                           WHERE l.digest = c.login_session AND l.revoked_at IS NULL)",
        )
        .bind(digest)
        .fetch_optional(&self.pool)
        .await
        .map_err(translate)?;
        Ok(row.map(
            |(
                digest,
                client_id,
                user_id,
                redirect_uri,
                scope,
                nonce,
                code_challenge,
                auth_time,
                amr,
                login_session,
                expires_at,
            )| {
                kordon_core::oidc_types::AuthorizationCode {
                    digest,
                    client_id,
                    user_id,
                    redirect_uri,
                    scope,
                    nonce,
                    code_challenge,
                    auth_time,
                    amr,
                    login_session,
                    expires_at,
                }
            },
        ))
    }

    async fn redeem_code(&self, digest: &str, session: &NewSession, now: i64) -> StoreResult<bool> {
        let mut tx = self.pool.begin_with(Self::BEGIN).await.map_err(translate)?;
        let spent = sqlx::query::<Db>(
            "UPDATE authorization_codes SET spent_at = $1, family_id = $2 WHERE digest = $3 AND spent_at IS NULL",
        )
        .bind(now)
        .bind(&session.family_id)
        .bind(digest)
        .execute(&mut *tx)
        .await
        .map_err(translate)?;
        if spent.rows_affected() != 1 {
            return Ok(false); // dropped: rolled back
        }
        let id = insert_session(&mut *tx, session).await?;
        // The sign-in the family came from, on its first row (the account page's "this device").
        sqlx::query::<Db>(
            "UPDATE sessions SET login_session = (SELECT login_session FROM authorization_codes WHERE digest = $1)
             WHERE id = $2",
        )
        .bind(digest)
        .bind(id)
        .execute(&mut *tx)
        .await
        .map_err(translate)?;
        tx.commit().await.map_err(translate)?;
        Ok(true)
    }

    async fn spent_code_family(&self, digest: &str) -> StoreResult<Option<String>> {
        sqlx::query_scalar::<Db, String>(
            "SELECT family_id FROM authorization_codes
             WHERE digest = $1 AND spent_at IS NOT NULL AND family_id IS NOT NULL",
        )
        .bind(digest)
        .fetch_optional(&self.pool)
        .await
        .map_err(translate)
    }

    async fn consent(&self, user_id: i64, client_id: i64) -> StoreResult<Option<String>> {
        sqlx::query_scalar::<Db, String>("SELECT scope FROM consents WHERE user_id = $1 AND client_id = $2")
            .bind(user_id)
            .bind(client_id)
            .fetch_optional(&self.pool)
            .await
            .map_err(translate)
    }

    async fn grant_consent(&self, user_id: i64, client_id: i64, scope: &str, now: i64) -> StoreResult<()> {
        sqlx::query::<Db>(
            "INSERT INTO consents (user_id, client_id, scope, granted_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (user_id, client_id) DO UPDATE SET scope = $3, granted_at = $4",
        )
        .bind(user_id)
        .bind(client_id)
        .bind(scope)
        .bind(now)
        .execute(&self.pool)
        .await
        .map_err(translate)?;
        Ok(())
    }

    async fn update_client(
        &self,
        id: i64,
        p: &kordon_core::oidc_types::ClientPatch,
        audit: Option<&kordon_core::audit::AuditEvent>,
    ) -> StoreResult<bool> {
        let mut tx = self.pool.begin_with(Self::BEGIN).await.map_err(translate)?;
        let done = sqlx::query::<Db>(
            "UPDATE clients SET name = COALESCE($2, name), grants = COALESCE($3, grants),
                    redirect_uris = COALESCE($4, redirect_uris),
                    post_logout_redirect_uris = COALESCE($5, post_logout_redirect_uris),
                    trusted = COALESCE($6, trusted), require_mfa = COALESCE($7, require_mfa)
             WHERE id = $1",
        )
        .bind(id)
        .bind(&p.name)
        .bind(p.grants.as_ref().map(|g| g.join(" ")))
        .bind(p.redirect_uris.as_ref().map(|u| u.join(" ")))
        .bind(p.post_logout_redirect_uris.as_ref().map(|u| u.join(" ")))
        .bind(p.trusted)
        .bind(p.require_mfa)
        .execute(&mut *tx)
        .await
        .map_err(translate)?;
        if done.rows_affected() == 0 {
            return Ok(false);
        }
        if let Some(a) = audit {
            super::audit::write_event(&mut *tx, &a.clone().subject(format!("client:{id}")).client(id)).await?;
        }
        tx.commit().await.map_err(translate)?;
        Ok(true)
    }
}
