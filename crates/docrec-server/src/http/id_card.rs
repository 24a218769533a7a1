//! The ID-card resource of v2.0 and v2.1 (API.md §4.4, §4.5), encrypted
//! only: `POST /v2.x/appkeys/{appKey}/id-card` takes an encrypted upload,
//! answers the card's values encrypted and a `Request-Key` header;
//! `.../id-card/stand-alone` the same without a Request-Key; and
//! `.../id-card/authenticity` takes a claimed document and the Request-Key
//! its reading gave and answers whether it is authentic. Gives the three
//! routes, metered as `id-card`; the two readings admitted first
//! ([`super::admission`]).
//!
//! Each needs the appKey's `id-card` service enabled (4000401), after the
//! authentication and before the envelope headers.

use axum::body::to_bytes;
use axum::extract::{Path, Request, State};
use axum::http::{HeaderMap, HeaderValue};
use axum::response::Response;
use axum::routing::post;
use axum::Router;
use docrec_auth::{Claim, ClaimType};
use docrec_crypto::SymmetricKey;
use docrec_errors::ErrorCode;
use docrec_recognize::id_card::{IdCardResult, IdType};
use docrec_store::Service;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use super::admission::admitted;
use super::envelope::{recognize_encrypted, request_key};
use super::meter::{metered, Metered};
use super::reply::success;
use super::{ApiError, AppState};
use crate::recognition::Recognizer;

/// The header that carries a Request-Key, both ways.
pub const REQUEST_KEY_HEADER: &str = "Request-Key";

/// The largest authenticity body read (a handful of short fields).
const MAX_AUTHENTICITY_BODY: usize = 64 * 1024;

/// The routes of v2.0 and v2.1.
pub(super) fn envelope_routes(state: &AppState) -> Router<AppState> {
    let id_card = Metered::As(Service::IdCard);
    Router::new()
        .route(
            "/appkeys/{app_key}/id-card",
            admitted(metered(post(id_card_v2), state, id_card), state),
        )
        .route(
            "/appkeys/{app_key}/id-card/stand-alone",
            admitted(metered(post(id_card_stand_alone_v2), state, id_card), state),
        )
        .route(
            "/appkeys/{app_key}/id-card/authenticity",
            metered(post(authenticity_v2), state, id_card),
        )
}

/// Reads an encrypted ID card and issues a Request-Key for it.
async fn id_card_v2(
    state: State<AppState>,
    app_key: Path<String>,
    request: Request,
) -> Result<Response, ApiError> {
    read_id_card(state, app_key, request, true).await
}

/// Reads an encrypted ID card; no Request-Key.
async fn id_card_stand_alone_v2(
    state: State<AppState>,
    app_key: Path<String>,
    request: Request,
) -> Result<Response, ApiError> {
    read_id_card(state, app_key, request, false).await
}

/// Passes when the appKey's `id-card` service is enabled.
async fn require_id_card_service(state: &AppState, app_key: &str) -> Result<(), ApiError> {
    match state.store.service_enabled(app_key, Service::IdCard).await {
        Ok(true) => Ok(()),
        Ok(false) => Err(ApiError::from(ErrorCode::ServiceNotEnabled)),
        Err(e) => Err(ApiError::caused_by(&e)),
    }
}

async fn read_id_card(
    State(state): State<AppState>,
    Path(app_key): Path<String>,
    request: Request,
    issue_request_key: bool,
) -> Result<Response, ApiError> {
    require_id_card_service(&state, &app_key).await?;
    let masking = masking_asked(request.uri().query(), state.masking_by_default)?;
    let (mut result, masked_file, key) = if masking {
        let (masked, key) = recognize_encrypted(
            &state,
            &app_key,
            Service::IdCard,
            request,
            ErrorCode::OcrDocumentIdCardApiFail,
            Recognizer::id_card_masked,
        )
        .await?;
        (masked.result, Some(masked.file), key)
    } else {
        let (result, key) = recognize_encrypted(
            &state,
            &app_key,
            Service::IdCard,
            request,
            ErrorCode::OcrDocumentIdCardApiFail,
            Recognizer::id_card,
        )
        .await?;
        (result, None, key)
    };
    // A passport gets no Request-Key: its authenticity cannot be checked
    // (API.md §4.4).
    let issued = if issue_request_key && result.id_type != IdType::Passport {
        let fields: Vec<(String, String)> = result
            .key_values
            .iter()
            .map(|kv| (kv.key.clone(), kv.value.clone()))
            .collect();
        let token = state
            .authenticity
            .issue_request_key(&app_key, result.id_type.api_name(), &fields)
            .await?;
        Some(token)
    } else {
        None
    };
    encrypt_id_card(&mut result, &key);
    result.masked_image = masked_file.map(|file| key.encrypt_to_base64(&file));
    let mut response = success(result);
    if let Some(token) = issued {
        let value =
            HeaderValue::from_str(&token).map_err(|_| ApiError::from(ErrorCode::EncryptFail))?;
        response.headers_mut().insert(REQUEST_KEY_HEADER, value);
    }
    Ok(response)
}

