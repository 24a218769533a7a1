//! Authentication of the document APIs (API.md §2), as a layer in front of
//! every route of a version, so it is checked before anything else of the
//! request is read:
//!
//! - v1.0 and v2.0: the appKey's secretKey, raw, in `Authorization`;
//! - v1.1 and v2.1: `X-NHN-Authorization: Bearer <access token>`, a token
//!   of `POST /oauth2/token/create` whose user may call the appKey's
//!   project's APIs.
//!
//! The codes are docrec-auth's. Also here: the token endpoint itself.

use std::collections::HashMap;

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, Request, State};
use axum::http::header::{AUTHORIZATION, CACHE_CONTROL};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use docrec_auth::{unix_now, AuthError};
use docrec_errors::ErrorCode;
use serde::{Deserialize, Serialize};

use super::{ApiError, AppState};

/// The header of the v1.1/v2.1 APIs.
pub const BEARER_HEADER: &str = "X-NHN-Authorization";

/// Lets the request through when `Authorization` holds the secretKey of
/// the path's appKey.
pub async fn secret_key(
    State(state): State<AppState>,
    params: Result<Path<HashMap<String, String>>, PathRejection>,
    request: Request,
    next: Next,
) -> Response {
    let app_key = app_key_of(params);
    let header = request
        .headers()
        .get(AUTHORIZATION)
        .map(HeaderValue::as_bytes);
    let checked = state.auth.check_secret(&app_key, header).await;
    run_if_passed(checked, request, next).await
}

/// Lets the request through when `X-NHN-Authorization` holds a valid
/// token of a user who may call the path's appKey's APIs.
pub async fn bearer_token(
    State(state): State<AppState>,
    params: Result<Path<HashMap<String, String>>, PathRejection>,
    request: Request,
    next: Next,
) -> Response {
    let app_key = app_key_of(params);
    let header = request
        .headers()
        .get(BEARER_HEADER)
        .map(HeaderValue::as_bytes);
    let checked = state.auth.check_bearer(&app_key, header, unix_now()).await;
    run_if_passed(checked, request, next).await
}

/// Runs the request when its check passed, else answers the check's code.
async fn run_if_passed<T>(checked: Result<T, AuthError>, request: Request, next: Next) -> Response {
    match checked {
        Ok(_) => next.run(request).await,
        Err(error) => ApiError::from(error).into_response(),
    }
}

/// The `{app_key}` of the matched route; a path whose parameters do not
/// decode has no appKey anyone has, so it fails authentication.
fn app_key_of(params: Result<Path<HashMap<String, String>>, PathRejection>) -> String {
    params
        .ok()
        .and_then(|Path(mut params)| params.remove("app_key"))
        .unwrap_or_default()
}

/// The largest token request body read: one short form field.
const MAX_TOKEN_BODY_BYTES: usize = 4096;

/// The form body of `POST /oauth2/token/create`.
#[derive(Deserialize)]
struct TokenRequest {
    grant_type: String,
}

/// The answer of `POST /oauth2/token/create` (OAuth 2.0's, not the
/// envelope: API.md §2).
#[derive(Serialize)]
struct TokenAnswer<'a> {
    access_token: &'a str,
    token_type: &'static str,
    expires_in: u64,
}

/// `POST /oauth2/token/create`: an access token for the user whose access
/// key `Authorization: Basic base64(id:secret)` names, for the form body
/// `grant_type=client_credentials` (a body that is not that, or is over
/// 4 KiB, is 4000001). Failures are answered in the envelope.
pub async fn create_token(
    State(state): State<AppState>,
    request: Request,
) -> Result<Response, ApiError> {
    let header = request
        .headers()
        .get(AUTHORIZATION)
        .map(HeaderValue::as_bytes);
    let access_key_id = state.auth.check_access_key(header).await?;
    let body = axum::body::to_bytes(request.into_body(), MAX_TOKEN_BODY_BYTES)
        .await
        .map_err(|_| ApiError::from(ErrorCode::InvalidParameter))?;
    let form: TokenRequest = serde_urlencoded::from_bytes(&body)
        .map_err(|_| ApiError::from(ErrorCode::InvalidParameter))?;
    if form.grant_type != "client_credentials" {
        return Err(ApiError::from(ErrorCode::InvalidParameter));
    }
    let token = state.auth.create_token(&access_key_id, unix_now()).await?;
    let mut response = Json(TokenAnswer {
        access_token: &token.token,
        token_type: "Bearer",
        expires_in: token.expires_in,
    })
    .into_response();
    response
        .headers_mut()
        .insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}
