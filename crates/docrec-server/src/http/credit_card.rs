//! `POST /v1.0/appkeys/{appKey}/credit-card` (API.md §4.2).

use axum::extract::{Path, Request, State};
use axum::http::header::CONTENT_TYPE;
use axum::response::Response;
use docrec_errors::{ErrorCode, ToErrorCode};
use docrec_upload::{boundary_from_content_type, read_image_part, UploadError};

use super::reply::success;
use super::{auth, ApiError, AppState};

/// Authenticates, streams the `image` part in under the size limit, and
/// recognises it on a blocking thread with an engine from the pool.
pub async fn recognize_v1(
    State(state): State<AppState>,
    Path(app_key): Path<String>,
    request: Request,
) -> Result<Response, ApiError> {
    auth::require_secret(&state.store, &app_key, request.headers()).await?;
    let boundary = request
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(boundary_from_content_type)
        .ok_or(ApiError(UploadError::NotMultipart.error_code()))?;
    let body = request.into_body().into_data_stream();
    let upload = read_image_part(body, &boundary, &state.recognizer.limits)
        .await
        .map_err(|e| ApiError(e.error_code()))?;
    let recognizer = state.recognizer.clone();
    let result = tokio::task::spawn_blocking(move || recognizer.credit_card(&upload.bytes))
        .await
        .map_err(|_| ApiError(ErrorCode::OcrDocumentCreditCardApiFail))?
        .map_err(ApiError)?;
    Ok(success(result))
}
