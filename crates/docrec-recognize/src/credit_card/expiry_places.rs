//! Where an expiry the page's pass did not read may be: places below the
//! number (around a slash, after a `THRU` label, a short line; never a
//! label in the crop) and strips under it, each read by both models, the
//! dates they read voting.

use std::sync::LazyLock;

use docrec_ocr::detect::text_band;
use docrec_ocr::preprocess::{
    dark_text_on_light, flatten_background, scale_to_height, stretch_percentiles,
};
use docrec_ocr::{Engine, Rect, SegMode, Word};
use image::GrayImage;
use regex::Regex;

use super::crops::{line_crop, read_variants, Reader};
use super::expiry::{find_expiry, Expiry, EXPIRY_LABEL};
use super::number::strip_starts;
use super::ReadError;
use crate::text::{group_lines, Line};

/// Where [`expiry_in_strips`] looks, in heights of the number's line: from
/// its bottom down to this far below it.
const EXPIRY_STRIPS_REACH: f32 = 2.4;
/// A strip's height and the step between strips, in heights of the
/// number's line: an expiry is printed 0.5-0.8 times as high as the number.
const EXPIRY_STRIP_HEIGHT: f32 = 1.1;
const EXPIRY_STRIP_STEP: f32 = 0.3;
/// The height of an expiry's digits expected in a strip, in heights of
/// the number's line.
const EXPIRY_TEXT_HEIGHT: f32 = 0.5;

/// The expiry of a card whose page-wide pass saw no text below the number
/// (light embossed digits on a light or patterned card): overlapping
/// strips under the number, as wide as it, are each read as a line by both
/// models, and the dates all strips read vote ([`vote_expiry`]): a date
/// read in several strips and by both models wins.
pub(super) fn expiry_in_strips(
    view: &GrayImage,
    number: Rect,
    engine: &mut Engine,
    year: i32,
) -> Result<Option<Expiry>, ReadError> {
    let (w, h) = view.dimensions();
    let line_height = number.height as f32;
    let strip_height = (line_height * EXPIRY_STRIP_HEIGHT) as u32;
    let text_height = (line_height * EXPIRY_TEXT_HEIGHT) as u32;
    let mut readings = Vec::new();
    let offsets = strip_starts(
        0.0,
        EXPIRY_STRIPS_REACH,
        EXPIRY_STRIP_HEIGHT,
        EXPIRY_STRIP_STEP,
    );
    for offset in offsets {
        let strip = Rect::new(
            number.x,
            number.bottom() + (line_height * offset) as i32,
            number.width,
            strip_height,
        )
        .padded_within(0, 0, w, h);
        if strip.width >= 8 && strip.height >= 8 {
            let (crop, scale) = line_crop(view, strip, text_height);
            readings.extend(read_variants(
                engine,
                &[crop],
                SegMode::Line,
                (strip.x, strip.y),
                scale,
            )?);
        }
    }
    Ok(vote_expiry(readings, Vec::new(), year))
}

/// The conf below which the expiry found on the first pass's lines and
/// voted on is doubted, and the places below the number where a date may
/// be are read too.
pub(super) const DOUBTFUL_EXPIRY_CONF: f32 = 0.5;

/// The first date read at the places below `number` where one may be
/// ([`date_places_below`]), likeliest place first.
pub(super) fn expiry_at_date_places(
    view: &GrayImage,
    lines: &[Line],
    number: Rect,
    engine: &mut Engine,
    year: i32,
) -> Result<Option<Expiry>, ReadError> {
    for (place, side) in date_places_below(lines, number) {
        let Some(found) = read_date_place(view, lines, place, side, engine, year)? else {
            continue;
        };
        if found.month_guessed && side < WIDE_DATE_SIDE {
            // A month read as one digit may have lost its other digit
            // beyond the crop: look wider.
            if let Some(wider) = read_date_place(view, lines, place, WIDE_DATE_SIDE, engine, year)?
            {
                if !wider.month_guessed {
                    return Ok(Some(wider));
                }
            }
        }
        return Ok(Some(found));
    }
    Ok(None)
}

