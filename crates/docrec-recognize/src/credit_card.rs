//! Credit cards: the number groups, the full number and the expiry.
//!
//! Takes a grayscale upload (EXIF orientation applied) and an OCR engine;
//! gives a [`CreditCard`] with boxes in the upload's pixels, or a
//! [`CardError`]. The CVV is never read: only runs of 13-19 digits and an
//! `MM/YY` date are taken from the card.
//!
//! The steps:
//! 1. find the card's outline and rectify it to a 1000-pixel-wide upright
//!    view (or take the whole image when no outline stands out);
//! 2. read the view with sparse-text segmentation and group words into lines;
//! 3. take the run of digit words on a line that forms a 13-19-digit number,
//!    ranked by Luhn, the brand's length and its printed grouping; when the
//!    best is not sure, read again, across the card, its line, then lines
//!    shaped like a number (three or more words of one height: digits OCR
//!    saw but read as letters), or on a rectified card with nothing else the
//!    band where cards print the number; each cut on the rows its text
//!    covers, as is and with the card's shading flattened, with the general
//!    model and the card-digit model, letting the checks and the readings'
//!    agreement pick;
//! 4. find `MM/YY` (month 01-12), preferring the date after `THRU`/`유효`
//!    and the latest one otherwise, and have the card-digit model read it
//!    again cut close (disagreement: more readings vote, the card-digit
//!    model's weighing more); with no date found or a doubtful vote, read
//!    where one may be below the number (around a slash, after a `THRU`
//!    label, a short line; never taking a label into the crop), or else the
//!    band below it;
//! 5. when no number passes convincingly (at a usual length or with fair
//!    confidence), try the view upside down (a photo taken the other way
//!    round, or a 90° photo rectified to landscape), then the whole photo
//!    both ways (an outline that was not the card's), levelled when its
//!    text runs askew.

use docrec_errors::{ErrorCode, ToErrorCode};
use docrec_ocr::detect::{find_quad, rectify, text_band, Rectified};
use docrec_ocr::preprocess::{
    dark_text_on_light, fitted_to_long_side, flatten_background, scale_to_height,
    stretch_percentiles,
};
use docrec_ocr::{Engine, OcrError, Quad, Rect, SegMode, Word};
use image::GrayImage;
use regex::Regex;
use serde::Serialize;
use std::sync::LazyLock;

use crate::api::{round_conf, BoxCorners, Resolution, ValueConf};
use crate::context::ReadContext;
use crate::text::{combinations, digit_reading, group_lines, map_lookalikes, text_skew, Line};
use docrec_rules::payment_card::{standard_groups, NumberCheck};

/// ISO/IEC 7810 ID-1: 85.60 × 53.98 mm.
pub const CARD_ASPECT: f32 = 85.60 / 53.98;
/// The width of the rectified view the card is read at.
const VIEW_WIDTH: u32 = 1000;
/// The time a card's reading is given ([`ReadContext::budget`]): no other
/// view, and no strip-by-strip search, once it is spent and a view was
/// read.
pub const READ_BUDGET: std::time::Duration = std::time::Duration::from_secs(3);
/// The long sides an upload is read at: any up to 1600 pixels, so that a
/// card that fills most of a photo is rectified to [`VIEW_WIDTH`] from
/// about its own size (uploads smaller than the view gain nothing from an
/// enlargement first: see docs/accuracy.md).
pub(crate) const READ_LONG_SIDES: std::ops::Range<u32> = 0..1600;
/// The recommended upload size for cards (API.md §1).
pub const RECOMMENDED_SIZE: (u32, u32) = (760, 480);

/// A recognised field: its value, confidence and box in the upload.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub value: String,
    pub conf: f32,
    pub quad: Quad,
}

/// What a card shows.
#[derive(Debug, Clone, PartialEq)]
pub struct CreditCard {
    /// The printed digit groups, in order.
    pub groups: Vec<Field>,
    /// All digits of the number, no separators.
    pub number: String,
    /// The expiry `MM/YY`, when one was found.
    pub valid_thru: Option<Field>,
}

/// Why a card could not be read.
#[derive(Debug, thiserror::Error)]
pub enum CardError {
    #[error("the OCR engine failed: {0}")]
    Engine(#[from] OcrError),
    #[error("no text was found in the image")]
    NoText,
    #[error("text was found but no card number could be read")]
    NoNumber,
    #[error("the image does not show a credit card")]
    NotACard,
}

impl ToErrorCode for CardError {
    fn error_code(&self) -> ErrorCode {
        match self {
            CardError::Engine(_) => ErrorCode::OcrDocumentCreditCardApiFail,
            CardError::NoText => ErrorCode::OcrDocumentCreditCardApiReturnEmpty,
            CardError::NoNumber => ErrorCode::OcrDocumentCreditCardRecognitionFail,
            CardError::NotACard => ErrorCode::CreditCardInfoNotFound,
        }
    }
}

/// The `result` of the credit-card API (API.md §4.2).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CreditCardResult {
    pub file_type: String,
    pub resolution: Resolution,
    pub card_nums: Vec<ValueConf>,
    pub total_card_num: String,
    pub card_num_boxes: Vec<BoxCorners>,
    /// `{"value": "", "conf": 0}` when the card shows no readable expiry.
    pub valid_thru: ValueConf,
    /// All zeros when the card shows no readable expiry.
    pub valid_thru_box: BoxCorners,
}

impl CreditCard {
    /// The same card with every box scaled by `factor`.
    fn scaled(mut self, factor: f32) -> CreditCard {
        for field in self.groups.iter_mut().chain(self.valid_thru.as_mut()) {
            field.quad = field.quad.scaled(factor);
        }
        self
    }

    /// The API's `result` for this card.
    pub fn to_result(&self, file_type: &str, resolution: Resolution) -> CreditCardResult {
        let (valid_thru, valid_thru_box) = match &self.valid_thru {
            Some(f) => (
                ValueConf {
                    value: f.value.clone(),
                    conf: round_conf(f.conf),
                },
                f.quad.into(),
            ),
            None => (
                ValueConf {
                    value: String::new(),
                    conf: 0.0,
                },
                BoxCorners::default(),
            ),
        };
        CreditCardResult {
            file_type: file_type.to_owned(),
            resolution,
            card_nums: self
                .groups
                .iter()
                .map(|g| ValueConf {
                    value: g.value.clone(),
                    conf: round_conf(g.conf),
                })
                .collect(),
            total_card_num: self.number.clone(),
            card_num_boxes: self.groups.iter().map(|g| g.quad.into()).collect(),
            valid_thru,
            valid_thru_box,
        }
    }
}

/// Reads a credit card from a grayscale upload. An upload much larger
/// than the view the card is read at is first shrunk
/// ([`READ_LONG_SIDES`]), and the boxes are given back in the upload's
/// pixels.
pub fn recognize_credit_card(
    image: &GrayImage,
    engine: &mut Engine,
    context: &ReadContext,
) -> Result<CreditCard, CardError> {
    match fitted_to_long_side(image, READ_LONG_SIDES) {
        Some((fitted, factor)) => {
            read_card(&fitted, engine, context).map(|c| c.scaled(1.0 / factor))
        }
        None => read_card(image, engine, context),
    }
}

/// Reads a credit card from an upload at a size [`READ_LONG_SIDES`] allows.
fn read_card(
    image: &GrayImage,
    engine: &mut Engine,
    context: &ReadContext,
) -> Result<CreditCard, CardError> {
    let year = context.year;
    let outline = find_quad(image, CARD_ASPECT);
    // The views to try, most likely first: the rectified card, upside down,
    // then (when the outline may have been wrong) the whole photo both ways.
    let mut views = Vec::with_capacity(4);
    if outline.is_some() {
        views.extend([(outline, false), (outline, true)]);
    }
    views.extend([(None, false), (None, true)]);

    let mut best: Option<ViewReading> = None;
    // Each view read, with the lines its first pass found.
    let mut views_read = Vec::with_capacity(views.len());
    for (quad, turned) in views {
        if best.is_some() && context.is_spent() {
            break;
        }
        let view = rectify(image, quad, VIEW_WIDTH, CARD_ASPECT);
        let view = if turned { view.rotated_180() } else { view };
        context.count_look();
        let (reading, lines) = read_view(&view, quad.is_some(), engine, year)?;
        let mut convincing = reading.convincing();
        // A photo whose outline was not found may show the card askew:
        // level its text and read it again.
        let levelled = reading
            .skew
            .filter(|_| !convincing)
            .map(|skew| view.rotated(-skew));
        views_read.push((view, quad.is_some(), turned, lines));
        best = Some(better_of(best, reading));
        if let Some(levelled) = levelled {
            context.count_look();
            let (reading, _) = read_view(&levelled, false, engine, year)?;
            convincing = reading.convincing();
            best = Some(better_of(best, reading));
        }
        if convincing {
            break;
        }
    }
    // Last, when no view gave a number that passes: light digits the page's
    // OCR did not see, looked for strip by strip in the upright views (the
    // card's outline, then the whole photo) until one gives a number. Not
    // upside down: each view costs a dozen OCR calls or more, paid by every
    // card that is not read at all, and light embossed cards were found
    // upright.
    let upright = views_read.into_iter().filter(|(_, _, turned, _)| !turned);
    for (view, card_outline, _, lines) in upright {
        if best.as_ref().is_some_and(|b| b.passes()) || context.is_spent() {
            break;
        }
        context.count_look();
        if let Some(reading) = read_strips(&view, card_outline, &lines, engine, year)? {
            best = Some(better_of(best, reading));
        }
    }
    let reading = best.expect("at least the whole-image view is read");
    match reading.number {
        Some(number) => Ok(CreditCard {
            groups: number.groups,
            number: number.digits,
            valid_thru: reading.valid_thru,
        }),
        None if reading.word_count == 0 => Err(CardError::NoText),
        None if reading.card_cues || outline.is_some() => Err(CardError::NoNumber),
        None => Err(CardError::NotACard),
    }
}

/// What one orientation of the card gave.
struct ViewReading {
    number: Option<NumberCandidate>,
    valid_thru: Option<Field>,
    word_count: usize,
    /// Whether the text looks like a card's (digit groups, an expiry, card
    /// words), even if no number could be read.
    card_cues: bool,
    /// The angle its text runs at, when clearly not level (views without
    /// an outline only).
    skew: Option<f32>,
}

