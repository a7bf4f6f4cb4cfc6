//! The SQL of OAuth's state (signing keys, token lookup and revocation, an account's
//! applications), one text for both databases (see `sql`).

use super::{Db, SqlStore};
use crate::backend::Backend;
use crate::errors::translate;
use kordon_core::ports::StoreResult;
use kordon_core::types::{Application, StoredKey, TokenInfo};

#[async_trait::async_trait]
impl kordon_core::ports::OAuthStore for SqlStore {
    async fn signing_keys(&self) -> StoreResult<Vec<StoredKey>> {
        let rows = sqlx::query_as::<Db, (String, String, String, i64, Option<i64>)>(
            "SELECT kid, algorithm, private_pem, created_at, not_after FROM signing_keys ORDER BY (not_after IS NULL), created_at, kid",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(translate)?;
        Ok(rows
            .into_iter()
            .map(|(kid, algorithm, private_key, created_at, not_after)| StoredKey {
                kid,
                algorithm,
                private_key,
                created_at,
                not_after,
            })
            .collect())
    }

    async fn longest_client_ttl(&self) -> StoreResult<Option<i64>> {
        sqlx::query_scalar::<Db, Option<i64>>("SELECT MAX(access_ttl) FROM clients")
            .fetch_one(&self.pool)
            .await
            .map_err(translate)
    }

    async fn add_signing_key(
        &self,
        key: &StoredKey,
        retire_others_at: Option<i64>,
        audit: Option<&kordon_core::audit::AuditEvent>,
    ) -> StoreResult<()> {
        let mut tx = self.pool.begin_with(Self::BEGIN).await.map_err(translate)?;
        if let Some(at) = retire_others_at {
            sqlx::query::<Db>("UPDATE signing_keys SET not_after = $1 WHERE not_after IS NULL")
                .bind(at)
                .execute(&mut *tx)
                .await
                .map_err(translate)?;
        }
        sqlx::query::<Db>(
            "INSERT INTO signing_keys (kid, algorithm, private_pem, created_at, not_after)
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&key.kid)
        .bind(&key.algorithm)
        .bind(&key.private_key)
        .bind(key.created_at)
        .bind(key.not_after)
        .execute(&mut *tx)
        .await
        .map_err(translate)?;
        if let Some(a) = audit {
            super::audit::write_event(&mut *tx, &a.clone().subject(format!("key:{}", key.kid))).await?;
        }
        tx.commit().await.map_err(translate)
    }

    async fn reseal_signing_keys(
        &self,
        rows: &[(String, String, String)],
        audit: Option<&kordon_core::audit::AuditEvent>,
    ) -> StoreResult<u64> {
        let mut tx = self.pool.begin_with(Self::BEGIN).await.map_err(translate)?;
        let mut done = 0;
        for (kid, from, to) in rows {
            done += sqlx::query::<Db>("UPDATE signing_keys SET private_pem = $3 WHERE kid = $1 AND private_pem = $2")
                .bind(kid)
                .bind(from)
                .bind(to)
                .execute(&mut *tx)
                .await
                .map_err(translate)?
                .rows_affected();
        }
        if let Some(a) = audit {
            super::audit::write_event(&mut *tx, &a.clone().subject("keys")).await?;
        }
        tx.commit().await.map_err(translate)?;
        Ok(done)
    }

    async fn revoke_token(&self, digest: &str, client_id: i64, now: i64) -> StoreResult<bool> {
        let done = sqlx::query::<Db>(
            "UPDATE sessions SET revoked_at = $1
             WHERE revoked_at IS NULL AND family_id IN (
                 SELECT family_id FROM sessions
                 WHERE (access_digest = $2 OR refresh_digest = $2) AND client_id = $3)",
        )
        .bind(now)
        .bind(digest)
        .bind(client_id)
        .execute(&self.pool)
        .await
        .map_err(translate)?;
        Ok(done.rows_affected() > 0)
    }

    async fn revoke_jti(&self, jti: &str, client_id: i64, expires_at: i64) -> StoreResult<bool> {
        let done = sqlx::query::<Db>(
            "INSERT INTO revoked_jtis (jti, client_id, expires_at) VALUES ($1, $2, $3)
             ON CONFLICT (jti) DO NOTHING",
        )
        .bind(jti)
        .bind(client_id)
        .bind(expires_at)
        .execute(&self.pool)
        .await
        .map_err(translate)?;
        Ok(done.rows_affected() > 0)
    }

    async fn jti_revoked(&self, jti: &str) -> StoreResult<bool> {
        // COUNT(*) is a BIGINT on both databases (a bare `1` is an INT4 on PostgreSQL).
        let found = sqlx::query_scalar::<Db, i64>("SELECT COUNT(*) FROM revoked_jtis WHERE jti = $1")
            .bind(jti)
            .fetch_one(&self.pool)
            .await
            .map_err(translate)?;
        Ok(found > 0)
    }

    async fn token_info(&self, digest: &str, now: i64) -> StoreResult<Option<TokenInfo>> {
        let row = sqlx::query_as::<Db, (i64, i64, String, String, i64, i64, i64, Option<i64>)>(
            "SELECT user_id, client_id, kind, access_digest, access_expires, refresh_expires, created_at, rotated_at
             FROM sessions
             WHERE (access_digest = $1 OR refresh_digest = $1) AND revoked_at IS NULL",
        )
        .bind(digest)
        .fetch_optional(&self.pool)
        .await
        .map_err(translate)?;
        let Some((user_id, client_id, kind, access_digest, access_expires, refresh_expires, issued, rotated)) = row
        else {
            return Ok(None);
        };
        let refresh = access_digest != digest;
        let expires = if refresh { refresh_expires } else { access_expires };
        if rotated.is_some() || expires <= now {
            return Ok(None);
        }
        Ok(Some(TokenInfo { user_id, client_id, kind, refresh, expires, issued }))
    }

    async fn applications(&self, account_id: i64) -> StoreResult<Vec<Application>> {
        let rows = sqlx::query_as::<Db, (i64, String, i64)>(
            "SELECT c.id, c.name, c.created_at FROM clients c JOIN users u ON u.id = c.owner_user_id
             WHERE u.account_id = $1 ORDER BY c.id",
        )
        .bind(account_id)
        .fetch_all(&self.pool)
        .await
        .map_err(translate)?;
        Ok(rows.into_iter().map(|(id, name, created_at)| Application { id, name, created_at }).collect())
    }

    async fn delete_application(&self, id: i64, account_id: i64, now: i64) -> StoreResult<bool> {
        let mut tx = self.pool.begin_with(Self::BEGIN).await.map_err(translate)?;
        let done = sqlx::query::<Db>(
            "DELETE FROM clients WHERE id = $1
               AND owner_user_id IN (SELECT id FROM users WHERE account_id = $2)",
        )
        .bind(id)
        .bind(account_id)
        .execute(&mut *tx)
        .await
        .map_err(translate)?;
        if done.rows_affected() == 0 {
            return Ok(false);
        }
        forget_client(&mut tx, id, now).await?;
        tx.commit().await.map_err(translate)?;
        Ok(true)
    }
}

/// What outlives a deleted client's row, in the deleting transaction: its consents and codes go
/// (they name the client by id only, so a client made later under the same id, `client create
/// --id`, inherits nothing) and its sessions are revoked.
pub(super) async fn forget_client(tx: &mut sqlx::Transaction<'_, Db>, id: i64, now: i64) -> StoreResult<()> {
    for sql in ["DELETE FROM consents WHERE client_id = $1", "DELETE FROM authorization_codes WHERE client_id = $1"] {
        sqlx::query::<Db>(sql).bind(id).execute(&mut **tx).await.map_err(translate)?;
    }
    sqlx::query::<Db>("UPDATE sessions SET revoked_at = $1 WHERE client_id = $2 AND revoked_at IS NULL")
        .bind(now)
        .bind(id)
        .execute(&mut **tx)
        .await
        .map_err(translate)?;
    Ok(())
}