/// The query of the ID-card routes: `masking=true` or `false`.
#[derive(Deserialize)]
struct IdCardQuery {
    masking: Option<bool>,
}

/// Whether an ID-card request asks for masking (`?masking=true`), else the
/// server's default (`DOCREC_MASKING`); a `masking` that is not `true` or
/// `false` is 4000001. Other query parameters are ignored.
fn masking_asked(query: Option<&str>, by_default: bool) -> Result<bool, ApiError> {
    let query: IdCardQuery = serde_urlencoded::from_str(query.unwrap_or_default())
        .map_err(|_| ApiError::from(ErrorCode::InvalidParameter))?;
    Ok(query.masking.unwrap_or(by_default))
}

/// Encrypts every `keyValues[].value` (API.md §4.3).
fn encrypt_id_card(result: &mut IdCardResult, key: &SymmetricKey) {
    for kv in &mut result.key_values {
        kv.value = key.encrypt_value(&kv.value);
    }
}

/// The fields of an authenticity check's body that are sent encrypted
/// (Base64 AES, as answer values are); `idType` is in plaintext.
const ENCRYPTED_CLAIM_FIELDS: [&str; 5] = [
    "name",
    "residentNumber",
    "issueDate",
    "driverLicenseNumber",
    "serialNum",
];

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct AuthenticityResult {
    is_authenticity: bool,
}

/// Checks a claimed document with the Request-Key its reading gave.
async fn authenticity_v2(
    State(state): State<AppState>,
    Path(app_key): Path<String>,
    request: Request,
) -> Result<Response, ApiError> {
    require_id_card_service(&state, &app_key).await?;
    let key = request_key(&state, &app_key, Service::IdCard, request.headers()).await?;
    let request_key_value = request_key_header(request.headers())?;
    let body = to_bytes(request.into_body(), MAX_AUTHENTICITY_BODY)
        .await
        .map_err(|_| ApiError::from(ErrorCode::InvalidParameter))?;
    let claim = claim_of(&body, &key)?;
    let authentic = state
        .authenticity
        .check(&app_key, &request_key_value, &claim)
        .await?;
    Ok(success(AuthenticityResult {
        is_authenticity: authentic,
    }))
}

fn request_key_header(headers: &HeaderMap) -> Result<String, ApiError> {
    headers
        .get(REQUEST_KEY_HEADER)
        .ok_or(ApiError::from(ErrorCode::MissingRequiredHeader))?
        .to_str()
        .map(str::to_owned)
        .map_err(|_| ApiError::from(ErrorCode::AuthenticityRequestKeyInvalid))
}

/// The claim a body makes, its fields decrypted: a body that is not a
/// JSON object of strings or lacks a field is 4000001, a field that does
/// not decrypt 4000303.
fn claim_of(body: &[u8], key: &SymmetricKey) -> Result<Claim, ApiError> {
    let mut fields = key
        .open_json_body(body, &["idType"], &ENCRYPTED_CLAIM_FIELDS)
        .map_err(|e| ApiError::caused_by(&e))?;
    let id_type = fields
        .get("idType")
        .and_then(|name| ClaimType::from_api(name))
        .ok_or(ApiError::from(ErrorCode::InvalidParameter))?;
    let required =
        |field: Option<Zeroizing<String>>| field.ok_or(ApiError::from(ErrorCode::InvalidParameter));
    let name = required(fields.remove("name"))?;
    let resident_number = required(fields.remove("residentNumber"))?;
    let issue_date = fields.remove("issueDate");
    let driver_license_number = fields.remove("driverLicenseNumber");
    let serial_num = fields.remove("serialNum");
    match id_type {
        ClaimType::Resident if issue_date.is_none() => {
            Err(ApiError::from(ErrorCode::InvalidParameter))
        }
        ClaimType::Driver if driver_license_number.is_none() => {
            Err(ApiError::from(ErrorCode::InvalidParameter))
        }
        _ => Ok(Claim {
            id_type,
            name,
            resident_number,
            issue_date,
            driver_license_number,
            serial_num,
        }),
    }
}
