//! docrec's recognizers: one module per document kind.
//!
//! Each recognizer takes a decoded, orientation-corrected image and an OCR
//! engine and gives the document's fields with values, confidences and boxes
//! in the upload's pixels, or the failure code of API.md §6. They are pure
//! functions of the image: no HTTP, no database, no logging of values.
//!
//! - [`credit_card`]: card number groups, the full number and the expiry.
//! - [`business`]: the keys of a business registration certificate.
//! - [`id_card`]: resident registration cards, driver's licences and
//!   passports (read in [`passport`]).
//! - [`failure`]: why a document could not be read, and its code.
//! - [`fitted`]: an upload read at its recognizer's size, boxes given back.
//! - [`locate`]: where a card is in its upload.
//! - [`api`]: the JSON shapes of API.md (boxes, `{value, conf}` fields).
//! - [`text`]: turning OCR words into lines and digit strings.

pub mod api;
pub mod business;
pub mod context;
pub mod credit_card;
pub mod failure;
pub mod fitted;
pub mod id_card;
pub mod locate;
pub mod passport;
pub mod text;

pub use business::{recognize_business, recognize_business_text, BusinessCertificate};
pub use context::ReadContext;
pub use credit_card::{recognize_credit_card, CreditCard};
pub use failure::{DocumentKind, ReadError, ReadFailure};
pub use fitted::ScaledBoxes;
pub use id_card::{recognize_id_card, IdCard};

use docrec_ocr::engine::EmbeddedModel;

/// The models the recognizers read with besides the system's languages;
/// pass them in the engines' [`docrec_ocr::EngineConfig::models`]. They are
/// compiled into the binary, so a deployment is the one file.
pub fn engine_models() -> Vec<EmbeddedModel> {
    vec![
        EmbeddedModel {
            name: credit_card::CARD_DIGITS_MODEL,
            // Trained by models/train-card-digits.sh; see models/README.md.
            data: include_bytes!("../../../models/carddigits.traineddata"),
        },
        EmbeddedModel {
            name: id_card::SERIAL_MODEL,
            // Trained by models/train-id-serial.sh; see models/README.md.
            data: include_bytes!("../../../models/idserial.traineddata"),
        },
        EmbeddedModel {
            name: passport::MRZ_MODEL,
            // Trained by models/train-mrz.sh; see models/README.md.
            data: include_bytes!("../../../models/mrz.traineddata"),
        },
    ]
}

/// An engine with the models and languages the recognizers read with, for
/// the unit tests that read with Tesseract.
#[cfg(test)]
pub(crate) fn test_engine() -> docrec_ocr::Engine {
    let config = docrec_ocr::EngineConfig {
        models: engine_models(),
        extra_languages: engine_languages(),
        ..Default::default()
    };
    docrec_ocr::Engine::new(&config).expect("eng and kor language data installed")
}

/// The system languages the recognizers read with besides the engines'
/// default (`eng`); pass them in [`docrec_ocr::EngineConfig::extra_languages`].
pub fn engine_languages() -> Vec<String> {
    vec![business::LANGUAGE.to_owned()]
}
