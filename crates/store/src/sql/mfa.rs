//! The SQL of the second factors (the `MfaStore` port): an authenticator's sealed secret and
//! its last accepted step, recovery codes and app passwords by digest; every spend one
//! conditional statement.

use super::{Db, SqlStore};
use crate::backend::Backend;
use crate::errors::translate;
use kordon_core::ports::{AppPassword, AppPasswordOwner, SecondFactorRule, StoreResult, TotpFactor};

#[async_trait::async_trait]
impl kordon_core::ports::MfaStore for SqlStore {
    async fn totp_factor(&self, user_id: i64) -> StoreResult<Option<TotpFactor>> {
        let row = sqlx::query_as::<Db, (String, i64, i64, Option<i64>)>(
            "SELECT secret, last_step, created_at, confirmed_at FROM totp_factors WHERE user_id = $1",
        )
        .bind(user_id)
        .fetch_optional(&self.pool)
        .await
        .map_err(translate)?;
        Ok(row.map(|(secret, last_step, created_at, confirmed_at)| TotpFactor {
            secret,
            last_step,
            created_at,
            confirmed_at,
        }))
    }

    async fn begin_totp(&self, user_id: i64, sealed: &str, now: i64) -> StoreResult<bool> {
        let done = sqlx::query::<Db>(
            "INSERT INTO totp_factors (user_id, secret, last_step, created_at) VALUES ($1, $2, 0, $3)
             ON CONFLICT (user_id) DO UPDATE SET secret = $2, last_step = 0, created_at = $3
             WHERE totp_factors.confirmed_at IS NULL",
        )
        .bind(user_id)
        .bind(sealed)
        .bind(now)
        .execute(&self.pool)
        .await
        .map_err(translate)?;
        Ok(done.rows_affected() == 1)
    }

    async fn confirm_totp(
        &self,
        user_id: i64,
        sealed: &str,
        step: i64,
        recovery: &[String],
        now: i64,
    ) -> StoreResult<Option<bool>> {
        let mut tx = self.pool.begin_with(Self::BEGIN).await.map_err(translate)?;
        let done = sqlx::query::<Db>(
            "UPDATE totp_factors SET confirmed_at = $3, last_step = $2
             WHERE user_id = $1 AND confirmed_at IS NULL AND secret = $4",
        )
        .bind(user_id)
        .bind(step)
        .bind(now)
        .bind(sealed)
        .execute(&mut *tx)
        .await
        .map_err(translate)?;
        if done.rows_affected() != 1 {
            return Ok(None); // dropped: rolled back
        }
        let stored = put_recovery_codes_if_none(&mut tx, user_id, recovery, now).await?;
        tx.commit().await.map_err(translate)?;
        Ok(Some(stored))
    }

    async fn spend_totp_step(&self, user_id: i64, step: i64) -> StoreResult<bool> {
        let done = sqlx::query::<Db>(
            "UPDATE totp_factors SET last_step = $2
             WHERE user_id = $1 AND last_step < $2 AND confirmed_at IS NOT NULL",
        )
        .bind(user_id)
        .bind(step)
        .execute(&self.pool)
        .await
        .map_err(translate)?;
        Ok(done.rows_affected() == 1)
    }

    async fn remove_totp(&self, user_id: i64) -> StoreResult<bool> {
        let mut tx = self.pool.begin_with(Self::BEGIN).await.map_err(translate)?;
        let done = sqlx::query::<Db>("DELETE FROM totp_factors WHERE user_id = $1")
            .bind(user_id)
            .execute(&mut *tx)
            .await
            .map_err(translate)?;
        drop_recovery_codes_if_no_factor(&mut tx, user_id).await?;
        tx.commit().await.map_err(translate)?;
        Ok(done.rows_affected() == 1)
    }

    async fn second_factor_rule(&self, user_id: i64) -> StoreResult<SecondFactorRule> {
        // COUNT: a BIGINT on both databases.
        let (on, tenant) = sqlx::query_as::<Db, (i64, i64)>(
            "SELECT (SELECT COUNT(*) FROM totp_factors WHERE user_id = $1 AND confirmed_at IS NOT NULL)
                  + (SELECT COUNT(*) FROM flashcall_factors f JOIN users u ON u.id = f.user_id
                     WHERE f.user_id = $1 AND u.phone IS NOT NULL)
                  + (SELECT COUNT(*) FROM passkeys WHERE user_id = $1),
                    (SELECT COUNT(*) FROM users u JOIN accounts a ON a.id = u.account_id
                     WHERE u.id = $1 AND a.require_mfa)",
        )
        .bind(user_id)
        .fetch_one(&self.pool)
        .await
        .map_err(translate)?;
        Ok(SecondFactorRule { on: on > 0, tenant: tenant > 0 })
    }

    async fn flashcall_factor(&self, user_id: i64) -> StoreResult<bool> {
        let on = sqlx::query_scalar::<Db, i64>("SELECT COUNT(*) FROM flashcall_factors WHERE user_id = $1")
            .bind(user_id)
            .fetch_one(&self.pool)
            .await
            .map_err(translate)?;
        Ok(on > 0)
    }

