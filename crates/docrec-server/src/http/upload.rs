//! Reading a recognition request's upload and recognising it, for every
//! resource and version: takes the request (with the upload place
//! admission gave it, [`super::admission`]) and a recognizer, gives the
//! `image` part's bytes and the recognizer's result, or the failure's
//! answer.

use axum::extract::Request;
use axum::http::header::CONTENT_TYPE;
use axum::response::Response;
use docrec_errors::ErrorCode;
use docrec_upload::{boundary_from_content_type, read_image_part, Upload, UploadError};
use serde::Serialize;

use super::admission::{RecognitionSlot, UploadPlace};
use super::reply::success;
use super::{ApiError, AppState};
use crate::recognition::Recognizer;

/// A plaintext (v1) recognition: streams the `image` part in under the
/// size limit (authentication came first, in the version's layer), takes
/// a recognition place for the appKey ([`super::admission`]) and
/// recognises the part with `recognize` on a blocking thread with an
/// engine from the pool; a recognition thread that dies answers
/// `engine_failure`.
pub async fn recognize_upload<R: Serialize + Send + 'static>(
    state: &AppState,
    app_key: &str,
    request: Request,
    engine_failure: ErrorCode,
    recognize: fn(&Recognizer, &[u8]) -> Result<R, ApiError>,
) -> Result<Response, ApiError> {
    let upload = read_upload(state, request).await?;
    let slot = state.admission.take_place(app_key)?;
    let result = recognize_blocking(state, slot, upload.bytes, engine_failure, recognize).await?;
    Ok(success(result))
}

/// Streams the request's `image` part in under the size limit, holding
/// the upload place admission gave the request until it is read.
pub async fn read_upload(state: &AppState, mut request: Request) -> Result<Upload, ApiError> {
    let _reading = UploadPlace::take(&mut request);
    let boundary = request
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(boundary_from_content_type)
        .ok_or(ApiError::caused_by(&UploadError::NotMultipart))?;
    let body = request.into_body().into_data_stream();
    read_image_part(body, &boundary, &state.recognizer.limits)
        .await
        .map_err(|e| ApiError::caused_by(&e))
}

/// Runs `recognize` over `bytes` on a blocking thread, which holds the
/// request's recognition `slot` until it is done; a thread that dies
/// answers `engine_failure`.
pub async fn recognize_blocking<B, R>(
    state: &AppState,
    slot: RecognitionSlot,
    bytes: B,
    engine_failure: ErrorCode,
    recognize: fn(&Recognizer, &[u8]) -> Result<R, ApiError>,
) -> Result<R, ApiError>
where
    B: AsRef<[u8]> + Send + 'static,
    R: Send + 'static,
{
    let recognizer = state.recognizer.clone();
    tokio::task::spawn_blocking(move || {
        let _slot = slot;
        recognize(&recognizer, bytes.as_ref())
    })
    .await
    .map_err(|e| ApiError::with_cause(engine_failure, &e))?
}