/// The reading with the better number, carrying the other's evidence.
fn better_of(previous: Option<ViewReading>, reading: ViewReading) -> ViewReading {
    let Some(previous) = previous else {
        return reading;
    };
    let better = match (&previous.number, &reading.number) {
        (_, None) => false,
        (None, Some(_)) => true,
        (Some(a), Some(b)) => b.score() > a.score(),
    };
    if better {
        reading.merge_evidence(previous)
    } else {
        previous.merge_evidence(reading)
    }
}

impl ViewReading {
    /// Whether its number is good enough to stop reading other views.
    fn convincing(&self) -> bool {
        self.number.as_ref().is_some_and(|n| n.convincing())
    }

    /// Whether its number passes the checks.
    fn passes(&self) -> bool {
        self.number.as_ref().is_some_and(|n| n.check.passes())
    }

    /// Adds what `other` view saw of the card. An expiry read surer in the
    /// other view replaces this one's: the number may be read only in one
    /// view (the whole photo, past a wrong outline) and the date better in
    /// another.
    fn merge_evidence(mut self, other: ViewReading) -> ViewReading {
        self.word_count += other.word_count;
        self.card_cues |= other.card_cues;
        let surer = |theirs: &Field| {
            self.valid_thru
                .as_ref()
                .is_none_or(|ours| theirs.conf > ours.conf)
        };
        if other.valid_thru.as_ref().is_some_and(surer) {
            self.valid_thru = other.valid_thru;
        }
        self
    }
}

/// A card number read from one line.
#[derive(Debug, Clone)]
struct NumberCandidate {
    digits: String,
    groups: Vec<Field>,
    check: NumberCheck,
    /// Mean OCR confidence of the digit words, before the checks' penalty.
    ocr_conf: f32,
    /// The line's box in the rectified view.
    rect: Rect,
    /// Whether the words read are the groups the brand prints.
    grouped_as_printed: bool,
}

impl NumberCandidate {
    /// Orders candidates: passing the checks first, then OCR confidence.
    fn score(&self) -> f32 {
        let checks = if self.check.passes() {
            2.0
        } else if self.check.length_ok || self.check.luhn {
            1.0
        } else {
            0.0
        };
        // Most cards print 15 or 16 digits: between two readings that both
        // pass, the one of a usual length is the likelier.
        let usual = if matches!(self.digits.len(), 15 | 16) {
            0.3
        } else {
            0.0
        };
        // UnionPay numbers may fail Luhn and still pass; most pass it, so
        // between two readings the one that does is the likelier.
        let luhn = if self.check.luhn { 0.2 } else { 0.0 };
        let grouped = if self.grouped_as_printed {
            GROUPED_SCORE
        } else {
            0.0
        };
        checks + luhn + usual + grouped + self.ocr_conf
    }

    /// Whether the reading is good enough to stop looking at other views:
    /// it passes the checks and Luhn (even for UnionPay, whose numbers may
    /// skip it), at a usual length or with fair confidence (a distorted view
    /// can give a rare 13-digit reading that passes Luhn by chance).
    fn convincing(&self) -> bool {
        self.check.passes()
            && self.check.luhn
            && (matches!(self.digits.len(), 15 | 16) || self.ocr_conf >= 0.5)
    }

    /// Whether the reading is sure enough to skip a second look.
    fn settled(&self) -> bool {
        self.check.passes()
            && self.check.luhn
            && matches!(self.digits.len(), 15 | 16)
            && self.ocr_conf >= 0.8
    }
}

/// What a number read in the groups its brand prints adds to its score: a
/// misread view (the card sideways, texture taken for digits) gives runs
/// that pass Luhn one time in ten, seldom in the brand's groups, while a
/// sample card's number that fails Luhn is read in them surely.
const GROUPED_SCORE: f32 = 0.5;

/// The candidate [`NumberCandidate::score`] ranks first.
fn likeliest(candidates: impl IntoIterator<Item = NumberCandidate>) -> Option<NumberCandidate> {
    candidates
        .into_iter()
        .max_by(|a, b| a.score().total_cmp(&b.score()))
}

/// The confidence a number keeps after its checks.
fn checked_conf(ocr_conf: f32, check: &NumberCheck) -> f32 {
    let penalty = match (check.passes(), check.luhn, check.length_ok) {
        (true, true, _) => 1.0,
        // UnionPay numbers that fail Luhn legitimately.
        (true, false, _) => 0.8,
        (false, true, _) => 0.5,
        (false, false, true) => 0.35,
        (false, false, false) => 0.25,
    };
    ocr_conf * penalty
}

/// Reads one view, and gives the lines its first pass found too.
/// `card_outline` says the view is a card rectified from its outline, so
/// the usual number position means something.
fn read_view(
    view: &Rectified,
    card_outline: bool,
    engine: &mut Engine,
    year: i32,
) -> Result<(ViewReading, Vec<Line>), CardError> {
    let prepared = stretch_percentiles(&view.image, 0.01, 0.99);
    let words = engine.read(&prepared, SegMode::Sparse)?;
    let lines = group_lines(&words);

    let mut number = likeliest(lines.iter().flat_map(number_candidates));
    if number.as_ref().is_none_or(|n| !n.settled()) {
        let (w, h) = view.image.dimensions();
        for (region, believable) in number_regions(&lines, number.as_ref(), card_outline, w, h) {
            let Some(reread) = reread_number(&view.image, region, engine)? else {
                continue;
            };
            // A line picked for its shape alone must give a number that
            // passes and is printed in its brand's groups: a line of
            // letters read as digits passes Luhn one time in ten.
            if (believable || (reread.check.passes() && reread.grouped_as_printed))
                && number.as_ref().is_none_or(|n| reread.score() > n.score())
            {
                number = Some(reread);
            }
            if number.as_ref().is_some_and(|n| n.check.passes()) {
                break;
            }
        }
    }
    if card_outline && number.as_ref().is_none_or(|n| !n.check.passes()) {
        if let Some(found) = number_in_band(&view.image, engine)? {
            if number.as_ref().is_none_or(|n| found.score() > n.score()) {
                number = Some(found);
            }
        }
    }

    let skew = if card_outline {
        // Only a view without an outline is levelled.
        None
    } else {
        text_skew(&words)
    };
    let reading = view_reading(view, &lines, number, words.len(), skew, engine, year)?;
    Ok((reading, lines))
}

/// A view's number, found strip by strip ([`number_in_strips`]), and the
/// expiry below it, among the `lines` the view's first pass found; `None`
/// when no strip gives a number. A dozen OCR calls or more:
/// the last look at a card.
fn read_strips(
    view: &Rectified,
    card_outline: bool,
    lines: &[Line],
    engine: &mut Engine,
    year: i32,
) -> Result<Option<ViewReading>, CardError> {
    let Some(number) = number_in_strips(&view.image, card_outline, engine)? else {
        return Ok(None);
    };
    let words = lines.iter().map(|l| l.words.len()).sum();
    view_reading(view, lines, Some(number), words, None, engine, year).map(Some)
}

/// Completes a view's reading from its lines and the number read in it:
/// the expiry, and every box in the upload's pixels.
fn view_reading(
    view: &Rectified,
    lines: &[Line],
    number: Option<NumberCandidate>,
    word_count: usize,
    skew: Option<f32>,
    engine: &mut Engine,
    year: i32,
) -> Result<ViewReading, CardError> {
    let valid_thru = read_expiry(&view.image, lines, number.as_ref(), engine, year)?;

    let card_cues = number.is_some() || valid_thru.is_some() || lines.iter().any(has_card_words);
    let to_field = |value: String, conf: f32, rect: Rect| Field {
        value,
        conf,
        quad: view.to_original(rect),
    };
    let number = number.map(|n| NumberCandidate {
        groups: n
            .groups
            .iter()
            .map(|g| to_field(g.value.clone(), g.conf, quad_rect(&g.quad)))
            .collect(),
        ..n
    });
    Ok(ViewReading {
        number,
        valid_thru: valid_thru.map(|e| to_field(e.value, e.conf, e.rect)),
        word_count,
        card_cues,
        skew,
    })
}

/// Groups carry their boxes as rectangles of the view until they are mapped
/// to the upload; this reads such a box back.
fn quad_rect(quad: &Quad) -> Rect {
    let [x1, y1, _, _, x3, y3, _, _] = quad.to_pixels();
    Rect::new(x1, y1, (x3 - x1).max(0) as u32, (y3 - y1).max(0) as u32)
}

/// Words of the line that read as digits, with their readings.
fn digit_words(line: &Line) -> Vec<(&Word, String, usize)> {
    line.words
        .iter()
        .filter_map(|w| digit_reading(&w.text).map(|r| (w, r.digits, r.mapped)))
        .collect()
}

/// The most digits taken off the front of a run's first word and the end
/// of its last one: what a card's edge or the pattern beside the number
/// adds to it when read as digits.
const MOST_GLUED_FRONT: usize = 2;
const MOST_GLUED_END: usize = 3;

/// Every run of consecutive digit words on the line that makes 13-19 digits.
/// A run's first and last words are also tried without their outer digits
/// (up to [`MOST_GLUED_FRONT`] and [`MOST_GLUED_END`]): a card's edge or a
/// mark beside the number can be read as digits glued to a group
/// (`03565 7016 …`, `… 979773 7150694`).
fn number_candidates(line: &Line) -> Vec<NumberCandidate> {
    let words = digit_words(line);
    let mut out = Vec::new();
    let cuts = (0..=MOST_GLUED_FRONT).flat_map(|f| (0..=MOST_GLUED_END).map(move |l| (f, l)));
    for start in 0..words.len() {
        for end in start..words.len() {
            // Up to 19 digits, plus the glued digits at each end.
            let len: usize = words[start..=end].iter().map(|w| w.1.len()).sum();
            if len > 19 + MOST_GLUED_FRONT + MOST_GLUED_END {
                break;
            }
            for (cut_first, cut_last) in cuts.clone() {
                let mut run = words[start..=end].to_vec();
                if cut_first + cut_last > 0 && run.len() < 2 {
                    continue;
                }
                if !trim_outer_digits(&mut run, cut_first, cut_last) {
                    continue;
                }
                let digits: usize = run.iter().map(|w| w.1.len()).sum();
                if !(13..=19).contains(&digits) {
                    continue;
                }
                let candidate = candidate_from_words(&run);
                // A cut is believed only when it leaves the groups the
                // brand prints, at a length it issues.
                let trimmed = cut_first + cut_last > 0;
                if !trimmed || (candidate.grouped_as_printed && candidate.check.length_ok) {
                    out.push(candidate);
                }
            }
        }
    }
    // A line prints one number whole: when runs pass the checks, only the
    // longest of them is the number (a shorter run that passes too, say 16
    // of a UnionPay card's 19 digits, passes by chance).
    let longest_passing = out
        .iter()
        .filter(|c| c.check.passes())
        .map(|c| c.digits.len())
        .max();
    if let Some(longest) = longest_passing {
        out.retain(|c| c.check.passes() && c.digits.len() == longest);
    }
    out
}

