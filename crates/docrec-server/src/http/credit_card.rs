//! The credit-card resource (API.md §4.2, §4.3): `POST
//! /v1.x/appkeys/{appKey}/credit-card` takes a plaintext upload and
//! answers the card in plaintext; `POST /v2.x/appkeys/{appKey}/credit-card`
//! takes an encrypted one ([`super::envelope`]) and answers the number
//! groups, the full number and the expiry encrypted. Gives each version's
//! route, metered as `credit-card` and admitted first
//! ([`super::admission`]).

use axum::extract::{Path, Request, State};
use axum::response::Response;
use axum::routing::post;
use axum::Router;
use docrec_crypto::SymmetricKey;
use docrec_errors::ErrorCode;
use docrec_recognize::credit_card::CreditCardResult;
use docrec_store::Service;

use super::admission::admitted;
use super::envelope::recognize_encrypted;
use super::meter::{metered, Metered};
use super::reply::success;
use super::upload::recognize_upload;
use super::{ApiError, AppState};
use crate::recognition::Recognizer;

/// The route's path under its version.
const PATH: &str = "/appkeys/{app_key}/credit-card";

/// The route of v1.0 and v1.1.
pub(super) fn plaintext_routes(state: &AppState) -> Router<AppState> {
    Router::new().route(
        PATH,
        admitted(
            metered(
                post(credit_card_v1),
                state,
                Metered::As(Service::CreditCard),
            ),
            state,
        ),
    )
}

/// The route of v2.0 and v2.1.
pub(super) fn envelope_routes(state: &AppState) -> Router<AppState> {
    Router::new().route(
        PATH,
        admitted(
            metered(
                post(credit_card_v2),
                state,
                Metered::As(Service::CreditCard),
            ),
            state,
        ),
    )
}

/// Reads a credit card.
async fn credit_card_v1(
    State(state): State<AppState>,
    Path(app_key): Path<String>,
    request: Request,
) -> Result<Response, ApiError> {
    recognize_upload(
        &state,
        &app_key,
        request,
        ErrorCode::OcrDocumentCreditCardApiFail,
        Recognizer::credit_card,
    )
    .await
}

/// Reads an encrypted credit card; the number groups, the full number and
/// the expiry come back encrypted.
async fn credit_card_v2(
    State(state): State<AppState>,
    Path(app_key): Path<String>,
    request: Request,
) -> Result<Response, ApiError> {
    let (mut result, key) = recognize_encrypted(
        &state,
        &app_key,
        Service::CreditCard,
        request,
        ErrorCode::OcrDocumentCreditCardApiFail,
        Recognizer::credit_card,
    )
    .await?;
    encrypt_credit_card(&mut result, &key);
    Ok(success(result))
}

/// Encrypts exactly the values API.md §4.3 lists for a credit card.
fn encrypt_credit_card(result: &mut CreditCardResult, key: &SymmetricKey) {
    for group in &mut result.card_nums {
        group.value = key.encrypt_value(&group.value);
    }
    result.total_card_num = key.encrypt_value(&result.total_card_num);
    result.valid_thru.value = key.encrypt_value(&result.valid_thru.value);
}