/// How many text heights to each side of a date's box are read when part
/// of the date may lie beyond the box: its month was read as one digit, or
/// the box is a word with a slash that may hold only part of the date.
pub(super) const WIDE_DATE_SIDE: f32 = 2.0;

/// The date at `place` (`side` text heights to each side, up to the labels
/// of `lines` on its row), from the crop as cut and flattened, read with
/// both models and voted on.
fn read_date_place(
    view: &GrayImage,
    lines: &[Line],
    place: Rect,
    side: f32,
    engine: &mut Engine,
    year: i32,
) -> Result<Option<Expiry>, ReadError> {
    let (crop, origin, scale) = date_line_crop(view, lines, place, side);
    let readings = read_variants(
        engine,
        &[crop.clone(), flattened(&crop)],
        SegMode::Line,
        origin,
        scale,
    )?;
    Ok(vote_expiry(readings, Vec::new(), year))
}

/// A line crop (its text about half its height, as [`line_crop`] cuts it)
/// with the card's shading flattened: a blur of half its height taken away.
pub(super) fn flattened(crop: &GrayImage) -> GrayImage {
    flatten_background(crop, crop.height() as f32 / 2.0)
}

/// `rect` moved to the rows its text really covers ([`text_band`]): OCR's
/// box of a line may be cut short or hold the line below too. `None` when
/// no band of eight rows or a third of `rect`'s height is found.
pub(super) fn text_rows(view: &GrayImage, rect: Rect) -> Option<Rect> {
    let (top, rows) = text_band(view, rect)?;
    (rows >= 8 && rows >= rect.height / 3).then(|| Rect::new(rect.x, top, rect.width, rows))
}

/// The date's line cut close around `rect` (`side` text heights to the
/// sides but not into a label of `lines` on its row, a third of a text
/// height above and below), prepared as [`line_crop`] does; with the
/// crop's origin in the view and its scale.
pub(super) fn date_line_crop(
    view: &GrayImage,
    lines: &[Line],
    rect: Rect,
    side: f32,
) -> (GrayImage, (i32, i32), f32) {
    let (w, h) = view.dimensions();
    let rect = text_rows(view, rect).unwrap_or(rect);
    let padded = rect.padded_within(
        (rect.height as f32 * side) as i32,
        rect.height as i32 / 3,
        w,
        h,
    );
    let (left, right) = label_free_span(lines, rect);
    let x = padded.x.max(left.min(rect.x));
    let right = padded.right().min(right.max(rect.right()));
    let close = Rect::new(x, padded.y, (right - x) as u32, padded.height);
    let (crop, scale) = line_crop(view, close, rect.height);
    match tallest_ink_rows(&crop) {
        Some((top, bottom)) => {
            let trimmed =
                image::imageops::crop_imm(&crop, 0, top, crop.width(), bottom - top).to_image();
            let origin_y = close.y + (top as f32 / scale).round() as i32;
            (trimmed, (close.x, origin_y), scale)
        }
        None => (crop, (close.x, close.y), scale),
    }
}

