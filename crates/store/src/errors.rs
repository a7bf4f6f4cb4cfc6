//! sqlx errors translated into the core's `StoreError` at the store boundary.

use kordon_core::ports::StoreError;

pub(crate) fn translate(err: sqlx::Error) -> StoreError {
    match err {
        sqlx::Error::RowNotFound => StoreError::NotFound,
        sqlx::Error::Database(db) if db.is_unique_violation() => {
            // SQLite names the column ("UNIQUE constraint failed: users.email_key"),
            // PostgreSQL the constraint ("users_email_key"); both mention the column.
            let text = format!("{} {}", db.constraint().unwrap_or_default(), db.message());
            let field =
                ["sip_user", "email", "phone", "digest", "name"].into_iter().find(|f| text.contains(f)).unwrap_or("id");
            StoreError::Conflict(field)
        }
        sqlx::Error::Database(db) if db.is_foreign_key_violation() => StoreError::NotFound,
        // PostgreSQL's connection exceptions (class 08), shutdowns (57P01 an operator's
        // `pg_terminate_backend` or a fast shutdown, 57P02 a crash, 57P03 still starting) and
        // 53300 (too many connections). SQLite's codes are numbers and never match.
        sqlx::Error::Database(db)
            if db.code().is_some_and(|c| c.starts_with("08") || c.starts_with("57P0") || c == "53300") =>
        {
            StoreError::Unavailable(db.to_string())
        }
        // Not `WorkerCrashed`: a SQLite connection whose worker died stays dead (the rotation
        // writer's is never reopened), so "retry shortly" would be a lie; it stays a 500.
        err @ (sqlx::Error::Io(_) | sqlx::Error::Tls(_) | sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed) => {
            StoreError::Unavailable(err.to_string())
        }
        other => StoreError::Other(other.to_string()),
    }
}
