//! The SQL of passkeys (the `PasskeyStore` port): a person's user handle, their credentials, and
//! the ceremonies under way — each taken by one `DELETE … RETURNING`, each use of a credential one
//! compare-and-set of its counter.

use super::{Db, SqlStore};
use crate::backend::Backend;
use crate::errors::translate;
use kordon_core::ports::{Ceremony, NewPasskey, StoreResult, StoredPasskey};

type PasskeyRow = (i64, i64, String, String, String, String, String, i64, Option<i64>);

/// The columns of a [`PasskeyRow`], for `concat!` (sqlx takes only literal SQL).
macro_rules! passkey_columns {
    () => {
        "id, user_id, credential_id, public_key, state, name, attachment, created_at, last_used"
    };
}

fn passkey(
    (id, user_id, credential_id, public_key, state, name, attachment, created_at, last_used): PasskeyRow,
) -> StoredPasskey {
    StoredPasskey { id, user_id, credential_id, public_key, state, name, attachment, created_at, last_used }
}

#[async_trait::async_trait]
impl kordon_core::ports::PasskeyStore for SqlStore {
    async fn webauthn_handle(&self, user_id: i64, fresh: &str) -> StoreResult<String> {
        sqlx::query::<Db>("UPDATE users SET webauthn_handle = $2 WHERE id = $1 AND webauthn_handle IS NULL")
            .bind(user_id)
            .bind(fresh)
            .execute(&self.pool)
            .await
            .map_err(translate)?;
        sqlx::query_scalar::<Db, Option<String>>("SELECT webauthn_handle FROM users WHERE id = $1")
            .bind(user_id)
            .fetch_one(&self.pool)
            .await
            .map_err(translate)?
            .ok_or(kordon_core::ports::StoreError::NotFound)
    }

    async fn user_of_webauthn_handle(&self, handle: &str) -> StoreResult<Option<i64>> {
        sqlx::query_scalar::<Db, i64>("SELECT id FROM users WHERE webauthn_handle = $1")
            .bind(handle)
            .fetch_optional(&self.pool)
            .await
            .map_err(translate)
    }

    async fn put_ceremony(&self, challenge: &str, ceremony: &Ceremony, now: i64) -> StoreResult<()> {
        sqlx::query::<Db>(
            "INSERT INTO webauthn_ceremonies (challenge, user_id, purpose, state, expires_at, created_at)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(challenge)
        .bind(ceremony.user_id)
        .bind(&ceremony.purpose)
        .bind(&ceremony.state)
        .bind(ceremony.expires_at)
        .bind(now)
        .execute(&self.pool)
        .await
        .map_err(translate)?;
        Ok(())
    }

    async fn take_ceremony(&self, challenge: &str) -> StoreResult<Option<Ceremony>> {
        let row = sqlx::query_as::<Db, (Option<i64>, String, String, i64)>(
            "DELETE FROM webauthn_ceremonies WHERE challenge = $1 RETURNING user_id, purpose, state, expires_at",
        )
        .bind(challenge)
        .fetch_optional(&self.pool)
        .await
        .map_err(translate)?;
        Ok(row.map(|(user_id, purpose, state, expires_at)| Ceremony { user_id, purpose, state, expires_at }))
    }

    async fn passkeys(&self, user_id: i64) -> StoreResult<Vec<StoredPasskey>> {
        let rows = sqlx::query_as::<Db, PasskeyRow>(concat!(
            "SELECT ",
            passkey_columns!(),
            " FROM passkeys WHERE user_id = $1 ORDER BY id"
        ))
        .bind(user_id)
        .fetch_all(&self.pool)
        .await
        .map_err(translate)?;
        Ok(rows.into_iter().map(passkey).collect())
    }

    async fn passkey_by_credential(&self, credential_id: &str) -> StoreResult<Option<StoredPasskey>> {
        let row = sqlx::query_as::<Db, PasskeyRow>(concat!(
            "SELECT ",
            passkey_columns!(),
            " FROM passkeys WHERE credential_id = $1"
        ))
        .bind(credential_id)
        .fetch_optional(&self.pool)
        .await
        .map_err(translate)?;
        Ok(row.map(passkey))
    }

    async fn add_passkey(
        &self,
        new: &NewPasskey<'_>,
        cap: i64,
        recovery: &[String],
        now: i64,
    ) -> StoreResult<Option<bool>> {
        let mut tx = self.pool.begin_with(Self::BEGIN).await.map_err(translate)?;
        let added = sqlx::query_scalar::<Db, i64>(
            "INSERT INTO passkeys (user_id, credential_id, public_key, state, name, attachment, created_at)
             SELECT $1, $2, $3, $4, $5, $6, $7 WHERE (SELECT COUNT(*) FROM passkeys WHERE user_id = $1) < $8
             RETURNING id",
        )
        .bind(new.user_id)
        .bind(new.credential_id)
        .bind(new.public_key)
        .bind(new.state)
        .bind(new.name)
        .bind(new.attachment)
        .bind(now)
        .bind(cap)
        .fetch_optional(&mut *tx)
        .await
        .map_err(translate)?;
        if added.is_none() {
            return Ok(None); // at the cap: rolled back
        }
        let stored = super::mfa::put_recovery_codes_if_none(&mut tx, new.user_id, recovery, now).await?;
        tx.commit().await.map_err(translate)?;
        Ok(Some(stored))
    }

    async fn use_passkey(&self, id: i64, old: &str, new: &str, now: i64) -> StoreResult<bool> {
        let done = sqlx::query::<Db>("UPDATE passkeys SET state = $3, last_used = $4 WHERE id = $1 AND state = $2")
            .bind(id)
            .bind(old)
            .bind(new)
            .bind(now)
            .execute(&self.pool)
            .await
            .map_err(translate)?;
        Ok(done.rows_affected() == 1)
    }

    async fn remove_passkey(&self, user_id: i64, id: i64) -> StoreResult<bool> {
        let mut tx = self.pool.begin_with(Self::BEGIN).await.map_err(translate)?;
        let done = sqlx::query::<Db>("DELETE FROM passkeys WHERE user_id = $1 AND id = $2")
            .bind(user_id)
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(translate)?;
        if done.rows_affected() != 1 {
            return Ok(false);
        }
        super::mfa::drop_recovery_codes_if_no_factor(&mut tx, user_id).await?;
        tx.commit().await.map_err(translate)?;
        Ok(true)
    }
}
