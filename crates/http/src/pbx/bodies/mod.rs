//! The action API's request body, the envelope `{"action","obj","action_id","params"}` (its
//! `params` typed in [`params`]), and how it is read: what could not be read is answered 400 in
//! the envelope, echoing what was.

mod params;

use super::error::Failure;
use super::views::{Outcome, Reply};
use axum::http::StatusCode;
pub(super) use params::Params;
use serde_json::Value;
use utoipa::ToSchema;
use utoipa::openapi::schema::{Object, ObjectBuilder, Type};

/// The notify of a body that is not JSON.
pub(super) const NOT_JSON: &str = "The request body is not valid JSON.";

/// The action envelope. `obj` + `action` choose the action; `action_id` is echoed back.
#[derive(ToSchema)]
#[schema(as = PbxRequest)]
pub(super) struct Envelope {
    #[schema(schema_with = action_schema)]
    pub action: String,
    #[schema(schema_with = obj_schema)]
    pub obj: String,
    /// Any JSON value; echoed in the answer.
    #[schema(value_type = Value, required = false)]
    pub action_id: Value,
    /// The action's parameters; absent and null are `{}`.
    #[schema(value_type = Option<Params>)]
    pub params: Params,
}

/// The objects served and their actions, the names `super::action` dispatches on.
const SERVED: [(&str, [&str; 2]); 2] = [("User", ["auth", "logout"]), ("Defender", ["list", "unblock"])];

/// A string among `names`.
fn one_of<'a>(names: impl IntoIterator<Item = &'a str>, description: &str) -> Object {
    let names: Vec<&str> = names.into_iter().collect();
    ObjectBuilder::new().schema_type(Type::String).enum_values(Some(names)).description(Some(description)).build()
}

fn action_schema() -> Object {
    one_of(SERVED.iter().flat_map(|(_, actions)| actions.iter().copied()), "The action on `obj`; another answers 404.")
}

fn obj_schema() -> Object {
    one_of(
        SERVED.iter().map(|(obj, _)| *obj),
        "The object: `User` (`auth`, `logout`) or `Defender` (`list`, `unblock`); another answers 404.",
    )
}

impl Envelope {
    /// Reads an envelope, or the 400 answer saying why it could not be read.
    pub fn parse(bytes: &[u8]) -> Result<Self, Box<Reply>> {
        let bad = |message: &str| Box::new(Reply::bare(StatusCode::BAD_REQUEST, message));
        let value: Value = serde_json::from_slice(bytes).map_err(|_| bad(NOT_JSON))?;
        let Value::Object(mut map) = value else { return Err(bad("The request body must be a JSON object.")) };
        let action_id = map.remove("action_id").unwrap_or(Value::Null);
        // Only strings are echoed: the answer's `action` and `obj` are a string or null.
        let text = |value: Option<Value>| match value {
            Some(Value::String(text)) => Some(text),
            _ => None,
        };
        let (action, obj) = (text(map.remove("action")), text(map.remove("obj")));
        let echo = |message: String| {
            let failure = Failure::new(StatusCode::BAD_REQUEST, message);
            Box::new(Reply::new(action.clone(), action_id.clone(), obj.clone(), Err(failure)))
        };
        let (Some(action_text), Some(obj_text)) = (action.clone(), obj.clone()) else {
            return Err(echo("The envelope needs \"action\" and \"obj\" strings.".into()));
        };
        let params = match map.remove("params") {
            None | Some(Value::Null) => Params::default(),
            Some(Value::Object(params)) => Params::read(&params).map_err(echo)?,
            Some(_) => return Err(echo("\"params\" must be an object.".into())),
        };
        Ok(Self { action: action_text, obj: obj_text, action_id, params })
    }

    /// The answer to this envelope.
    pub fn reply(&self, outcome: Outcome) -> Reply {
        Reply::new(Some(self.action.clone()), self.action_id.clone(), Some(self.obj.clone()), outcome)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(body: &str) -> Value {
        let reply = match Envelope::parse(body.as_bytes()) {
            Ok(envelope) => envelope.reply(Err(Failure::new(StatusCode::IM_A_TEAPOT, "read"))),
            Err(reply) => *reply,
        };
        serde_json::to_value(reply).expect("json")
    }

    #[test]
    fn only_strings_are_echoed() {
        let b = answer(r#"{"action":"auth","obj":{},"action_id":[1]}"#);
        assert_eq!(
            (b["action"].clone(), b["obj"].clone(), b["action_id"].clone()),
            ("auth".into(), Value::Null, [1].into())
        );
        assert_eq!(b["code"], 400);
        let b = answer(r#"{"action":5,"obj":"User"}"#);
        assert_eq!(
            (b["action"].clone(), b["obj"].clone(), b["action_id"].clone()),
            (Value::Null, "User".into(), Value::Null)
        );
    }

    #[test]
    fn params_are_typed() {
        let b = answer(r#"{"action":"list","obj":"Defender","params":{"page":0}}"#);
        assert_eq!(
            (b["code"].clone(), b["notifies"][0]["message"].clone()),
            (400.into(), "The page must be a whole number from 1.".into())
        );
        let b = answer(r#"{"action":"list","obj":"Defender","params":null}"#);
        assert_eq!(b["code"], 418);
    }

    #[test]
    fn the_answer_keeps_the_seed_order() {
        let reply = Envelope::parse(br#"{"obj":"User","action":"logout","action_id":"1"}"#).ok().expect("envelope");
        let text =
            serde_json::to_string(&reply.reply(Ok(super::super::views::Body::Empty(super::super::views::Empty {}))))
                .expect("json");
        assert_eq!(text, r#"{"action":"logout","action_id":"1","obj":"User","code":200,"notifies":[],"body":{}}"#);
    }
}