    async fn add_flashcall_factor(&self, user_id: i64, recovery: &[String], now: i64) -> StoreResult<Option<bool>> {
        let mut tx = self.pool.begin_with(Self::BEGIN).await.map_err(translate)?;
        let done = sqlx::query::<Db>(
            "INSERT INTO flashcall_factors (user_id, created_at) VALUES ($1, $2) ON CONFLICT (user_id) DO NOTHING",
        )
        .bind(user_id)
        .bind(now)
        .execute(&mut *tx)
        .await
        .map_err(translate)?;
        if done.rows_affected() != 1 {
            return Ok(None); // on already: rolled back
        }
        let stored = put_recovery_codes_if_none(&mut tx, user_id, recovery, now).await?;
        tx.commit().await.map_err(translate)?;
        Ok(Some(stored))
    }

    async fn reset_second_factors(&self, user_id: i64) -> StoreResult<bool> {
        let mut tx = self.pool.begin_with(Self::BEGIN).await.map_err(translate)?;
        let mut had = 0;
        for statement in [
            "DELETE FROM totp_factors WHERE user_id = $1 AND confirmed_at IS NOT NULL",
            "DELETE FROM flashcall_factors WHERE user_id = $1",
            "DELETE FROM passkeys WHERE user_id = $1",
        ] {
            had +=
                sqlx::query::<Db>(statement).bind(user_id).execute(&mut *tx).await.map_err(translate)?.rows_affected();
        }
        // An enrolment never confirmed goes too, and the recovery codes with the factors.
        for statement in
            ["DELETE FROM totp_factors WHERE user_id = $1", "DELETE FROM recovery_codes WHERE user_id = $1"]
        {
            sqlx::query::<Db>(statement).bind(user_id).execute(&mut *tx).await.map_err(translate)?;
        }
        tx.commit().await.map_err(translate)?;
        Ok(had > 0)
    }

    async fn remove_flashcall_factor(&self, user_id: i64) -> StoreResult<bool> {
        let mut tx = self.pool.begin_with(Self::BEGIN).await.map_err(translate)?;
        let done = sqlx::query::<Db>("DELETE FROM flashcall_factors WHERE user_id = $1")
            .bind(user_id)
            .execute(&mut *tx)
            .await
            .map_err(translate)?;
        drop_recovery_codes_if_no_factor(&mut tx, user_id).await?;
        tx.commit().await.map_err(translate)?;
        Ok(done.rows_affected() == 1)
    }

    async fn totp_secrets(&self) -> StoreResult<Vec<(i64, String)>> {
        sqlx::query_as::<Db, (i64, String)>("SELECT user_id, secret FROM totp_factors ORDER BY user_id")
            .fetch_all(&self.pool)
            .await
            .map_err(translate)
    }

    async fn reseal_totp_secrets(&self, changes: &[(i64, String, String)]) -> StoreResult<u64> {
        let mut tx = self.pool.begin_with(Self::BEGIN).await.map_err(translate)?;
        let mut moved = 0;
        for (user_id, old, new) in changes {
            moved += sqlx::query::<Db>("UPDATE totp_factors SET secret = $3 WHERE user_id = $1 AND secret = $2")
                .bind(user_id)
                .bind(old)
                .bind(new)
                .execute(&mut *tx)
                .await
                .map_err(translate)?
                .rows_affected();
        }
        tx.commit().await.map_err(translate)?;
        Ok(moved)
    }

    async fn replace_recovery_codes(&self, user_id: i64, digests: &[String], now: i64) -> StoreResult<()> {
        let mut tx = self.pool.begin_with(Self::BEGIN).await.map_err(translate)?;
        put_recovery_codes(&mut tx, user_id, digests, now).await?;
        tx.commit().await.map_err(translate)
    }

    async fn spend_recovery_code(&self, user_id: i64, digest: &str, now: i64) -> StoreResult<bool> {
        let done = sqlx::query::<Db>(
            "UPDATE recovery_codes SET used_at = $3 WHERE user_id = $1 AND digest = $2 AND used_at IS NULL",
        )
        .bind(user_id)
        .bind(digest)
        .bind(now)
        .execute(&self.pool)
        .await
        .map_err(translate)?;
        Ok(done.rows_affected() == 1)
    }

    async fn recovery_codes_left(&self, user_id: i64) -> StoreResult<i64> {
        sqlx::query_scalar::<Db, i64>("SELECT COUNT(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL")
            .bind(user_id)
            .fetch_one(&self.pool)
            .await
            .map_err(translate)
    }

