//! The SQL of every `Store` method, written once: both backends take `$N` parameters, `RETURNING`
//! and `ON CONFLICT … DO UPDATE … WHERE`, so one macro expands the same text for each database type.
//! Atomicity comes from single conditional statements (`UPDATE … WHERE … RETURNING`), never from
//! a read followed by a write.

macro_rules! store_impl {
    ($store:ty, $db:ty) => {
        use kordon_core::ports::Store;
        use kordon_core::types::*;
        use $crate::rows::{ClientRow, DomainRow, ManagerRow, RoleRow, UserRow, domain_columns, user_columns};

        type Db = $db;

        #[async_trait::async_trait]
        impl Store for $store {
            async fn ping(&self) -> StoreResult<()> {
                sqlx::query::<Db>("SELECT 1").execute(&self.pool).await.map_err(translate)?;
                Ok(())
            }

            async fn client(&self, id: i64) -> StoreResult<Option<Client>> {
                let row = sqlx::query_as::<Db, ClientRow>(
                    "SELECT id, name, grants, owner_user_id, access_ttl FROM clients WHERE id = $1",
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

            async fn create_client(&self, c: &NewClient) -> StoreResult<i64> {
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
                    "INSERT INTO clients (id, name, secret_hash, grants, owner_user_id, created_at, access_ttl)
                     VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(id)
                .bind(&c.name)
                .bind(&c.secret_hash)
                .bind(c.grants.join(" "))
                .bind(c.owner_user_id)
                .bind(c.created_at)
                .bind(c.access_ttl)
                .execute(&mut *tx)
                .await
                .map_err(translate)?;
                tx.commit().await.map_err(translate)?;
                Ok(id)
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
                let row =
                    sqlx::query_as::<Db, UserRow>(concat!("SELECT ", user_columns!(), " FROM users WHERE id = $1"))
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
                    " FROM users WHERE email_key = $1"
                ))
                .bind(email_key)
                .fetch_optional(&self.pool)
                .await
                .map_err(translate)?;
                Ok(row.map(User::from))
            }

            async fn user_by_phone(&self, phone: &str) -> StoreResult<Option<User>> {
                let row =
                    sqlx::query_as::<Db, UserRow>(concat!("SELECT ", user_columns!(), " FROM users WHERE phone = $1"))
                        .bind(phone)
                        .fetch_optional(&self.pool)
                        .await
                        .map_err(translate)?;
                Ok(row.map(User::from))
            }

            async fn set_password(
                &self,
                user_id: i64,
                hash: &str,
                successor: Option<&NewSession>,
                now: i64,
            ) -> StoreResult<()> {
                let mut tx = self.pool.begin_with(Self::BEGIN).await.map_err(translate)?;
                let changed =
                    sqlx::query::<Db>("UPDATE users SET password_hash = $1, password_changed_at = $2 WHERE id = $3")
                        .bind(hash)
                        .bind(now)
                        .bind(user_id)
                        .execute(&mut *tx)
                        .await
                        .map_err(translate)?;
                if changed.rows_affected() == 0 {
                    return Err(StoreError::NotFound);
                }
                sqlx::query::<Db>("UPDATE sessions SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL")
                    .bind(now)
                    .bind(user_id)
                    .execute(&mut *tx)
                    .await
                    .map_err(translate)?;
                if let Some(successor) = successor {
                    insert_session(&mut *tx, successor).await?;
                }
                sqlx::query::<Db>("UPDATE password_resets SET spent_at = $1 WHERE user_id = $2 AND spent_at IS NULL")
                    .bind(now)
                    .bind(user_id)
                    .execute(&mut *tx)
                    .await
                    .map_err(translate)?;
                tx.commit().await.map_err(translate)
            }

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
                Ok(row.map(|(session_id, family_id, user_id, client_id, access_expires, refresh_expires)| {
                    SessionAuth { session_id, family_id, user_id, client_id, access_expires, refresh_expires }
                }))
            }

            async fn rotate_session(
                &self,
                refresh_digest: &str,
                client_id: i64,
                successor: &NewSession,
                now: i64,
            ) -> StoreResult<Rotation> {
                let mut tx = self.pool.begin_with(Self::BEGIN).await.map_err(translate)?;
                // The one atomic step: only the first of concurrent presenters sees a row.
                let spent = sqlx::query_as::<Db, (i64, String)>(
                    "UPDATE sessions SET rotated_at = $1
                     WHERE refresh_digest = $2 AND client_id = $3 AND kind = $4 AND rotated_at IS NULL
                       AND revoked_at IS NULL AND refresh_expires > $1
                     RETURNING user_id, family_id",
                )
                .bind(now)
                .bind(refresh_digest)
                .bind(client_id)
                .bind(successor.kind)
                .fetch_optional(&mut *tx)
                .await
                .map_err(translate)?;
                if let Some((user_id, family_id)) = spent {
                    let successor = NewSession { user_id, family_id, ..successor.clone() };
                    insert_session(&mut *tx, &successor).await?;
                    tx.commit().await.map_err(translate)?;
                    return Ok(Rotation::Rotated { user_id });
                }
                // Not live: was it a spent token of a family that is still alive? Then it was stolen.
                let reused = sqlx::query_scalar::<Db, String>(
                    "SELECT family_id FROM sessions
                     WHERE refresh_digest = $1 AND rotated_at IS NOT NULL AND revoked_at IS NULL",
                )
                .bind(refresh_digest)
                .fetch_optional(&mut *tx)
                .await
                .map_err(translate)?;
                let outcome = match reused {
                    Some(family_id) => {
                        revoke(&mut *tx, &family_id, now).await?;
                        Rotation::Reused
                    }
                    None => Rotation::Invalid,
                };
                tx.commit().await.map_err(translate)?;
                Ok(outcome)
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

            async fn create_api_token(&self, user_id: i64, digest: &str, prefix: &str, now: i64) -> StoreResult<i64> {
                sqlx::query_scalar::<Db, i64>(
                    "INSERT INTO api_tokens (user_id, digest, prefix, created_at) VALUES ($1, $2, $3, $4)
                     RETURNING id",
                )
                .bind(user_id)
                .bind(digest)
                .bind(prefix)
                .bind(now)
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

            async fn list_api_tokens(
                &self,
                user_id: i64,
                offset: i64,
                limit: i64,
            ) -> StoreResult<(Vec<ApiTokenRow>, i64)> {
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
                let rows =
                    rows.into_iter().map(|(id, prefix, created_at)| ApiTokenRow { id, prefix, created_at }).collect();
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
                let done =
                    sqlx::query::<Db>("UPDATE verifications SET spent_at = $1 WHERE id = $2 AND spent_at IS NULL")
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
                     WHERE user_id = $2 AND spent_at IS NULL AND digest <> $3",
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
                sqlx::query::<Db>("UPDATE sessions SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL")
                    .bind(now)
                    .bind(user_id)
                    .execute(&mut *tx)
                    .await
                    .map_err(translate)?;
                tx.commit().await.map_err(translate)?;
                Ok(Some(user_id))
            }

            async fn domain(&self, account_id: i64) -> StoreResult<Option<Domain>> {
                let row = sqlx::query_as::<Db, DomainRow>(concat!(
                    "SELECT ",
                    domain_columns!(),
                    " FROM accounts WHERE id = $1"
                ))
                .bind(account_id)
                .fetch_optional(&self.pool)
                .await
                .map_err(translate)?;
                Ok(row.map(Domain::from))
            }

            async fn domain_by_name(&self, name: &str) -> StoreResult<Option<Domain>> {
                let row = sqlx::query_as::<Db, DomainRow>(concat!(
                    "SELECT ",
                    domain_columns!(),
                    " FROM accounts WHERE domain = $1"
                ))
                .bind(name)
                .fetch_optional(&self.pool)
                .await
                .map_err(translate)?;
                Ok(row.map(Domain::from))
            }

            async fn update_domain(&self, d: &Domain) -> StoreResult<()> {
                let done = sqlx::query::<Db>(
                    "UPDATE accounts SET mode = $1, test_until = $2, balance = $3, block_inbound = $4,
                            block_outbound = $5, block_face = $6, tz = $7, locale = $8, token_ttl = $9
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
                let purges: [(&'static str, i64); 9] = [
                    ("DELETE FROM sessions WHERE refresh_expires < $1", now - DAY),
                    ("DELETE FROM verifications WHERE expires_at < $1", now - DAY),
                    ("DELETE FROM password_resets WHERE expires_at < $1", now - DAY),
                    ("DELETE FROM rate_counters WHERE window_start < $1", now - 2 * 3600),
                    ("DELETE FROM cooldowns WHERE taken_at < $1", now - DAY),
                    ("DELETE FROM defender_accounts WHERE window_start < $1", now - DAY),
                    // Repeat offenders are remembered for a week after their last block.
                    ("DELETE FROM defender_hosts WHERE blocked_until < $1 AND window_start < $1", now - 7 * DAY),
                    ("DELETE FROM signing_keys WHERE not_after IS NOT NULL AND not_after < $1", now - DAY),
                    ("DELETE FROM defender_failures WHERE at < $1", now - DAY),
                ];
                let mut deleted = 0;
                for (sql, cutoff) in purges {
                    let done = sqlx::query::<Db>(sql).bind(cutoff).execute(&self.pool).await.map_err(translate)?;
                    deleted += done.rows_affected();
                }
                Ok(deleted)
            }

            async fn create_manager(&self, name: &str, email: &str, phone: &str) -> StoreResult<i64> {
                sqlx::query_scalar::<Db, i64>(
                    "INSERT INTO managers (name, email, phone) VALUES ($1, $2, $3) RETURNING id",
                )
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

        async fn insert_session<'e, E>(executor: E, s: &NewSession) -> StoreResult<i64>
        where
            E: sqlx::Executor<'e, Database = Db>,
        {
            sqlx::query_scalar::<Db, i64>(
                "INSERT INTO sessions (family_id, user_id, client_id, access_digest, access_expires,
                                       refresh_digest, refresh_expires, created_at, ip, user_agent, kind)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
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
            .fetch_one(executor)
            .await
            .map_err(translate)
        }

        async fn revoke<'e, E>(executor: E, family_id: &str, now: i64) -> StoreResult<()>
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
    };
}

pub(crate) use store_impl;