/// The rows of a date crop (dark text on light) to keep when a smaller
/// line of text shares it, as the `MONTH/YEAR` label printed just above a
/// date does: the tallest run of rows with ink (at or below Otsu's level),
/// padded by a quarter of its height, when other ink runs lie outside it.
/// The card-digit model reads the label's letters as digits and then
/// misreads the date (`09/33` as `07/33`); it was trained on dates cut
/// without their labels. `None` when the crop holds one run, or the tallest
/// is too short to be the date (under a third of the crop: a pattern).
pub(super) fn tallest_ink_rows(crop: &GrayImage) -> Option<(u32, u32)> {
    let (width, height) = crop.dimensions();
    let level = imageproc::contrast::otsu_level(crop);
    let least_ink = (width / 100).max(2);
    let inked: Vec<bool> = (0..height)
        .map(|y| {
            (0..width)
                .filter(|&x| crop.get_pixel(x, y)[0] <= level)
                .count() as u32
                >= least_ink
        })
        .collect();
    let mut runs: Vec<(u32, u32)> = Vec::new();
    let mut start = None;
    for (y, &ink) in inked.iter().chain(std::iter::once(&false)).enumerate() {
        match (ink, start) {
            (true, None) => start = Some(y as u32),
            (false, Some(from)) => {
                runs.push((from, y as u32));
                start = None;
            }
            _ => {}
        }
    }
    let &(top, bottom) = runs.iter().max_by_key(|(from, to)| to - from)?;
    let run = bottom - top;
    if runs.len() < 2 || run * 3 < height {
        return None;
    }
    let pad = run / 4;
    Some((top.saturating_sub(pad), (bottom + pad).min(height)))
}

/// The places below the number (within three number heights) where a date
/// the first pass could not read may be, likeliest first, each with how
/// many text heights to take on each side when reading it again:
/// - the words around a word with a slash that is not a label such as
///   `MONTH/YEAR` (OCR's word may hold only part of the date: look wider);
/// - the words after an expiry label (`VALID THRU 0 5 / 3 4`);
/// - a short line, a third of the number's height or more, without sure
///   words of letters (`04/29` read as `078s`, `08/33` as `WEEE` at 0.22),
///   with any glyph OCR split off beside it.
///
/// OCR may put a date's pieces on lines of their own (a slash, a label
/// printed smaller), so each place takes the words of every line on its
/// row ([`grown_along_row`]).
pub(super) fn date_places_below(lines: &[Line], number: Rect) -> Vec<(Rect, f32)> {
    let reach = number.bottom() + 3 * number.height as i32;
    // Lines mostly below the number: a stray mark above a date may put its
    // line's top beside the number.
    let below: Vec<&Line> = lines
        .iter()
        .filter(|l| {
            l.rect().center_y() >= (number.bottom() - number.height as i32 / 4) as f32
                && l.rect().y < reach
        })
        .collect();
    let slash_words = below.iter().find_map(|line| {
        let slash = line
            .words
            .iter()
            .find(|w| w.text.contains('/') && !LETTER_RUN.is_match(&w.text))?;
        Some(grown_along_row(&below, slash.rect, |_| true))
    });
    let after_label = below.iter().find_map(|line| {
        let label = line
            .words
            .iter()
            .find(|w| EXPIRY_LABEL.is_match(&w.text))?
            .rect;
        // The date starts within eight label heights (a label may be
        // printed smaller than the date), and goes on to its right.
        let end = label.right() + 8 * label.height as i32;
        let after = |w: &Word| w.rect.x >= label.right();
        let first = below
            .iter()
            .flat_map(|l| &l.words)
            .filter(|w| on_row(&w.rect, &label) && after(w) && w.rect.x <= end && !is_sure_word(w))
            .min_by_key(|w| w.rect.x)?;
        Some(grown_along_row(&below, first.rect, after))
    });
    let short_line = below.iter().find_map(|line| {
        let rect = line.rect();
        // A logo read as a symbol (`=`) is no date.
        let characters = line
            .text()
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .count();
        // Labels such as `MONTH/YEAR` are printed far smaller than dates,
        // and no date is much larger than the number (a `VALID THRU`
        // printed on two lines may be read as one tall word; a mark near
        // a date may make its line a quarter higher than the number).
        let not_much_larger_than_number = |r: &Rect| 2 * r.height <= 3 * number.height;
        let date_high = rect.height >= number.height / 3 && not_much_larger_than_number(&rect);
        let short = rect.width <= 10 * rect.height;
        // A date OCR could not read may come out as letters, unsure ones.
        if has_sure_words(line) || !(date_high && characters >= 2 && short) {
            return None;
        }
        // OCR may split a glyph or two off such a date: take them too (but
        // not a label beside it).
        Some(grown_along_row(&below, rect, |w| {
            w.rect.width <= 2 * w.rect.height && not_much_larger_than_number(&w.rect)
        }))
    });
    let mut places: Vec<(Rect, f32)> = Vec::new();
    let found = [
        slash_words.map(|r| (r, WIDE_DATE_SIDE)),
        after_label.map(|r| (r, 0.5)),
        short_line.map(|r| (r, 1.0)),
    ];
    for (rect, side) in found.into_iter().flatten() {
        // The same words may be found more than one way: read them once.
        let seen = places
            .iter()
            .any(|(p, _)| p.x.abs_diff(rect.x) < rect.height && p.y.abs_diff(rect.y) < rect.height);
        if !seen {
            places.push((rect, side));
        }
    }
    places
}

