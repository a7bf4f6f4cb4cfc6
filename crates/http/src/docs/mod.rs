//! The interactive API explorer (seed 003): the OpenAPI 3.1 document of every dialect at
//! `/openapi.json` (assembled by [`crate::openapi`]), and Swagger UI at `/docs/`, its
//! assets compiled into the binary (no CDN, no network: the page works offline and calls only the
//! server it is served from).

use crate::AppState;
use crate::openapi_names::tag;
use axum::Router;
use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use std::sync::{Arc, LazyLock};
use utoipa_swagger_ui::{Config, oauth};

/// The explorer's page: Swagger UI's own `index.html` with kordon's title.
const INDEX_HTML: &str = include_str!("index.html");

/// Where the explorer lives; `/docs` redirects here so the page's relative asset links resolve.
const DOCS: &str = "/docs/";

/// The page may load and call only its own origin: a leaked request to a CDN or a validator
/// would fail here before it reached the network.
const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; \
                   connect-src 'self'; font-src 'self' data:; object-src 'none'; base-uri 'none'; \
                   form-action 'self'; frame-ancestors 'none'";

/// Swagger UI's settings, written into `swagger-initializer.js`.
static CONFIG: LazyLock<Arc<Config<'static>>> = LazyLock::new(|| {
    let oauth = oauth::Config::new().app_name("kordon API explorer");
    let config = Config::with_oauth_config(["/openapi.json"], oauth)
        // The default validator badge would fetch from validator.swagger.io.
        .validator_url("none")
        .display_request_duration(true)
        .persist_authorization(false)
        .default_models_expand_depth(0)
        .doc_expansion("list")
        .filter(true);
    Arc::new(config)
});

/// The explorer's routes: `/openapi.json` (serving `document`, assembled by the caller so that
/// the explorer imports no dialect), `/docs` and everything under `/docs/`.
pub fn routes(document: &'static str) -> Router<AppState> {
    Router::new()
        .route("/openapi.json", get(move || openapi_json(document)))
        .route("/docs", get(docs))
        .route(DOCS, get(index))
        .route("/docs/{*file}", get(asset))
}

/// The explorer's own routes in the document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(openapi_json, docs, index))]
pub(crate) struct Api;

/// This document (OpenAPI 3.1)
#[utoipa::path(get, path = "/openapi.json", tag = tag::EXPLORER, operation_id = "openapi", security(()),
    responses((status = 200, description = "The document.", body = Object)))]
async fn openapi_json(document: &'static str) -> Response {
    ([(header::CONTENT_TYPE, HeaderValue::from_static("application/json"))], document).into_response()
}

/// The interactive API explorer (redirects to `/docs/`)
#[utoipa::path(get, path = "/docs", tag = tag::EXPLORER, operation_id = "docs", security(()),
    responses((status = 308, description = "To `/docs/`.", headers(("Location" = String)))))]
async fn docs() -> Redirect {
    Redirect::permanent(DOCS)
}

/// The interactive API explorer (Swagger UI)
#[utoipa::path(get, path = "/docs/", tag = tag::EXPLORER, operation_id = "docsIndex", security(()),
    responses((status = 200, description = "The explorer's page; its assets are under `/docs/`.",
        content_type = "text/html", body = String)))]
async fn index() -> Response {
    page(([(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"))], INDEX_HTML).into_response())
}

/// One of Swagger UI's files (`swagger-ui-bundle.js`, `swagger-initializer.js` with [`CONFIG`], …).
async fn asset(file: Result<Path<String>, axum::extract::rejection::PathRejection>) -> Response {
    let Ok(Path(file)) = file else {
        return crate::edge::plain_error(StatusCode::NOT_FOUND, "Not Found.");
    };
    if file == "index.html" {
        return index().await;
    }
    embedded(&file)
}

fn embedded(file: &str) -> Response {
    match utoipa_swagger_ui::serve(file, CONFIG.clone()) {
        Ok(Some(found)) => {
            let content_type = HeaderValue::from_str(&found.content_type)
                .unwrap_or(HeaderValue::from_static("application/octet-stream"));
            let mut response = ([(header::CONTENT_TYPE, content_type)], found.bytes.into_owned()).into_response();
            if found.gzpipped {
                response.headers_mut().insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
            }
            page(response)
        }
        Ok(None) => crate::edge::plain_error(StatusCode::NOT_FOUND, "Not Found."),
        Err(err) => {
            tracing::error!(error = %err, file, "the explorer could not render a file");
            crate::edge::plain_error(StatusCode::INTERNAL_SERVER_ERROR, "Server Error")
        }
    }
}

/// Headers of the explorer's own files.
fn page(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_initializer_loads_the_document_and_no_validator() {
        let file = utoipa_swagger_ui::serve("swagger-initializer.js", CONFIG.clone())
            .expect("renders")
            .expect("swagger-initializer.js is embedded");
        let text = String::from_utf8(file.bytes.into_owned()).expect("utf-8");
        assert!(text.contains("\"url\": \"/openapi.json\""), "{text}");
        assert!(text.contains("\"validatorUrl\": \"none\""), "{text}");
        assert!(text.contains("ui.initOAuth("), "{text}");
    }

    #[test]
    fn every_asset_the_page_names_is_embedded() {
        for name in ["swagger-ui.css", "index.css", "swagger-ui-bundle.js", "swagger-ui-standalone-preset.js"] {
            assert!(INDEX_HTML.contains(name), "index.html names {name}");
            let found = utoipa_swagger_ui::serve(name, CONFIG.clone()).expect("renders");
            assert!(found.is_some(), "{name} is embedded");
        }
    }
}