/// Drops `cut_first` digits from the front of the run's first word and
/// `cut_last` from the end of its last one, counting each as a mapped
/// character (a reading less sure than as printed). False when that would
/// leave a group shorter than three digits.
fn trim_outer_digits(
    run: &mut [(&Word, String, usize)],
    cut_first: usize,
    cut_last: usize,
) -> bool {
    let last = run.len() - 1;
    if cut_first > 0 {
        let first = &mut run[0];
        if first.1.len() < 3 + cut_first {
            return false;
        }
        first.1.drain(..cut_first);
        first.2 += cut_first;
    }
    if cut_last > 0 {
        let end = &mut run[last];
        if end.1.len() < 3 + cut_last {
            return false;
        }
        let keep = end.1.len() - cut_last;
        end.1.truncate(keep);
        end.2 += cut_last;
    }
    true
}

fn candidate_from_words(words: &[(&Word, String, usize)]) -> NumberCandidate {
    let digits: String = words.iter().map(|w| w.1.as_str()).collect();
    let check = NumberCheck::of(&digits);
    let mapped: usize = words.iter().map(|w| w.2).sum();
    let printed: Vec<usize> = words.iter().map(|w| w.1.len()).collect();
    let expected = check
        .brand
        .map(|b| b.groups(digits.len()))
        .unwrap_or_else(|| standard_groups(digits.len()));
    // Groups OCR merged or split are a sign of trouble on the line.
    let layout = if printed == expected { 1.0 } else { 0.75 };
    let ocr_conf = words.iter().map(|w| w.0.conf).sum::<f32>() / words.len() as f32
        * 0.9f32.powi(mapped as i32)
        * layout;
    let rect = words
        .iter()
        .map(|w| w.0.rect)
        .reduce(|a, b| a.union(&b))
        .unwrap_or_default();
    let groups = if printed == expected {
        words
            .iter()
            .map(|w| Field {
                value: w.1.clone(),
                conf: checked_conf(w.0.conf * 0.9f32.powi(w.2 as i32), &check),
                quad: w.0.rect.to_quad(),
            })
            .collect()
    } else {
        split_evenly(&digits, &expected, rect, checked_conf(ocr_conf, &check))
    };
    NumberCandidate {
        digits,
        groups,
        check,
        ocr_conf,
        rect,
        grouped_as_printed: printed == expected,
    }
}

/// Splits a number into the brand's groups, giving each a share of `rect`
/// in proportion to its digits (the printed spacing did not survive OCR).
fn split_evenly(digits: &str, sizes: &[usize], rect: Rect, conf: f32) -> Vec<Field> {
    let per_digit = rect.width as f32 / digits.len().max(1) as f32;
    let mut offset = 0;
    sizes
        .iter()
        .map(|&size| {
            let x = rect.x + (offset as f32 * per_digit).round() as i32;
            let width = (size as f32 * per_digit).round() as u32;
            let value = digits[offset..offset + size].to_owned();
            offset += size;
            Field {
                value,
                conf,
                quad: Rect::new(x, rect.y, width, rect.height).to_quad(),
            }
        })
        .collect()
}

/// A region of the view that may print the number: its box and how high
/// its text is.
#[derive(Debug, Clone, Copy, PartialEq)]
struct LineRegion {
    rect: Rect,
    text_height: u32,
}

/// The regions to read again for the number, most likely first, at most
/// three, each with whether a reading from it that fails the checks is
/// still worth more than none:
/// 1. the line of the best first reading, or else a line with digit groups
///    OCR could not read whole (believed either way);
/// 2. lines shaped like a number: three or more words of one height across
///    much of the card (faint or embossed digits that OCR saw as boxes but
///    read as letters);
/// 3. on a rectified card with nothing else, the band where cards print the
///    number.
///
/// Regions 2 and 3 are believed only when their reading passes the checks
/// and is printed in its brand's groups.
fn number_regions(
    lines: &[Line],
    first: Option<&NumberCandidate>,
    card_outline: bool,
    width: u32,
    height: u32,
) -> Vec<(LineRegion, bool)> {
    let mut regions = Vec::new();
    let found = first
        .map(|n| LineRegion {
            rect: n.rect,
            text_height: n.rect.height,
        })
        .or_else(|| {
            likely_number_line(lines).map(|l| LineRegion {
                rect: l.rect(),
                text_height: l.rect().height,
            })
        });
    regions.extend(found.map(|r| (r, true)));
    regions.extend(
        number_shaped_lines(lines, width, height)
            .into_iter()
            .map(|r| (r, false)),
    );
    if regions.is_empty() && card_outline {
        let band = usual_number_band(width, height);
        let text_height = (height as f32 * USUAL_DIGIT_HEIGHT) as u32;
        regions.push((
            LineRegion {
                rect: band,
                text_height,
            },
            false,
        ));
    }
    // One look per line: drop a region whose middle lies in an earlier one.
    let mut distinct: Vec<(LineRegion, bool)> = Vec::new();
    for (region, believable) in regions {
        let middle = region.rect.center_y();
        let seen = distinct.iter().any(|(r, _)| {
            middle > r.rect.y as f32 && middle < r.rect.bottom() as f32
                || (r.rect.center_y() > region.rect.y as f32
                    && r.rect.center_y() < region.rect.bottom() as f32)
        });
        if !seen {
            distinct.push((region, believable));
        }
    }
    distinct.truncate(3);
    distinct
}

/// Lines with three or more words of about one height (within a quarter
/// of their median) spanning at least 40% of the view, with text 3.5-16%
/// of the view's height: the shape of a printed number, whatever OCR read
/// in it, unless it read sure words there (`HANBIT BANK VISA`). Widest
/// first; each region covers only those words.
fn number_shaped_lines(lines: &[Line], width: u32, height: u32) -> Vec<LineRegion> {
    let mut shaped: Vec<LineRegion> = lines
        .iter()
        .filter(|line| !has_sure_words(line))
        .filter_map(|line| {
            let mut heights: Vec<u32> = line.words.iter().map(|w| w.rect.height).collect();
            heights.sort_unstable();
            let median = *heights.get(heights.len() / 2)? as f32;
            let even: Vec<Rect> = line
                .words
                .iter()
                .filter(|w| (w.rect.height as f32 - median).abs() <= 0.25 * median)
                .map(|w| w.rect)
                .collect();
            let rect = even.iter().copied().reduce(|a, b| a.union(&b))?;
            let share = median / height as f32;
            (even.len() >= 3
                && rect.width as f32 >= 0.4 * width as f32
                && (0.035..=0.16).contains(&share))
            .then_some(LineRegion {
                rect,
                text_height: median as u32,
            })
        })
        .collect();
    shaped.sort_by_key(|r| std::cmp::Reverse(r.rect.width));
    shaped
}

/// How high card number digits usually are, as a share of the card's height.
const USUAL_DIGIT_HEIGHT: f32 = 0.08;

/// Where cards print the number: a band across the card a little below the
/// middle (ISO/IEC 7811 puts the embossed line there; flat cards follow it).
fn usual_number_band(width: u32, height: u32) -> Rect {
    let top = (height as f32 * 0.51) as i32;
    Rect::new(0, top, width, (height as f32 * 0.15) as u32)
}

/// Where [`number_in_band`] looks for a number the lines did not give, as
/// shares of the card's height: from above the usual number band to below
/// it, since cards move the number up or down.
const NUMBER_SEARCH_TOP: f32 = 0.40;
const NUMBER_SEARCH_BOTTOM: f32 = 0.78;

/// The number of a rectified card whose number line the first pass could
/// not place (embossed digits in light colours, read as letters or not at
/// all, and text of more contrast nearby pulling [`text_band`] away): the
/// part of the card where numbers are printed, read by the card-digit
/// model as sparse text (read as a block, the number merges with the chip
/// above it). A line there that gives a number passing the checks, in its
/// brand's groups, is then read again as a line; the better of the two
/// readings is given. `None` without the card-digit model.
fn number_in_band(
    view: &GrayImage,
    engine: &mut Engine,
) -> Result<Option<NumberCandidate>, CardError> {
    if !engine.has_model(CARD_DIGITS_MODEL) {
        return Ok(None);
    }
    let (width, height) = view.dimensions();
    let edge = (width as f32 * CARD_EDGE_MARGIN) as i32;
    let top = (height as f32 * NUMBER_SEARCH_TOP) as i32;
    let bottom = (height as f32 * NUMBER_SEARCH_BOTTOM) as i32;
    let band = Rect::new(
        edge,
        top,
        width.saturating_sub(2 * edge as u32),
        (bottom - top) as u32,
    );
    let digit_height = (height as f32 * USUAL_DIGIT_HEIGHT) as u32;
    let (crop, scale) = line_crop(view, band, digit_height);
    let words = read_crop(
        engine,
        Reader::CardDigits,
        &crop,
        SegMode::Sparse,
        (band.x, band.y),
        scale,
    )?;
    let Some(found) = likeliest(
        group_lines(&words)
            .iter()
            .flat_map(number_candidates)
            .filter(|c| c.check.passes() && c.grouped_as_printed),
    ) else {
        return Ok(None);
    };
    let line = LineRegion {
        rect: found.rect,
        text_height: found.rect.height,
    };
    Ok(Some(match reread_number(view, line, engine)? {
        Some(reread)
            if reread.check.passes()
                && reread.grouped_as_printed
                && reread.score() > found.score() =>
        {
            reread
        }
        _ => found,
    }))
}

