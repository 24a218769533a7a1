//! The first look at a card: read only its number and date lines.
//!
//! Tesseract's layout analysis finds the lines of a view, shrunk
//! to half its width, without reading them (7 ms, against 90-120 ms for
//! reading the whole view); the card-digit model reads the number-shaped
//! lines (a third of the card wide or more; the usual band first, the
//! widest first) across the card until one is settled
//! ([`NumberCandidate::settled_as_printed`]); then the general model reads
//! the lines just below it, and the expiry is found on them as on a whole
//! view's lines ([`read_expiry`]). A card that does not give a settled
//! number and a sure date this way is read whole ([`super::read_card`]'s
//! views), keeping a settled number: the first look only answers what its
//! checks make sure of.

use docrec_ocr::detect::Rectified;
use docrec_ocr::preprocess::{dark_text_on_light, stretch_percentiles};
use docrec_ocr::resample::thumbnail;
use docrec_ocr::{Engine, Rect, SegMode};
use image::GrayImage;

use super::crops::{line_crop, read_crop, Reader, CARD_DIGITS_MODEL};
use super::expiry::{find_expiry, read_expiry, Expiry};
use super::expiry_places::{tallest_ink_rows, DOUBTFUL_EXPIRY_CONF};
use super::number::{across_the_card, number_candidates, LineRegion};
use super::{
    expiry_in_upload, groups_in_upload, likeliest, NumberCandidate, ReadError, ViewReading,
};
use crate::text::{group_lines, Line};

/// How much the view is shrunk for layout analysis: a card's lines are
/// found as well at half the view's width, in a third of the time (7 ms
/// against 23 ms).
const LAYOUT_SHRINK: u32 = 2;
/// The lines read as the number, at most: the widest that may print it.
const NUMBER_LINES_READ: usize = 2;
/// The lines read as the date, at most: the nearest below the number.
const DATE_LINES_READ: usize = 3;
/// A number's line spans this share of the card's width or more.
const NUMBER_LINE_WIDTH: f32 = 0.3;
/// A number's digits are this share of the card's height high: between
/// the smallest flat print and the largest embossing, with the margin
/// layout analysis adds.
const NUMBER_LINE_HEIGHTS: std::ops::RangeInclusive<f32> = 0.035..=0.24;
/// A row of text higher than this share of the card's height holds two
/// lines or more.
const ONE_LINE_HEIGHT: f32 = 0.13;
/// Where the middle of a number's line usually lies, as a share of the
/// card's height (ISO/IEC 7811 embosses it a little below the middle).
const USUAL_NUMBER_MIDDLES: std::ops::RangeInclusive<f32> = 0.4..=0.8;
/// A date's line lies within this many number heights below the number,
/// and is 0.3 to 1.4 times as high (a `VALID THRU` label of two rows
/// beside it makes its line higher than the date).
const DATE_REACH: f32 = 3.5;
const DATE_LINE_HEIGHTS: std::ops::RangeInclusive<f32> = 0.3..=1.4;

/// What the first look gave.
pub(super) enum FirstLook {
    /// The card, its boxes in the upload's pixels.
    Card(ViewReading),
    /// A settled number (its boxes in the view's pixels) but no sure date:
    /// the view is read whole for the date, the number kept.
    Number(NumberCandidate),
    /// No settled number.
    Nothing,
}

/// The card read from its number and date lines alone, or as much of it
/// as is sure that way.
pub(super) fn first_look(
    view: &Rectified,
    engine: &mut Engine,
    year: i32,
) -> Result<FirstLook, ReadError> {
    if !engine.has_model(CARD_DIGITS_MODEL) {
        return Ok(FirstLook::Nothing);
    }
    let image = &view.image;
    let (width, height) = image.dimensions();
    let stretched = stretch_percentiles(image, 0.01, 0.99);
    let small = thumbnail(&stretched, width / LAYOUT_SHRINK, height / LAYOUT_SHRINK);
    let lines: Vec<Rect> = engine
        .text_lines(&small, SegMode::Sparse)?
        .into_iter()
        .map(|line| line.from_crop(0, 0, 1.0 / LAYOUT_SHRINK as f32))
        .collect();
    let Some(number) = settled_number(image, &lines, engine)? else {
        return Ok(FirstLook::Nothing);
    };
    let Some(expiry) = sure_date(image, &lines, &number, engine, year)? else {
        return Ok(FirstLook::Number(number));
    };
    Ok(FirstLook::Card(ViewReading {
        number: Some(groups_in_upload(view, number)),
        valid_thru: Some(expiry_in_upload(view, expiry)),
        word_count: lines.len(),
        card_cues: true,
        skew: None,
    }))
}

