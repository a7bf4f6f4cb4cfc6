//! The SQL of the admin API and the console (the `AdminStore` port): users whatever their state,
//! a user's grants of every kind, clients with their owners — one text for both databases (see
//! `sql`); each change is one transaction with its audit line.

use super::audit::write_event;
use super::tokens::revoke;
use super::{Db, SqlStore};
use crate::backend::Backend;
use crate::errors::translate;
use crate::rows::{ClientRow, UserRow, user_columns};
use kordon_core::audit::AuditEvent;
use kordon_core::ports::StoreResult;
use kordon_core::types::admin::{
    ApiTokenRecord, BrowserRecord, ClientRecord, ConsentRecord, FamilyRecord, GrantRef, UserGrants, UserRecord,
};

#[derive(sqlx::FromRow)]
struct UserRecordRow {
    #[sqlx(flatten)]
    user: UserRow,
    disabled_at: Option<i64>,
    created_at: i64,
}

#[derive(sqlx::FromRow)]
struct ClientRecordRow {
    #[sqlx(flatten)]
    client: ClientRow,
    created_at: i64,
    owner_account_id: Option<i64>,
}

impl From<ClientRecordRow> for ClientRecord {
    fn from(r: ClientRecordRow) -> Self {
        ClientRecord { client: r.client.into(), created_at: r.created_at, owner_account_id: r.owner_account_id }
    }
}

/// What [`ClientRecordRow`] reads, from `clients c LEFT JOIN users u`, as a literal so queries
/// stay static strings.
macro_rules! client_record {
    () => {
        "SELECT c.id, c.name, c.grants, c.owner_user_id, c.access_ttl, c.introspect, c.redirect_uris,
                c.post_logout_redirect_uris, c.public, c.trusted, c.require_mfa, c.created_at,
                CASE WHEN u.role = 'operator' THEN NULL ELSE u.account_id END AS owner_account_id
         FROM clients c LEFT JOIN users u ON u.id = c.owner_user_id"
    };
}

type FamilyRow = (String, String, i64, i64, i64, i64, Option<String>, Option<String>, String, Option<String>);
type BrowserRow = (String, i64, String, i64, Option<String>, Option<String>, Option<i64>);
type ApiTokenRow = (i64, String, i64, Option<i64>, Option<String>, Option<String>);

#[async_trait::async_trait]
impl kordon_core::ports::AdminStore for SqlStore {
    async fn users_matching(
        &self,
        email_key: Option<&str>,
        phone: Option<&str>,
        id: Option<i64>,
    ) -> StoreResult<Vec<UserRecord>> {
        let rows = sqlx::query_as::<Db, UserRecordRow>(concat!(
            "SELECT ",
            user_columns!(),
            ", disabled_at, created_at FROM users WHERE email_key = $1 OR phone = $2 OR id = $3 ORDER BY id"
        ))
        .bind(email_key)
        .bind(phone)
        .bind(id)
        .fetch_all(&self.pool)
        .await
        .map_err(translate)?;
        Ok(rows
            .into_iter()
            .map(|r| UserRecord { user: r.user.into(), disabled_at: r.disabled_at, created_at: r.created_at })
            .collect())
    }

