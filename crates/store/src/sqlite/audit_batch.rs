//! SQLite's audit batches: multi-row `INSERT … VALUES` statements of 512, 256, …, 2 or 1 rows
//! (a batch of any size is the sum of at most ten of them, largest first), in one transaction.
//! Ten statement texts in all, each prepared once per connection; a row is fourteen bound
//! values, read by SQLite as they are (512 rows bind 7,168 of the 32,766 variables it allows).

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
                    "INSERT INTO audit_log ({}) VALUES {}",
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
    use super::{MOST, insert, next_chunk};

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
