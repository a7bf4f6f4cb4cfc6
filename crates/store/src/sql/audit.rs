//! The SQL of the audit log, one text for both databases (see `sql`): searches with optional
//! filters, purges by age, counts; batches appended atomically (each backend binds a batch its
//! own way: `Backend::append_audit_batch`); and [`write_event`], the line an operator's change
//! writes in its own transaction. A line that names a login (`email:…`,
//! `phone:…`) but no user is filed under that login's user and tenant, so "what happened to
//! this user" finds the blocks earned on their login too.

use super::{Db, SqlStore};
use crate::backend::{Backend, audit_columns};
use crate::errors::translate;
use kordon_core::audit::{AuditEvent, AuditFilter, AuditRecord};
use kordon_core::ports::{FlashcallCount, StoreResult};

type Query<'q> = sqlx::query::Query<'q, Db, <Db as sqlx::Database>::Arguments>;

/// Binds an event's values to `query`, in [`audit_columns!`]'s order.
pub(crate) fn bind_event<'q>(query: Query<'q>, e: &'q AuditEvent) -> Query<'q> {
    query
        .bind(e.at)
        .bind(e.kind)
        .bind(e.result)
        .bind(e.dialect)
        .bind(e.method)
        .bind(e.user_id)
        .bind(e.tenant_id)
        .bind(e.client_id)
        .bind(e.ip.as_deref())
        .bind(e.user_agent.as_deref())
        .bind(e.subject.as_deref())
        .bind(e.actor.as_str())
        .bind(e.reason.as_deref())
        .bind(e.detail.as_deref())
}

#[async_trait::async_trait]
impl kordon_core::ports::AuditStore for SqlStore {
    async fn append_audit(&self, events: &[AuditEvent]) -> StoreResult<()> {
        if events.is_empty() {
            return Ok(());
        }
        self.append_audit_batch(events).await
    }

    async fn search_audit(&self, f: &AuditFilter) -> StoreResult<Vec<AuditRecord>> {
        let mut query = search(SEARCH, f);
        let rows = query.build_query_as::<Row>().fetch_all(&self.pool).await.map_err(translate)?;
        Ok(rows.into_iter().map(Row::into_record).collect())
    }

    async fn purge_audit(&self, before: i64) -> StoreResult<u64> {
        let done = sqlx::query::<Db>("DELETE FROM audit_log WHERE at < $1")
            .bind(before)
            .execute(&self.pool)
            .await
            .map_err(translate)?;
        Ok(done.rows_affected())
    }

    async fn flashcall_counts(&self, since: i64, tenant: Option<i64>) -> StoreResult<Vec<FlashcallCount>> {
        let rows = sqlx::query_as::<Db, (Option<String>, Option<i64>, String, String, i64)>(
            "SELECT account, tenant_id, event, result, COUNT(*) FROM audit_log
             WHERE event IN ('flashcall.placed', 'flashcall.verified', 'flashcall.refused') AND at >= $1
               AND ($2 IS NULL OR tenant_id = $2)
             GROUP BY account, tenant_id, event, result",
        )
        .bind(since)
        .bind(tenant)
        .fetch_all(&self.pool)
        .await
        .map_err(translate)?;
        Ok(rows
            .into_iter()
            .map(|(subject, tenant_id, kind, result, count)| FlashcallCount {
                prefix: subject.as_deref().and_then(|s| s.strip_prefix("prefix:")).unwrap_or_default().to_owned(),
                tenant_id,
                kind,
                result,
                count,
            })
            .collect())
    }

    async fn count_audit_results(
        &self,
        kind: &str,
        since: i64,
        tenant: Option<i64>,
    ) -> StoreResult<Vec<(String, i64)>> {
        // Served by the (event, at) index; a tenant's rows are filtered among the hour's.
        sqlx::query_as::<Db, (String, i64)>(
            "SELECT result, COUNT(*) FROM audit_log
             WHERE event = $1 AND at >= $2 AND ($3 IS NULL OR tenant_id = $3)
             GROUP BY result",
        )
        .bind(kind)
        .bind(since)
        .bind(tenant)
        .fetch_all(&self.pool)
        .await
        .map_err(translate)
    }
}