    async fn user_grants(&self, user_id: i64, now: i64) -> StoreResult<UserGrants> {
        let families = sqlx::query_as::<Db, FamilyRow>(
            "SELECT s.family_id, s.kind, s.client_id,
                    (SELECT MIN(f.created_at) FROM sessions f WHERE f.family_id = s.family_id),
                    s.created_at, s.refresh_expires, s.ip, s.user_agent, s.scope,
                    (SELECT f.login_session FROM sessions f
                     WHERE f.family_id = s.family_id AND f.login_session IS NOT NULL LIMIT 1)
             FROM sessions s
             WHERE s.user_id = $1 AND s.revoked_at IS NULL AND s.rotated_at IS NULL AND s.refresh_expires > $2
             ORDER BY s.created_at DESC, s.id DESC",
        )
        .bind(user_id)
        .bind(now)
        .fetch_all(&self.pool)
        .await
        .map_err(translate)?;
        let browsers = sqlx::query_as::<Db, BrowserRow>(
            "SELECT digest, auth_time, amr, expires_at, ip, user_agent, last_used_at FROM login_sessions
             WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > $2
             ORDER BY auth_time DESC, digest",
        )
        .bind(user_id)
        .bind(now)
        .fetch_all(&self.pool)
        .await
        .map_err(translate)?;
        let consents = sqlx::query_as::<Db, (i64, String, i64)>(
            "SELECT client_id, scope, granted_at FROM consents WHERE user_id = $1 ORDER BY granted_at DESC, client_id",
        )
        .bind(user_id)
        .fetch_all(&self.pool)
        .await
        .map_err(translate)?;
        let api_tokens = sqlx::query_as::<Db, ApiTokenRow>(
            "SELECT id, prefix, created_at, last_used, ip, user_agent FROM api_tokens WHERE user_id = $1 ORDER BY id",
        )
        .bind(user_id)
        .fetch_all(&self.pool)
        .await
        .map_err(translate)?;
        Ok(UserGrants {
            families: families
                .into_iter()
                .map(
                    |(
                        family_id,
                        kind,
                        client_id,
                        started_at,
                        refreshed_at,
                        expires_at,
                        ip,
                        user_agent,
                        scope,
                        login_session,
                    )| {
                        FamilyRecord {
                            family_id,
                            kind,
                            client_id,
                            started_at,
                            refreshed_at,
                            expires_at,
                            ip,
                            user_agent,
                            scope,
                            login_session,
                        }
                    },
                )
                .collect(),
            browsers: browsers
                .into_iter()
                .map(|(digest, auth_time, amr, expires_at, ip, user_agent, last_used_at)| BrowserRecord {
                    digest,
                    auth_time,
                    amr,
                    expires_at,
                    ip,
                    user_agent,
                    last_used_at,
                })
                .collect(),
            consents: consents
                .into_iter()
                .map(|(client_id, scope, granted_at)| ConsentRecord { client_id, scope, granted_at })
                .collect(),
            api_tokens: api_tokens
                .into_iter()
                .map(|(id, prefix, created_at, last_used, ip, user_agent)| ApiTokenRecord {
                    id,
                    prefix,
                    created_at,
                    last_used,
                    ip,
                    user_agent,
                })
                .collect(),
        })
    }

    async fn grant_owner(&self, grant: &GrantRef, now: i64) -> StoreResult<Option<(i64, Option<String>)>> {
        let owner = match grant {
            GrantRef::Family(family) => {
                return sqlx::query_as::<Db, (i64, String)>(
                    "SELECT user_id, kind FROM sessions
                     WHERE family_id = $1 AND revoked_at IS NULL AND rotated_at IS NULL AND refresh_expires > $2
                     ORDER BY id DESC LIMIT 1",
                )
                .bind(family)
                .bind(now)
                .fetch_optional(&self.pool)
                .await
                .map(|row| row.map(|(user, kind)| (user, Some(kind))))
                .map_err(translate);
            }
            GrantRef::Browser(digest) => sqlx::query_scalar::<Db, i64>(
                "SELECT user_id FROM login_sessions WHERE digest = $1 AND revoked_at IS NULL AND expires_at > $2",
            )
            .bind(digest)
            .bind(now),
            GrantRef::Consent { user_id, client_id } => {
                sqlx::query_scalar::<Db, i64>("SELECT user_id FROM consents WHERE user_id = $1 AND client_id = $2")
                    .bind(*user_id)
                    .bind(*client_id)
            }
            GrantRef::ApiToken(id) => {
                sqlx::query_scalar::<Db, i64>("SELECT user_id FROM api_tokens WHERE id = $1").bind(*id)
            }
        }
        .fetch_optional(&self.pool)
        .await
        .map_err(translate)?;
        Ok(owner.map(|user| (user, None)))
    }

