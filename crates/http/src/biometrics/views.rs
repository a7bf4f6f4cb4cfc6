//! The JSON of persons, phrases and face tokens, with keys in the seed's orders: a stored record
//! reads `id` first; a record just created (or a person or phrase just updated) reads as Laravel
//! echoes a saved model, the given fields first and `id` last.

use kordon_core::biometrics::{Identifier, IdentifierKind, Person, PersonDetail};
use kordon_core::clock::format_datetime;
use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

/// A person as stored: `{id, name, master_token, created_at, updated_at}`.
#[derive(Serialize)]
pub(crate) struct PersonView {
    id: i64,
    name: String,
    master_token: String,
    created_at: String,
    updated_at: String,
}

impl From<Person> for PersonView {
    fn from(p: Person) -> Self {
        Self {
            id: p.id,
            name: p.name,
            master_token: p.master_token,
            created_at: format_datetime(p.created_at),
            updated_at: format_datetime(p.updated_at),
        }
    }
}

/// A person with their identifiers (`GET /api/users/{id}`).
#[derive(Serialize)]
pub(crate) struct PersonDetailView {
    #[serde(flatten)]
    person: PersonView,
    phrases: Vec<IdentifierView>,
    face_tokens: Vec<IdentifierView>,
}

impl From<PersonDetail> for PersonDetailView {
    fn from(d: PersonDetail) -> Self {
        let view = |kind| move |i| IdentifierView::new(kind, i, Order::Stored);
        Self {
            person: d.person.into(),
            phrases: d.phrases.into_iter().map(view(IdentifierKind::Phrase)).collect(),
            face_tokens: d.face_tokens.into_iter().map(view(IdentifierKind::FaceToken)).collect(),
        }
    }
}

/// A person just saved: `{name, master_token, updated_at, created_at, id}`.
#[derive(Serialize)]
pub(crate) struct PersonSaved {
    name: String,
    master_token: String,
    updated_at: String,
    created_at: String,
    id: i64,
}

impl From<Person> for PersonSaved {
    fn from(p: Person) -> Self {
        Self {
            name: p.name,
            master_token: p.master_token,
            updated_at: format_datetime(p.updated_at),
            created_at: format_datetime(p.created_at),
            id: p.id,
        }
    }
}

/// The key order of an identifier's JSON.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Order {
    /// `{id, user_id, <value>, created_at, updated_at}`.
    Stored,
    /// `{<value>, user_id, updated_at, created_at, id}`.
    Saved,
}

/// A phrase or a face token; the value's key is `phrase` or `face_token`.
pub(crate) struct IdentifierView {
    kind: IdentifierKind,
    identifier: Identifier,
    order: Order,
}

impl IdentifierView {
    pub(crate) fn new(kind: IdentifierKind, identifier: Identifier, order: Order) -> Self {
        Self { kind, identifier, order }
    }
}

impl Serialize for IdentifierView {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let i = &self.identifier;
        let (created_at, updated_at) = (format_datetime(i.created_at), format_datetime(i.updated_at));
        let mut map = serializer.serialize_map(Some(5))?;
        match self.order {
            Order::Stored => {
                map.serialize_entry("id", &i.id)?;
                map.serialize_entry("user_id", &i.person_id)?;
                map.serialize_entry(self.kind.field(), &i.value)?;
                map.serialize_entry("created_at", &created_at)?;
                map.serialize_entry("updated_at", &updated_at)?;
            }
            Order::Saved => {
                map.serialize_entry(self.kind.field(), &i.value)?;
                map.serialize_entry("user_id", &i.person_id)?;
                map.serialize_entry("updated_at", &updated_at)?;
                map.serialize_entry("created_at", &created_at)?;
                map.serialize_entry("id", &i.id)?;
            }
        }
        map.end()
    }
}
