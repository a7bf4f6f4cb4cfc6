//! The happy path of a refresh rotation — spend the presented refresh token, write its successor,
//! move the sessions' cache epoch — in as few round trips as each database allows, all in one
//! atomic unit: one statement on PostgreSQL (data-modifying CTEs), one statement on SQLite too (an
//! insert from the spent row, whose trigger of migration 0013 does the rest; `sqlite_rotations`
//! commits such statements in groups). The slow path (the token
//! was not live: a retry within the grace window, reuse, or nothing) stays in `token_queries`.

use crate::errors::translate;
use crate::postgres::PgStore;
use kordon_core::ports::StoreResult;
use kordon_core::types::NewSession;

/// What a spend wrote: the owner and the successor's expiries (capped by the family's end).
pub(crate) type Spent = Option<(i64, i64, i64, String)>;

impl PgStore {
    /// One statement, so one round trip and no explicit transaction: only the first of concurrent
    /// presenters gets the row (the others re-check `rotated_at IS NULL` after its commit and see
    /// nothing, so they insert nothing and move nothing). The epoch moves in one of 256 slots.
    pub(crate) async fn spend_refresh(
        &self,
        refresh_digest: &str,
        client_id: i64,
        successor: &NewSession,
        salt: &str,
        now: i64,
    ) -> StoreResult<Spent> {
        sqlx::query_as::<sqlx::Postgres, (i64, i64, i64, String)>(
            "WITH spent AS (
                 UPDATE sessions SET rotated_at = $1, rotation_salt = $5
                 WHERE refresh_digest = $2 AND client_id = $3 AND kind = $4 AND rotated_at IS NULL
                   AND revoked_at IS NULL AND refresh_expires > $1
                 RETURNING id, user_id, family_id, scope, COALESCE(family_expires, $6) AS family_expires
             ), born AS (
                 INSERT INTO sessions (family_id, user_id, client_id, access_digest, access_expires,
                                       refresh_digest, refresh_expires, created_at, ip, user_agent, kind,
                                       family_expires, parent_id, scope)
                 SELECT family_id, user_id, $3, $7, LEAST($8, family_expires), $9, LEAST($10, family_expires),
                        $1, $11, $12, $4, family_expires, id, scope
                 FROM spent
                 RETURNING user_id, access_expires, refresh_expires, scope
             ), moved AS (
                 UPDATE cache_epoch_slots SET n = n + 1 WHERE slot = $13 AND EXISTS (SELECT 1 FROM spent)
             )
             SELECT user_id, access_expires, refresh_expires, scope FROM born",
        )
        .bind(now)
        .bind(refresh_digest)
        .bind(client_id)
        .bind(successor.kind)
        .bind(salt)
        .bind(successor.family_expires)
        .bind(&successor.access_digest)
        .bind(successor.access_expires)
        .bind(&successor.refresh_digest)
        .bind(successor.refresh_expires)
        .bind(&successor.ip)
        .bind(&successor.user_agent)
        .bind(epoch_slot(refresh_digest))
        .fetch_optional(&self.pool)
        .await
        .map_err(translate)
    }
}

/// Which of PostgreSQL's 256 sessions-epoch counters a rotation moves (migration 0013): one
/// shared row would be locked by every rotation from its update until its commit's WAL flush,
/// so rotations would commit one at a time; spread by the spent digest, they commit together.
fn epoch_slot(refresh_digest: &str) -> i32 {
    refresh_digest.get(..2).and_then(|hex| i32::from_str_radix(hex, 16).ok()).unwrap_or(0)
}

/// SQLite has no data-modifying CTE, so the successor is inserted from the spent row
/// (`parent_id`, with the spent row's salt passing through `rotation_salt`) and the trigger of
/// migration 0013 marks the parent rotated, moves the salt onto it and moves the epoch. A write
/// statement takes the write lock before it reads, so only the first of concurrent presenters
/// finds the row live. `sqlite_rotations` runs it (`SqliteStore::spend_refresh`), grouped into one
/// commit.
pub(crate) const SQLITE_SPEND: &str =
    "INSERT INTO sessions (family_id, user_id, client_id, access_digest, access_expires,
                          refresh_digest, refresh_expires, created_at, ip, user_agent, kind,
                          family_expires, parent_id, rotation_salt, scope)
    SELECT family_id, user_id, $3, $7, MIN($8, fe), $9, MIN($10, fe), $1, $11, $12, $4, fe, id, $5, scope
    FROM (SELECT id, family_id, user_id, scope, COALESCE(family_expires, $6) AS fe FROM sessions
          WHERE refresh_digest = $2 AND client_id = $3 AND kind = $4 AND rotated_at IS NULL
            AND revoked_at IS NULL AND refresh_expires > $1)
    RETURNING user_id, access_expires, refresh_expires, scope";