/// Where [`number_in_strips`] looks, as shares of the view's height: on a
/// rectified card, the same band as [`number_in_band`]; in a whole photo,
/// most of it, since the card's place is not known.
const STRIP_SEARCH_CARD: (f32, f32) = (NUMBER_SEARCH_TOP, NUMBER_SEARCH_BOTTOM);
const STRIP_SEARCH_PHOTO: (f32, f32) = (0.25, 0.85);
/// A strip's height and the step between strips, as shares of the view's
/// height: a strip holds a number line of the usual height with a little
/// room above and below, and strips overlap so that one holds the line
/// about centred.
const STRIP_HEIGHT: f32 = 0.13;
const STRIP_STEP: f32 = 0.03;

/// The number of a card whose text the page-wide passes could not place:
/// light embossed digits on a light or finely patterned card, where
/// Tesseract's page segmentation sees stripes or nothing. Strips across
/// the search band are read one by one as single lines by the card-digit
/// model, and the first number that passes the checks in its brand's
/// groups (the checks reject what a strip of pattern reads as) is given;
/// failing that, the first printed in its brand's groups at its length
/// that fails only Luhn. `None` without the card-digit model or when no
/// strip gives either.
fn number_in_strips(
    view: &GrayImage,
    card_outline: bool,
    engine: &mut Engine,
) -> Result<Option<NumberCandidate>, CardError> {
    if !engine.has_model(CARD_DIGITS_MODEL) {
        return Ok(None);
    }
    let (width, height) = view.dimensions();
    let (from, to) = if card_outline {
        STRIP_SEARCH_CARD
    } else {
        STRIP_SEARCH_PHOTO
    };
    let edge = (width as f32 * CARD_EDGE_MARGIN) as i32;
    let strip_height = (height as f32 * STRIP_HEIGHT) as u32;
    let digit_height = (height as f32 * USUAL_DIGIT_HEIGHT) as u32;
    // A number printed in its brand's groups at its length that fails Luhn
    // (a specimen card's `4000 1234 5678 9010`): answered, at the lower
    // conf its checks give, when no strip gives one that passes.
    let mut printed_failing: Option<NumberCandidate> = None;
    for top in strip_starts(from, to, STRIP_HEIGHT, STRIP_STEP) {
        let strip = Rect::new(
            edge,
            (height as f32 * top) as i32,
            width.saturating_sub(2 * edge as u32),
            strip_height,
        );
        let (crop, scale) = line_crop(view, strip, digit_height);
        let words = read_crop(
            engine,
            Reader::CardDigits,
            &crop,
            SegMode::Line,
            (strip.x, strip.y),
            scale,
        )?;
        let candidates = number_candidates(&Line { words });
        let found = likeliest(
            candidates
                .iter()
                .filter(|c| c.check.passes() && c.check.luhn && c.grouped_as_printed)
                .cloned(),
        );
        if found.is_some() {
            return Ok(found);
        }
        if printed_failing.is_none() {
            printed_failing = likeliest(
                candidates
                    .into_iter()
                    .filter(|c| c.grouped_as_printed && c.check.length_ok),
            );
        }
    }
    Ok(printed_failing)
}

/// Where overlapping strips `height` high start, `step` apart, from `from`
/// while they end by `to` (in any unit).
fn strip_starts(from: f32, to: f32, height: f32, step: f32) -> impl Iterator<Item = f32> {
    std::iter::successors(Some(from), move |top| Some(top + step))
        .take_while(move |top| top + height <= to)
}

/// A line that looks like a number OCR could not read whole: at least two
/// groups of three or more digits (a date or a CVV alone is not enough).
fn likely_number_line(lines: &[Line]) -> Option<&Line> {
    let groups = |l: &Line| digit_words(l).iter().filter(|w| w.1.len() >= 3).count();
    lines
        .iter()
        .filter(|l| groups(l) >= 2)
        .max_by_key(|l| digit_words(l).iter().map(|w| w.1.len()).sum::<usize>())
}

/// The share of the view's width left out on each side when a line is
/// read across the card: numbers start well inside the card.
const CARD_EDGE_MARGIN: f32 = 0.02;

/// Reads the number's line alone, across the card, on several preparations, and keeps the
/// reading the checks like best; readings that agree raise its confidence.
fn reread_number(
    view: &GrayImage,
    line: LineRegion,
    engine: &mut Engine,
) -> Result<Option<NumberCandidate>, CardError> {
    let LineRegion {
        rect: region,
        text_height,
    } = line;
    let (region, text_height) = match text_rows(view, region) {
        Some(rows) => (rows, rows.height),
        None => (region, text_height),
    };
    // The whole width of the card: OCR may have found only part of the
    // line, and the number spans most of the card. But not its very edges:
    // the card's border (or what lies beyond it) would be read as a digit.
    let pad_y = (region.height as i32 / 3).max(4);
    let edge = (view.width() as f32 * CARD_EDGE_MARGIN) as i32;
    let inside = view.width().saturating_sub(2 * edge as u32);
    let crop_rect = Rect::new(edge, region.y, inside, region.height).padded_within(
        0,
        pad_y,
        view.width(),
        view.height(),
    );
    if crop_rect.width < 8 || crop_rect.height < 8 {
        return Ok(None);
    }
    let (upright_text, scale) = line_crop(view, crop_rect, text_height);
    let variants = [upright_text.clone(), flattened(&upright_text)];
    let mut readings_made = read_variants(
        engine,
        &variants,
        SegMode::Line,
        (crop_rect.x, crop_rect.y),
        scale,
    )?;
    // The line as OCR found it, cut close, read as a raw line: the
    // card-digit model was trained on lines cut so.
    let close = region.padded_within(region.height as i32, pad_y, view.width(), view.height());
    if close.width < crop_rect.width * 9 / 10 && close.width >= 8 {
        let (upright, scale) = line_crop(view, close, text_height);
        readings_made.extend(read_variants(
            engine,
            &[upright],
            SegMode::RawLine,
            (close.x, close.y),
            scale,
        )?);
    }
    // Which model read a number does not matter: the checks pick.
    let readings_made: Vec<Vec<Word>> = readings_made.into_iter().map(|(_, words)| words).collect();
    let attempts = readings_made.len();
    let readings: Vec<NumberCandidate> = readings_made
        .iter()
        .cloned()
        .filter_map(|words| likeliest(number_candidates(&Line { words })))
        .collect();
    let Some(best) = likeliest(readings.iter().cloned()) else {
        return Ok(None);
    };
    if !best.check.passes() {
        let mended =
            mend_one_group(&best, &readings_made).or_else(|| mend_digits(&best, &readings_made));
        if let Some(mended) = mended {
            return Ok(Some(mended));
        }
    }
    let agreeing = readings.iter().filter(|r| r.digits == best.digits).count();
    let agreement = agreeing as f32 / attempts as f32;
    let mut best = best;
    for group in &mut best.groups {
        group.conf *= 0.7 + 0.3 * agreement;
    }
    Ok(Some(best))
}

/// Mends a reading that fails the checks from the other readings of its
/// line: when one group, as most readings (two or more) give it at its
/// place, makes the number pass, that group replaces the best reading's.
/// Readings disagree on different digits, so one misread group is often
/// read right by the others. The mended number's conf is lowered.
fn mend_one_group(best: &NumberCandidate, readings: &[Vec<Word>]) -> Option<NumberCandidate> {
    let at_groups = readings_at_groups(best, readings);
    let mut mended: Option<(usize, NumberCandidate)> = None;
    for (i, here) in at_groups.iter().enumerate() {
        let group = &best.groups[i];
        let votes = |value: &str| here.iter().filter(|v| **v == value).count();
        for alternative in here.iter().map(String::as_str) {
            let support = votes(alternative);
            if alternative == group.value || support < 2 || support <= votes(&group.value) {
                continue;
            }
            let mut values: Vec<&str> = best.groups.iter().map(|g| g.value.as_str()).collect();
            values[i] = alternative;
            let digits: String = values.concat();
            if !NumberCheck::of(&digits).passes()
                || mended.as_ref().is_some_and(|(s, _)| *s >= support)
            {
                continue;
            }
            mended = Some((support, mended_number(best, digits)));
        }
    }
    mended.map(|(_, candidate)| candidate)
}

/// For each group of `best`, every digit word of `readings` (the line's
/// readings) as long as the group and over at least half of it: what the
/// readings give at the group's place.
fn readings_at_groups(best: &NumberCandidate, readings: &[Vec<Word>]) -> Vec<Vec<String>> {
    let words: Vec<(String, Rect)> = readings
        .iter()
        .flatten()
        .filter_map(|w| digit_reading(&w.text).map(|r| (r.digits, w.rect)))
        .collect();
    let overlaps = |a: &Rect, b: &Rect| {
        let shared = a.right().min(b.right()) - a.x.max(b.x);
        shared > 0 && shared as u32 * 2 >= a.width.min(b.width)
    };
    best.groups
        .iter()
        .map(|group| {
            let place = quad_rect(&group.quad);
            words
                .iter()
                .filter(|(digits, rect)| {
                    digits.len() == group.value.len() && overlaps(rect, &place)
                })
                .map(|(digits, _)| digits.clone())
                .collect()
        })
        .collect()
}

/// The most numbers [`mend_digits`] tries: a wrong one passes Luhn one
/// time in ten.
const MOST_MENDED_DIGITS: usize = 4;

