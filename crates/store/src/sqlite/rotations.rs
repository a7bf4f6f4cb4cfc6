//! SQLite's refresh rotations: one statement per rotation ([`SPEND`]), run by one writer
//! connection that commits them in groups. The requests queue in process, the writer takes every
//! rotation waiting, runs them in one transaction and answers each after the commit. SQLite has
//! one writer at a time anyway; this spends one commit (its WAL append) on a group instead of one
//! each, keeps the writer's page cache warm (other pool connections' commits invalidate theirs)
//! and never sleeps in SQLite's busy handler waiting for another connection of this process.

use crate::backend::Spent;
use crate::errors::translate;
use kordon_core::ports::{StoreError, StoreResult};
use kordon_core::types::NewSession;
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};
use sqlx::{Connection, Sqlite};
use tokio::sync::{mpsc, oneshot};

/// SQLite has no data-modifying CTE, so the successor is inserted from the spent row
/// (`parent_id`, with the spent row's salt passing through `rotation_salt`) and the trigger of
/// migration 0013 marks the parent rotated, moves the salt onto it and moves the epoch. A write
/// statement takes the write lock before it reads, so only the first of concurrent presenters
/// finds the row live. The writer runs it ([`Rotations::spend`]), grouped into one commit.
const SPEND: &str = "INSERT INTO sessions (family_id, user_id, client_id, access_digest, access_expires,
                          refresh_digest, refresh_expires, created_at, ip, user_agent, kind,
                          family_expires, parent_id, rotation_salt, scope)
    SELECT family_id, user_id, $3, $7, MIN($8, fe), $9, MIN($10, fe), $1, $11, $12, $4, fe, id, $5, scope
    FROM (SELECT id, family_id, user_id, scope, COALESCE(family_expires, $6) AS fe FROM sessions
          WHERE refresh_digest = $2 AND client_id = $3 AND kind = $4 AND rotated_at IS NULL
            AND revoked_at IS NULL AND refresh_expires > $1)
    RETURNING user_id, access_expires, refresh_expires, scope";

/// The most rotations one transaction commits; the rest wait for the next.
const GROUP: usize = 64;
/// Rotations queued beyond the one being committed; a full queue makes callers wait.
const QUEUE: usize = 1024;

/// One rotation's arguments and where its answer goes.
struct Job {
    refresh_digest: String,
    client_id: i64,
    successor: NewSession,
    salt: String,
    now: i64,
    answer: oneshot::Sender<StoreResult<Spent>>,
}

/// The handle the store keeps: dropping it (with the store) ends the writer.
pub(super) struct Rotations {
    jobs: mpsc::Sender<Job>,
}

impl Rotations {
    /// Opens the writer's own connection and starts it.
    pub(super) async fn start(options: &SqliteConnectOptions) -> StoreResult<Self> {
        let conn = SqliteConnection::connect_with(options).await.map_err(translate)?;
        let (jobs, queue) = mpsc::channel(QUEUE);
        tokio::spawn(write(conn, queue));
        Ok(Self { jobs })
    }

    /// Spends `refresh_digest` for `successor` ([`SPEND`]) through the writer, answered once its
    /// group is committed.
    pub(super) async fn spend(
        &self,
        refresh_digest: &str,
        client_id: i64,
        successor: &NewSession,
        salt: &str,
        now: i64,
    ) -> StoreResult<Spent> {
        let (answer, answered) = oneshot::channel();
        let job = Job {
            refresh_digest: refresh_digest.to_owned(),
            client_id,
            successor: successor.clone(),
            salt: salt.to_owned(),
            now,
            answer,
        };
        let gone = || StoreError::Other("the SQLite rotation writer has stopped".into());
        self.jobs.send(job).await.map_err(|_| gone())?;
        answered.await.map_err(|_| gone())?
    }
}

/// The writer: waits for a rotation, takes whatever else is queued, commits them together.
async fn write(mut conn: SqliteConnection, mut queue: mpsc::Receiver<Job>) {
    let mut group = Vec::with_capacity(GROUP);
    while queue.recv_many(&mut group, GROUP).await > 0 {
        let answers: Vec<StoreResult<Spent>> = match spend_together(&mut conn, &group).await {
            Ok(spent) => spent.into_iter().map(Ok).collect(),
            // Nothing of the group stands (rolled back): each runs alone, so one bad rotation
            // fails only its own request.
            Err(error) => {
                tracing::warn!(rotations = group.len(), %error, "a group of rotations failed; each runs alone");
                let mut alone = Vec::with_capacity(group.len());
                for job in &group {
                    alone.push(spend_one(&mut conn, job).await);
                }
                alone
            }
        };
        for (job, answer) in group.drain(..).zip(answers) {
            let _ = job.answer.send(answer); // the caller may have gone (a cancelled request)
        }
    }
}

/// The group in one transaction; any error rolls all of it back.
async fn spend_together(conn: &mut SqliteConnection, group: &[Job]) -> StoreResult<Vec<Spent>> {
    let mut tx = conn.begin_with("BEGIN IMMEDIATE").await.map_err(translate)?;
    let mut spent = Vec::with_capacity(group.len());
    for job in group {
        spent.push(statement(job).fetch_optional(&mut *tx).await.map_err(translate)?);
    }
    tx.commit().await.map_err(translate)?;
    Ok(spent)
}

