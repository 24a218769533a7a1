//! Reading a crop of the view again: cut on the rows its text covers,
//! scaled to the height the models read best, as is and with the card's
//! shading flattened, by the general model and the card-digit model.

use docrec_ocr::preprocess::{dark_text_on_light, scale_to_height, stretch_percentiles};
use docrec_ocr::{Engine, Rect, SegMode, Word};
use image::GrayImage;

use super::ReadError;

/// How high text is scaled for a re-read. The card-digit model was trained
/// on lines 40-72 pixels high; on the dev sets (300 clean, 300 photo cards)
/// text 32 pixels high read best: 26, 38 and 44 each lost 0.6-1.7 points of
/// documents read whole.
const REREAD_TEXT_HEIGHT: f32 = 32.0;

/// `rect` of the view, contrast stretched, dark text on light, scaled so
/// that text `text_height` pixels high becomes [`REREAD_TEXT_HEIGHT`]
/// high; and the scale applied.
pub(super) fn line_crop(view: &GrayImage, rect: Rect, text_height: u32) -> (GrayImage, f32) {
    let crop =
        image::imageops::crop_imm(view, rect.x as u32, rect.y as u32, rect.width, rect.height)
            .to_image();
    let target = (rect.height as f32 * REREAD_TEXT_HEIGHT / text_height.max(1) as f32) as u32;
    let (scaled, scale) = scale_to_height(
        &stretch_percentiles(&crop, 0.02, 0.98),
        target.clamp(36, 200),
    );
    (dark_text_on_light(&scaled), scale)
}

/// The embedded model that reads card number and expiry lines (digits,
/// `/` and space only); see `models/README.md`.
pub const CARD_DIGITS_MODEL: &str = "carddigits";

/// The model that read a crop.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Reader {
    /// The general model (Debian's `eng`).
    General,
    /// The card-digit model ([`CARD_DIGITS_MODEL`]).
    CardDigits,
}

impl Reader {
    /// How much a date this model read weighs in a vote, beside the
    /// reading's confidence. Where the two models read a date differently,
    /// the card-digit model was right about twice as often (104 readings
    /// against 50 on 2200 synthetic cards of seeds 10101, 8282, 92, 7272
    /// and 9292, counted once with a build that logged every reading); the
    /// general model's confidence is as high when wrong (`08/30` in OCR-A
    /// read `04/30` at 0.95). On those seeds the weight gained 4 cards and
    /// lost 2 (`docrec eval`).
    pub(super) fn date_vote_weight(self) -> f32 {
        match self {
            Reader::General => 1.0,
            Reader::CardDigits => 1.5,
        }
    }
}

/// Reads each preparation of a crop of the view with every reader the
/// engine has for card lines (the card-digit model when loaded, and the
/// general model), and gives each reading's words in the view's pixels
/// with the model that read them. `origin` is the crop's top-left in the
/// view and `scale` the factor the crop was scaled by.
pub(super) fn read_variants(
    engine: &mut Engine,
    variants: &[GrayImage],
    mode: SegMode,
    origin: (i32, i32),
    scale: f32,
) -> Result<Vec<(Reader, Vec<Word>)>, ReadError> {
    let mut readers = vec![Reader::General];
    if engine.has_model(CARD_DIGITS_MODEL) {
        readers.push(Reader::CardDigits);
    }
    let mut readings = Vec::new();
    for variant in variants {
        for &reader in &readers {
            let words = read_crop(engine, reader, variant, mode, origin, scale)?;
            readings.push((reader, words));
        }
    }
    Ok(readings)
}

/// Reads a crop of the view with `reader`, and gives the words in the
/// view's pixels. The crop is read as cut, with the margin its cut left: a
/// white border around a grey crop makes edges of its own, and the
/// card-digit model then drops or invents digits (on 300 clean synthetic
/// cards, 12 pixels of white cost 2.7 points of numbers read right).
pub(super) fn read_crop(
    engine: &mut Engine,
    reader: Reader,
    crop: &GrayImage,
    mode: SegMode,
    origin: (i32, i32),
    scale: f32,
) -> Result<Vec<Word>, ReadError> {
    let words = match reader {
        Reader::CardDigits => engine.read_with(CARD_DIGITS_MODEL, crop, mode)?,
        Reader::General => engine.read(crop, mode)?,
    };
    Ok(words
        .into_iter()
        .map(|w| Word {
            rect: w.rect.from_crop(origin.0, origin.1, scale),
            ..w
        })
        .collect())
}