/// Mends a reading that fails the checks digit by digit when no group
/// can be mended whole ([`mend_one_group`]): at each digit, the best
/// reading's and every other that two or more readings of its group give
/// there (an embossed `3` read `8` by some readings and `3` by others, in
/// different groups of them). Of up to [`MOST_MENDED_DIGITS`] numbers so
/// made, the one that passes the checks is answered, at lowered conf;
/// none when none or more than one passes.
fn mend_digits(best: &NumberCandidate, readings: &[Vec<Word>]) -> Option<NumberCandidate> {
    let at_groups = readings_at_groups(best, readings);
    let mut options: Vec<Vec<char>> = Vec::with_capacity(best.digits.len());
    for (group, here) in best.groups.iter().zip(&at_groups) {
        for (at, read) in group.value.chars().enumerate() {
            let mut counts: Vec<(char, usize)> = Vec::new();
            for digit in here.iter().filter_map(|h| h.chars().nth(at)) {
                match counts.iter_mut().find(|(c, _)| *c == digit) {
                    Some((_, n)) => *n += 1,
                    None => counts.push((digit, 1)),
                }
            }
            let mut place = vec![read];
            place.extend(
                counts
                    .into_iter()
                    .filter(|(c, n)| *c != read && *n >= 2)
                    .map(|(c, _)| c),
            );
            options.push(place);
        }
    }
    if options.iter().all(|o| o.len() == 1) {
        return None;
    }
    options.iter().try_fold(1usize, |n, o| {
        n.checked_mul(o.len()).filter(|n| *n <= MOST_MENDED_DIGITS)
    })?;
    let lengths: Vec<usize> = options.iter().map(Vec::len).collect();
    let passing: Vec<String> = combinations(&lengths)
        .map(|choice| choice.iter().zip(&options).map(|(i, o)| o[*i]).collect())
        .filter(|digits: &String| NumberCheck::of(digits).passes())
        .collect();
    match <[String; 1]>::try_from(passing) {
        Ok([digits]) => Some(mended_number(best, digits)),
        Err(_) => None,
    }
}

/// `best` with its digits mended to `digits` (as many, in its groups):
/// each group at its place, at lowered conf, no more than [`MENDED_CONF`].
fn mended_number(best: &NumberCandidate, digits: String) -> NumberCandidate {
    let check = NumberCheck::of(&digits);
    let ocr_conf = best.ocr_conf * 0.8;
    let mut rest = digits.as_str();
    let groups = best
        .groups
        .iter()
        .map(|g| {
            let (value, after) = rest.split_at(g.value.len());
            rest = after;
            Field {
                value: value.to_owned(),
                conf: checked_conf(ocr_conf, &check).min(MENDED_CONF),
                quad: g.quad,
            }
        })
        .collect();
    NumberCandidate {
        digits,
        groups,
        check,
        ocr_conf,
        rect: best.rect,
        grouped_as_printed: best.grouped_as_printed,
    }
}

/// The highest conf a mended number's groups get: it was pieced together.
const MENDED_CONF: f32 = 0.6;

static EXPIRY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|[^0-9])([0-9](?: ?[0-9])?) ?[/\\|] ?([0-9] ?[0-9])(?:[^0-9]|$)")
        .expect("valid regex")
});
/// `MM/YY` right after other digits (a label the card-digit model read as
/// digits).
static EXPIRY_AFTER_DIGITS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[0-9]([0-9]{2}) ?[/\\|] ?([0-9] ?[0-9])(?:[^0-9]|$)").expect("valid regex")
});
/// How much a date cut out of a longer run of digits is trusted.
const EXPIRY_AFTER_DIGITS_CONF: f32 = 0.8;
/// `MM/YY` with the slash read as `7` or `1`.
static SLASH_READ_AS_DIGIT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|[^0-9])([0-9]{2})[17]([0-9]{2})(?:[^0-9]|$)").expect("valid regex")
});
/// How much a date read through a lost slash is trusted.
const SLASH_READ_AS_DIGIT_CONF: f32 = 0.6;
static EXPIRY_LABEL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)(THRU|GOOD|EXP|END|유효|까지)").expect("valid regex"));

/// Finds `MM/YY` on the card's lines: after a `THRU`-like label if there is
/// one, else the latest date (a card may also print `MEMBER SINCE`).
/// Letter-spaced dates (`0 9 / 2 8`) are read across words. Returns the
/// value, its confidence and its box in the view.
fn find_expiry(lines: &[Line], number: Option<Rect>, this_year: i32) -> Option<Expiry> {
    let mut found: Vec<(Expiry, bool)> = Vec::new();
    for line in lines {
        if number.is_some_and(|n| line.rect().center_y() < n.bottom() as f32) {
            // Expiry dates are printed below the number, never on its line.
            continue;
        }
        // The line's words joined by spaces, digit look-alikes mapped, and
        // which word each byte came from.
        let mut joined = String::new();
        let mut owner = Vec::new();
        for (i, word) in line.words.iter().enumerate() {
            if i > 0 {
                joined.push(' ');
                owner.push(i);
            }
            for c in date_reading(&word.text).chars() {
                joined.push(c);
                owner.extend(std::iter::repeat_n(i, c.len_utf8()));
            }
        }
        let label_at = line
            .words
            .iter()
            .position(|w| EXPIRY_LABEL.is_match(&w.text));
        // Dates read less cleanly count only when the line has no clean one
        // and lies below the number: `MM/YY` glued to digits read from its
        // label (`3508/29`), then a slash read as a digit (`08731`).
        let below_number = number.is_none_or(|n| line.rect().y >= n.bottom());
        // Each with how much it is trusted and whether its slash was lost.
        let patterns = [
            (&*EXPIRY, 1.0, false),
            (&*EXPIRY_AFTER_DIGITS, EXPIRY_AFTER_DIGITS_CONF, false),
            (&*SLASH_READ_AS_DIGIT, SLASH_READ_AS_DIGIT_CONF, true),
        ];
        let captures: Vec<_> = patterns
            .iter()
            .take(if below_number { patterns.len() } else { 1 })
            .map(|(pattern, conf, slash_lost)| {
                pattern
                    .captures_iter(&joined)
                    .map(|c| (c, *conf, *slash_lost))
                    .collect::<Vec<_>>()
            })
            .find(|found| !found.is_empty())
            .unwrap_or_default();
        for (c, slash_conf, slash_lost) in captures {
            let (Some(month), Some(year)) = (c.get(1), c.get(2)) else {
                continue;
            };
            let month_read = month.as_str().replace(' ', "");
            let Some((mm, month_conf)) = month_of(&month_read) else {
                continue;
            };
            if slash_lost && month_conf < 1.0 {
                // One guess per date: through a lost slash, only a month
                // read as printed (`17727` is more likely `11/27` than `07/27`).
                continue;
            }
            let yy = year.as_str().replace(' ', "");
            let words = &line.words[owner[month.start()]..=owner[year.end() - 1]];
            let raw: String = words.iter().flat_map(|w| w.text.chars()).collect();
            let value = format!("{mm}/{yy}");
            // Printed exactly so, or read through look-alike letters.
            let mapped = if raw.contains(&value) { 1.0 } else { 0.8 };
            let conf = words.iter().map(|w| w.conf).fold(1.0f32, f32::min)
                * mapped
                * month_conf
                * year_conf(&yy, this_year)
                * slash_conf;
            let rect = words
                .iter()
                .map(|w| w.rect)
                .reduce(|a, b| a.union(&b))
                .unwrap_or_default();
            let labelled = label_at.is_some_and(|l| l <= owner[month.start()]);
            let month_guessed = month_read.len() == 1;
            let expiry = Expiry {
                value,
                conf: if month_guessed {
                    conf.min(GUESSED_MONTH_CONF)
                } else {
                    conf
                },
                rect,
                month_guessed,
            };
            found.push((expiry, labelled));
        }
    }
    let key = |v: &str| {
        let (mm, yy) = v.split_at(2);
        (yy[1..].to_owned(), mm.to_owned())
    };
    found
        .into_iter()
        .max_by(|a, b| {
            a.1.cmp(&b.1)
                .then_with(|| key(&a.0.value).cmp(&key(&b.0.value)))
        })
        .map(|(expiry, _)| expiry)
}

/// How much a month `00` is trusted: printed only on sample cards, and
/// what a real month's digits misread may give.
const SAMPLE_MONTH_CONF: f32 = 0.3;

/// The month `MM` a read month stands for, and how much to trust it: `01`
/// to `12` as read; a single digit whose leading zero OCR dropped (`5` →
/// `05`), a leading zero read as its look-alike `8` (`81` → `01`, as
/// slashed zeros often are) or as `1` (`14` → `04`) with lower confidence;
/// `00`, which sample cards print (`00/00`), as printed with little;
/// nothing else.
fn month_of(read: &str) -> Option<(String, f32)> {
    let digits: Vec<u32> = read
        .chars()
        .map(|c| c.to_digit(10))
        .collect::<Option<_>>()?;
    match digits[..] {
        [m] if m >= 1 => Some((format!("0{m}"), 0.7)),
        [t, u] if (t == 0 && u >= 1) || (t == 1 && u <= 2) => Some((format!("{t}{u}"), 1.0)),
        [0, 0] => Some(("00".to_owned(), SAMPLE_MONTH_CONF)),
        [8, u] if u >= 1 => Some((format!("0{u}"), 0.75)),
        // No month is 13-19: the tens digit is the likelier misread, a
        // narrow `0` read as `1`.
        [1, u] if u >= 3 => Some((format!("0{u}"), 0.6)),
        _ => None,
    }
}

/// How much to trust a printed expiry year `YY` in `this_year`: cards are
/// valid for up to about ten years, and an expired card may still be shown,
/// so a year from ten years back to twelve ahead is as read; any other (a
/// `3` read as `5`: `30` → `50`) keeps half its confidence, so that a
/// plausible reading wins the vote.
fn year_conf(yy: &str, this_year: i32) -> f32 {
    let Ok(yy) = yy.parse::<i32>() else {
        return 0.5;
    };
    let mut year = this_year - this_year % 100 + yy;
    if year - this_year > 50 {
        year -= 100;
    } else if this_year - year > 50 {
        year += 100;
    }
    if (this_year - 10..=this_year + 12).contains(&year) {
        1.0
    } else {
        0.5
    }
}

/// A word as it may stand in a date: brackets and stray punctuation dropped
/// and look-alike letters mapped to digits when every character is a digit,
/// a look-alike or a slash (`(Q)` → `0`, `O9/2S` → `09/25`); any other word
/// is kept as it is (`THRU` stays a word).
fn date_reading(text: &str) -> String {
    let core: String = text
        .chars()
        .filter(|c| {
            !matches!(
                c,
                '(' | ')' | '{' | '}' | '\'' | '"' | '`' | ',' | '.' | ':' | ';'
            )
        })
        .collect();
    let mapped = map_lookalikes(&core);
    if !mapped.is_empty() && mapped.chars().all(|c| c.is_ascii_digit() || c == '/') {
        mapped
    } else {
        text.to_owned()
    }
}

/// How high text is scaled for a re-read. The card-digit model was trained
/// on lines 40-72 pixels high; on the dev sets (300 clean, 300 photo cards)
/// text 32 pixels high read best: 26, 38 and 44 each lost 0.6-1.7 points of
/// documents read whole.
const REREAD_TEXT_HEIGHT: f32 = 32.0;

