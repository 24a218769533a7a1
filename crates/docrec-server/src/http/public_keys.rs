//! The public-key resource of v2.0 and v2.1 (API.md §4.3): `GET|POST
//! /v2.x/appkeys/{appKey}/public-keys/{serviceName}` takes an appKey and
//! an envelope service's name and answers the appKey's newest public key
//! for it, which clients wrap their request's key with
//! ([`super::envelope`]). Gives the route, metered as the service it
//! names.

use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use docrec_auth::ENVELOPE_SERVICES;
use docrec_errors::ErrorCode;
use docrec_store::Service;
use serde::Serialize;

use super::meter::{metered, Metered};
use super::reply::success;
use super::{ApiError, AppState};

/// The route of v2.0 and v2.1.
pub(super) fn envelope_routes(state: &AppState) -> Router<AppState> {
    Router::new().route(
        "/appkeys/{app_key}/public-keys/{service_name}",
        metered(
            get(public_key_v2).post(public_key_v2),
            state,
            Metered::ByServiceName,
        ),
    )
}

/// `result` of the public key endpoint.
#[derive(Debug, Serialize)]
struct PublicKeyResult {
    /// Base64 DER SubjectPublicKeyInfo of an RSA-2048 key.
    key: String,
    version: String,
}

/// The appKey's newest public key for `serviceName` (`credit-card` or
/// `id-card`; another name is 4000001).
async fn public_key_v2(
    State(state): State<AppState>,
    Path((app_key, service_name)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let service = Service::from_name(&service_name)
        .filter(|s| ENVELOPE_SERVICES.contains(s))
        .ok_or(ApiError::from(ErrorCode::InvalidParameter))?;
    let (key, version) = state.keys.public_key(&app_key, service).await?;
    Ok(success(PublicKeyResult { key, version }))
}