    async fn create_app_password(
        &self,
        user_id: i64,
        name: &str,
        digest: &str,
        prefix: &str,
        cap: i64,
        now: i64,
    ) -> StoreResult<Option<i64>> {
        sqlx::query_scalar::<Db, i64>(
            "INSERT INTO app_passwords (user_id, name, digest, prefix, created_at)
             SELECT $1, $2, $3, $4, $5 WHERE (SELECT COUNT(*) FROM app_passwords WHERE user_id = $1) < $6
             RETURNING id",
        )
        .bind(user_id)
        .bind(name)
        .bind(digest)
        .bind(prefix)
        .bind(now)
        .bind(cap)
        .fetch_optional(&self.pool)
        .await
        .map_err(translate)
    }

    async fn app_passwords(&self, user_id: i64) -> StoreResult<Vec<AppPassword>> {
        let rows = sqlx::query_as::<Db, (i64, String, String, i64, Option<i64>)>(
            "SELECT id, name, prefix, created_at, last_used FROM app_passwords WHERE user_id = $1 ORDER BY id",
        )
        .bind(user_id)
        .fetch_all(&self.pool)
        .await
        .map_err(translate)?;
        Ok(rows
            .into_iter()
            .map(|(id, name, prefix, created_at, last_used)| AppPassword { id, name, prefix, created_at, last_used })
            .collect())
    }

    async fn app_password_by_digest(&self, digest: &str) -> StoreResult<Option<AppPasswordOwner>> {
        let row = sqlx::query_as::<Db, (i64, i64, Option<i64>)>(
            "SELECT id, user_id, last_used FROM app_passwords WHERE digest = $1",
        )
        .bind(digest)
        .fetch_optional(&self.pool)
        .await
        .map_err(translate)?;
        Ok(row.map(|(id, user_id, last_used)| AppPasswordOwner { id, user_id, last_used }))
    }

    async fn touch_app_password(&self, id: i64, now: i64) -> StoreResult<()> {
        sqlx::query::<Db>(
            "UPDATE app_passwords SET last_used = $1 WHERE id = $2 AND (last_used IS NULL OR last_used <= $1 - 60)",
        )
        .bind(now)
        .bind(id)
        .execute(&self.pool)
        .await
        .map_err(translate)?;
        Ok(())
    }

    async fn delete_app_password(&self, id: i64, user_id: i64) -> StoreResult<bool> {
        let done = sqlx::query::<Db>("DELETE FROM app_passwords WHERE id = $1 AND user_id = $2")
            .bind(id)
            .bind(user_id)
            .execute(&self.pool)
            .await
            .map_err(translate)?;
        Ok(done.rows_affected() == 1)
    }
}

/// Ends the person's app passwords inside the transaction that changes their password: they
/// stand in for the password, and whoever made one may not be its owner.
pub(super) async fn drop_app_passwords(tx: &mut sqlx::Transaction<'_, Db>, user_id: i64) -> StoreResult<()> {
    sqlx::query::<Db>("DELETE FROM app_passwords WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut **tx)
        .await
        .map_err(translate)?;
    Ok(())
}

/// Stores `digests` as the person's recovery codes when they have no unused one left (a factor
/// switched on comes with codes); whether they were stored.
pub(super) async fn put_recovery_codes_if_none(
    tx: &mut sqlx::Transaction<'_, Db>,
    user_id: i64,
    digests: &[String],
    now: i64,
) -> StoreResult<bool> {
    let left =
        sqlx::query_scalar::<Db, i64>("SELECT COUNT(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL")
            .bind(user_id)
            .fetch_one(&mut **tx)
            .await
            .map_err(translate)?;
    if left == 0 {
        put_recovery_codes(tx, user_id, digests, now).await?;
    }
    Ok(left == 0)
}

/// The person's recovery codes go when no second factor is left (after one was removed in `tx`).
pub(super) async fn drop_recovery_codes_if_no_factor(
    tx: &mut sqlx::Transaction<'_, Db>,
    user_id: i64,
) -> StoreResult<()> {
    sqlx::query::<Db>(
        "DELETE FROM recovery_codes WHERE user_id = $1
         AND NOT EXISTS (SELECT 1 FROM totp_factors WHERE user_id = $1 AND confirmed_at IS NOT NULL)
         AND NOT EXISTS (SELECT 1 FROM flashcall_factors WHERE user_id = $1)
         AND NOT EXISTS (SELECT 1 FROM passkeys WHERE user_id = $1)",
    )
    .bind(user_id)
    .execute(&mut **tx)
    .await
    .map_err(translate)?;
    Ok(())
}

/// The person's recovery codes, replaced by `digests` (old ones, used or not, go).
async fn put_recovery_codes(
    tx: &mut sqlx::Transaction<'_, Db>,
    user_id: i64,
    digests: &[String],
    now: i64,
) -> StoreResult<()> {
    sqlx::query::<Db>("DELETE FROM recovery_codes WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut **tx)
        .await
        .map_err(translate)?;
    for digest in digests {
        sqlx::query::<Db>("INSERT INTO recovery_codes (user_id, digest, created_at) VALUES ($1, $2, $3)")
            .bind(user_id)
            .bind(digest)
            .bind(now)
            .execute(&mut **tx)
            .await
            .map_err(translate)?;
    }
    Ok(())
}
