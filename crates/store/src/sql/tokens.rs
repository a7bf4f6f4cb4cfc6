//! The SQL of what kordon issues, spends and counts — sessions (with refresh rotation), personal
//! API tokens, FlashCall verifications, reset tokens and rate-limit counters — one text for both
//! databases (see `sql`); the happy path of a rotation has its own text per database
//! (`Backend::spend_refresh`). Rotation and every spend are single conditional statements.

use super::{Db, SqlStore};
use crate::backend::Backend;
use crate::errors::translate;
use kordon_core::ports::StoreResult;
use kordon_core::types::{ApiTokenAuth, ApiTokenRow, NewSession, NewVerification, Rotation, SessionAuth, Verification};

#[async_trait::async_trait]
impl kordon_core::ports::TokenStore for SqlStore {
    async fn create_session(&self, s: &NewSession) -> StoreResult<i64> {
        insert_session(&self.pool, s).await
    }

    async fn session_by_access(&self, digest: &str, kind: &str, now: i64) -> StoreResult<Option<SessionAuth>> {
        let row = sqlx::query_as::<Db, (i64, String, i64, i64, i64, i64)>(
            "SELECT id, family_id, user_id, client_id, access_expires, refresh_expires FROM sessions
             WHERE access_digest = $1 AND access_expires > $2 AND kind = $3
               AND rotated_at IS NULL AND revoked_at IS NULL",
        )
        .bind(digest)
        .bind(now)
        .bind(kind)
        .fetch_optional(&self.pool)
        .await
        .map_err(translate)?;
        Ok(row.map(|(session_id, family_id, user_id, client_id, access_expires, refresh_expires)| SessionAuth {
            session_id,
            family_id,
            user_id,
            client_id,
            access_expires,
            refresh_expires,
        }))
    }

    async fn rotate_session(
        &self,
        refresh_digest: &str,
        client_id: i64,
        successor: &NewSession,
        salt: &str,
        grace_since: Option<i64>,
        now: i64,
    ) -> StoreResult<Rotation> {
        // The one atomic step (a single statement, see `Backend::spend_refresh`): only the first of
        // concurrent presenters sees a live row.
        if let Some((user_id, access_expires, refresh_expires, scope)) =
            self.spend_refresh(refresh_digest, client_id, successor, salt, now).await?
        {
            return Ok(Rotation::Rotated { user_id, access_expires, refresh_expires, scope });
        }
        let mut tx = self.pool.begin_with(Self::BEGIN).await.map_err(translate)?;
        // Not live: was it a spent token of a family that is still alive? Then it was stolen.
        let reused = sqlx::query_as::<Db, (String, i64, Option<String>, i64)>(
            "SELECT family_id, rotated_at, rotation_salt, user_id FROM sessions
             WHERE refresh_digest = $1 AND rotated_at IS NOT NULL AND revoked_at IS NULL",
        )
        .bind(refresh_digest)
        .fetch_optional(&mut *tx)
        .await
        .map_err(translate)?;
        let outcome = match reused {
            // Inside the grace window: the caller decides (a retry of a live successor).
            Some((family_id, rotated_at, Some(salt), user_id))
                if grace_since.is_some_and(|since| rotated_at >= since) =>
            {
                Rotation::Retry { family_id, salt, user_id }
            }
            Some((family_id, _, _, user_id)) => {
                revoke(&mut *tx, &family_id, now).await?;
                bump_epoch(&mut tx).await?;
                Rotation::Reused { family_id, user_id }
            }
            None => Rotation::Invalid,
        };
        tx.commit().await.map_err(translate)?;
        Ok(outcome)
    }

    async fn live_successor(
        &self,
        digest: &str,
        family_id: &str,
        client_id: i64,
        now: i64,
    ) -> StoreResult<Option<(i64, i64, String)>> {
        sqlx::query_as::<Db, (i64, i64, String)>(
            "SELECT access_expires, refresh_expires, scope FROM sessions
             WHERE refresh_digest = $1 AND family_id = $2 AND client_id = $3
               AND rotated_at IS NULL AND revoked_at IS NULL AND access_expires > $4",
        )
        .bind(digest)
        .bind(family_id)
        .bind(client_id)
        .bind(now)
        .fetch_optional(&self.pool)
        .await
        .map_err(translate)
    }

    async fn server_secret(&self, name: &str, candidate: &str) -> StoreResult<String> {
        sqlx::query::<Db>("INSERT INTO server_secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING")
            .bind(name)
            .bind(candidate)
            .execute(&self.pool)
            .await
            .map_err(translate)?;
        sqlx::query_scalar::<Db, String>("SELECT value FROM server_secrets WHERE name = $1")
            .bind(name)
            .fetch_one(&self.pool)
            .await
            .map_err(translate)
    }

