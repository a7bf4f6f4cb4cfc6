//! SQLite's audit batches: one `INSERT … SELECT FROM json_each(?)` over the batch as one JSON
//! array of rows, a text that never changes, so it is prepared once per connection whatever the
//! batch's size (SQLite binds no arrays; a JSON text is its way to pass many rows at once).

use crate::backend::audit_columns;
use crate::errors::translate;
use kordon_core::audit::AuditEvent;
use kordon_core::ports::{StoreError, StoreResult};

const INSERT: &str = concat!(
    "INSERT INTO audit_log (",
    audit_columns!(),
    ") SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5, value ->> 6,
              value ->> 7, value ->> 8, value ->> 9, value ->> 10, value ->> 11, value ->> 12, value ->> 13
       FROM json_each($1) ORDER BY key"
);

/// One event as a JSON row, in [`audit_columns!`]'s order.
type Row<'a> = (
    i64,
    &'a str,
    &'a str,
    Option<&'a str>,
    Option<&'a str>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<&'a str>,
    Option<&'a str>,
    Option<&'a str>,
    &'a str,
    Option<&'a str>,
    Option<&'a str>,
);

fn row(e: &AuditEvent) -> Row<'_> {
    (
        e.at,
        e.kind,
        e.result,
        e.dialect,
        e.method,
        e.user_id,
        e.tenant_id,
        e.client_id,
        e.ip.as_deref(),
        e.user_agent.as_deref(),
        e.subject.as_deref(),
        &e.actor,
        e.reason.as_deref(),
        e.detail.as_deref(),
    )
}

/// Appends `events` in one statement, in their order.
pub(super) async fn append(pool: &sqlx::SqlitePool, events: &[AuditEvent]) -> StoreResult<()> {
    let rows: Vec<Row<'_>> = events.iter().map(row).collect();
    let json = serde_json::to_string(&rows).map_err(|e| StoreError::Other(format!("audit batch: {e}")))?;
    sqlx::query::<sqlx::Sqlite>(INSERT).bind(json).execute(pool).await.map_err(translate)?;
    Ok(())
}
