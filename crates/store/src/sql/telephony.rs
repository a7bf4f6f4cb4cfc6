//! The SQL of telephony (the `TelephonyStore` port): the sealed shared secrets, oldest first,
//! and a person's SIP user, each change in one transaction with its audit line.

use super::{Db, SqlStore};
use crate::backend::Backend;
use crate::errors::translate;
use kordon_core::audit::AuditEvent;
use kordon_core::ports::{StoreError, StoreResult, StoredTelephonySecret};

#[async_trait::async_trait]
impl kordon_core::ports::TelephonyStore for SqlStore {
    async fn telephony_secrets(&self) -> StoreResult<Vec<StoredTelephonySecret>> {
        let rows = sqlx::query_as::<Db, (i64, String, i64)>(
            "SELECT id, secret, created_at FROM telephony_secrets ORDER BY id",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(translate)?;
        Ok(rows.into_iter().map(|(id, sealed, created_at)| StoredTelephonySecret { id, sealed, created_at }).collect())
    }

    async fn add_telephony_secret(&self, sealed: &str, now: i64, audit: &AuditEvent) -> StoreResult<i64> {
        let mut tx = self.pool.begin_with(Self::BEGIN).await.map_err(translate)?;
        let id = sqlx::query_scalar::<Db, i64>(
            "INSERT INTO telephony_secrets (secret, created_at) VALUES ($1, $2) RETURNING id",
        )
        .bind(sealed)
        .bind(now)
        .fetch_one(&mut *tx)
        .await
        .map_err(translate)?;
        super::audit::write_event(&mut *tx, &audit.clone().subject(format!("telephony-secret:{id}"))).await?;
        tx.commit().await.map_err(translate)?;
        Ok(id)
    }

    async fn remove_telephony_secret(&self, id: i64, audit: &AuditEvent) -> StoreResult<bool> {
        let mut tx = self.pool.begin_with(Self::BEGIN).await.map_err(translate)?;
        let gone = sqlx::query::<Db>("DELETE FROM telephony_secrets WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(translate)?
            .rows_affected();
        if gone == 0 {
            return Ok(false);
        }
        super::audit::write_event(&mut *tx, &audit.clone().subject(format!("telephony-secret:{id}"))).await?;
        tx.commit().await.map_err(translate)?;
        Ok(true)
    }

    async fn reseal_telephony_secrets(&self, changes: &[(i64, String, String)]) -> StoreResult<u64> {
        let mut tx = self.pool.begin_with(Self::BEGIN).await.map_err(translate)?;
        let mut done = 0;
        for (id, from, to) in changes {
            done += sqlx::query::<Db>("UPDATE telephony_secrets SET secret = $3 WHERE id = $1 AND secret = $2")
                .bind(id)
                .bind(from)
                .bind(to)
                .execute(&mut *tx)
                .await
                .map_err(translate)?
                .rows_affected();
        }
        tx.commit().await.map_err(translate)?;
        Ok(done)
    }

    async fn set_sip_user(&self, user_id: i64, sip_user: Option<&str>, audit: &AuditEvent) -> StoreResult<()> {
        let mut tx = self.pool.begin_with(Self::BEGIN).await.map_err(translate)?;
        let done = sqlx::query::<Db>("UPDATE users SET sip_user = $1 WHERE id = $2")
            .bind(sip_user)
            .bind(user_id)
            .execute(&mut *tx)
            .await
            .map_err(translate)?
            .rows_affected();
        if done == 0 {
            return Err(StoreError::NotFound);
        }
        super::audit::write_event(&mut *tx, audit).await?;
        tx.commit().await.map_err(translate)?;
        Ok(())
    }

    async fn user_by_sip(&self, domain: &str, sip_user: &str) -> StoreResult<Option<i64>> {
        sqlx::query_scalar::<Db, i64>(
            "SELECT users.id FROM users JOIN accounts ON accounts.id = users.account_id
             WHERE LOWER(accounts.domain) = $1 AND users.sip_user = $2",
        )
        .bind(domain)
        .bind(sip_user)
        .fetch_optional(&self.pool)
        .await
        .map_err(translate)
    }
}
