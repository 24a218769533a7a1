//! The card's title (`주민등록증`, `자동차운전면허증`), which tells its type:
//! found among the segments of the Korean block, or, when none reads as
//! one, by reading the top row again as one line (a title printed letter
//! by letter, `주 민 등 록 증`, is split by the block's reading into
//! syllables read alone, and misread).

use docrec_ocr::preprocess::line_cut;
use docrec_ocr::{Engine, OcrError, Rect, SegMode};
use image::GrayImage;

use super::segments::row_around;
use super::{IdType, Segment, KOREAN, REREAD_HEIGHT};
use crate::text::{edit_distance, is_hangul, jamo_distance};

/// The top share of the view a title's row lies in.
const TITLE_BAND: f32 = 0.3;

/// The type a title segment names: `주민등록증` or `자동차운전면허증`
/// (also `운전면허증`), one syllable of five or two of eight misread, or
/// two letters (jamo) of either: a vowel misread in two syllables
/// (`주뮌등록중`) is still the title.
pub(super) fn title_type(segment: &Segment) -> Option<IdType> {
    title_in(&segment.hangul())
}

fn title_in(hangul: &str) -> Option<IdType> {
    if hangul.is_empty() {
        return None;
    }
    let near = |title: &str, syllables: usize, letters: usize| {
        hangul.contains(title)
            || edit_distance(hangul, title) <= syllables
            || jamo_distance(hangul, title) <= letters
    };
    if near("주민등록증", 1, 2) {
        Some(IdType::Resident)
    } else if near("자동차운전면허증", 2, 3) || near("운전면허증", 1, 2) {
        Some(IdType::Driver)
    } else {
        None
    }
}

/// The type the top row names, read again as one Korean line cut out of
/// `flat` (the view flattened): the topmost row in the top [`TITLE_BAND`]
/// of the view whose text is at least three fifths as tall as the
/// tallest there, with every segment beside it. `None` when there is no
/// such row or it names no type.
pub(super) fn title_read_again(
    engine: &mut Engine,
    flat: &GrayImage,
    segments: &[Segment],
) -> Result<Option<IdType>, OcrError> {
    let band = flat.height() as f32 * TITLE_BAND;
    let in_band: Vec<&Segment> = segments
        .iter()
        .filter(|s| s.rect.center_y() < band && s.rect.width >= s.rect.height / 2)
        .collect();
    let tallest = in_band.iter().map(|s| s.rect.height).max().unwrap_or(0);
    // The topmost text of a size near the tallest's: the title, letter
    // spaced, may be printed smaller than the name below it; marks are
    // smaller still.
    let Some(first) = in_band
        .iter()
        .filter(|s| 5 * s.rect.height >= 3 * tallest)
        .min_by_key(|s| s.rect.y)
    else {
        return Ok(None);
    };
    let row = row_around(segments, first.rect);
    // The block's reading may box a large title's top half alone (`즈미드로즈`
    // over `주민등록증`, the vowels under the consonants apart): the row is
    // read down to twice its height, or to the next segment below.
    let next_below = segments
        .iter()
        .map(|s| s.rect.y)
        .filter(|&y| y > row.bottom())
        .min()
        .unwrap_or(i32::MAX);
    let bottom = (row.y + 2 * row.height as i32).min(next_below);
    let row = Rect::new(row.x, row.y, row.width, (bottom - row.y).max(1) as u32);
    let Some(cut) = line_cut(flat, row, REREAD_HEIGHT) else {
        return Ok(None);
    };
    let words = engine.read_spaced_with(KOREAN, &cut, SegMode::Line)?;
    let hangul: String = words
        .iter()
        .flat_map(|w| w.text.chars())
        .filter(|c| is_hangul(*c))
        .collect();
    Ok(title_in(&hangul))
}
