//! Register, login, the current user, password update, refresh and logout.

use super::PREFIX;
use super::error::CabinetError;
use super::extract::{Bearer, Body, CabinetClient, lenient_text, phone_schema, pin_schema};
use super::openapi::{Always, CabinetTooMany, SignedIn, WithBody};
use super::views::{SUCCESS, SessionView, Success, TokensView, UserView};
use crate::AppState;
use crate::openapi_names::tag;
use crate::origin::RequestOrigin;
use axum::Json;
use axum::extract::State;
use kordon_core::services::{PrincipalKind, RegisterInput, SecondFields};
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{
    AnyOf, AnyOfBuilder, KnownFormat, ObjectBuilder, Schema, SchemaFormat, SchemaType, Type,
};

type Answer<T> = Result<Json<T>, CabinetError>;

/// What `register` reads.
#[derive(Deserialize, ToSchema)]
#[schema(as = CabinetRegisterInput, example = json!({
    "email": "user@mail.ru", "phone": "79993332210", "password": "correct-horse-battery",
    "password_confirmation": "correct-horse-battery", "pin": "1234", "promocode": "promo"}))]
pub(super) struct RegisterBody {
    /// The login; it must not be taken.
    #[schema(required, nullable = false, format = Email, max_length = 254)]
    email: Option<String>,
    /// The phone the FlashCall PIN went to; it must not be taken.
    #[serde(default, deserialize_with = "lenient_text")]
    #[schema(required, schema_with = phone_schema)]
    phone: Option<String>,
    /// 8 to 128 characters, not among the most common passwords.
    #[schema(required, nullable = false, format = Password, min_length = 8, max_length = 128)]
    password: Option<String>,
    /// The password again.
    #[schema(required, nullable = false, format = Password)]
    password_confirmation: Option<String>,
    #[serde(default, deserialize_with = "lenient_text")]
    #[schema(required, schema_with = pin_schema)]
    pin: Option<String>,
    /// The verification token from `flashcall`: binds the PIN to that very call.
    #[schema(nullable = false)]
    token: Option<String>,
    /// Kept on the new account.
    #[schema(nullable = false)]
    promocode: Option<String>,
}

/// Register with a FlashCall PIN
///
/// Opens a new account whose first user is its administrator (`lk_admin`) and signs them in,
/// once the PIN of a `flashcall` to the phone checks out.
#[utoipa::path(post, path = "/register", context_path = PREFIX, tag = tag::CABINET,
    operation_id = "cabinetRegister", security(()), params(CabinetClient),
    request_body = RegisterBody,
    responses(
        (status = 200, description = "Registered and signed in.", body = SessionView),
        Always, WithBody,
        (status = 429, response = CabinetTooMany),
    ))]
pub(super) async fn register(
    State(state): State<AppState>,
    CabinetClient(client_id): CabinetClient,
    RequestOrigin(origin): RequestOrigin,
    Body(body): Body<RegisterBody>,
) -> Answer<SessionView> {
    let input = RegisterInput {
        email: body.email.as_deref(),
        phone: body.phone.as_deref(),
        password: body.password.as_deref(),
        password_confirmation: body.password_confirmation.as_deref(),
        pin: body.pin.as_deref(),
        token: body.token.as_deref(),
        promocode: body.promocode.as_deref(),
    };
    let (user, pair) = state.core.register(client_id, input, &origin).await?;
    Ok(Json(SessionView { user: UserView::new(user, client_id), tokens: pair.into(), success: true }))
}

/// What `login` reads: email + password, or phone + PIN (see [`login_schema`]).
#[derive(Deserialize)]
pub(super) struct LoginBody {
    email: Option<String>,
    password: Option<String>,
    #[serde(default, deserialize_with = "lenient_text")]
    phone: Option<String>,
    #[serde(default, deserialize_with = "lenient_text")]
    pin: Option<String>,
    token: Option<String>,
    /// kordon's extension: a second factor's code, for a person who has one.
    otp: Option<String>,
}

impl utoipa::PartialSchema for LoginBody {
    fn schema() -> RefOr<Schema> {
        Schema::AnyOf(login_schema()).into()
    }
}

impl ToSchema for LoginBody {
    fn name() -> std::borrow::Cow<'static, str> {
        "CabinetLoginInput".into()
    }
}

