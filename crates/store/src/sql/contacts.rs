//! The SQL of contacts (the `ContactStore` port): mailed links that prove an address, each taken
//! by one `DELETE … RETURNING` inside the transaction that writes what it proves, and a person's
//! new phone.

use super::{Db, SqlStore};
use crate::backend::Backend;
use crate::errors::translate;
use kordon_core::ports::{EmailConfirmed, EmailPurpose, PendingEmail, StoreError, StoreResult};

fn purpose(text: &str) -> StoreResult<EmailPurpose> {
    EmailPurpose::parse(text).ok_or_else(|| StoreError::Other(format!("unknown email link purpose {text:?}")))
}

#[async_trait::async_trait]
impl kordon_core::ports::ContactStore for SqlStore {
    async fn put_email_link(
        &self,
        digest: &str,
        link: &PendingEmail,
        email_key: &str,
        expires_at: i64,
        now: i64,
    ) -> StoreResult<()> {
        // One statement: two requests at once leave one link, the later one.
        sqlx::query::<Db>(
            "INSERT INTO email_changes (digest, user_id, email, email_key, purpose, expires_at, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)
             ON CONFLICT (user_id) DO UPDATE SET digest = excluded.digest, email = excluded.email,
                 email_key = excluded.email_key, purpose = excluded.purpose,
                 expires_at = excluded.expires_at, created_at = excluded.created_at",
        )
        .bind(digest)
        .bind(link.user_id)
        .bind(&link.email)
        .bind(email_key)
        .bind(link.purpose.as_str())
        .bind(expires_at)
        .bind(now)
        .execute(&self.pool)
        .await
        .map_err(translate)?;
        Ok(())
    }

    async fn drop_email_link(&self, digest: &str) -> StoreResult<()> {
        sqlx::query::<Db>("DELETE FROM email_changes WHERE digest = $1")
            .bind(digest)
            .execute(&self.pool)
            .await
            .map_err(translate)?;
        Ok(())
    }

    async fn email_link(&self, digest: &str, now: i64) -> StoreResult<Option<PendingEmail>> {
        let row = sqlx::query_as::<Db, (i64, String, String)>(
            "SELECT user_id, email, purpose FROM email_changes WHERE digest = $1 AND expires_at > $2",
        )
        .bind(digest)
        .bind(now)
        .fetch_optional(&self.pool)
        .await
        .map_err(translate)?;
        row.map(|(user_id, email, p)| Ok(PendingEmail { user_id, email, purpose: purpose(&p)? })).transpose()
    }

    async fn follow_email_link(&self, digest: &str, now: i64) -> StoreResult<EmailConfirmed> {
        let mut tx = self.pool.begin_with(Self::BEGIN).await.map_err(translate)?;
        let taken = sqlx::query_as::<Db, (i64, String, String, String, i64)>(
            "DELETE FROM email_changes WHERE digest = $1 RETURNING user_id, email, email_key, purpose, expires_at",
        )
        .bind(digest)
        .fetch_optional(&mut *tx)
        .await
        .map_err(translate)?;
        let Some((user_id, email, email_key, p)) =
            taken.filter(|row| row.4 > now).map(|(user, email, key, p, _)| (user, email, key, p))
        else {
            tx.commit().await.map_err(translate)?;
            return Ok(EmailConfirmed::Dead);
        };
        let purpose = purpose(&p)?;
        let before = sqlx::query_scalar::<Db, String>("SELECT email FROM users WHERE id = $1")
            .bind(user_id)
            .fetch_one(&mut *tx)
            .await
            .map_err(translate)?;
        let outcome = match purpose {
            EmailPurpose::Verify => {
                let done =
                    sqlx::query::<Db>("UPDATE users SET email_verified_at = $1 WHERE id = $2 AND email_key = $3")
                        .bind(now)
                        .bind(user_id)
                        .bind(&email_key)
                        .execute(&mut *tx)
                        .await
                        .map_err(translate)?;
                match done.rows_affected() {
                    0 => EmailConfirmed::Stale { user_id },
                    _ => EmailConfirmed::Done { user_id, before, email, purpose },
                }
            }
            EmailPurpose::Change => {
                // Looked for first: a unique violation would abort PostgreSQL's transaction, and
                // the spent link must stay spent.
                let others =
                    sqlx::query_scalar::<Db, i64>("SELECT COUNT(*) FROM users WHERE email_key = $1 AND id <> $2")
                        .bind(&email_key)
                        .bind(user_id)
                        .fetch_one(&mut *tx)
                        .await
                        .map_err(translate)?;
                if others > 0 {
                    EmailConfirmed::Taken { user_id }
                } else {
                    // Reset links went to the address that was. Spent before the user row is
                    // written, in the order a reset takes them (its link, then the user), so the
                    // two never wait on each other.
                    sqlx::query::<Db>(
                        "UPDATE password_resets SET spent_at = $1 WHERE user_id = $2 AND spent_at IS NULL",
                    )
                    .bind(now)
                    .bind(user_id)
                    .execute(&mut *tx)
                    .await
                    .map_err(translate)?;
                    // A registration of the same address since the count ends in the unique
                    // rule: `Conflict`, and the transaction (the link's spending too) rolls back.
                    sqlx::query::<Db>(
                        "UPDATE users SET email = $1, email_key = $2, email_verified_at = $3 WHERE id = $4",
                    )
                    .bind(&email)
                    .bind(&email_key)
                    .bind(now)
                    .bind(user_id)
                    .execute(&mut *tx)
                    .await
                    .map_err(translate)?;
                    EmailConfirmed::Done { user_id, before, email, purpose }
                }
            }
        };
        tx.commit().await.map_err(translate)?;
        Ok(outcome)
    }

    async fn set_phone(&self, user_id: i64, phone: &str) -> StoreResult<bool> {
        let done = sqlx::query::<Db>(
            "UPDATE users SET phone = $1 WHERE id = $2 AND NOT EXISTS (SELECT 1 FROM users WHERE phone = $1 AND id <> $2)",
        )
        .bind(phone)
        .bind(user_id)
        .execute(&self.pool)
        .await;
        match done {
            Ok(done) => Ok(done.rows_affected() == 1),
            // Two people taking one number at once: one wins, the other is told it is taken.
            Err(err) => match translate(err) {
                StoreError::Conflict(_) => Ok(false),
                other => Err(other),
            },
        }
    }
}