    async fn revoke_grant(&self, grant: &GrantRef, line: &AuditEvent, now: i64) -> StoreResult<bool> {
        let mut tx = self.pool.begin_with(Self::BEGIN).await.map_err(translate)?;
        let user_id = match grant {
            GrantRef::Family(family) => {
                let user = sqlx::query_scalar::<Db, i64>(
                    "SELECT user_id FROM sessions WHERE family_id = $1 AND revoked_at IS NULL ORDER BY id DESC LIMIT 1",
                )
                .bind(family)
                .fetch_optional(&mut *tx)
                .await
                .map_err(translate)?;
                if user.is_some() {
                    revoke(&mut *tx, family, now).await?;
                }
                user
            }
            GrantRef::Browser(digest) => sqlx::query_scalar::<Db, i64>(
                "UPDATE login_sessions SET revoked_at = $1 WHERE digest = $2 AND revoked_at IS NULL RETURNING user_id",
            )
            .bind(now)
            .bind(digest)
            .fetch_optional(&mut *tx)
            .await
            .map_err(translate)?,
            GrantRef::Consent { user_id, client_id } => {
                let gone = sqlx::query::<Db>("DELETE FROM consents WHERE user_id = $1 AND client_id = $2")
                    .bind(*user_id)
                    .bind(*client_id)
                    .execute(&mut *tx)
                    .await
                    .map_err(translate)?
                    .rows_affected();
                if gone == 0 {
                    None
                } else {
                    // What the user allowed ends with the tokens it let the client get.
                    sqlx::query::<Db>(
                        "UPDATE sessions SET revoked_at = $1
                         WHERE user_id = $2 AND client_id = $3 AND kind = 'oauth' AND scope <> '' AND revoked_at IS NULL",
                    )
                    .bind(now)
                    .bind(*user_id)
                    .bind(*client_id)
                    .execute(&mut *tx)
                    .await
                    .map_err(translate)?;
                    Some(*user_id)
                }
            }
            GrantRef::ApiToken(id) => {
                sqlx::query_scalar::<Db, i64>("DELETE FROM api_tokens WHERE id = $1 RETURNING user_id")
                    .bind(*id)
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(translate)?
            }
        };
        let Some(user_id) = user_id else { return Ok(false) };
        let tenant = sqlx::query_scalar::<Db, i64>("SELECT account_id FROM users WHERE id = $1")
            .bind(user_id)
            .fetch_optional(&mut *tx)
            .await
            .map_err(translate)?;
        let line = line.clone().subject(format!("user:{user_id}")).user_id(user_id, tenant);
        write_event(&mut *tx, &line).await?;
        tx.commit().await.map_err(translate)?;
        Ok(true)
    }

    async fn client_records(&self, account_id: Option<i64>) -> StoreResult<Vec<ClientRecord>> {
        // The cast names the parameter's type for PostgreSQL, which cannot infer it from IS NULL.
        // An operator's application is the platform's, even when the operator sits in an account.
        let sql = concat!(
            client_record!(),
            " WHERE CAST($1 AS BIGINT) IS NULL OR (u.account_id = $1 AND u.role <> 'operator') ORDER BY c.id"
        );
        let rows = sqlx::query_as::<Db, ClientRecordRow>(sql)
            .bind(account_id)
            .fetch_all(&self.pool)
            .await
            .map_err(translate)?;
        Ok(rows.into_iter().map(ClientRecord::from).collect())
    }

    async fn client_record(&self, id: i64) -> StoreResult<Option<ClientRecord>> {
        let row = sqlx::query_as::<Db, ClientRecordRow>(concat!(client_record!(), " WHERE c.id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(translate)?;
        Ok(row.map(ClientRecord::from))
    }

    async fn rotate_client_secret(&self, id: i64, secret_hash: &str, line: &AuditEvent) -> StoreResult<bool> {
        let mut tx = self.pool.begin_with(Self::BEGIN).await.map_err(translate)?;
        let done = sqlx::query::<Db>("UPDATE clients SET secret_hash = $2 WHERE id = $1")
            .bind(id)
            .bind(secret_hash)
            .execute(&mut *tx)
            .await
            .map_err(translate)?;
        if done.rows_affected() == 0 {
            return Ok(false);
        }
        write_event(&mut *tx, &line.clone().subject(format!("client:{id}")).client(id)).await?;
        tx.commit().await.map_err(translate)?;
        Ok(true)
    }

    async fn delete_client(&self, id: i64, line: &AuditEvent, now: i64) -> StoreResult<bool> {
        let mut tx = self.pool.begin_with(Self::BEGIN).await.map_err(translate)?;
        let done = sqlx::query::<Db>("DELETE FROM clients WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(translate)?;
        if done.rows_affected() == 0 {
            return Ok(false);
        }
        super::oauth::forget_client(&mut tx, id, now).await?;
        write_event(&mut *tx, &line.clone().subject(format!("client:{id}")).client(id)).await?;
        tx.commit().await.map_err(translate)?;
        Ok(true)
    }
}
