//! The request bodies of creates and updates, as the handlers read them: every field as the
//! client sent it (any JSON), checked by the core with Laravel's rules and messages; the schemas
//! say what those rules accept. Unknown fields are ignored.

use kordon_core::biometrics::{IdentifierInput, PersonInput};
use serde::Deserialize;
use serde_json::Value;
use utoipa::ToSchema;
use utoipa::openapi::schema::{ObjectBuilder, SchemaType, Type};
use utoipa::openapi::{RefOr, Schema};

/// A person's fields (`POST /api/users`, `PUT /api/users/{id}`).
#[derive(Deserialize, ToSchema)]
#[schema(as = BioUserInput, example = json!({ "name": "lolkek", "master_token": "cheburek" }))]
pub(crate) struct PersonBody {
    /// Required; trimmed, then at most 255 characters (blank reads as missing).
    #[schema(value_type = String, required = true, min_length = 1, max_length = 255)]
    name: Option<Value>,
    /// Required; trimmed, then at most 255 characters (blank reads as missing).
    #[schema(value_type = String, required = true, min_length = 1, max_length = 255)]
    master_token: Option<Value>,
}

impl From<PersonBody> for PersonInput {
    fn from(body: PersonBody) -> Self {
        Self { name: body.name, master_token: body.master_token }
    }
}

/// A phrase's fields (`POST /api/phrases`, `PUT /api/phrases/{id}`).
#[derive(Deserialize, ToSchema)]
#[schema(as = PhraseInput, example = json!({ "phrase": "new_phrase", "user_id": 3 }))]
pub(crate) struct PhraseBody {
    /// Required; trimmed, then at most 255 characters (blank reads as missing).
    #[schema(value_type = String, required = true, min_length = 1, max_length = 255)]
    phrase: Option<Value>,
    /// Required: the id of a user (person) of the caller's account.
    #[schema(schema_with = person_ref, required = true)]
    user_id: Option<Value>,
}

impl From<PhraseBody> for IdentifierInput {
    fn from(body: PhraseBody) -> Self {
        Self { value: body.phrase, person_id: body.user_id }
    }
}

/// A face token's fields (`POST /api/faceTokens`, `PUT /api/faceTokens/{id}`).
#[derive(Deserialize, ToSchema)]
#[schema(as = FaceTokenInput, example = json!({ "face_token": "new_test_face_token", "user_id": 3 }))]
pub(crate) struct FaceTokenBody {
    /// Required; trimmed, then at most 255 characters (blank reads as missing).
    #[schema(value_type = String, required = true, min_length = 1, max_length = 255)]
    face_token: Option<Value>,
    /// Required: the id of a user (person) of the caller's account.
    #[schema(schema_with = person_ref, required = true)]
    user_id: Option<Value>,
}

impl From<FaceTokenBody> for IdentifierInput {
    fn from(body: FaceTokenBody) -> Self {
        Self { value: body.face_token, person_id: body.user_id }
    }
}

/// `user_id`: an integer, or its decimal text as PHP's `FILTER_VALIDATE_INT` reads it (an
/// optional sign, no leading zeros, surrounding white space trimmed).
fn person_ref() -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(SchemaType::from_iter([Type::Integer, Type::String]))
        .minimum(Some(i64::MIN))
        .maximum(Some(i64::MAX))
        .pattern(Some(r"^\s*[+-]?(0|[1-9][0-9]*)\s*$"))
        .description(Some(
            "The id of a user (person) of the caller's account: an integer, or its decimal text. \
             Another account's id is refused like a missing one.",
        ))
        .examples([serde_json::json!(3)])
        .into()
}
