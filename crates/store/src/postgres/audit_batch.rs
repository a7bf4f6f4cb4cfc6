//! PostgreSQL's audit batches: one `INSERT … SELECT FROM UNNEST` of fourteen arrays, a text that
//! never changes, so the server parses and plans it once per connection whatever the batch's size;
//! the rows go in the events' order (`WITH ORDINALITY`), so their ids follow it.

use crate::backend::audit_columns;
use crate::errors::translate;
use kordon_core::audit::AuditEvent;
use kordon_core::ports::StoreResult;

const INSERT: &str = concat!(
    "INSERT INTO audit_log (",
    audit_columns!(),
    ") SELECT c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12, c13, c14
     FROM UNNEST($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::bigint[],
                 $8::bigint[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[])
          WITH ORDINALITY AS u(c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12, c13, c14, n)
     ORDER BY n"
);

/// The batch as columns, in [`audit_columns!`]'s order.
#[derive(Default)]
struct Columns<'a> {
    at: Vec<i64>,
    kind: Vec<&'a str>,
    result: Vec<&'a str>,
    dialect: Vec<Option<&'a str>>,
    method: Vec<Option<&'a str>>,
    user_id: Vec<Option<i64>>,
    tenant_id: Vec<Option<i64>>,
    client_id: Vec<Option<i64>>,
    ip: Vec<Option<&'a str>>,
    user_agent: Vec<Option<&'a str>>,
    subject: Vec<Option<&'a str>>,
    actor: Vec<&'a str>,
    reason: Vec<Option<&'a str>>,
    detail: Vec<Option<&'a str>>,
}

impl<'a> Columns<'a> {
    fn of(events: &'a [AuditEvent]) -> Self {
        let mut c = Self::default();
        for e in events {
            c.at.push(e.at);
            c.kind.push(e.kind);
            c.result.push(e.result);
            c.dialect.push(e.dialect);
            c.method.push(e.method);
            c.user_id.push(e.user_id);
            c.tenant_id.push(e.tenant_id);
            c.client_id.push(e.client_id);
            c.ip.push(e.ip.as_deref());
            c.user_agent.push(e.user_agent.as_deref());
            c.subject.push(e.subject.as_deref());
            c.actor.push(&e.actor);
            c.reason.push(e.reason.as_deref());
            c.detail.push(e.detail.as_deref());
        }
        c
    }
}

/// Appends `events` in one statement, in their order.
pub(super) async fn append(pool: &sqlx::PgPool, events: &[AuditEvent]) -> StoreResult<()> {
    let c = Columns::of(events);
    sqlx::query::<sqlx::Postgres>(INSERT)
        .bind(c.at)
        .bind(c.kind)
        .bind(c.result)
        .bind(c.dialect)
        .bind(c.method)
        .bind(c.user_id)
        .bind(c.tenant_id)
        .bind(c.client_id)
        .bind(c.ip)
        .bind(c.user_agent)
        .bind(c.subject)
        .bind(c.actor)
        .bind(c.reason)
        .bind(c.detail)
        .execute(pool)
        .await
        .map_err(translate)?;
    Ok(())
}