/// [`LoginBody`] in the document: either of its two shapes. A non-empty `pin` without a `password`
/// is a PIN login; anything else a password login.
fn login_schema() -> AnyOf {
    let string = || ObjectBuilder::new().schema_type(SchemaType::new(Type::String));
    let by_password = ObjectBuilder::new()
        .title(Some("email + password"))
        .property("email", string().format(Some(SchemaFormat::KnownFormat(KnownFormat::Email))).max_length(Some(254)))
        .property(
            "password",
            string().format(Some(SchemaFormat::KnownFormat(KnownFormat::Password))).min_length(Some(1)),
        )
        .property("otp", otp_schema())
        .required("email")
        .required("password");
    let by_pin = ObjectBuilder::new()
        .title(Some("phone + PIN"))
        .property("phone", phone_schema())
        .property("pin", pin_schema())
        .property(
            "token",
            string().description(Some("The verification token from `flashcall`: binds the PIN to that very call.")),
        )
        .property("otp", otp_schema())
        .property(
            "password",
            string().format(Some(SchemaFormat::KnownFormat(KnownFormat::Password))).description(Some(
                "kordon's extension: for a person with a second factor, their password instead of `otp` \
                 (the PIN proved the phone, the password is the second factor).",
            )),
        )
        .required("phone")
        .required("pin");
    AnyOfBuilder::new().item(by_password).item(by_pin).build()
}

/// `otp`, kordon's extension of the seed's login: the code of the person's authenticator app (6
/// digits) or one of their recovery codes; required (answered 400, field `otp`) only for a person
/// with a second factor.
fn otp_schema() -> ObjectBuilder {
    ObjectBuilder::new().schema_type(SchemaType::new(Type::String)).max_length(Some(64)).description(Some(
        "kordon's extension: for a person with a second factor, the code of their authenticator app \
         (6 digits) or a recovery code. Without it such a person is answered 400, field `otp`.",
    ))
}

/// Log in by email + password, or phone + PIN
///
/// Email + password by default; phone + PIN (and the `flashcall` token, optionally) when a PIN is
/// sent without a password (or without an email). A wrong or unknown email or password answers the
/// plain `Password not right.`, a wrong PIN or phone the validation error of the field `pin`. A
/// person with a second factor also sends `otp` (kordon's extension), or after a PIN their
/// `password`: without either the answer is the validation error of the field `otp` (a PIN stays
/// unspent, to be sent again with it), and a wrong one `The otp is invalid.`
#[utoipa::path(post, path = "/login", context_path = PREFIX, tag = tag::CABINET,
    operation_id = "cabinetLogin", security(()), params(CabinetClient),
    request_body(content = LoginBody, examples(
        ("password" = (value = json!({"email": "user@mail.ru", "password": "correct-horse-battery"}))),
        ("pin" = (value = json!({"phone": "79993332210", "pin": "1234"}))),
    )),
    responses(
        (status = 200, description = "Signed in.", body = SessionView),
        Always, WithBody,
        (status = 429, response = CabinetTooMany),
    ))]
pub(super) async fn login(
    State(state): State<AppState>,
    CabinetClient(client_id): CabinetClient,
    RequestOrigin(origin): RequestOrigin,
    Body(body): Body<LoginBody>,
) -> Answer<SessionView> {
    let absent = |field: &Option<String>| field.as_deref().is_none_or(str::is_empty);
    // A PIN without a password, or (for a person with a second factor) with one but no email.
    let by_pin = body.pin.as_deref().is_some_and(|p| !p.is_empty()) && (absent(&body.password) || absent(&body.email));
    let core = &state.core;
    let (user, pair) = if by_pin {
        let (phone, pin, token) = (body.phone.as_deref(), body.pin.as_deref(), body.token.as_deref());
        let second = SecondFields { otp: body.otp.as_deref(), password: body.password.as_deref() };
        core.login_pin(client_id, phone, pin, token, second, &origin).await?
    } else {
        let (email, password) = (body.email.as_deref(), body.password.as_deref());
        core.login_password(client_id, email, password, body.otp.as_deref(), &origin).await?
    };
    Ok(Json(SessionView { user: UserView::new(user, client_id), tokens: pair.into(), success: true }))
}

/// The current user and the presented token
///
/// A refresh token is stored only as a digest, so it cannot be echoed: `refresh_token` is null,
/// `refresh_token_expire` still tells its expiry. For a personal API token both expiries are null.
#[utoipa::path(get, path = "/authuser", context_path = PREFIX, tag = tag::CABINET,
    operation_id = "cabinetAuthuser", security(("cabinetBearer" = [])), params(CabinetClient),
    responses(
        (status = 200, description = "The user; `refresh_token` is null.", body = SessionView),
        Always, SignedIn,
    ))]