/// The search's columns; a page of the log, newest first.
pub(crate) const SEARCH: &str =
    "SELECT id, at, event, result, dialect, method, user_id, tenant_id, client_id, host, user_agent,
        account, actor, reason, detail
 FROM audit_log";

/// `select` (the search's, or a plan of it in the tests) with only the filters `f` gives, each a
/// plain condition. A guard such as `($1 IS NULL OR user_id = $1)` is planned once for any value:
/// SQLite then read every search through the time index, filtering row by row, and never the
/// user's, tenant's or host's (`EXPLAIN QUERY PLAN`, 2026-12-07).
pub(crate) fn search(select: &str, f: &AuditFilter) -> sqlx::QueryBuilder<Db> {
    let mut q = sqlx::QueryBuilder::new(select);
    q.push(" WHERE 1 = 1");
    if let Some(user) = f.user_id {
        q.push(" AND user_id = ").push_bind(user);
    }
    if let Some(tenant) = f.tenant_id {
        q.push(" AND tenant_id = ").push_bind(tenant);
    }
    if let Some(host) = f.ip.as_deref() {
        q.push(" AND host = ").push_bind(host);
    }
    if let Some(kind) = f.kind.as_deref() {
        // A type, or a family of them (`token` is `token.issued`, `token.revoked`, …).
        q.push(" AND (event = ").push_bind(kind);
        q.push(" OR substr(event, 1, length(").push_bind(kind).push(") + 1) = ").push_bind(kind).push(" || '.')");
    }
    if let Some(since) = f.since {
        q.push(" AND at >= ").push_bind(since);
    }
    if let Some(until) = f.until {
        q.push(" AND at < ").push_bind(until);
    }
    q.push(" ORDER BY at DESC, id DESC LIMIT ").push_bind(f.limit).push(" OFFSET ").push_bind(f.offset);
    q
}

/// Writes one line inside the caller's transaction (an operator's change and its record commit
/// together). A line naming a login but no user gets the login's user and tenant.
pub(super) async fn write_event<'e, E>(executor: E, e: &AuditEvent) -> StoreResult<()>
where
    E: sqlx::Executor<'e, Database = Db>,
{
    let login = e.subject.as_deref();
    let sql = concat!(
        "INSERT INTO audit_log (",
        audit_columns!(),
        ") VALUES ($1, $2, $3, $4, $5,
                  COALESCE($6, (SELECT id FROM users WHERE email_key = $15 OR phone = $16 OR CAST(id AS TEXT) = $17)),
                  COALESCE($7, (SELECT account_id FROM users
                                WHERE id = $6 OR email_key = $15 OR phone = $16 OR CAST(id AS TEXT) = $17)),
                  $8, $9, $10, $11, $12, $13, $14)"
    );
    bind_event(sqlx::query::<Db>(sql), e)
        .bind(login.and_then(|l| l.strip_prefix("email:")))
        .bind(login.and_then(|l| l.strip_prefix("phone:")))
        .bind(login.and_then(|l| l.strip_prefix("mfa:")))
        .execute(executor)
        .await
        .map_err(translate)?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    at: i64,
    event: String,
    result: String,
    dialect: Option<String>,
    method: Option<String>,
    user_id: Option<i64>,
    tenant_id: Option<i64>,
    client_id: Option<i64>,
    host: Option<String>,
    user_agent: Option<String>,
    account: Option<String>,
    actor: String,
    reason: Option<String>,
    detail: Option<String>,
}

impl Row {
    fn into_record(self) -> AuditRecord {
        AuditRecord {
            id: self.id,
            at: kordon_core::clock::format_rfc3339(self.at),
            kind: self.event,
            result: self.result,
            dialect: self.dialect,
            method: self.method,
            user_id: self.user_id,
            tenant_id: self.tenant_id,
            client_id: self.client_id,
            ip: self.host,
            user_agent: self.user_agent,
            subject: self.account,
            actor: self.actor,
            reason: self.reason,
            detail: self.detail,
        }
    }
}
