//! The recognition pipeline shared by the API and the command line, so both
//! answer the same for the same bytes: type check, safe decode, an engine
//! from the pool, the recognizer, the API's `result`.

use std::sync::Arc;

use docrec_errors::{ErrorCode, ToErrorCode};
use docrec_ocr::preprocess::brightest_channel;
use docrec_ocr::EnginePool;
use docrec_recognize::api::Resolution;
use docrec_recognize::business::{self, BusinessResult, Unit};
use docrec_recognize::credit_card::{self, CreditCardResult};
use docrec_recognize::id_card::{self, IdCard, IdCardResult};
use docrec_recognize::{
    recognize_business, recognize_business_text, recognize_credit_card, recognize_id_card,
    BusinessCertificate, BusinessError, CardError, IdCardError,
};
use docrec_upload::{
    check_type, decode_image, read_pdf_first_page, FileType, PdfFirstPage, UploadLimits,
};
use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::PngEncoder;
use image::GrayImage;
use zeroize::Zeroizing;

/// What the recognizers need: engines and the upload limits.
#[derive(Clone)]
pub struct Recognizer {
    pub pool: Arc<EnginePool>,
    pub limits: UploadLimits,
}

/// An ID card read with masking: the API's `result` and the masked copy
/// of the upload, a file wiped from memory when dropped.
pub struct MaskedIdCard {
    pub result: IdCardResult,
    pub file: Zeroizing<Vec<u8>>,
}

/// Types a card upload may be (API.md §3).
const CARD_TYPES: &[FileType] = &[FileType::Jpeg, FileType::Png];
/// Types a business registration upload may be.
const BUSINESS_TYPES: &[FileType] = &[FileType::Jpeg, FileType::Png, FileType::Pdf];

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

    /// Reads a Korean ID card (a resident registration card or a driver's
    /// licence) from an upload's bytes. Blocking: call it from a blocking
    /// thread.
    pub fn id_card(&self, bytes: &[u8]) -> Result<IdCardResult, ErrorCode> {
        let decoded = decode_image(bytes, CARD_TYPES, &self.limits).map_err(|e| e.error_code())?;
        let gray = brightest_channel(&decoded.image);
        drop(decoded.image);
        let card = self.read_id_card(&gray)?;
        Ok(card.to_result(
            decoded.file_type.api_name(),
            Resolution::of(decoded.width, decoded.height, id_card::RECOMMENDED_SIZE),
        ))
    }

    /// [`Recognizer::id_card`] with masking: the result with its
    /// `maskingPolys`, and a copy of the upload (EXIF orientation applied,
    /// as boxes are measured) with them filled black, as a file of the
    /// upload's type: PNG, or JPEG at quality 90. The copy's `maskedImage`
    /// is for the caller to fill, encrypted.
    pub fn id_card_masked(&self, bytes: &[u8]) -> Result<MaskedIdCard, ErrorCode> {
        let decoded = decode_image(bytes, CARD_TYPES, &self.limits).map_err(|e| e.error_code())?;
        let gray = brightest_channel(&decoded.image);
        let card = self.read_id_card(&gray)?;
        drop(gray);
        let copy = card.masked_copy(&decoded.image);
        drop(decoded.image);
        let mut file = Zeroizing::new(Vec::new());
        let written = match decoded.file_type {
            FileType::Png => copy.write_with_encoder(PngEncoder::new(&mut *file)),
            _ => copy.write_with_encoder(JpegEncoder::new_with_quality(&mut *file, 90)),
        };
        written.map_err(|_| ErrorCode::OcrDocumentIdCardApiFail)?;
        let mut result = card.to_result(
            decoded.file_type.api_name(),
            Resolution::of(decoded.width, decoded.height, id_card::RECOMMENDED_SIZE),
        );
        result.masking_polys = Some(card.masking.iter().map(|q| (*q).into()).collect());
        Ok(MaskedIdCard { result, file })
    }

    fn read_id_card(&self, gray: &GrayImage) -> Result<IdCard, ErrorCode> {
        let mut engine = self
            .pool
            .get()
            .map_err(|e| IdCardError::Engine(e).error_code())?;
        recognize_id_card(gray, &mut engine).map_err(|e| e.error_code())
    }

    /// Reads a business registration certificate from an upload's bytes: an
    /// image, or a PDF's first page (its text layer, or rendered when it
    /// has none). Blocking: call it from a blocking thread.
    pub fn business(&self, bytes: &[u8]) -> Result<BusinessResult, ErrorCode> {
        if check_type(bytes, BUSINESS_TYPES).map_err(|e| e.error_code())? == FileType::Pdf {
            return self.business_pdf(bytes);
        }
        let decoded =
            decode_image(bytes, BUSINESS_TYPES, &self.limits).map_err(|e| e.error_code())?;
        // As on ID cards, the seal stamped over the office's name turns
        // light.
        let gray = brightest_channel(&decoded.image);
        drop(decoded.image);
        let certificate = self.business_image(&gray)?;
        Ok(certificate.to_result(
            decoded.file_type.api_name(),
            Unit::Pixel,
            Resolution::of(decoded.width, decoded.height, business::RECOMMENDED_SIZE),
        ))
    }

    /// A PDF's first page. An engine is taken from the pool before Poppler
    /// runs, even for a text layer that needs none, so that PDFs, like
    /// images, are read at most `DOCREC_WORKERS` at a time.
    fn business_pdf(&self, bytes: &[u8]) -> Result<BusinessResult, ErrorCode> {
        let mut engine = self
            .pool
            .get()
            .map_err(|e| BusinessError::Engine(e).error_code())?;
        let page = read_pdf_first_page(bytes, &self.limits).map_err(|e| e.error_code())?;
        let certificate = match page {
            PdfFirstPage::Text { words, .. } => {
                drop(engine);
                let words: Vec<(String, [f32; 4])> = words
                    .into_iter()
                    .map(|w| (w.text, [w.x_min, w.y_min, w.x_max, w.y_max]))
                    .collect();
                recognize_business_text(&words).map_err(|e| e.error_code())?
            }
            PdfFirstPage::Rendered {
                image,
                points_per_pixel,
            } => recognize_business(&image, &mut engine)
                .map_err(|e| e.error_code())?
                .scaled(points_per_pixel),
        };
        // A PDF's page is vector or rendered at the size OCR wants.
        Ok(certificate.to_result(FileType::Pdf.api_name(), Unit::Point, Resolution::Normal))
    }

    fn business_image(&self, gray: &GrayImage) -> Result<BusinessCertificate, ErrorCode> {
        let mut engine = self
            .pool
            .get()
            .map_err(|e| BusinessError::Engine(e).error_code())?;
        recognize_business(gray, &mut engine).map_err(|e| e.error_code())
    }
}