/// The span of x between the labels of `lines` nearest to `rect` on its
/// row, to its left and right (words of letters read with confidence, or
/// letters half as high as `rect` or less, such as `VALID THRU` read
/// `vauotHU`): a date's crop that takes a label in is misread (the
/// card-digit model reads `THRU` as digits). Unbounded on a side without
/// a label.
pub(super) fn label_free_span(lines: &[Line], rect: Rect) -> (i32, i32) {
    let labels = lines.iter().flat_map(|l| &l.words).filter(|w| {
        on_row(&w.rect, &rect) && (is_sure_word(w) || is_small_letters(w, rect.height))
    });
    let mut span = (i32::MIN, i32::MAX);
    for label in labels {
        if label.rect.right() <= rect.x {
            span.0 = span.0.max(label.rect.right());
        } else if label.rect.x >= rect.right() {
            span.1 = span.1.min(label.rect.x);
        }
    }
    span
}

/// Whether `word` is two or more letters half as high as text
/// `text_height` high, or less: a label printed beside or over a date
/// (`VALID THRU` read `vauotHU`, `MONTH/YEAR` read `MONTH/YE:`).
fn is_small_letters(word: &Word, text_height: u32) -> bool {
    2 * word.rect.height <= text_height && letter_count(&word.text) >= 2
}

/// How many ASCII letters `text` has.
fn letter_count(text: &str) -> usize {
    text.chars().filter(char::is_ascii_alphabetic).count()
}

/// Whether two boxes are on one row of text: the middle of one lies within
/// the other's height.
fn on_row(a: &Rect, b: &Rect) -> bool {
    let within = |y: f32, r: &Rect| y >= r.y as f32 && y <= r.bottom() as f32;
    within(a.center_y(), b) || within(b.center_y(), a)
}

/// `seed` grown, again and again, by the words of `lines` on its row
/// within two text heights (the grown box's height) of its sides (dates
/// may be letter-spaced) that `takes` accepts. Labels are never taken:
/// words of letters read with confidence, and words before the seed half
/// as high as the text or less (`VALID THRU`, printed smaller, read `em`)
/// or letters two thirds as high as the seed or less (read `set`: the
/// card-digit model reads such a label as digits, `9270`).
fn grown_along_row(lines: &[&Line], seed: Rect, takes: impl Fn(&Word) -> bool) -> Rect {
    let words: Vec<&Word> = lines
        .iter()
        .flat_map(|l| &l.words)
        .filter(|w| !is_sure_word(w) && takes(w))
        .collect();
    let mut grown = seed;
    loop {
        let reach = 2 * grown.height as i32;
        let before = grown;
        for word in &words {
            let r = &word.rect;
            let small_label = r.right() <= seed.x
                && (2 * r.height <= grown.height
                    || (letter_count(&word.text) >= 2 && 3 * r.height <= 2 * seed.height));
            if on_row(r, &grown)
                && !small_label
                && r.x <= grown.right() + reach
                && r.right() >= grown.x - reach
            {
                grown = grown.union(r);
            }
        }
        if grown == before {
            return grown;
        }
    }
}