/// The number of the first number-shaped row of `lines` that the
/// card-digit model reads settled, in its brand's groups.
fn settled_number(
    image: &GrayImage,
    lines: &[Rect],
    engine: &mut Engine,
) -> Result<Option<NumberCandidate>, ReadError> {
    let (width, height) = image.dimensions();
    let mut shaped: Vec<Rect> = rows_of(lines)
        .into_iter()
        .map(|row| tallest_text_of(image, row))
        .filter(|line| {
            line.width as f32 >= width as f32 * NUMBER_LINE_WIDTH
                && NUMBER_LINE_HEIGHTS.contains(&(line.height as f32 / height as f32))
        })
        .collect();
    // Cards print the number a little below the middle: lines there first,
    // the widest first.
    let elsewhere =
        |line: &Rect| !USUAL_NUMBER_MIDDLES.contains(&(line.center_y() / height as f32));
    shaped.sort_by_key(|line| (elsewhere(line), std::cmp::Reverse(line.width)));
    for line in shaped.into_iter().take(NUMBER_LINES_READ) {
        let region = LineRegion {
            rect: line,
            text_height: line.height,
        };
        let Some(across) = across_the_card(image, region) else {
            continue;
        };
        let (crop, scale) = line_crop(image, across.crop_rect, across.text_height);
        let origin = (across.crop_rect.x, across.crop_rect.y);
        let words = read_crop(
            engine,
            Reader::CardDigits,
            &crop,
            SegMode::Line,
            origin,
            scale,
        )?;
        let number = likeliest(number_candidates(&Line { words }));
        if let Some(number) = number.filter(NumberCandidate::settled_as_printed) {
            return Ok(Some(number));
        }
    }
    Ok(None)
}

/// A row too high to be one line of the number cut to its tallest line
/// of text ([`tallest_ink_rows`]): layout analysis may join the number's
/// line with the date's below it. Other rows as they are.
pub(super) fn tallest_text_of(image: &GrayImage, row: Rect) -> Rect {
    if (row.height as f32) < image.height() as f32 * ONE_LINE_HEIGHT {
        return row;
    }
    let crop = image::imageops::crop_imm(image, row.x as u32, row.y as u32, row.width, row.height)
        .to_image();
    match tallest_ink_rows(&dark_text_on_light(&stretch_percentiles(&crop, 0.02, 0.98))) {
        Some((top, bottom)) => Rect::new(row.x, row.y + top as i32, row.width, bottom - top),
        None => row,
    }
}

/// The lines of one row joined: layout analysis may give each group of a
/// number as a line of its own. Lines join when each one's middle lies
/// within the other's rows and their heights differ by less than half.
pub(super) fn rows_of(lines: &[Rect]) -> Vec<Rect> {
    let mut rows: Vec<Rect> = Vec::with_capacity(lines.len());
    let mut sorted = lines.to_vec();
    sorted.sort_by_key(|line| line.x);
    for line in sorted {
        let same_row = |row: &Rect| {
            let (low, high) = (row.height.min(line.height), row.height.max(line.height));
            2 * low > high
                && (row.y as f32..row.bottom() as f32).contains(&line.center_y())
                && (line.y as f32..line.bottom() as f32).contains(&row.center_y())
        };
        match rows.iter_mut().find(|row| same_row(row)) {
            Some(row) => *row = row.union(&line),
            None => rows.push(line),
        }
    }
    rows
}

/// The date below `number`, when sure: the `lines` nearest below it that
/// may print a date are read as lines by the general model, and the
/// expiry is read from them as from a whole view's reading
/// ([`read_expiry`]: the card-digit model reads the date again cut close,
/// the readings vote). `None` when no date is read on them, or only a
/// doubtful one.
fn sure_date(
    image: &GrayImage,
    lines: &[Rect],
    number: &NumberCandidate,
    engine: &mut Engine,
    year: i32,
) -> Result<Option<Expiry>, ReadError> {
    let below = number.rect.bottom();
    let number_height = number.rect.height as f32;
    let mut candidates: Vec<&Rect> = lines
        .iter()
        .filter(|line| {
            line.center_y() > below as f32
                && line.center_y() <= below as f32 + DATE_REACH * number_height
                && DATE_LINE_HEIGHTS.contains(&(line.height as f32 / number_height))
        })
        .collect();
    candidates.sort_by_key(|line| line.y);
    let (width, height) = image.dimensions();
    let mut read = Vec::new();
    for line in candidates.into_iter().take(DATE_LINES_READ) {
        let rect = line.padded_within(
            line.height as i32 / 2,
            line.height as i32 / 3,
            width,
            height,
        );
        let (crop, scale) = line_crop(image, rect, line.height);
        let words = read_crop(
            engine,
            Reader::General,
            &crop,
            SegMode::Line,
            (rect.x, rect.y),
            scale,
        )?;
        read.extend(group_lines(&words));
    }
    if find_expiry(&read, Some(number.rect), year).is_none() {
        return Ok(None);
    }
    let expiry = read_expiry(image, &read, Some(number), engine, year)?;
    Ok(expiry.filter(|e| !e.month_guessed && e.conf >= DOUBTFUL_EXPIRY_CONF))
}