async fn spend_one(conn: &mut SqliteConnection, job: &Job) -> StoreResult<Spent> {
    statement(job).fetch_optional(conn).await.map_err(translate)
}

type Statement<'q> = sqlx::query::QueryAs<'q, Sqlite, (i64, i64, i64, String), <Sqlite as sqlx::Database>::Arguments>;

fn statement(job: &Job) -> Statement<'_> {
    let s = &job.successor;
    sqlx::query_as::<Sqlite, (i64, i64, i64, String)>(SPEND)
        .bind(job.now)
        .bind(&job.refresh_digest)
        .bind(job.client_id)
        .bind(s.kind)
        .bind(&job.salt)
        .bind(s.family_expires)
        .bind(&s.access_digest)
        .bind(s.access_expires)
        .bind(&s.refresh_digest)
        .bind(s.refresh_expires)
        .bind(&s.ip)
        .bind(&s.user_agent)
}

#[cfg(test)]
mod tests {
    use crate::sqlite::SqliteStore;
    use kordon_core::ports::TokenStore;
    use kordon_core::types::{NewSession, Rotation};

    const NOW: i64 = 1_800_000_000;

    /// A fresh store in a folder of its own, with one user.
    async fn store(name: &str) -> (SqliteStore, std::path::PathBuf) {
        let (store, dir) = crate::sqlite::test_store(&format!("rotations-{name}")).await;
        for sql in [
            "INSERT INTO accounts (id, created_at) VALUES (1, 0)",
            "INSERT INTO users (id, account_id, email, email_key, role, password_hash, password_changed_at, created_at)
             VALUES (1, 1, 'u@example.com', 'u@example.com', 'user', 'x', 0, 0)",
        ] {
            sqlx::query(sql).execute(&store.pool).await.expect("seed");
        }
        (store, dir)
    }

    fn session(n: &str) -> NewSession {
        NewSession {
            kind: "cabinet",
            user_id: 1,
            client_id: 10553,
            family_id: format!("family-{n}"),
            access_digest: format!("access-{n}"),
            access_expires: NOW + 3600,
            refresh_digest: format!("refresh-{n}"),
            refresh_expires: NOW + 86400,
            family_expires: NOW + 86400,
            created_at: NOW,
            ip: None,
            user_agent: None,
            scope: String::new(),
        }
    }

    async fn rotate(store: &SqliteStore, spent: &str, successor: &str) -> Rotation {
        let next = session(successor);
        store
            .rotate_session(&format!("refresh-{spent}"), 10553, &next, "salt", Some(NOW - 10), NOW)
            .await
            .expect("rotate")
    }

    /// Three rotations queued at once form one group (a current-thread runtime polls all three
    /// before the writer runs): a token presented twice rotates once and the second
    /// presentation is a retry, answered after the group's commit.
    #[tokio::test]
    async fn a_group_keeps_one_winner_a_token() {
        let (store, dir) = store("winner").await;
        for n in ["a", "b"] {
            store.create_session(&session(n)).await.expect("session");
        }
        let (a, again, b) =
            tokio::join!(rotate(&store, "a", "a2"), rotate(&store, "a", "a3"), rotate(&store, "b", "b2"));
        assert!(matches!(a, Rotation::Rotated { user_id: 1, .. }), "{a:?}");
        assert!(matches!(again, Rotation::Retry { .. }), "{again:?}");
        assert!(matches!(b, Rotation::Rotated { user_id: 1, .. }), "{b:?}");
        let live: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sessions WHERE rotated_at IS NULL")
            .fetch_one(&store.pool)
            .await
            .expect("count");
        assert_eq!(live, 2, "a2 and b2; a3 was never written");
        let _ = std::fs::remove_dir_all(dir);
    }

    /// A group with one rotation that cannot be written (its successor's access digest is taken)
    /// is rolled back and its rotations run alone: only that one fails.
    #[tokio::test]
    async fn a_failed_group_fails_only_its_bad_rotation() {
        let (store, dir) = store("failed").await;
        for n in ["a", "b", "c"] {
            store.create_session(&session(n)).await.expect("session");
        }
        let mut clash = session("b2");
        clash.access_digest = "access-c".into(); // c's access digest: a unique violation
        let (a, b, c) = tokio::join!(
            rotate(&store, "a", "a2"),
            store.rotate_session("refresh-b", 10553, &clash, "salt", Some(NOW - 10), NOW),
            rotate(&store, "c", "c2"),
        );
        assert!(matches!(a, Rotation::Rotated { .. }), "{a:?}");
        assert!(b.is_err(), "{b:?}");
        assert!(matches!(c, Rotation::Rotated { .. }), "{c:?}");
        let b_live: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM sessions WHERE refresh_digest = 'refresh-b' AND rotated_at IS NULL",
        )
        .fetch_one(&store.pool)
        .await
        .expect("count");
        assert_eq!(b_live, 1, "the failed rotation left b unspent");
        let _ = std::fs::remove_dir_all(dir);
    }
}
