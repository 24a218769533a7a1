//! `POST /v1.x/appkeys/{appKey}/business/status` (API.md §4.6): the status
//! of a registration number, from the table an administrator imported.

use axum::extract::{Request, State};
use axum::response::Response;
use docrec_errors::ErrorCode;
use serde::{Deserialize, Serialize};

use super::reply::success;
use super::{ApiError, AppState};
use crate::business_status::is_business_number;

/// The largest request body read: the JSON is one short field.
const MAX_BODY_BYTES: usize = 4096;

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
pub async fn status_v1(
    State(state): State<AppState>,
    request: Request,
) -> Result<Response, ApiError> {
    let body = axum::body::to_bytes(request.into_body(), MAX_BODY_BYTES)
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