    async fn family_of_token(&self, digest: &str, user_id: i64, now: i64) -> StoreResult<Option<String>> {
        sqlx::query_scalar::<Db, String>(
            "SELECT family_id FROM sessions
             WHERE (access_digest = $1 OR refresh_digest = $1) AND user_id = $2
               AND revoked_at IS NULL AND refresh_expires > $3
             LIMIT 1",
        )
        .bind(digest)
        .bind(user_id)
        .bind(now)
        .fetch_optional(&self.pool)
        .await
        .map_err(translate)
    }

    async fn revoke_family(&self, family_id: &str, now: i64) -> StoreResult<()> {
        revoke(&self.pool, family_id, now).await
    }

    async fn cache_epoch(&self) -> StoreResult<kordon_core::ports::CacheEpoch> {
        let (all, sessions) = sqlx::query_as::<Db, (i64, i64)>(
            "SELECT value, sessions + COALESCE((SELECT CAST(SUM(n) AS BIGINT) FROM cache_epoch_slots), 0)
                 FROM cache_epoch WHERE id = 1",
        )
        .fetch_one(&self.pool)
        .await
        .map_err(translate)?;
        Ok(kordon_core::ports::CacheEpoch { all, sessions })
    }

    async fn bump_cache_epoch(&self) -> StoreResult<()> {
        sqlx::query::<Db>("UPDATE cache_epoch SET value = value + 1 WHERE id = 1")
            .execute(&self.pool)
            .await
            .map_err(translate)?;
        Ok(())
    }

