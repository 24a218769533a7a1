//! The HTTP API: takes the resources' routes (one module each, its
//! handlers for every version: [`credit_card`], [`business`], [`id_card`],
//! [`public_keys`], and the admin API, [`admin`]) and gives the routers,
//! each resource's plaintext routes under v1.0 and v1.1 and its envelope
//! routes under v2.0 and v2.1, behind the version's authentication; with
//! the layers every route shares, `/health`, `/ready`, `/metrics` and the
//! request log. `start` starts the server.
//!
//! Every answer is the envelope of API.md with HTTP 200 (or the code's
//! natural status when `DOCREC_HTTP_STATUS=natural`), including the HTTP
//! layer's own failures: unknown route (4041007), wrong method (405).

mod admin;
mod admission;
mod auth;
mod business;
mod credit_card;
mod deadline;
mod decrypt_guard;
mod envelope;
mod id_card;
mod linger;
mod meter;
mod observe;
mod public_keys;
mod reply;
mod serve;
mod start;
mod tls;
mod upload;

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::{DefaultBodyLimit, Request, State};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use docrec_auth::{Auth, Authenticity, Keys, OperatorToken};
use docrec_errors::ErrorCode;
use docrec_store::Store;

use crate::recognition::Recognizer;
use admission::Admission;
pub use observe::Metrics;
pub use reply::ApiError;
use reply::FailureCause;
pub use start::serve;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub auth: Auth,
    /// The admin API's token; no admin API without one.
    pub operator_token: Option<OperatorToken>,
    pub keys: Keys,
    pub authenticity: Authenticity,
    pub recognizer: Recognizer,
    pub natural_http_status: bool,
    /// Whether ID-card answers are masked when a request does not say
    /// (`?masking=`).
    pub masking_by_default: bool,
    pub metrics: Arc<observe::Metrics>,
    /// The places for uploads being read and recognitions running or
    /// waiting.
    pub admission: Admission,
    /// How long a request's body may take to arrive.
    pub body_timeout: Duration,
    /// The 4000303 answers of each appKey, to throttle padding oracles.
    pub decrypt_failures: Arc<decrypt_guard::DecryptFailures>,
}

/// Where `/metrics` and the admin API are served.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Management {
    /// On the public listener, beside the API.
    Public,
    /// On a listener of their own (`DOCREC_ADMIN_LISTEN`): the public one
    /// answers their paths 4041007.
    Apart,
}

/// The routes of the API: each document route under the versions of
/// API.md §1, behind the version's authentication layer; with
/// [`Management::Public`], `/metrics` and the admin API too.
fn router(state: AppState, management: Management) -> Router {
    let secret_key = || middleware::from_fn_with_state(state.clone(), auth::secret_key);
    let bearer_token = || middleware::from_fn_with_state(state.clone(), auth::bearer_token);
    let api = Router::new()
        .route("/health", get(health))
        .route("/ready", get(ready))
        .route("/oauth2/token/create", post(auth::create_token))
        .nest("/v1.0", plaintext_routes(&state).route_layer(secret_key()))
        .nest(
            "/v1.1",
            plaintext_routes(&state).route_layer(bearer_token()),
        )
        .nest("/v2.0", envelope_routes(&state).route_layer(secret_key()))
        .nest("/v2.1", envelope_routes(&state).route_layer(bearer_token()));
    let routes = match management {
        Management::Public => api.merge(management_routes(&state)),
        Management::Apart => api,
    };
    with_common_layers(routes, state)
}

/// The management listener's routes: `/metrics` and the admin API.
fn management_router(state: AppState) -> Router {
    with_common_layers(management_routes(&state), state)
}

/// `/metrics`, and the admin API when an operator token is set.
fn management_routes(state: &AppState) -> Router<AppState> {
    let admin_routes = match &state.operator_token {
        Some(token) => admin::routes(token.clone()),
        None => Router::new(),
    };
    Router::new()
        .route("/metrics", get(metrics))
        .nest("/admin/v1", admin_routes)
}

