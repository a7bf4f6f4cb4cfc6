//! The SQL of the biometric records (seed 002), one text for both databases (see `sql`).
//! Every statement that names an account joins through `persons.account_id`, so another account's
//! records are invisible; attaching an identifier checks its person in the same statement.

use super::{Db, SqlStore};
use crate::backend::Backend;
use crate::errors::translate;
use kordon_core::biometrics::{Identifier, IdentifierKind, Person};
use kordon_core::ports::StoreResult;

/// The columns of a person, in the order [`person`] reads them.
macro_rules! person_columns {
    () => {
        "id, account_id, name, master_token, created_at, updated_at"
    };
}

type PersonRow = (i64, i64, String, String, i64, i64);
type IdentifierRow = (i64, i64, String, i64, i64);

fn person((id, account_id, name, master_token, created_at, updated_at): PersonRow) -> Person {
    Person { id, account_id, name, master_token, created_at, updated_at }
}

fn identifier((id, person_id, value, created_at, updated_at): IdentifierRow) -> Identifier {
    Identifier { id, person_id, value, created_at, updated_at }
}

const PERSONS: &str =
    concat!("SELECT ", person_columns!(), " FROM persons WHERE account_id = $1 ORDER BY id LIMIT $2 OFFSET $3");
const PERSON: &str = concat!("SELECT ", person_columns!(), " FROM persons WHERE id = $1 AND account_id = $2");
const CREATE_PERSON: &str = concat!(
    "INSERT INTO persons (account_id, name, master_token, created_at, updated_at) VALUES ($1, $2, $3, $4, $4)
     RETURNING ",
    person_columns!()
);
const UPDATE_PERSON: &str = concat!(
    "UPDATE persons SET name = $1, master_token = $2, updated_at = $3 WHERE id = $4 AND account_id = $5
     RETURNING ",
    person_columns!()
);
const DELETE_PERSON: &str = "DELETE FROM persons WHERE id = $1 AND account_id = $2";

/// The statements of one identifier table; the same shapes for phrases and face tokens.
struct IdentifierSql {
    /// `$1` person: the person's identifiers, oldest first.
    pub list: &'static str,
    /// `$1` id, `$2` account.
    pub one: &'static str,
    /// `$1` person, `$2` account, `$3` value, `$4` now; no row when the person is not the account's.
    pub insert: &'static str,
    /// `$1` person, `$2` value, `$3` now, `$4` id, `$5` account; no row when either the identifier
    /// or the person is not the account's.
    pub update: &'static str,
    /// `$1` id, `$2` account.
    pub delete: &'static str,
    /// `$1` person, `$2` account: every identifier of the person (deleted with the person).
    pub delete_of_person: &'static str,
}

macro_rules! identifier_sql {
    ($table:literal, $column:literal) => {
        IdentifierSql {
            list: concat!(
                "SELECT id, person_id, ",
                $column,
                ", created_at, updated_at FROM ",
                $table,
                " WHERE person_id = $1 ORDER BY id"
            ),
            one: concat!(
                "SELECT i.id, i.person_id, i.",
                $column,
                ", i.created_at, i.updated_at FROM ",
                $table,
                " i JOIN persons p ON p.id = i.person_id WHERE i.id = $1 AND p.account_id = $2"
            ),
            insert: concat!(
                "INSERT INTO ",
                $table,
                " (person_id, ",
                $column,
                ", created_at, updated_at)
                 SELECT id, $3, $4, $4 FROM persons WHERE id = $1 AND account_id = $2
                 RETURNING id, person_id, ",
                $column,
                ", created_at, updated_at"
            ),
            update: concat!(
                "UPDATE ",
                $table,
                " SET person_id = $1, ",
                $column,
                " = $2, updated_at = $3
                 WHERE id = $4 AND person_id IN (SELECT id FROM persons WHERE account_id = $5)
                   AND EXISTS (SELECT 1 FROM persons WHERE id = $1 AND account_id = $5)
                 RETURNING id, person_id, ",
                $column,
                ", created_at, updated_at"
            ),
            delete: concat!(
                "DELETE FROM ",
                $table,
                " WHERE id = $1 AND person_id IN (SELECT id FROM persons WHERE account_id = $2)"
            ),
            delete_of_person: concat!(
                "DELETE FROM ",
                $table,
                " WHERE person_id IN (SELECT id FROM persons WHERE id = $1 AND account_id = $2)"
            ),
        }
    };
}

static PHRASES: IdentifierSql = identifier_sql!("phrases", "phrase");
static FACE_TOKENS: IdentifierSql = identifier_sql!("face_tokens", "face_token");

fn sql(kind: IdentifierKind) -> &'static IdentifierSql {
    match kind {
        IdentifierKind::Phrase => &PHRASES,
        IdentifierKind::FaceToken => &FACE_TOKENS,
    }
}

#[async_trait::async_trait]
impl kordon_core::biometrics::BiometricsStore for SqlStore {
    async fn persons(
        &self,
        account_id: i64,
        offset: i64,
        limit: i64,
    ) -> StoreResult<Vec<kordon_core::biometrics::Person>> {
        let rows = sqlx::query_as::<Db, PersonRow>(PERSONS)
            .bind(account_id)
            .bind(limit)
            .bind(offset)
            .fetch_all(&self.pool)
            .await
            .map_err(translate)?;
        Ok(rows.into_iter().map(person).collect())
    }

