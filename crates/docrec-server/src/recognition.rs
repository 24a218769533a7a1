//! The recognition pipeline shared by the API and the command line, so both
//! answer the same for the same bytes: type check, safe decode, an engine
//! from the pool, the recognizer, the API's `result`.

use std::sync::Arc;

use docrec_errors::{ErrorCode, ToErrorCode};
use docrec_ocr::EnginePool;
use docrec_recognize::api::Resolution;
use docrec_recognize::business::{self, BusinessResult};
use docrec_recognize::credit_card::{self, CreditCardResult};
use docrec_recognize::{recognize_business, recognize_credit_card, BusinessError, CardError};
use docrec_upload::{decode_image, FileType, UploadLimits};

/// What the recognizers need: engines and the upload limits.
#[derive(Clone)]
pub struct Recognizer {
    pub pool: Arc<EnginePool>,
    pub limits: UploadLimits,
}

/// Types a card upload may be (API.md §3).
const CARD_TYPES: &[FileType] = &[FileType::Jpeg, FileType::Png];
/// Types a business registration upload may be as an image.
const BUSINESS_IMAGE_TYPES: &[FileType] = &[FileType::Jpeg, FileType::Png];

impl Recognizer {
    /// Reads a credit card from an upload's bytes. Blocking: call it from a
    /// blocking thread.
    pub fn credit_card(&self, bytes: &[u8]) -> Result<CreditCardResult, ErrorCode> {
        let decoded = decode_image(bytes, CARD_TYPES, &self.limits).map_err(|e| e.error_code())?;
        let gray = decoded.image.to_luma8();
        drop(decoded.image);
        let mut engine = self
            .pool
            .get()
            .map_err(|e| CardError::Engine(e).error_code())?;
        let card = recognize_credit_card(&gray, &mut engine).map_err(|e| e.error_code())?;
        Ok(card.to_result(
            decoded.file_type.api_name(),
            Resolution::of(decoded.width, decoded.height, credit_card::RECOMMENDED_SIZE),
        ))
    }

    /// Reads a business registration certificate from an upload's bytes.
    /// Blocking: call it from a blocking thread.
    pub fn business(&self, bytes: &[u8]) -> Result<BusinessResult, ErrorCode> {
        let decoded =
            decode_image(bytes, BUSINESS_IMAGE_TYPES, &self.limits).map_err(|e| e.error_code())?;
        let gray = decoded.image.to_luma8();
        drop(decoded.image);
        let mut engine = self
            .pool
            .get()
            .map_err(|e| BusinessError::Engine(e).error_code())?;
        let certificate = recognize_business(&gray, &mut engine).map_err(|e| e.error_code())?;
        Ok(certificate.to_result(
            decoded.file_type.api_name(),
            Resolution::of(decoded.width, decoded.height, business::RECOMMENDED_SIZE),
        ))
    }
}
