//! The JSON of persons, phrases and face tokens, with keys in the seed's orders: a stored record
//! reads `id` first; a record just created (or a person or phrase just updated) reads as Laravel
//! echoes a saved model, the given fields first and `id` last.

use super::kinds::{FaceTokens, Kind, Order, Phrases};
use kordon_core::biometrics::{Identifier, Person, PersonDetail};
use kordon_core::clock::format_datetime;
use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};
use std::borrow::Cow;
use std::marker::PhantomData;
use utoipa::openapi::schema::{ArrayBuilder, KnownFormat, Object, ObjectBuilder, SchemaFormat, Type};
use utoipa::openapi::{Ref, RefOr, Schema};
use utoipa::{PartialSchema, ToSchema};

/// A timestamp's schema: `YYYY-MM-DD hh:mm:ss` (UTC), as [`format_datetime`] writes it.
fn datetime() -> Object {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .pattern(Some(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$"))
        .description(Some("`YYYY-MM-DD hh:mm:ss`"))
        .examples(["2018-03-28 16:00:11"])
        .build()
}

/// An id's schema.
fn int64() -> ObjectBuilder {
    ObjectBuilder::new().schema_type(Type::Integer).format(Some(SchemaFormat::KnownFormat(KnownFormat::Int64)))
}

/// A person as stored: `{id, name, master_token, created_at, updated_at}`.
#[derive(Serialize, ToSchema)]
#[schema(
    as = BioUser,
    example = json!({ "id": 3, "name": "test", "master_token": "test_token1",
                      "created_at": "2018-03-28 16:00:11", "updated_at": "2018-03-28 16:00:11" })
)]
pub(crate) struct PersonView {
    id: i64,
    name: String,
    master_token: String,
    #[schema(schema_with = datetime)]
    created_at: String,
    #[schema(schema_with = datetime)]
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
#[derive(Serialize, ToSchema)]
#[schema(as = BioUserWithRelations)]
pub(crate) struct PersonDetailView {
    #[serde(flatten)]
    person: PersonView,
    /// The person's phrases, oldest first.
    phrases: Vec<PhraseView>,
    /// The person's face tokens, oldest first.
    face_tokens: Vec<FaceTokenView>,
}

impl From<PersonDetail> for PersonDetailView {
    fn from(d: PersonDetail) -> Self {
        Self {
            person: d.person.into(),
            phrases: d.phrases.into_iter().map(|i| IdentifierView::new(i, Order::Stored)).collect(),
            face_tokens: d.face_tokens.into_iter().map(|i| IdentifierView::new(i, Order::Stored)).collect(),
        }
    }
}

/// `GET /api/users/{id}`'s answer: the person in an array of one, as the seed shows it.
#[derive(Serialize)]
#[serde(transparent)]
pub(crate) struct PersonShown(pub [PersonDetailView; 1]);

impl PartialSchema for PersonShown {
    fn schema() -> RefOr<Schema> {
        ArrayBuilder::new()
            .items(Ref::from_schema_name(PersonDetailView::name()))
            .min_items(Some(1))
            .max_items(Some(1))
            .into()
    }
}

impl ToSchema for PersonShown {
    fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
        schemas.push((PersonDetailView::name().into_owned(), PersonDetailView::schema()));
        PersonDetailView::schemas(schemas);
    }
}

/// A person just saved: `{name, master_token, updated_at, created_at, id}`; the same schema as
/// [`PersonView`] (JSON objects have no key order).
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

impl PartialSchema for PersonSaved {
    fn schema() -> RefOr<Schema> {
        PersonView::schema()
    }
}

impl ToSchema for PersonSaved {
    fn name() -> Cow<'static, str> {
        PersonView::name()
    }
}

/// A phrase or a face token (`K`); the value's key is `phrase` or `face_token`.
pub(crate) struct IdentifierView<K> {
    identifier: Identifier,
    order: Order,
    kind: PhantomData<K>,
}

/// A phrase, as answered.
pub(crate) type PhraseView = IdentifierView<Phrases>;
/// A face token, as answered.
pub(crate) type FaceTokenView = IdentifierView<FaceTokens>;

impl<K: Kind> IdentifierView<K> {
    pub(crate) fn new(identifier: Identifier, order: Order) -> Self {
        Self { identifier, order, kind: PhantomData }
    }
}

impl<K: Kind> Serialize for IdentifierView<K> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let i = &self.identifier;
        let field = K::KIND.field();
        let (created_at, updated_at) = (format_datetime(i.created_at), format_datetime(i.updated_at));
        let mut map = serializer.serialize_map(Some(5))?;
        match self.order {
            Order::Stored => {
                map.serialize_entry("id", &i.id)?;
                map.serialize_entry("user_id", &i.person_id)?;
                map.serialize_entry(field, &i.value)?;
                map.serialize_entry("created_at", &created_at)?;
                map.serialize_entry("updated_at", &updated_at)?;
            }
            Order::Saved => {
                map.serialize_entry(field, &i.value)?;
                map.serialize_entry("user_id", &i.person_id)?;
                map.serialize_entry("updated_at", &updated_at)?;
                map.serialize_entry("created_at", &created_at)?;
                map.serialize_entry("id", &i.id)?;
            }
        }
        map.end()
    }
}

impl<K: Kind> PartialSchema for IdentifierView<K> {
    fn schema() -> RefOr<Schema> {
        let field = K::KIND.field();
        ObjectBuilder::new()
            .description(Some(format!("A {} of a person (user).", field.replace('_', " "))))
            .property("id", int64())
            .required("id")
            .property("user_id", int64().description(Some("The person (user) it belongs to.")))
            .required("user_id")
            .property(field, ObjectBuilder::new().schema_type(Type::String))
            .required(field)
            .property("created_at", datetime())
            .required("created_at")
            .property("updated_at", datetime())
            .required("updated_at")
            .examples([K::example()])
            .into()
    }
}

impl<K: Kind> ToSchema for IdentifierView<K> {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed(K::SCHEMA)
    }
}