    async fn create_api_token(
        &self,
        user_id: i64,
        digest: &str,
        prefix: &str,
        (ip, user_agent): (Option<&str>, Option<&str>),
        now: i64,
    ) -> StoreResult<i64> {
        sqlx::query_scalar::<Db, i64>(
            "INSERT INTO api_tokens (user_id, digest, prefix, created_at, ip, user_agent)
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(user_id)
        .bind(digest)
        .bind(prefix)
        .bind(now)
        .bind(ip)
        .bind(user_agent)
        .fetch_one(&self.pool)
        .await
        .map_err(translate)
    }

    async fn api_token_by_digest(&self, digest: &str) -> StoreResult<Option<ApiTokenAuth>> {
        let row = sqlx::query_as::<Db, (i64, i64, Option<i64>)>(
            "SELECT id, user_id, last_used FROM api_tokens WHERE digest = $1",
        )
        .bind(digest)
        .fetch_optional(&self.pool)
        .await
        .map_err(translate)?;
        Ok(row.map(|(id, user_id, last_used)| ApiTokenAuth { id, user_id, last_used }))
    }

    async fn touch_api_token(&self, id: i64, now: i64) -> StoreResult<()> {
        sqlx::query::<Db>(
            "UPDATE api_tokens SET last_used = $1
             WHERE id = $2 AND (last_used IS NULL OR last_used <= $1 - 60)",
        )
        .bind(now)
        .bind(id)
        .execute(&self.pool)
        .await
        .map_err(translate)?;
        Ok(())
    }

    async fn list_api_tokens(&self, user_id: i64, offset: i64, limit: i64) -> StoreResult<(Vec<ApiTokenRow>, i64)> {
        let total = sqlx::query_scalar::<Db, i64>("SELECT COUNT(*) FROM api_tokens WHERE user_id = $1")
            .bind(user_id)
            .fetch_one(&self.pool)
            .await
            .map_err(translate)?;
        let rows = sqlx::query_as::<Db, (i64, String, i64)>(
            "SELECT id, prefix, created_at FROM api_tokens WHERE user_id = $1
             ORDER BY id LIMIT $2 OFFSET $3",
        )
        .bind(user_id)
        .bind(limit)
        .bind(offset)
        .fetch_all(&self.pool)
        .await
        .map_err(translate)?;
        let rows = rows.into_iter().map(|(id, prefix, created_at)| ApiTokenRow { id, prefix, created_at }).collect();
        Ok((rows, total))
    }

    async fn delete_api_token(&self, id: i64, user_id: i64) -> StoreResult<bool> {
        let done = sqlx::query::<Db>("DELETE FROM api_tokens WHERE id = $1 AND user_id = $2")
            .bind(id)
            .bind(user_id)
            .execute(&self.pool)
            .await
            .map_err(translate)?;
        Ok(done.rows_affected() == 1)
    }

    async fn take_cooldown(&self, key: &str, seconds: i64, now: i64) -> StoreResult<bool> {
        let taken = sqlx::query_scalar::<Db, String>(
            "INSERT INTO cooldowns (key, taken_at) VALUES ($1, $2)
             ON CONFLICT (key) DO UPDATE SET taken_at = excluded.taken_at
             WHERE cooldowns.taken_at <= $3
             RETURNING key",
        )
        .bind(key)
        .bind(now)
        .bind(now - seconds)
        .fetch_optional(&self.pool)
        .await
        .map_err(translate)?;
        Ok(taken.is_some())
    }

    async fn release_cooldown(&self, key: &str) -> StoreResult<()> {
        sqlx::query::<Db>("DELETE FROM cooldowns WHERE key = $1")
            .bind(key)
            .execute(&self.pool)
            .await
            .map_err(translate)?;
        Ok(())
    }

    async fn count_hit(&self, key: &str, window_start: i64, limit: i64) -> StoreResult<bool> {
        if limit <= 0 {
            return Ok(false);
        }
        let hits = sqlx::query_scalar::<Db, i64>(
            "INSERT INTO rate_counters (key, window_start, hits) VALUES ($1, $2, 1)
             ON CONFLICT (key, window_start) DO UPDATE SET hits = rate_counters.hits + 1
             WHERE rate_counters.hits < $3
             RETURNING hits",
        )
        .bind(key)
        .bind(window_start)
        .bind(limit)
        .fetch_optional(&self.pool)
        .await
        .map_err(translate)?;
        Ok(hits.is_some())
    }

    async fn create_verification(&self, v: &NewVerification) -> StoreResult<i64> {
        sqlx::query_scalar::<Db, i64>(
            "INSERT INTO verifications (phone, purpose, user_id, token_digest, pin_digest, ip,
                                        expires_at, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(&v.phone)
        .bind(&v.purpose)
        .bind(v.user_id)
        .bind(&v.token_digest)
        .bind(&v.pin_digest)
        .bind(&v.ip)
        .bind(v.expires_at)
        .bind(v.created_at)
        .fetch_one(&self.pool)
        .await
        .map_err(translate)
    }

    async fn delete_verification(&self, id: i64) -> StoreResult<()> {
        sqlx::query::<Db>("DELETE FROM verifications WHERE id = $1")
            .bind(id)
            .execute(&self.pool)
            .await
            .map_err(translate)?;
        Ok(())
    }

    async fn open_verification(
        &self,
        phone: &str,
        purpose: &str,
        token_digest: Option<&str>,
        now: i64,
    ) -> StoreResult<Option<Verification>> {
        let row = sqlx::query_as::<Db, (i64, String, String, String, String, i64)>(
            "SELECT id, phone, purpose, token_digest, pin_digest, expires_at FROM verifications
             WHERE phone = $1 AND purpose = $2 AND spent_at IS NULL AND expires_at > $3
               AND ($4 IS NULL OR token_digest = $4)
             ORDER BY id DESC LIMIT 1",
        )
        .bind(phone)
        .bind(purpose)
        .bind(now)
        .bind(token_digest)
        .fetch_optional(&self.pool)
        .await
        .map_err(translate)?;
        Ok(row.map(|(id, phone, purpose, token_digest, pin_digest, expires_at)| Verification {
            id,
            phone,
            purpose,
            token_digest,
            pin_digest,
            expires_at,
        }))
    }

    async fn try_verification(&self, id: i64, max_attempts: i64) -> StoreResult<bool> {
        let done = sqlx::query::<Db>(
            "UPDATE verifications SET attempts = attempts + 1
             WHERE id = $1 AND attempts < $2 AND spent_at IS NULL",
        )
        .bind(id)
        .bind(max_attempts)
        .execute(&self.pool)
        .await
        .map_err(translate)?;
        Ok(done.rows_affected() == 1)
    }

    async fn spend_verification(&self, id: i64, now: i64) -> StoreResult<bool> {
        let done = sqlx::query::<Db>("UPDATE verifications SET spent_at = $1 WHERE id = $2 AND spent_at IS NULL")
            .bind(now)
            .bind(id)
            .execute(&self.pool)
            .await
            .map_err(translate)?;
        Ok(done.rows_affected() == 1)
    }

    async fn create_reset(&self, user_id: i64, digest: &str, expires_at: i64, now: i64) -> StoreResult<()> {
        sqlx::query::<Db>(
            "INSERT INTO password_resets (user_id, digest, expires_at, created_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(user_id)
        .bind(digest)
        .bind(expires_at)
        .bind(now)
        .execute(&self.pool)
        .await
        .map_err(translate)?;
        Ok(())
    }

    async fn spend_other_resets(&self, user_id: i64, keep: &str, now: i64) -> StoreResult<()> {
        sqlx::query::<Db>(
            "UPDATE password_resets SET spent_at = $1
             WHERE user_id = $2 AND spent_at IS NULL
               AND id < (SELECT id FROM password_resets WHERE digest = $3)",
        )
        .bind(now)
        .bind(user_id)
        .bind(keep)
        .execute(&self.pool)
        .await
        .map_err(translate)?;
        Ok(())
    }

    async fn delete_reset(&self, digest: &str) -> StoreResult<()> {
        sqlx::query::<Db>("DELETE FROM password_resets WHERE digest = $1")
            .bind(digest)
            .execute(&self.pool)
            .await
            .map_err(translate)?;
        Ok(())
    }

    async fn redeem_reset(&self, digest: &str, password_hash: &str, now: i64) -> StoreResult<Option<i64>> {
        let mut tx = self.pool.begin_with(Self::BEGIN).await.map_err(translate)?;
        let user_id = sqlx::query_scalar::<Db, i64>(
            "UPDATE password_resets SET spent_at = $1
             WHERE digest = $2 AND spent_at IS NULL AND expires_at > $1
             RETURNING user_id",
        )
        .bind(now)
        .bind(digest)
        .fetch_optional(&mut *tx)
        .await
        .map_err(translate)?;
        let Some(user_id) = user_id else {
            return Ok(None);
        };
        sqlx::query::<Db>("UPDATE users SET password_hash = $1, password_changed_at = $2 WHERE id = $3")
            .bind(password_hash)
            .bind(now)
            .bind(user_id)
            .execute(&mut *tx)
            .await
            .map_err(translate)?;
        revoke_user(&mut tx, user_id, now).await?;
        super::mfa::drop_app_passwords(&mut tx, user_id).await?;
        tx.commit().await.map_err(translate)?;
        Ok(Some(user_id))
    }

    async fn reset_is_live(&self, digest: &str, now: i64) -> StoreResult<bool> {
        // COUNT: a BIGINT on both databases (a bare `SELECT 1` is an INT4 on PostgreSQL).
        let live = sqlx::query_scalar::<Db, i64>(
            "SELECT COUNT(*) FROM password_resets WHERE digest = $1 AND spent_at IS NULL AND expires_at > $2",
        )
        .bind(digest)
        .bind(now)
        .fetch_one(&self.pool)
        .await
        .map_err(translate)?;
        Ok(live > 0)
    }
}

pub(super) async fn insert_session<'e, E>(executor: E, s: &NewSession) -> StoreResult<i64>
where
    E: sqlx::Executor<'e, Database = Db>,
{
    sqlx::query_scalar::<Db, i64>(
        "INSERT INTO sessions (family_id, user_id, client_id, access_digest, access_expires,
                               refresh_digest, refresh_expires, created_at, ip, user_agent, kind,
                               family_expires, scope)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
    )
    .bind(&s.family_id)
    .bind(s.user_id)
    .bind(s.client_id)
    .bind(&s.access_digest)
    .bind(s.access_expires)
    .bind(&s.refresh_digest)
    .bind(s.refresh_expires)
    .bind(s.created_at)
    .bind(&s.ip)
    .bind(&s.user_agent)
    .bind(s.kind)
    .bind(s.family_expires)
    .bind(&s.scope)
    .fetch_one(executor)
    .await
    .map_err(translate)
}

/// Ends every session of a user (a password change, a disabled user), and with them the
/// row-less client_credentials tokens of the user's applications (their generation moves)
/// and the user's browser sign-ins.
pub(super) async fn revoke_user(tx: &mut sqlx::Transaction<'_, Db>, user_id: i64, now: i64) -> StoreResult<()> {
    sqlx::query::<Db>("UPDATE sessions SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL")
        .bind(now)
        .bind(user_id)
        .execute(&mut **tx)
        .await
        .map_err(translate)?;
    sqlx::query::<Db>("UPDATE users SET token_generation = token_generation + 1 WHERE id = $1")
        .bind(user_id)
        .execute(&mut **tx)
        .await
        .map_err(translate)?;
    // The browser's sign-ins at kordon (SSO) end with them.
    sqlx::query::<Db>("UPDATE login_sessions SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL")
        .bind(now)
        .bind(user_id)
        .execute(&mut **tx)
        .await
        .map_err(translate)?;
    Ok(())
}

/// Moves the sessions' cache epoch inside the transaction that ended sessions, so the news
/// commits with it (no window where the change stands and the epoch did not move).
pub(super) async fn bump_epoch(tx: &mut sqlx::Transaction<'_, Db>) -> StoreResult<()> {
    sqlx::query::<Db>("UPDATE cache_epoch SET sessions = sessions + 1 WHERE id = 1")
        .execute(&mut **tx)
        .await
        .map_err(translate)?;
    Ok(())
}

pub(super) async fn revoke<'e, E>(executor: E, family_id: &str, now: i64) -> StoreResult<()>
where
    E: sqlx::Executor<'e, Database = Db>,
{
    sqlx::query::<Db>("UPDATE sessions SET revoked_at = $1 WHERE family_id = $2 AND revoked_at IS NULL")
        .bind(now)
        .bind(family_id)
        .execute(executor)
        .await
        .map_err(translate)?;
    Ok(())
}
