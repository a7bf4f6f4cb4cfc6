//! The biometrics services: CRUD of an account's persons, phrases and face tokens. A record of
//! another account is `Error::NotFound`, exactly like a missing one; a phrase or face token can
//! only be attached to a person of the caller's account.
//!
//! Checks run in the order of the Laravel application behind seed 002: the record named in the
//! path first (404), then the body (422, every invalid field at once).

use super::validate::{Invalid, person_ref, text};
use super::{
    BiometricsError, Identifier, IdentifierInput, IdentifierKind, Person, PersonDetail, PersonInput, PersonPage,
};
use crate::Core;
use crate::error::Error;

type Result<T> = std::result::Result<T, BiometricsError>;

/// A person's validated fields.
struct PersonFields {
    name: String,
    master_token: String,
}

/// An identifier's validated fields.
struct IdentifierFields {
    person_id: i64,
    value: String,
}

impl Core {
    /// One page (1-based) of the account's persons, oldest first: at most
    /// `limits.persons_per_page`, so no answer grows with the account.
    pub async fn list_persons(&self, account_id: i64, page: i64) -> Result<PersonPage> {
        let per_page = self.settings.limits.persons_per_page.max(1);
        let offset = page.max(1).saturating_sub(1).saturating_mul(per_page);
        let mut persons = self.store.persons(account_id, offset, per_page.saturating_add(1)).await?;
        let more = persons.len() as i64 > per_page;
        persons.truncate(per_page as usize);
        Ok(PersonPage { persons, more })
    }

    /// A person of the account with their phrases and face tokens.
    pub async fn show_person(&self, account_id: i64, id: i64) -> Result<PersonDetail> {
        let person = self.store.person(account_id, id).await?.ok_or(Error::NotFound)?;
        let phrases = self.store.identifiers(IdentifierKind::Phrase, person.id).await?;
        let face_tokens = self.store.identifiers(IdentifierKind::FaceToken, person.id).await?;
        Ok(PersonDetail { person, phrases, face_tokens })
    }

    pub async fn create_person(&self, account_id: i64, input: &PersonInput) -> Result<Person> {
        let fields = person_fields(input)?;
        let now = self.clock.now();
        Ok(self.store.create_person(account_id, &fields.name, &fields.master_token, now).await?)
    }

    /// Replaces both fields of a person of the account; `created_at` stays.
    pub async fn update_person(&self, account_id: i64, id: i64, input: &PersonInput) -> Result<Person> {
        self.store.person(account_id, id).await?.ok_or(Error::NotFound)?;
        let fields = person_fields(input)?;
        let now = self.clock.now();
        let updated = self.store.update_person(account_id, id, &fields.name, &fields.master_token, now).await?;
        Ok(updated.ok_or(Error::NotFound)?)
    }

    /// Deletes a person of the account with every phrase and face token of theirs.
    pub async fn delete_person(&self, account_id: i64, id: i64) -> Result<()> {
        if self.store.delete_person(account_id, id).await? { Ok(()) } else { Err(Error::NotFound.into()) }
    }

    /// A phrase or face token of one of the account's persons.
    pub async fn show_identifier(&self, kind: IdentifierKind, account_id: i64, id: i64) -> Result<Identifier> {
        Ok(self.store.identifier(kind, account_id, id).await?.ok_or(Error::NotFound)?)
    }

    /// Attaches a phrase or face token to a person of the account.
    pub async fn create_identifier(
        &self,
        kind: IdentifierKind,
        account_id: i64,
        input: &IdentifierInput,
    ) -> Result<Identifier> {
        let fields = self.identifier_fields(kind, account_id, input).await?;
        let now = self.clock.now();
        let created = self.store.create_identifier(kind, account_id, fields.person_id, &fields.value, now).await?;
        // None: the person was deleted since it was checked.
        created.ok_or_else(unknown_person)
    }

    /// Replaces the value (and person) of a phrase or face token of the account.
    pub async fn update_identifier(
        &self,
        kind: IdentifierKind,
        account_id: i64,
        id: i64,
        input: &IdentifierInput,
    ) -> Result<Identifier> {
        self.store.identifier(kind, account_id, id).await?.ok_or(Error::NotFound)?;
        let fields = self.identifier_fields(kind, account_id, input).await?;
        let now = self.clock.now();
        let updated = self.store.update_identifier(kind, account_id, id, fields.person_id, &fields.value, now).await?;
        match updated {
            Some(identifier) => Ok(identifier),
            // Something was deleted since it was checked: the identifier, or the person.
            None => match self.store.identifier(kind, account_id, id).await? {
                Some(_) => Err(unknown_person()),
                None => Err(Error::NotFound.into()),
            },
        }
    }

    pub async fn delete_identifier(&self, kind: IdentifierKind, account_id: i64, id: i64) -> Result<()> {
        if self.store.delete_identifier(kind, account_id, id).await? { Ok(()) } else { Err(Error::NotFound.into()) }
    }

    /// Checks an identifier's body, the person reference against the account's persons.
    async fn identifier_fields(
        &self,
        kind: IdentifierKind,
        account_id: i64,
        input: &IdentifierInput,
    ) -> Result<IdentifierFields> {
        let mut invalid = Invalid::default();
        let value = text(kind.field(), input.value.as_ref(), &mut invalid);
        let person_id = person_ref(input.person_id.as_ref(), &mut invalid);
        if let Some(id) = person_id
            && self.store.person(account_id, id).await?.is_none()
        {
            invalid.unknown_person();
        }
        match (value, person_id) {
            (Some(value), Some(person_id)) if invalid.is_empty() => Ok(IdentifierFields { person_id, value }),
            _ => Err(BiometricsError::Invalid(invalid)),
        }
    }
}

fn person_fields(input: &PersonInput) -> Result<PersonFields> {
    let mut invalid = Invalid::default();
    let name = text("name", input.name.as_ref(), &mut invalid);
    let master_token = text("master_token", input.master_token.as_ref(), &mut invalid);
    match (name, master_token) {
        (Some(name), Some(master_token)) => Ok(PersonFields { name, master_token }),
        _ => Err(BiometricsError::Invalid(invalid)),
    }
}

fn unknown_person() -> BiometricsError {
    let mut invalid = Invalid::default();
    invalid.unknown_person();
    BiometricsError::Invalid(invalid)
}