/// What every listener's routes share: the envelope for unknown routes
/// and wrong methods, the body's deadline and lingering, and the log line
/// and status mapping of every request.
fn with_common_layers(routes: Router<AppState>, state: AppState) -> Router {
    routes
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        // Uploads are bounded while streaming by docrec-upload; axum's own
        // limit would cut the stream and surface as a malformed body.
        .layer(DefaultBodyLimit::disable())
        // A body a handler refused early is still read (and discarded, up
        // to a bound), so the client is not reset before it reads the answer.
        .layer(middleware::from_fn(linger::drain_unread_body))
        .layer(middleware::from_fn_with_state(
            state.body_timeout,
            deadline::limit_body_time,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            log_and_status,
        ))
        .with_state(state)
}

/// The plaintext APIs of v1.0 and v1.1: each resource's plaintext routes,
/// metered and admitted as the resource says.
fn plaintext_routes(state: &AppState) -> Router<AppState> {
    Router::new()
        .merge(credit_card::plaintext_routes(state))
        .merge(business::plaintext_routes(state))
}

/// The envelope APIs of v2.0 and v2.1: each resource's envelope routes,
/// metered and admitted as the resource says; an appKey whose requests
/// fail to decrypt too often refused ([`decrypt_guard`]) on every one.
fn envelope_routes(state: &AppState) -> Router<AppState> {
    Router::new()
        .merge(public_keys::envelope_routes(state))
        .merge(credit_card::envelope_routes(state))
        .merge(id_card::envelope_routes(state))
        .route_layer(middleware::from_fn_with_state(
            state.clone(),
            decrypt_guard::guard,
        ))
}

async fn health(State(state): State<AppState>) -> Response {
    match state.store.ping().await {
        Ok(()) => axum::Json(serde_json::json!({"status": "ok"})).into_response(),
        Err(e) => ApiError::caused_by(&e).into_response(),
    }
}

/// Ready for traffic: the database answers and the OCR engines are
/// started (5000003 while the database is down).
async fn ready(State(state): State<AppState>) -> Response {
    if let Err(e) = state.store.ping().await {
        return ApiError::caused_by(&e).into_response();
    }
    let engines = state.recognizer.pool.size();
    axum::Json(serde_json::json!({"status": "ready", "engines": engines})).into_response()
}

/// The Prometheus metrics ([`observe::Metrics`]).
async fn metrics(State(state): State<AppState>) -> Response {
    let text = state
        .metrics
        .encode(&state.recognizer, state.admission.recognition_places_free());
    (
        [(
            axum::http::header::CONTENT_TYPE,
            observe::METRICS_CONTENT_TYPE,
        )],
        text,
    )
        .into_response()
}

async fn not_found() -> ApiError {
    ApiError::from(ErrorCode::UrlNotFound)
}

async fn method_not_allowed() -> ApiError {
    ApiError::from(ErrorCode::MethodNotAllowed)
}

/// Logs one line per request (its id, method, route, result code, time,
/// and for a failure of the server's own what caused it, at `warn`; never
/// a value read from a document), counts it in the metrics, echoes
/// its `X-Request-Id` and applies the operator's status mapping.
async fn log_and_status(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let route = request
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "unmatched".to_owned());
    let request_id = observe::request_id(
        request
            .headers()
            .get(REQUEST_ID_HEADER)
            .and_then(|v| v.to_str().ok()),
    );
    let mut response = next.run(request).await;
    let code = response
        .extensions()
        .get::<ErrorCode>()
        .copied()
        .unwrap_or(ErrorCode::Success);
    if state.natural_http_status {
        if let Ok(status) = axum::http::StatusCode::from_u16(code.natural_http_status()) {
            *response.status_mut() = status;
        }
    }
    if let Ok(value) = axum::http::HeaderValue::from_str(&request_id) {
        response.headers_mut().insert(REQUEST_ID_HEADER, value);
    }
    let elapsed = started.elapsed();
    state.metrics.observe(&route, code.code(), elapsed);
    let elapsed_ms = elapsed.as_millis() as u64;
    match response.extensions().get::<FailureCause>() {
        Some(FailureCause(cause)) => tracing::warn!(
            request_id,
            %method,
            route,
            result_code = code.code(),
            elapsed_ms,
            cause,
            "request failed"
        ),
        None => tracing::info!(
            request_id,
            %method,
            route,
            result_code = code.code(),
            elapsed_ms,
            "request"
        ),
    }
    response
}

/// The header carrying a request's id, both ways.
const REQUEST_ID_HEADER: &str = "x-request-id";