    async fn person(&self, account_id: i64, id: i64) -> StoreResult<Option<kordon_core::biometrics::Person>> {
        let row = sqlx::query_as::<Db, PersonRow>(PERSON)
            .bind(id)
            .bind(account_id)
            .fetch_optional(&self.pool)
            .await
            .map_err(translate)?;
        Ok(row.map(person))
    }

    async fn create_person(
        &self,
        account_id: i64,
        name: &str,
        master_token: &str,
        now: i64,
    ) -> StoreResult<kordon_core::biometrics::Person> {
        let row = sqlx::query_as::<Db, PersonRow>(CREATE_PERSON)
            .bind(account_id)
            .bind(name)
            .bind(master_token)
            .bind(now)
            .fetch_one(&self.pool)
            .await
            .map_err(translate)?;
        Ok(person(row))
    }

    async fn update_person(
        &self,
        account_id: i64,
        id: i64,
        name: &str,
        master_token: &str,
        now: i64,
    ) -> StoreResult<Option<kordon_core::biometrics::Person>> {
        let row = sqlx::query_as::<Db, PersonRow>(UPDATE_PERSON)
            .bind(name)
            .bind(master_token)
            .bind(now)
            .bind(id)
            .bind(account_id)
            .fetch_optional(&self.pool)
            .await
            .map_err(translate)?;
        Ok(row.map(person))
    }

    async fn delete_person(&self, account_id: i64, id: i64) -> StoreResult<bool> {
        use kordon_core::biometrics::IdentifierKind;
        // The foreign keys cascade too; deleting explicitly keeps this whole even where
        // they are not enforced.
        let mut tx = self.pool.begin_with(Self::BEGIN).await.map_err(translate)?;
        for kind in [IdentifierKind::Phrase, IdentifierKind::FaceToken] {
            sqlx::query::<Db>(sql(kind).delete_of_person)
                .bind(id)
                .bind(account_id)
                .execute(&mut *tx)
                .await
                .map_err(translate)?;
        }
        let deleted = sqlx::query::<Db>(DELETE_PERSON)
            .bind(id)
            .bind(account_id)
            .execute(&mut *tx)
            .await
            .map_err(translate)?
            .rows_affected();
        tx.commit().await.map_err(translate)?;
        Ok(deleted > 0)
    }

    async fn identifiers(
        &self,
        kind: kordon_core::biometrics::IdentifierKind,
        person_id: i64,
    ) -> StoreResult<Vec<kordon_core::biometrics::Identifier>> {
        let rows = sqlx::query_as::<Db, IdentifierRow>(sql(kind).list)
            .bind(person_id)
            .fetch_all(&self.pool)
            .await
            .map_err(translate)?;
        Ok(rows.into_iter().map(identifier).collect())
    }

    async fn identifier(
        &self,
        kind: kordon_core::biometrics::IdentifierKind,
        account_id: i64,
        id: i64,
    ) -> StoreResult<Option<kordon_core::biometrics::Identifier>> {
        let row = sqlx::query_as::<Db, IdentifierRow>(sql(kind).one)
            .bind(id)
            .bind(account_id)
            .fetch_optional(&self.pool)
            .await
            .map_err(translate)?;
        Ok(row.map(identifier))
    }

    async fn create_identifier(
        &self,
        kind: kordon_core::biometrics::IdentifierKind,
        account_id: i64,
        person_id: i64,
        value: &str,
        now: i64,
    ) -> StoreResult<Option<kordon_core::biometrics::Identifier>> {
        let row = sqlx::query_as::<Db, IdentifierRow>(sql(kind).insert)
            .bind(person_id)
            .bind(account_id)
            .bind(value)
            .bind(now)
            .fetch_optional(&self.pool)
            .await
            .map_err(translate);
        match row {
            Ok(row) => Ok(row.map(identifier)),
            // The person was deleted between the statement's read and its foreign-key check.
            Err(kordon_core::ports::StoreError::NotFound) => Ok(None),
            Err(other) => Err(other),
        }
    }

    async fn update_identifier(
        &self,
        kind: kordon_core::biometrics::IdentifierKind,
        account_id: i64,
        id: i64,
        person_id: i64,
        value: &str,
        now: i64,
    ) -> StoreResult<Option<kordon_core::biometrics::Identifier>> {
        let row = sqlx::query_as::<Db, IdentifierRow>(sql(kind).update)
            .bind(person_id)
            .bind(value)
            .bind(now)
            .bind(id)
            .bind(account_id)
            .fetch_optional(&self.pool)
            .await
            .map_err(translate);
        match row {
            Ok(row) => Ok(row.map(identifier)),
            Err(kordon_core::ports::StoreError::NotFound) => Ok(None),
            Err(other) => Err(other),
        }
    }

    async fn delete_identifier(
        &self,
        kind: kordon_core::biometrics::IdentifierKind,
        account_id: i64,
        id: i64,
    ) -> StoreResult<bool> {
        let deleted = sqlx::query::<Db>(sql(kind).delete)
            .bind(id)
            .bind(account_id)
            .execute(&self.pool)
            .await
            .map_err(translate)?
            .rows_affected();
        Ok(deleted > 0)
    }
}