/// `rect` of the view, contrast stretched, dark text on light, scaled so
/// that text `text_height` pixels high becomes [`REREAD_TEXT_HEIGHT`]
/// high; and the scale applied.
fn line_crop(view: &GrayImage, rect: Rect, text_height: u32) -> (GrayImage, f32) {
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
enum Reader {
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
    fn date_vote_weight(self) -> f32 {
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
fn read_variants(
    engine: &mut Engine,
    variants: &[GrayImage],
    mode: SegMode,
    origin: (i32, i32),
    scale: f32,
) -> Result<Vec<(Reader, Vec<Word>)>, CardError> {
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
fn read_crop(
    engine: &mut Engine,
    reader: Reader,
    crop: &GrayImage,
    mode: SegMode,
    origin: (i32, i32),
    scale: f32,
) -> Result<Vec<Word>, CardError> {
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

/// The highest conf of a date whose month was read as one digit: the tens
/// digit lost may have been a `1` (`12/34` read as `2/34`).
const GUESSED_MONTH_CONF: f32 = 0.6;

/// An expiry reading.
#[derive(Debug, Clone, PartialEq)]
struct Expiry {
    /// `MM/YY`.
    value: String,
    conf: f32,
    /// Its box in the view.
    rect: Rect,
    /// The month was read as one digit (`2/34`): its tens digit is a guess,
    /// as the digit lost may be a `1` as well as a `0`.
    month_guessed: bool,
}

/// Finds the expiry on the first pass's lines and makes sure of it: the
/// card-digit model reads the date again, cut close, as a raw line (PSM 13,
/// which reads 94% of its held-out lines against 90% as a found line; see
/// `models/README.md`); when the two agree the date stands, otherwise the
/// date's line, its shading flattened, is read again with both models and
/// the readings vote. When the first pass found no date, or the vote is
/// doubtful (a date glued together from noise, or its box cut through it),
/// the places below the number where one may be are read again
/// ([`date_places_below`]); failing that, the band below the number is read
/// as a block.
fn read_expiry(
    view: &GrayImage,
    lines: &[Line],
    number: Option<&NumberCandidate>,
    engine: &mut Engine,
    year: i32,
) -> Result<Option<Expiry>, CardError> {
    let (w, h) = view.dimensions();
    let with_digit_model = engine.has_model(CARD_DIGITS_MODEL);
    if let Some(first) = find_expiry(lines, number.map(|n| n.rect), year) {
        if !with_digit_model {
            return Ok(Some(first));
        }
        // A month read as one digit may have lost a digit to the word
        // before it: look wider.
        let side = if first.month_guessed {
            WIDE_DATE_SIDE
        } else {
            0.5
        };
        let (crop, origin, scale) = date_line_crop(view, lines, first.rect, side);
        let second = read_crop(
            engine,
            Reader::CardDigits,
            &crop,
            SegMode::RawLine,
            origin,
            scale,
        )?;
        let mut prior = vec![(Reader::General, first.clone())];
        match find_expiry(&group_lines(&second), None, year) {
            Some(second)
                if second.value == first.value
                    && !(first.month_guessed || second.month_guessed)
                    && year_conf(&second.value[3..], year) == 1.0 =>
            {
                return Ok(Some(Expiry {
                    conf: first.conf.max(second.conf),
                    ..first
                }));
            }
            Some(second) => prior.push((Reader::CardDigits, second)),
            None => {}
        }
        let readings = read_variants(engine, &[flattened(&crop)], SegMode::Line, origin, scale)?;
        let voted = vote_expiry(readings, prior, year);
        let doubtful = voted.as_ref().is_none_or(|v| v.conf < DOUBTFUL_EXPIRY_CONF);
        let Some(number) = number.filter(|_| doubtful) else {
            return Ok(voted);
        };
        let placed = expiry_at_date_places(view, lines, number.rect, engine, year)?;
        return Ok([voted, placed]
            .into_iter()
            .flatten()
            .max_by(|a, b| a.conf.total_cmp(&b.conf)));
    }
    let Some(number) = number else {
        return Ok(None);
    };
    if let Some(found) = expiry_at_date_places(view, lines, number.rect, engine, year)? {
        return Ok(Some(found));
    }
    let band = Rect::new(
        0,
        number.rect.bottom(),
        w,
        (number.rect.height as f32 * 2.6) as u32,
    )
    .padded_within(0, 0, w, h);
    if let Some(found) = reread_expiry(view, band, engine, year)? {
        return Ok(Some(found));
    }
    expiry_in_strips(view, number.rect, engine, year)
}

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
fn expiry_in_strips(
    view: &GrayImage,
    number: Rect,
    engine: &mut Engine,
    year: i32,
) -> Result<Option<Expiry>, CardError> {
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
const DOUBTFUL_EXPIRY_CONF: f32 = 0.5;

/// The first date read at the places below `number` where one may be
/// ([`date_places_below`]), likeliest place first.
fn expiry_at_date_places(
    view: &GrayImage,
    lines: &[Line],
    number: Rect,
    engine: &mut Engine,
    year: i32,
) -> Result<Option<Expiry>, CardError> {
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
const WIDE_DATE_SIDE: f32 = 2.0;

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
) -> Result<Option<Expiry>, CardError> {
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
fn flattened(crop: &GrayImage) -> GrayImage {
    flatten_background(crop, crop.height() as f32 / 2.0)
}

/// `rect` moved to the rows its text really covers ([`text_band`]): OCR's
/// box of a line may be cut short or hold the line below too. `None` when
/// no band of eight rows or a third of `rect`'s height is found.
fn text_rows(view: &GrayImage, rect: Rect) -> Option<Rect> {
    let (top, rows) = text_band(view, rect)?;
    (rows >= 8 && rows >= rect.height / 3).then(|| Rect::new(rect.x, top, rect.width, rows))
}

/// The date's line cut close around `rect` (`side` text heights to the
/// sides but not into a label of `lines` on its row, a third of a text
/// height above and below), prepared as [`line_crop`] does; with the
/// crop's origin in the view and its scale.
fn date_line_crop(
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
fn tallest_ink_rows(crop: &GrayImage) -> Option<(u32, u32)> {
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
fn date_places_below(lines: &[Line], number: Rect) -> Vec<(Rect, f32)> {
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
fn label_free_span(lines: &[Line], rect: Rect) -> (i32, i32) {
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
fn has_sure_words(line: &Line) -> bool {
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
fn vote_expiry(
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
fn reread_expiry(
    view: &GrayImage,
    region: Rect,
    engine: &mut Engine,
    year: i32,
) -> Result<Option<Expiry>, CardError> {
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

/// Whether a line has words only cards print.
fn has_card_words(line: &Line) -> bool {
    static CARD_WORDS: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)\b(VALID|THRU|VISA|MASTER ?CARD|AMEX|AMERICAN EXPRESS|JCB|UNION ?PAY|DISCOVER|DINERS|CARD|CREDIT|DEBIT|MONTH/YEAR)\b|카드|유효")
            .expect("valid regex")
    });
    CARD_WORDS.is_match(&line.text())
        || digit_words(line).iter().filter(|w| w.1.len() == 4).count() >= 2
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The year the tests' expiries are read in.
    const TEST_YEAR: i32 = 2026;

    fn word(text: &str, x: i32, conf: f32) -> Word {
        Word {
            text: text.to_owned(),
            conf,
            rect: Rect::new(x, 300, 12 * text.len() as u32, 40),
            line: (1, 1, 1),
        }
    }

    /// A line of `texts`, one word each, 100 pixels apart, all read with `conf`.
    fn line_of(texts: &[&str], conf: f32) -> Line {
        Line {
            words: texts
                .iter()
                .enumerate()
                .map(|(i, t)| word(t, 100 + 100 * i as i32, conf))
                .collect(),
        }
    }

    fn best_reading(line: &Line) -> NumberCandidate {
        likeliest(number_candidates(line)).expect("a candidate")
    }

    #[test]
    fn a_luhn_valid_line_becomes_groups() {
        let line = line_of(&["4111", "1111", "1111", "1111"], 0.95);
        let best = best_reading(&line);
        assert_eq!(best.digits, "4111111111111111");
        assert!(best.check.passes());
        assert_eq!(best.groups.len(), 4);
        assert!(best.grouped_as_printed);
        assert!(best.groups.iter().all(|g| g.conf > 0.9));
    }

    #[test]
    fn a_sure_sample_number_in_its_groups_beats_an_unsure_run_passing_by_chance() {
        let sample = best_reading(&line_of(&["3564", "1234", "5678", "9010"], 0.97));
        assert!(!sample.check.luhn);
        // Texture read sideways: two runs, Luhn passing by chance.
        let runs = [word("36111010", 100, 0.35), word("682997621", 300, 0.35)];
        let chance = candidate_from_words(&[
            (&runs[0], runs[0].text.clone(), 0),
            (&runs[1], runs[1].text.clone(), 0),
        ]);
        assert!(chance.check.passes() && !chance.grouped_as_printed);
        let chosen = likeliest([chance, sample]).expect("a candidate");
        assert_eq!(chosen.digits, "3564123456789010");
    }

    #[test]
    fn a_number_failing_luhn_keeps_its_value_with_low_conf() {
        let line = line_of(&["4111", "1111", "1111", "1112"], 0.95);
        let best = best_reading(&line);
        assert_eq!(best.digits, "4111111111111112");
        assert!(best.groups.iter().all(|g| g.conf < 0.5));
    }

    #[test]
    fn amex_is_grouped_four_six_five_even_when_ocr_merges_groups() {
        let line = Line {
            words: vec![word("3782822463", 100, 0.9), word("10005", 300, 0.9)],
        };
        let best = best_reading(&line);
        let groups: Vec<&str> = best.groups.iter().map(|g| g.value.as_str()).collect();
        assert_eq!(groups, ["3782", "822463", "10005"]);
        assert!(!best.grouped_as_printed);
    }

    #[test]
    fn the_whole_run_wins_over_a_passing_part_of_it() {
        // 19 digits, Luhn-valid; its first 16 are a UnionPay length too.
        let line = line_of(&["6281", "6029", "0667", "1771", "368"], 0.95);
        let best = best_reading(&line);
        assert_eq!(best.digits, "6281602906671771368");
    }

    #[test]
    fn digits_glued_to_the_outer_groups_are_cut_when_that_leaves_the_brand_groups() {
        // The card's edge read as a 0 before a JCB number.
        let line = line_of(&["03565", "7016", "7394", "6053"], 0.9);
        let best = best_reading(&line);
        assert_eq!(best.digits, "3565701673946053");
        assert!(best.check.passes());
        assert!(best.ocr_conf < 0.9);
        // Cutting a digit that leaves groups the brand does not print is
        // not tried: no 15-digit reading comes out of four 4-digit groups.
        let plain = line_of(&["3565", "7016", "7394", "6058"], 0.9);
        let digits: Vec<String> = number_candidates(&plain)
            .into_iter()
            .map(|c| c.digits)
            .collect();
        assert_eq!(digits, ["3565701673946058"]);
        // The pattern beside a Diners number read as three more digits.
        let diners = line_of(&["3601", "979773", "7150694"], 0.9);
        assert_eq!(best_reading(&diners).digits, "36019797737150");
    }

    #[test]
    fn a_group_most_readings_agree_on_mends_a_failing_number() {
        let reading = |groups: [&str; 4]| line_of(&groups, 0.9).words;
        // The best reading misreads the last group; two others read it right.
        let wrong = reading(["3565", "7016", "7394", "6033"]);
        let best = best_reading(&Line {
            words: wrong.clone(),
        });
        assert!(!best.check.passes());
        let readings = vec![
            wrong,
            reading(["3585", "7016", "7394", "6053"]),
            reading(["S565", "7O16", "7394", "6053"]),
        ];
        let mended = mend_one_group(&best, &readings).expect("mended");
        assert_eq!(mended.digits, "3565701673946053");
        assert!(mended.groups.iter().all(|g| g.conf <= MENDED_CONF));
        // One other reading is not enough to overrule.
        assert!(mend_one_group(&best, &readings[..2]).is_none());
    }

    #[test]
    fn digits_two_readings_agree_on_mend_a_failing_number() {
        let reading = |groups: [&str; 3]| line_of(&groups, 0.9).words;
        // A Diners number (4-6-4) whose middle group's embossed `3` two
        // readings give as `8`: one reading gives that group right, so no
        // group can be mended whole, but its `3` has two votes.
        let wrong = reading(["3652", "434822", "7853"]);
        let best = best_reading(&Line {
            words: wrong.clone(),
        });
        assert!(!best.check.passes());
        let readings = vec![
            wrong.clone(),
            wrong,
            reading(["3652", "434322", "7853"]),
            reading(["3652", "454322", "7858"]),
        ];
        assert!(mend_one_group(&best, &readings).is_none());
        let mended = mend_digits(&best, &readings).expect("mended");
        assert_eq!(mended.digits, "36524343227853");
        assert!(mended.groups.iter().all(|g| g.conf <= MENDED_CONF));
        // A digit only one other reading gives is not tried.
        assert!(mend_digits(&best, &readings[..3]).is_none());
    }

    #[test]
    fn a_unionpay_reading_that_passes_luhn_beats_one_that_does_not() {
        let line = |last: &str| line_of(&["6223", "0014", "2924", last], 0.9);
        let valid = best_reading(&line("0118"));
        let invalid = best_reading(&line("0111"));
        assert!(valid.check.luhn && !invalid.check.luhn);
        // Both pass (UnionPay may skip Luhn), but only one is convincing.
        assert!(valid.check.passes() && invalid.check.passes());
        assert!(valid.score() > invalid.score());
        assert!(valid.convincing() && !invalid.convincing());
    }

    #[test]
    fn short_runs_such_as_a_cvv_are_never_numbers() {
        let line = Line {
            words: vec![word("123", 100, 0.9), word("4567", 200, 0.9)],
        };
        assert!(number_candidates(&line).is_empty());
    }

    #[test]
    fn expiry_after_thru_wins_over_member_since() {
        let mut since = Line {
            words: vec![word("SINCE", 100, 0.9), word("05/29", 200, 0.9)],
        };
        since.words.iter_mut().for_each(|w| w.rect.y = 400);
        let mut thru = Line {
            words: vec![word("THRU", 100, 0.9), word("O9/27", 200, 0.9)],
        };
        thru.words.iter_mut().for_each(|w| w.rect.y = 450);
        let Expiry { value, conf, .. } = find_expiry(&[since, thru], None, TEST_YEAR).unwrap();
        assert_eq!(value, "09/27");
        assert!(conf < 0.9, "a mapped look-alike lowers conf");
    }

    #[test]
    fn letter_spaced_expiries_are_read_across_words() {
        let line = Line {
            words: vec![
                word("VALID", 10, 0.9),
                word("0", 100, 0.9),
                word("9", 120, 0.9),
                word("/", 140, 0.9),
                word("28", 160, 0.8),
            ],
        };
        let Expiry {
            value, conf, rect, ..
        } = find_expiry(&[line], None, TEST_YEAR).unwrap();
        assert_eq!(value, "09/28");
        assert!((conf - 0.8).abs() < 1e-6);
        assert_eq!(rect.x, 100);
    }

    #[test]
    fn bracketed_look_alikes_and_neighbouring_noise_do_not_hide_an_expiry() {
        let spaced = Line {
            words: vec![
                word("THRU", 10, 0.9),
                word("(Q)", 100, 0.3),
                word("7", 140, 0.9),
                word("/", 160, 0.9),
                word("31", 180, 0.9),
            ],
        };
        assert_eq!(
            find_expiry(&[spaced], None, TEST_YEAR).unwrap().value,
            "07/31"
        );
        let crowded = Line {
            words: vec![word("e212", 10, 0.0), word("03/30", 100, 0.9)],
        };
        assert_eq!(
            find_expiry(&[crowded], None, TEST_YEAR).unwrap().value,
            "03/30"
        );
    }

    #[test]
    fn months_read_through_lost_or_misread_zeros_keep_a_low_conf() {
        assert_eq!(month_of("07"), Some(("07".into(), 1.0)));
        assert_eq!(month_of("12"), Some(("12".into(), 1.0)));
        assert_eq!(month_of("5"), Some(("05".into(), 0.7)));
        assert_eq!(month_of("81"), Some(("01".into(), 0.75)));
        assert_eq!(month_of("14"), Some(("04".into(), 0.6)));
        assert_eq!(month_of("20"), None);
        assert_eq!(month_of("00"), Some(("00".into(), SAMPLE_MONTH_CONF)));
        assert_eq!(month_of("0"), None);
    }

    #[test]
    fn months_outside_1_to_12_are_not_expiries() {
        let line = Line {
            words: vec![word("20/28", 100, 0.9), word("00/28", 200, 0.9)],
        };
        assert!(find_expiry(&[line], None, TEST_YEAR).is_none());
    }

    #[test]
    fn a_slash_read_as_a_digit_gives_a_date_only_below_the_number() {
        let below = Line {
            words: vec![word("08731", 300, 0.9)],
        };
        let Expiry { value, conf, .. } =
            find_expiry(std::slice::from_ref(&below), None, TEST_YEAR).expect("a date");
        assert_eq!(value, "08/31");
        assert!(conf < 0.6, "{conf}");
        // On the number's own line, five digits are an Amex group.
        let number_line = Rect::new(100, 300, 700, 40);
        assert!(find_expiry(&[below], Some(number_line), TEST_YEAR).is_none());
    }

    #[test]
    fn a_date_read_through_a_lost_slash_needs_a_month_as_printed() {
        // `11/27` with a `1` and the slash read as `7`: no `07/27` guess.
        let line = Line {
            words: vec![word("17727", 300, 0.8)],
        };
        assert!(find_expiry(&[line], None, TEST_YEAR).is_none());
    }

    #[test]
    fn even_words_across_the_card_are_shaped_like_a_number() {
        let line = |texts: &[&str], gap: i32| Line {
            words: texts
                .iter()
                .enumerate()
                .map(|(i, t)| word(t, 100 + i as i32 * gap, 0.1))
                .collect(),
        };
        let (w, h) = (1000, 631);
        // OCR saw four boxes of one height but read letters in them.
        let shaped = number_shaped_lines(&[line(&["Zao5", "d3c1", "Jal", "W9Is"], 200)], w, h);
        assert_eq!(shaped.len(), 1);
        assert_eq!(shaped[0].text_height, 40);
        assert_eq!(shaped[0].rect.x, 100);
        // Two words, or words bunched on one side, are not.
        assert!(number_shaped_lines(&[line(&["LEE", "JIWOO"], 200)], w, h).is_empty());
        assert!(number_shaped_lines(&[line(&["a", "b", "c"], 60)], w, h).is_empty());
        // Words read with confidence are text, not a number.
        let bank = line_of(&["HANBIT", "BANK", "VISA"], 0.9);
        let spread = Line {
            words: bank
                .words
                .into_iter()
                .enumerate()
                .map(|(i, word)| Word {
                    rect: Rect::new(100 + 300 * i as i32, 300, 80, 40),
                    ..word
                })
                .collect(),
        };
        assert!(number_shaped_lines(&[spread], w, h).is_empty());
    }

    #[test]
    fn words_below_the_number_mark_where_a_date_may_be() {
        let number = Rect::new(100, 250, 700, 40);
        let slash_line = Line {
            words: vec![word("VALID", 100, 0.9), word("O1/Ze", 300, 0.2)],
        };
        let far_below = Line {
            words: vec![Word {
                rect: Rect::new(100, 600, 60, 40),
                ..word("12/34", 0, 0.9)
            }],
        };
        let first = |lines: &[Line]| date_places_below(lines, number).first().map(|p| p.0.x);
        assert_eq!(first(&[slash_line, far_below.clone()]), Some(300));
        let month_year = Line {
            words: vec![word("MONTH/YEAR", 100, 0.9), word("O1/Ze", 300, 0.2)],
        };
        assert_eq!(first(&[month_year]), Some(300));
        assert_eq!(first(&[far_below]), None);

        let spaced_after_label = line_of(&["THRU)", "5", "4", "3", "4"], 0.9);
        assert_eq!(first(&[spaced_after_label]), Some(200));
        let short_line = line_of(&["078s"], 0.2);
        assert_eq!(first(&[short_line]), Some(100));
        let name = line_of(&["CHOI", "DOYUN"], 0.9);
        assert_eq!(first(&[name]), None);
        // Letters read unsure may be a date; a small label is not one.
        let unsure_letters = line_of(&["WEEE"], 0.22);
        assert_eq!(first(std::slice::from_ref(&unsure_letters)), Some(100));
        let small_label = Line {
            words: vec![Word {
                rect: Rect::new(400, 300, 100, 10),
                ..word("MONTH/YEAR", 0, 0.3)
            }],
        };
        assert_eq!(first(&[small_label, unsure_letters]), Some(100));
        // A label on two lines read as one word far taller than the number
        // is no date; the short line beside it is.
        let tall_label = Line {
            words: vec![Word {
                rect: Rect::new(357, 300, 69, 70),
                ..word("malt", 0, 0.13)
            }],
        };
        let date = Line {
            words: vec![Word {
                rect: Rect::new(463, 320, 102, 30),
                ..word("ME", 0, 0.25)
            }],
        };
        assert_eq!(first(&[tall_label, date]), Some(463));
        // A glyph OCR split off the date's right end is read with it.
        let date = line_of(&["O8", "2"], 0.3);
        let split_off = Line {
            words: vec![Word {
                rect: Rect::new(250, 310, 20, 20),
                ..word("in", 0, 0.2)
            }],
        };
        let places = date_places_below(&[date, split_off], number);
        assert_eq!(
            places.first().map(|p| (p.0.x, p.0.right())),
            Some((100, 270))
        );
    }

    #[test]
    fn a_date_place_takes_the_dates_pieces_from_every_line_on_its_row() {
        let number = Rect::new(100, 330, 740, 50);
        let at = |text: &str, x: i32, y: i32, (w, h): (u32, u32), conf: f32| Word {
            rect: Rect::new(x, y, w, h),
            ..word(text, 0, conf)
        };
        let place = |lines: &[Line]| date_places_below(lines, number).first().map(|p| p.0);
        // OCR put the slash of `02/28` on a line of its own, and the label
        // (printed smaller) on another: the place is the whole date.
        let label = Line {
            words: vec![
                at("VALID", 283, 426, (55, 13), 0.96),
                at("THRU", 340, 426, (50, 13), 0.96),
            ],
        };
        let date = Line {
            words: vec![
                at("0", 411, 417, (25, 38), 0.8),
                at("rs", 441, 420, (30, 35), 0.01),
                at("yA", 500, 418, (30, 36), 0.25),
                at("&", 540, 418, (29, 37), 0.84),
            ],
        };
        let slash = Line {
            words: vec![at("/", 481, 434, (13, 18), 0.71)],
        };
        let whole = place(&[label.clone(), date, slash]).expect("a place");
        assert_eq!((whole.x, whole.right()), (411, 569));
        // A date after a label on a line of its own, letter-spaced.
        let spaced = Line {
            words: vec![
                at("GE", 411, 421, (52, 31), 0.84),
                at("am", 505, 417, (29, 39), 0.0),
            ],
        };
        let after_label = place(&[label, spaced]).expect("a place");
        assert_eq!((after_label.x, after_label.right()), (411, 534));
        // A small label before a date (read as unsure letters) is left out.
        let small_label = Line {
            words: vec![at("em", 387, 451, (60, 16), 0.16)],
        };
        let date = Line {
            words: vec![at("94/25", 471, 445, (126, 32), 0.76)],
        };
        let without_label = place(&[small_label, date]).expect("a place");
        assert_eq!(without_label.x, 471);
        // So are letters two thirds as high as the date before it.
        let label = Line {
            words: vec![at("set", 281, 466, (73, 19), 0.53)],
        };
        let date = Line {
            words: vec![
                at("YI", 375, 459, (40, 35), 0.0),
                at("/S5", 420, 459, (109, 35), 0.0),
            ],
        };
        assert_eq!(place(&[label, date]).map(|p| p.x), Some(375));
        // A mark above the date may lift its line's top beside the number.
        let lifted = Line {
            words: vec![
                at("64/5!", 342, 395, (90, 36), 0.59),
                at("‘", 500, 350, (5, 8), 0.0),
            ],
        };
        assert_eq!(place(&[lifted]).map(|p| p.x), Some(342));
    }

    #[test]
    fn expiry_years_far_from_now_are_doubted() {
        assert_eq!(year_conf("30", 2026), 1.0);
        assert_eq!(year_conf("16", 2026), 1.0);
        assert_eq!(year_conf("38", 2026), 1.0);
        assert_eq!(year_conf("50", 2026), 0.5);
        assert_eq!(year_conf("98", 2026), 0.5);
        assert_eq!(year_conf("02", 2095), 1.0);
    }

    #[test]
    fn a_date_glued_to_label_digits_is_cut_out_below_the_number() {
        let line = Line {
            words: vec![word("3508/29", 300, 0.9)],
        };
        let Expiry { value, conf, .. } =
            find_expiry(std::slice::from_ref(&line), None, TEST_YEAR).expect("a date");
        assert_eq!(value, "08/29");
        assert!(conf < 0.9 * EXPIRY_AFTER_DIGITS_CONF + 1e-6, "{conf}");
        assert!(find_expiry(&[line], Some(Rect::new(100, 300, 700, 40)), TEST_YEAR).is_none());
    }

    /// A light crop 200 wide and `height` high with dark bars across
    /// `rows` (each `(top, bottom)`).
    fn crop_with_ink(height: u32, rows: &[(u32, u32)]) -> GrayImage {
        GrayImage::from_fn(200, height, |x, y| {
            let inked = rows.iter().any(|&(top, bottom)| (top..bottom).contains(&y));
            image::Luma([if inked && x % 3 != 0 { 20 } else { 230 }])
        })
    }

    #[test]
    fn strips_start_a_step_apart_and_end_inside_the_band() {
        let starts: Vec<f32> = strip_starts(0.0, 2.4, 1.1, 0.3).collect();
        assert_eq!(starts.len(), 5);
        assert!(starts.iter().all(|top| top + 1.1 <= 2.4));
        assert!(strip_starts(0.5, 0.6, 0.13, 0.03).next().is_none());
    }

    #[test]
    fn a_date_crop_keeps_the_date_rows_not_the_label_above() {
        // A label 6 rows high, a gap, the date 32 rows high.
        let crop = crop_with_ink(60, &[(4, 10), (14, 46)]);
        assert_eq!(tallest_ink_rows(&crop), Some((6, 54)));
    }

    #[test]
    fn a_date_crop_with_one_line_or_only_thin_lines_is_kept_whole() {
        assert_eq!(tallest_ink_rows(&crop_with_ink(60, &[(14, 46)])), None);
        // Stripes of a pattern: no run is a third of the crop.
        let stripes: Vec<(u32, u32)> = (0..10).map(|i| (i * 6, i * 6 + 3)).collect();
        assert_eq!(tallest_ink_rows(&crop_with_ink(60, &stripes)), None);
    }

    #[test]
    fn a_dates_crop_stops_at_the_labels_beside_it() {
        let at = |text: &str, x: i32, y: i32, (w, h): (u32, u32), conf: f32| Word {
            rect: Rect::new(x, y, w, h),
            ..word(text, 0, conf)
        };
        let date = Rect::new(307, 416, 152, 31);
        // `VALID THRU` printed small, read as unsure letters, and a brand
        // logo read as a word.
        let lines = [
            Line {
                words: vec![at("vauotHU", 196, 425, (95, 12), 0.32)],
            },
            Line {
                words: vec![at("I]", 307, 416, (30, 31), 0.52)],
            },
            Line {
                words: vec![at("VISA", 800, 410, (140, 46), 0.96)],
            },
        ];
        assert_eq!(label_free_span(&lines, date), (291, 800));
        // A speck of a digit beside the date is no label.
        let speck = [Line {
            words: vec![at("5", 290, 425, (6, 4), 0.65)],
        }];
        assert_eq!(label_free_span(&speck, date), (i32::MIN, i32::MAX));
    }

    #[test]
    fn the_card_digit_models_dates_weigh_more_in_a_vote() {
        let reading = |text: &str, conf: f32| vec![word(text, 300, conf)];
        // `08/30` in OCR-A: the general model reads `04/30` as surely,
        // first and again; the card-digit model twice `08/30`.
        let expiry = |text: &str, conf: f32| {
            let words = reading(text, conf);
            find_expiry(&group_lines(&words), None, TEST_YEAR).unwrap()
        };
        let prior = vec![
            (Reader::General, expiry("04/30", 0.95)),
            (Reader::CardDigits, expiry("08/30", 0.92)),
        ];
        let readings = vec![
            (Reader::General, reading("04/30", 0.9)),
            (Reader::CardDigits, reading("08/30", 0.92)),
        ];
        let best = vote_expiry(readings, prior, TEST_YEAR).unwrap();
        assert_eq!(best.value, "08/30");
    }

    #[test]
    fn a_month_read_as_one_digit_backs_the_months_ending_in_it() {
        let reading = |text: &str, conf: f32| vec![word(text, 300, conf)];
        // `12/34` read once, and three times with its `1` lost.
        let readings = vec![
            (Reader::General, reading("2/34", 0.9)),
            (Reader::CardDigits, reading("2/34", 0.9)),
            (Reader::General, reading("2/34", 0.9)),
        ];
        let first = find_expiry(
            &[Line {
                words: reading("12/34", 0.8),
            }],
            None,
            TEST_YEAR,
        )
        .unwrap();
        assert!(!first.month_guessed);
        let best =
            vote_expiry(readings.clone(), vec![(Reader::General, first)], TEST_YEAR).unwrap();
        assert_eq!(best.value, "12/34");
        // With nothing else to go by, the lost digit is taken for a zero.
        assert_eq!(
            vote_expiry(readings, Vec::new(), TEST_YEAR).unwrap().value,
            "02/34"
        );
    }

    #[test]
    fn errors_map_to_the_table() {
        assert_eq!(CardError::NoText.error_code().code(), 5003012);
        assert_eq!(CardError::NoNumber.error_code().code(), 5003013);
        assert_eq!(CardError::NotACard.error_code().code(), 4000111);
        assert_eq!(
            CardError::Engine(OcrError::Recognize).error_code().code(),
            5003011
        );
    }
}