pub(super) async fn authuser(CabinetClient(client_id): CabinetClient, auth: Bearer) -> Answer<SessionView> {
    let tokens = match auth.principal.kind {
        PrincipalKind::Session { access_expires, refresh_expires, .. } => TokensView {
            token: auth.token,
            token_expire: Some(access_expires),
            refresh_token: None,
            refresh_token_expire: Some(refresh_expires),
        },
        PrincipalKind::ApiToken { .. } => {
            TokensView { token: auth.token, token_expire: None, refresh_token: None, refresh_token_expire: None }
        }
    };
    Ok(Json(SessionView { user: UserView::new(auth.principal.user, client_id), tokens, success: true }))
}

/// What `update-password` reads.
#[derive(Deserialize, ToSchema)]
#[schema(as = CabinetUpdatePasswordInput)]
pub(super) struct UpdatePasswordBody {
    /// The password now (when missing, the error names the field `token`, as the seed does).
    #[schema(required, nullable = false, format = Password, min_length = 1)]
    current_password: Option<String>,
    /// The new password: 8 to 128 characters, not among the most common passwords.
    #[schema(required, nullable = false, format = Password, min_length = 8, max_length = 128)]
    password: Option<String>,
    /// The new password again.
    #[schema(required, nullable = false, format = Password)]
    password_confirmation: Option<String>,
}

/// Change the password (ends every session), answering a new token pair
///
/// Personal API tokens survive the change.
#[utoipa::path(post, path = "/update-password", context_path = PREFIX, tag = tag::CABINET,
    operation_id = "cabinetUpdatePassword", security(("cabinetBearer" = [])), params(CabinetClient),
    request_body = UpdatePasswordBody,
    responses(
        (status = 200, description = "A new token pair.", body = TokensView),
        Always, SignedIn, WithBody,
        (status = 429, response = CabinetTooMany),
    ))]
pub(super) async fn update_password(
    State(state): State<AppState>,
    CabinetClient(client_id): CabinetClient,
    RequestOrigin(origin): RequestOrigin,
    auth: Bearer,
    Body(body): Body<UpdatePasswordBody>,
) -> Answer<TokensView> {
    let pair = state
        .core
        .update_password(
            &auth.principal,
            client_id,
            body.current_password.as_deref(),
            body.password.as_deref(),
            body.password_confirmation.as_deref(),
            &origin,
        )
        .await?;
    Ok(Json(pair.into()))
}

/// What `refresh` and `logout` read.
#[derive(Deserialize, ToSchema)]
#[schema(as = CabinetTokenInput)]
pub(super) struct TokenBody {
    /// `refresh`: the refresh token. `logout`: the access or the refresh token of the session to end.
    #[schema(required, nullable = false, min_length = 1)]
    token: Option<String>,
}

/// Trade a refresh token for a new pair
///
/// Spends the refresh token and its access token; a spent refresh token presented again revokes
/// the whole family (within `tokens.refresh_grace`, 10 s, it gets the same successor pair).
#[utoipa::path(post, path = "/refresh", context_path = PREFIX, tag = tag::CABINET,
    operation_id = "cabinetRefresh", security(()), params(CabinetClient),
    request_body = TokenBody,
    responses(
        (status = 200, description = "A new token pair.", body = TokensView),
        Always, WithBody,
        (status = 429, response = CabinetTooMany),
    ))]
pub(super) async fn refresh(
    State(state): State<AppState>,
    CabinetClient(client_id): CabinetClient,
    RequestOrigin(origin): RequestOrigin,
    Body(body): Body<TokenBody>,
) -> Answer<TokensView> {
    let pair = state.core.refresh(body.token.as_deref(), client_id, &origin).await?;
    Ok(Json(pair.into()))
}

/// End a session
///
/// Ends the session (the whole refresh family) the `token` belongs to; it must be the caller's.
#[utoipa::path(post, path = "/logout", context_path = PREFIX, tag = tag::CABINET,
    operation_id = "cabinetLogout", security(("cabinetBearer" = [])), params(CabinetClient),
    request_body = TokenBody,
    responses(
        (status = 200, description = "Ended.", body = Success),
        Always, SignedIn, WithBody,
    ))]
pub(super) async fn logout(
    State(state): State<AppState>,
    _client: CabinetClient,
    auth: Bearer,
    RequestOrigin(origin): RequestOrigin,
    Body(body): Body<TokenBody>,
) -> Answer<Success> {
    state.core.logout(&auth.principal, body.token.as_deref(), &origin).await?;
    Ok(Json(SUCCESS))
}
