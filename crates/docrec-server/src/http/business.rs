//! The business resource of v1.0 and v1.1: `POST
//! /v1.x/appkeys/{appKey}/business` (API.md §4.1) takes a plaintext
//! upload of a business registration certificate and answers what it
//! reads; `POST /v1.x/appkeys/{appKey}/business/status` (§4.6) takes a
//! registration number and answers its status, from the table an
//! administrator imported. Gives both routes, metered as `business`; the
//! recognition admitted first ([`super::admission`]).

use axum::extract::{Path, Request, State};
use axum::response::Response;
use axum::routing::post;
use axum::Router;
use docrec_errors::ErrorCode;
use docrec_store::Service;
use serde::{Deserialize, Serialize};

use super::admission::admitted;
use super::meter::{metered, Metered};
use super::reply::success;
use super::upload::recognize_upload;
use super::{ApiError, AppState};
use crate::business_status::is_business_number;
use crate::recognition::Recognizer;

/// The largest status request body read: the JSON is one short field.
const MAX_STATUS_BODY_BYTES: usize = 4096;

/// The routes of v1.0 and v1.1.
pub(super) fn plaintext_routes(state: &AppState) -> Router<AppState> {
    let business = Metered::As(Service::Business);
    Router::new()
        .route(
            "/appkeys/{app_key}/business",
            admitted(metered(post(business_v1), state, business), state),
        )
        .route(
            "/appkeys/{app_key}/business/status",
            metered(post(status_v1), state, business),
        )
}

/// Reads a business registration certificate.
async fn business_v1(
    State(state): State<AppState>,
    Path(app_key): Path<String>,
    request: Request,
) -> Result<Response, ApiError> {
    recognize_upload(
        &state,
        &app_key,
        request,
        ErrorCode::OcrDocumentBusinessApiFail,
        Recognizer::business,
    )
    .await
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct StatusRequest {
    business_number: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct StatusResult {
    status_code: String,
    status_message: String,
}

/// Reads `{"businessNumber": "1234567891"}` (ten digits, or
/// 4000001) and answers the number's status, 4000102 for a number the
/// table does not have, 5003004 when the table cannot be read.
async fn status_v1(State(state): State<AppState>, request: Request) -> Result<Response, ApiError> {
    let body = axum::body::to_bytes(request.into_body(), MAX_STATUS_BODY_BYTES)
        .await
        .map_err(|_| ApiError::from(ErrorCode::InvalidParameter))?;
    let asked: StatusRequest =
        serde_json::from_slice(&body).map_err(|_| ApiError::from(ErrorCode::InvalidParameter))?;
    if !is_business_number(&asked.business_number) {
        return Err(ApiError::from(ErrorCode::InvalidParameter));
    }
    match state.store.business_status(&asked.business_number).await {
        Ok(Some(status)) => Ok(success(StatusResult {
            status_code: status.status_code,
            status_message: status.status_message,
        })),
        Ok(None) => Err(ApiError::from(ErrorCode::NotExistBusinessNumber)),
        Err(_) => Err(ApiError::from(ErrorCode::OcrDocumentBusinessStatusApiFail)),
    }
}