/// The conf from which a word of letters is taken for a word, not for
/// digits misread as letters.
const SURE_WORD_CONF: f32 = 0.5;

/// Whether OCR read a word of four or more letters on the line with some
/// confidence: the line is text, not a number or a date read as letters.
pub(super) fn has_sure_words(line: &Line) -> bool {
    line.words.iter().any(is_sure_word)
}

/// Whether OCR read `word` as four or more letters with some confidence.
fn is_sure_word(word: &Word) -> bool {
    word.conf >= SURE_WORD_CONF && LETTER_RUN.is_match(&word.text)
}

/// Four letters in a row: a word, not a date read through look-alikes.
static LETTER_RUN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[A-Za-z]{4}").expect("valid regex"));

/// The expiry the readings (with the `prior` ones) give the most weight,
/// each voting with its confidence; its conf grows with the agreement.
pub(super) fn vote_expiry(
    readings: Vec<(Reader, Vec<Word>)>,
    prior: Vec<(Reader, Expiry)>,
    year: i32,
) -> Option<Expiry> {
    let attempts = readings.len() + prior.len();
    let mut found: Vec<(Reader, Expiry)> = readings
        .into_iter()
        .filter_map(|(reader, words)| {
            Some((reader, find_expiry(&group_lines(&words), None, year)?))
        })
        .collect();
    found.extend(prior);
    // A reading backs a value when it reads it, or when its month was one
    // digit and the value's month ends in it (`2/34` backs `12/34`).
    let backs = |reading: &Expiry, value: &str| {
        reading.value == value || (reading.month_guessed && reading.value[1..] == value[1..])
    };
    let votes = |value: &str| found.iter().filter(|(_, r)| backs(r, value)).count();
    // Each reading votes with its confidence, weighted by its model: a
    // doubtful first reading does not outweigh a sure one.
    let weight = |value: &str| {
        found
            .iter()
            .filter(|(_, r)| backs(r, value))
            .map(|(reader, r)| r.conf * reader.date_vote_weight())
            .sum::<f32>()
    };
    let best = found
        .iter()
        .map(|(_, expiry)| expiry)
        .max_by(|a, b| {
            weight(&a.value)
                .total_cmp(&weight(&b.value))
                .then(b.month_guessed.cmp(&a.month_guessed))
        })
        .cloned();
    best.map(|expiry| {
        let agreement = votes(&expiry.value) as f32 / attempts as f32;
        Expiry {
            conf: expiry.conf * (0.7 + 0.3 * agreement),
            ..expiry
        }
    })
}

/// Reads `region` of the view again, as a block, on two preparations with
/// both models, and keeps the expiry the readings give the most weight.
pub(super) fn reread_expiry(
    view: &GrayImage,
    region: Rect,
    engine: &mut Engine,
    year: i32,
) -> Result<Option<Expiry>, ReadError> {
    if region.width < 8 || region.height < 8 {
        return Ok(None);
    }
    let crop = image::imageops::crop_imm(
        view,
        region.x as u32,
        region.y as u32,
        region.width,
        region.height,
    )
    .to_image();
    let prepared = dark_text_on_light(&stretch_percentiles(&crop, 0.02, 0.98));
    let (prepared, scale) = if prepared.height() < 64 {
        scale_to_height(&prepared, 64)
    } else {
        (prepared, 1.0)
    };
    // The band is 2.6 number heights high: a blur of a quarter of it is
    // about a date's text height, wide enough to leave the text whole.
    let variants = [
        flatten_background(&prepared, prepared.height() as f32 / 4.0),
        prepared,
    ];
    let readings = read_variants(
        engine,
        &variants,
        SegMode::Block,
        (region.x, region.y),
        scale,
    )?;
    Ok(vote_expiry(readings, Vec::new(), year))
}
