//! SQLite's audit batches: multi-row `INSERT … VALUES` statements of 512, 256, …, 2 or 1 rows
//! (a batch of any size is the sum of at most ten of them, largest first), in one transaction.
//! Ten statement texts in all, each prepared once per connection; a row is fourteen bound
//! values, read by SQLite as they are (512 rows bind 7,168 of the 32,766 variables it allows).
//! `OR FAIL`, not the default `ABORT`: an aborting multi-row statement must be able to undo its
//! own earlier rows, so SQLite copies every page it touches into a statement journal first
//! (`subjournalPageIfRequired`, a quarter of the batch's time in the 2026-12-07 profile). The
//! transaction is what keeps a batch all-or-none: a failed statement rolls the whole of it back.

use super::sql::audit::bind_event;
use crate::backend::{Backend, audit_columns};
use crate::errors::translate;
use kordon_core::audit::AuditEvent;
use kordon_core::ports::StoreResult;
use std::sync::OnceLock;

/// The most rows one statement inserts (a power of two).
const MOST: usize = 512;
/// Statement texts, one for each power of two up to [`MOST`].
const SIZES: usize = MOST.ilog2() as usize + 1;

/// The insert of `rows` rows (a power of two, at most [`MOST`]).
fn insert(rows: usize) -> &'static str {
    static TEXTS: OnceLock<Vec<String>> = OnceLock::new();
    let texts = TEXTS.get_or_init(|| {
        let row = format!("({})", vec!["?"; audit_columns!().split(',').count()].join(", "));
        (0..SIZES)
            .map(|power| {
                format!(
                    "INSERT OR FAIL INTO audit_log ({}) VALUES {}",
                    audit_columns!(),
                    vec![row.as_str(); 1 << power].join(", ")
                )
            })
            .collect()
    });
    &texts[rows.ilog2() as usize]
}

/// The rows the next statement takes from `left` rows: all of [`MOST`], or the largest power of
/// two that fits.
fn next_chunk(left: usize) -> usize {
    if left >= MOST { MOST } else { 1 << left.ilog2() }
}

/// Appends `events` in their order, all or none.
pub(super) async fn append(pool: &sqlx::SqlitePool, events: &[AuditEvent]) -> StoreResult<()> {
    let mut tx = pool.begin_with(<super::SqliteStore as Backend>::BEGIN).await.map_err(translate)?;
    let mut left = events;
    while !left.is_empty() {
        let (chunk, rest) = left.split_at(next_chunk(left.len()));
        let query = chunk.iter().fold(sqlx::query::<sqlx::Sqlite>(insert(chunk.len())), bind_event);
        query.execute(&mut *tx).await.map_err(translate)?;
        left = rest;
    }
    tx.commit().await.map_err(translate)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{MOST, append, insert, next_chunk};
    use crate::sqlite::SqliteStore;
    use kordon_core::audit::{AuditEvent, SUCCESS};

    /// A fresh store in a folder of its own whose audit log refuses any row of kind `boom`.
    async fn store(name: &str) -> (SqliteStore, std::path::PathBuf) {
        let (store, dir) = crate::sqlite::test_store(&format!("audit-batch-{name}")).await;
        sqlx::query(
            "CREATE TRIGGER boom BEFORE INSERT ON audit_log WHEN NEW.event = 'boom'
             BEGIN SELECT RAISE(FAIL, 'boom'); END",
        )
        .execute(&store.pool)
        .await
        .expect("trigger");
        (store, dir)
    }

    /// `n` events, the one at `bad` (if any) of the refused kind; event i is at second i.
    fn events(n: usize, bad: Option<usize>) -> Vec<AuditEvent> {
        (0..n)
            .map(|i| {
                let kind = if Some(i) == bad { "boom" } else { "test.event" };
                AuditEvent { at: i as i64, ..AuditEvent::new(kind, SUCCESS) }
            })
            .collect()
    }

    async fn rows(store: &SqliteStore) -> Vec<i64> {
        sqlx::query_scalar("SELECT at FROM audit_log ORDER BY id").fetch_all(&store.pool).await.expect("rows")
    }

    #[tokio::test]
    async fn a_batch_lands_whole_and_in_order() {
        let (store, dir) = store("whole").await;
        append(&store.pool, &events(1000, None)).await.expect("append");
        assert_eq!(rows(&store).await, (0..1000).collect::<Vec<i64>>());
        let _ = std::fs::remove_dir_all(dir);
    }

    #[tokio::test]
    async fn a_row_that_fails_leaves_none_of_its_batch() {
        // Row 300 fails inside the first statement (512 rows: `OR FAIL` keeps the 300 before it
        // until the transaction rolls back); row 700 inside the second, after a whole first one.
        let (store, dir) = store("fails").await;
        for bad in [300, 700, 999] {
            assert!(append(&store.pool, &events(1000, Some(bad))).await.is_err(), "row {bad} refused");
            assert_eq!(rows(&store).await, Vec::<i64>::new(), "nothing of the batch whose row {bad} failed");
        }
        append(&store.pool, &events(3, None)).await.expect("the next batch");
        assert_eq!(rows(&store).await, [0, 1, 2]);
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn a_batch_is_split_into_powers_of_two() {
        let split = |mut left: usize| {
            let mut chunks = Vec::new();
            while left > 0 {
                chunks.push(next_chunk(left));
                left -= next_chunk(left);
            }
            chunks
        };
        assert_eq!(split(1), [1]);
        assert_eq!(split(7), [4, 2, 1]);
        assert_eq!(split(500), [256, 128, 64, 32, 16, 4]);
        assert_eq!(split(1100), [512, 512, 64, 8, 4]);
    }

    #[test]
    fn each_text_binds_fourteen_values_a_row() {
        for rows in [1, 2, 64, MOST] {
            assert_eq!(insert(rows).matches('?').count(), 14 * rows);
        }
    }
}
