//! The SQL of the `Store` port itself — clients, accounts and their users, PBX domains and roles,
//! account managers, and housekeeping (ping, purging expired rows) — one text for both databases
//! (see `sql`). The other ports have their own files beside this one.

use super::tokens::{insert_session, revoke_user};
use super::{Db, SqlStore};
use crate::backend::Backend;
use crate::errors::translate;
use crate::rows::{ClientRow, DomainRow, ManagerRow, RoleRow, UserRow, domain_columns, user_columns};
use kordon_core::ports::Store;
use kordon_core::ports::{StoreError, StoreResult};
use kordon_core::types::{AccountChoice, Client, Domain, Manager, NewClient, NewSession, NewUser, PbxRole, User};

#[async_trait::async_trait]
impl Store for SqlStore {
    async fn ping(&self) -> StoreResult<()> {
        sqlx::query::<Db>("SELECT 1").execute(&self.pool).await.map_err(translate)?;
        Ok(())
    }

    fn pool_connections(&self) -> (u32, u32) {
        (self.pool.size(), self.pool.num_idle() as u32)
    }

    async fn client(&self, id: i64) -> StoreResult<Option<Client>> {
        let row = sqlx::query_as::<Db, ClientRow>(
            "SELECT id, name, grants, owner_user_id, access_ttl, introspect, redirect_uris, post_logout_redirect_uris,
                    public, trusted, require_mfa
             FROM clients WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await
        .map_err(translate)?;
        Ok(row.map(Client::from))
    }

    async fn client_secret_hash(&self, id: i64) -> StoreResult<Option<String>> {
        sqlx::query_scalar::<Db, String>("SELECT secret_hash FROM clients WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(translate)
    }

    async fn create_client(&self, c: &NewClient, audit: Option<&kordon_core::audit::AuditEvent>) -> StoreResult<i64> {
        let mut tx = self.pool.begin_with(Self::BEGIN).await.map_err(translate)?;
        let id = match c.id {
            // Taken from the counter, so no id is ever handed out twice.
            None => sqlx::query_scalar::<Db, i64>(
                "UPDATE id_counters SET value = value + 1 WHERE name = 'client' RETURNING value",
            )
            .fetch_one(&mut *tx)
            .await
            .map_err(translate)?,
            // Chosen by the operator: the counter moves past it.
            Some(id) => {
                sqlx::query::<Db>(
                    "UPDATE id_counters SET value = CASE WHEN value < $1 THEN $1 ELSE value END
                     WHERE name = 'client'",
                )
                .bind(id)
                .execute(&mut *tx)
                .await
                .map_err(translate)?;
                id
            }
        };
        sqlx::query::<Db>(
            "INSERT INTO clients (id, name, secret_hash, grants, owner_user_id, created_at, access_ttl,
                                  introspect, redirect_uris, post_logout_redirect_uris, public, trusted)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        )
        .bind(id)
        .bind(&c.name)
        .bind(&c.secret_hash)
        .bind(c.grants.join(" "))
        .bind(c.owner_user_id)
        .bind(c.created_at)
        .bind(c.access_ttl)
        .bind(c.introspect)
        .bind(c.redirect_uris.join(" "))
        .bind(c.post_logout_redirect_uris.join(" "))
        .bind(c.public)
        .bind(c.trusted)
        .execute(&mut *tx)
        .await
        .map_err(translate)?;
        if let Some(a) = audit {
            super::audit::write_event(&mut *tx, &a.clone().subject(format!("client:{id}")).client(id)).await?;
        }
        tx.commit().await.map_err(translate)?;
        Ok(id)
    }

    async fn set_client_secret(&self, id: i64, secret_hash: &str) -> StoreResult<()> {
        sqlx::query::<Db>("UPDATE clients SET secret_hash = $1 WHERE id = $2")
            .bind(secret_hash)
            .bind(id)
            .execute(&self.pool)
            .await
            .map_err(translate)?;
        Ok(())
    }

    async fn create_user(&self, u: &NewUser) -> StoreResult<(i64, i64)> {
        let mut tx = self.pool.begin_with(Self::BEGIN).await.map_err(translate)?;
        let account_id = match &u.account {
            AccountChoice::New { promocode } => sqlx::query_scalar::<Db, i64>(
                "INSERT INTO accounts (promocode, created_at) VALUES ($1, $2) RETURNING id",
            )
            .bind(promocode)
            .bind(u.created_at)
            .fetch_one(&mut *tx)
            .await
            .map_err(translate)?,
            AccountChoice::Domain(domain) => {
                sqlx::query::<Db>(
                    "INSERT INTO accounts (domain, created_at) VALUES ($1, $2)
                     ON CONFLICT (domain) DO NOTHING",
                )
                .bind(domain)
                .bind(u.created_at)
                .execute(&mut *tx)
                .await
                .map_err(translate)?;
                sqlx::query_scalar::<Db, i64>("SELECT id FROM accounts WHERE domain = $1")
                    .bind(domain)
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(translate)?
            }
        };
        let user_id = sqlx::query_scalar::<Db, i64>(
            "INSERT INTO users (account_id, email, email_key, phone, role, role_id, password_hash,
                                password_changed_at, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id",
        )
        .bind(account_id)
        .bind(u.email.as_str())
        .bind(u.email.key())
        .bind(u.phone.as_ref().map(|p| p.as_str()))
        .bind(u.role.as_str())
        .bind(u.role_id)
        .bind(&u.password_hash)
        .bind(u.created_at)
        .fetch_one(&mut *tx)
        .await
        .map_err(translate)?;
        tx.commit().await.map_err(translate)?;
        Ok((user_id, account_id))
    }

    async fn user(&self, id: i64) -> StoreResult<Option<User>> {
        let row = sqlx::query_as::<Db, UserRow>(concat!(
            "SELECT ",
            user_columns!(),
            " FROM users WHERE id = $1 AND disabled_at IS NULL"
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await
        .map_err(translate)?;
        Ok(row.map(User::from))
    }

    async fn user_by_email(&self, email_key: &str) -> StoreResult<Option<User>> {
        let row = sqlx::query_as::<Db, UserRow>(concat!(
            "SELECT ",
            user_columns!(),
            " FROM users WHERE email_key = $1 AND disabled_at IS NULL"
        ))
        .bind(email_key)
        .fetch_optional(&self.pool)
        .await
        .map_err(translate)?;
        Ok(row.map(User::from))
    }

    async fn user_by_phone(&self, phone: &str) -> StoreResult<Option<User>> {
        let row = sqlx::query_as::<Db, UserRow>(concat!(
            "SELECT ",
            user_columns!(),
            " FROM users WHERE phone = $1 AND disabled_at IS NULL"
        ))
        .bind(phone)
        .fetch_optional(&self.pool)
        .await
        .map_err(translate)?;
        Ok(row.map(User::from))
    }

    async fn set_names(
        &self,
        user_id: i64,
        first: Option<&str>,
        last: Option<&str>,
        middle: Option<&str>,
    ) -> StoreResult<bool> {
        let done =
            sqlx::query::<Db>("UPDATE users SET first_name = $2, last_name = $3, middle_name = $4 WHERE id = $1")
                .bind(user_id)
                .bind(first)
                .bind(last)
                .bind(middle)
                .execute(&self.pool)
                .await
                .map_err(translate)?;
        Ok(done.rows_affected() == 1)
    }

    async fn set_password(
        &self,
        user_id: i64,
        hash: &str,
        successor: Option<&NewSession>,
        now: i64,
    ) -> StoreResult<()> {
        let mut tx = self.pool.begin_with(Self::BEGIN).await.map_err(translate)?;
        let changed = sqlx::query::<Db>("UPDATE users SET password_hash = $1, password_changed_at = $2 WHERE id = $3")
            .bind(hash)
            .bind(now)
            .bind(user_id)
            .execute(&mut *tx)
            .await
            .map_err(translate)?;
        if changed.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        revoke_user(&mut tx, user_id, now).await?;
        super::mfa::drop_app_passwords(&mut tx, user_id).await?;
        if let Some(successor) = successor {
            insert_session(&mut *tx, successor).await?;
        }
        // Reset links and login PINs die with the old password: whoever asked for them may not
        // be the owner.
        for spend in [
            "UPDATE password_resets SET spent_at = $1 WHERE user_id = $2 AND spent_at IS NULL",
            "UPDATE verifications SET spent_at = $1 WHERE user_id = $2 AND spent_at IS NULL",
        ] {
            sqlx::query::<Db>(spend).bind(now).bind(user_id).execute(&mut *tx).await.map_err(translate)?;
        }
        tx.commit().await.map_err(translate)
    }

    async fn upgrade_password_hash(&self, user_id: i64, old: &str, new: &str) -> StoreResult<bool> {
        let done = sqlx::query::<Db>("UPDATE users SET password_hash = $3 WHERE id = $1 AND password_hash = $2")
            .bind(user_id)
            .bind(old)
            .bind(new)
            .execute(&self.pool)
            .await
            .map_err(translate)?;
        Ok(done.rows_affected() == 1)
    }

    async fn domain(&self, account_id: i64) -> StoreResult<Option<Domain>> {
        let row =
            sqlx::query_as::<Db, DomainRow>(concat!("SELECT ", domain_columns!(), " FROM accounts WHERE id = $1"))
                .bind(account_id)
                .fetch_optional(&self.pool)
                .await
                .map_err(translate)?;
        Ok(row.map(Domain::from))
    }

    async fn domain_by_name(&self, name: &str) -> StoreResult<Option<Domain>> {
        let row =
            sqlx::query_as::<Db, DomainRow>(concat!("SELECT ", domain_columns!(), " FROM accounts WHERE domain = $1"))
                .bind(name)
                .fetch_optional(&self.pool)
                .await
                .map_err(translate)?;
        Ok(row.map(Domain::from))
    }

    async fn update_domain(&self, d: &Domain) -> StoreResult<()> {
        let done = sqlx::query::<Db>(
            "UPDATE accounts SET mode = $1, test_until = $2, balance = $3, block_inbound = $4,
                    block_outbound = $5, block_face = $6, tz = $7, locale = $8, token_ttl = $9, require_mfa = $11
             WHERE id = $10",
        )
        .bind(d.mode)
        .bind(d.test_until)
        .bind(&d.balance)
        .bind(d.block_inbound)
        .bind(d.block_outbound)
        .bind(d.block_face)
        .bind(&d.tz)
        .bind(&d.locale)
        .bind(d.token_ttl)
        .bind(d.account_id)
        .bind(d.require_mfa)
        .execute(&self.pool)
        .await
        .map_err(translate)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    async fn role(&self, id: i64) -> StoreResult<Option<PbxRole>> {
        let row = sqlx::query_as::<Db, RoleRow>(
            "SELECT id, name, role_type, perms, visible, filters FROM roles WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await
        .map_err(translate)?;
        Ok(row.map(PbxRole::from))
    }

    async fn purge_expired(&self, now: i64) -> StoreResult<u64> {
        const DAY: i64 = 86_400;
        // (statement, cut-off): each row type is kept a while past its death, so that
        // e.g. a spent refresh token is still recognised (and its family revoked) until
        // it would have expired anyway.
        let purges: [(&'static str, i64); 14] = [
            ("DELETE FROM sessions WHERE refresh_expires < $1", now - DAY),
            ("DELETE FROM verifications WHERE expires_at < $1", now - DAY),
            ("DELETE FROM password_resets WHERE expires_at < $1", now - DAY),
            // The longest window is a day (FlashCall's per-prefix cap): a counter outlives it.
            ("DELETE FROM rate_counters WHERE window_start < $1", now - DAY),
            ("DELETE FROM cooldowns WHERE taken_at < $1", now - DAY),
            ("DELETE FROM defender_accounts WHERE window_start < $1", now - DAY),
            // Repeat offenders are remembered for a week after their last block.
            (
                "DELETE FROM defender_hosts WHERE blocked_until < $1 AND window_start < $1 AND blocked_at < $1",
                now - 7 * DAY,
            ),
            ("DELETE FROM signing_keys WHERE not_after IS NOT NULL AND not_after < $1", now - DAY),
            ("DELETE FROM revoked_jtis WHERE expires_at < $1", now),
            // An unspent code goes once expired; a spent one is kept a day past its 60 s, so
            // a late second use still revokes what the first one issued.
            (
                "DELETE FROM authorization_codes WHERE expires_at < $1 AND (spent_at IS NULL OR expires_at < $1 - 86400)",
                now,
            ),
            ("DELETE FROM login_sessions WHERE expires_at < $1", now - DAY),
            // A passkey ceremony not finished is of no use once expired.
            ("DELETE FROM webauthn_ceremonies WHERE expires_at < $1", now),
            // A mailed address link is dead once expired.
            ("DELETE FROM email_changes WHERE expires_at < $1", now),
            // Failures stay while their host is blocked ($1 + a day is now): a tenant's right
            // to lift a block rests on which logins they attacked.
            (
                "DELETE FROM defender_failures WHERE at < $1 AND NOT EXISTS (
                     SELECT 1 FROM defender_hosts h
                     WHERE h.host = defender_failures.host AND h.blocked_until > $1 + 86400)",
                now - DAY,
            ),
        ];
        let mut deleted = 0;
        for (sql, cutoff) in purges {
            let done = sqlx::query::<Db>(sql).bind(cutoff).execute(&self.pool).await.map_err(translate)?;
            deleted += done.rows_affected();
        }
        Ok(deleted)
    }

    async fn create_manager(&self, name: &str, email: &str, phone: &str) -> StoreResult<i64> {
        sqlx::query_scalar::<Db, i64>("INSERT INTO managers (name, email, phone) VALUES ($1, $2, $3) RETURNING id")
            .bind(name)
            .bind(email)
            .bind(phone)
            .fetch_one(&self.pool)
            .await
            .map_err(translate)
    }

    async fn set_account_manager(&self, account_id: i64, manager_id: i64) -> StoreResult<()> {
        let done = sqlx::query::<Db>("UPDATE accounts SET manager_id = $1 WHERE id = $2")
            .bind(manager_id)
            .bind(account_id)
            .execute(&self.pool)
            .await
            .map_err(translate)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    async fn account_manager(&self, account_id: i64) -> StoreResult<Option<Manager>> {
        let row = sqlx::query_as::<Db, ManagerRow>(
            "SELECT m.id, m.name, m.email, m.phone FROM managers m
             JOIN accounts a ON a.manager_id = m.id WHERE a.id = $1",
        )
        .bind(account_id)
        .fetch_optional(&self.pool)
        .await
        .map_err(translate)?;
        Ok(row.map(Manager::from))
    }
}
