//! The document endpoint of API.md §4, v1.0 and v1.1: `POST
//! /v1.x/appkeys/{appKey}/business` (§4.1).

use axum::extract::{Path, Request, State};
use axum::response::Response;
use docrec_errors::ErrorCode;

use super::upload::recognize_upload;
use super::{ApiError, AppState};
use crate::recognition::Recognizer;

/// Reads a business registration certificate.
pub async fn business_v1(
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
