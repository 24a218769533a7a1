//! Credit cards: the number groups, the full number and the expiry.
//!
//! Takes a grayscale upload (EXIF orientation applied) and an OCR engine;
//! gives a [`CreditCard`] with boxes in the upload's pixels, or a
//! [`ReadFailure`] (why, with its code). The CVV is never read: only runs
//! of 13-19 digits and an `MM/YY` date are taken from the card.
//!
//! The steps:
//! 1. find the card's outline and rectify it to a 1000-pixel-wide upright
//!    view (or take the whole image when no outline stands out);
//!    first look there at the number's and the date's lines alone, upright
//!    and then upside down (`first_look.rs`): a settled number and a sure
//!    date answer at once; a settled number alone says which way up the
//!    view is read whole first;
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
//!    text runs askew; the whole photo first when it is a crop of the card
//!    and the outline only a part of it ([`card_regions`]).
//!
//! This module holds the views and the choice among them; the first look
//! is in `first_look`, the number is read in `number`, the expiry in
//! `expiry` and, where the page's pass missed it, `expiry_places`; crops
//! are read again by both models in `crops`; the unit tests are in
//! `tests`.

use docrec_ocr::detect::{rectify, Rectified};
use docrec_ocr::preprocess::stretch_percentiles;
use docrec_ocr::{Engine, Quad, Rect, SegMode};
use image::GrayImage;
use regex::Regex;
use serde::Serialize;
use std::sync::LazyLock;

use crate::api::{round_conf, BoxCorners, Resolution, ValueConf};
use crate::context::ReadContext;
use crate::failure::{DocumentKind, ReadError, ReadFailure};
use crate::fitted::{read_fitted, ScaledBoxes};
use crate::locate::card_regions;
use crate::text::{group_lines, text_skew, Line};
use docrec_rules::payment_card::NumberCheck;

mod crops;
mod expiry;
mod expiry_places;
mod first_look;
mod number;

pub use crops::CARD_DIGITS_MODEL;
use expiry::read_expiry;
use first_look::{first_look, FirstLook};
use number::{
    digit_words, number_candidates, number_in_band, number_in_strips, number_regions, reread_number,
};

/// ISO/IEC 7810 ID-1: 85.60 × 53.98 mm.
pub const CARD_ASPECT: f32 = 85.60 / 53.98;
/// The width of the rectified view the card is read at.
const VIEW_WIDTH: u32 = 1000;
/// The time a card's reading is given ([`ReadContext::budget`]): once it
/// is spent there is no strip-by-strip search, and no other view is read
/// when one showed a card (a number or a card's cues; until then every
/// view is read, so that whether an upload is a card never depends on how
/// busy the machine is). Not less: at a second and a half the hard sets
/// read the same, but a light embossed card read under load was cut
/// before its number was (docs/benchmarks.md).
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

impl ScaledBoxes for CreditCard {
    /// The same card with every box scaled by `factor`.
    fn scaled(mut self, factor: f32) -> Self {
        for field in self.groups.iter_mut().chain(self.valid_thru.as_mut()) {
            field.quad = field.quad.scaled(factor);
        }
        self
    }
}

impl CreditCard {
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
) -> Result<CreditCard, ReadFailure> {
    read_fitted(image, READ_LONG_SIDES, |image| {
        read_card(image, engine, context)
    })
    .map_err(|error| ReadFailure::new(DocumentKind::CreditCard, error))
}

/// Reads a credit card from an upload at a size [`READ_LONG_SIDES`] allows.
fn read_card(
    image: &GrayImage,
    engine: &mut Engine,
    context: &ReadContext,
) -> Result<CreditCard, ReadError> {
    let year = context.year;
    let regions = card_regions(image);
    let outlined = regions.iter().any(Option::is_some);
    // The views to try, most likely first: the rectified card, upside down,
    // then (when the outline may have been wrong) the whole photo both ways
    // ([`card_regions`] orders the two).
    let mut views: Vec<(Option<Quad>, bool)> = regions
        .into_iter()
        .flat_map(|region| [(region, false), (region, true)])
        .collect();

    // The first look, at the first region both ways up: a card it reads is
    // answered; a settled number tells which way up the card is, and that
    // view is read whole first, the number kept.
    context.count_look();
    let mut best: Option<ViewReading> = None;
    let mut known = None;
    match first_look_both_ways(image, views[0].0, engine, year)? {
        (FirstLook::Card(reading), _) => best = Some(reading),
        (FirstLook::Number(number), turned) => {
            known = Some(number);
            if turned {
                views.swap(0, 1);
            }
        }
        (FirstLook::Nothing, _) => {}
    }
    // Each view read, with the lines its first pass found.
    let mut views_read: Vec<ViewRead> = Vec::with_capacity(views.len());
    for (quad, turned) in views {
        let settled = best.as_ref().is_some_and(ViewReading::convincing);
        if settled || best.as_ref().is_some_and(ViewReading::shows_a_card) && context.is_spent() {
            break;
        }
        let view = rectify(image, quad, VIEW_WIDTH, CARD_ASPECT);
        let view = if turned { view.rotated_180() } else { view };
        let known = known.take();
        context.count_look();
        let (reading, lines) = read_view(&view, quad.is_some(), known, engine, year)?;
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
            let (reading, _) = read_view(&levelled, false, None, engine, year)?;
            convincing = reading.convincing();
            best = Some(better_of(best, reading));
        }
        if convincing {
            break;
        }
    }
    let best = search_strips(views_read, best, engine, context)?;
    answer(
        best.expect("at least the whole-image view is read"),
        outlined,
    )
}

/// The card the best reading gives, or why there is none: no text, a card
/// (an outline or a card's cues) without a number, or not a card.
fn answer(reading: ViewReading, outlined: bool) -> Result<CreditCard, ReadError> {
    match reading.number {
        Some(number) => Ok(CreditCard {
            groups: number.groups,
            number: number.digits,
            valid_thru: reading.valid_thru,
        }),
        None if reading.word_count == 0 => Err(ReadError::NoText),
        None if reading.card_cues || outlined => Err(ReadError::NoNumber),
        None => Err(ReadError::NotThisKind),
    }
}

/// A view read whole, for the strip-by-strip search: the view, whether it
/// is the card's outline, whether it is upside down, and the lines its
/// whole reading found.
type ViewRead = (Rectified, bool, bool, Vec<Line>);

/// Last, when no view gave a number that passes: light digits the page's
/// OCR did not see, looked for strip by strip in the upright views (the
/// card's outline, then the whole photo) until one gives a number. Not
/// upside down: each view costs a dozen OCR calls or more, paid by every
/// card that is not read at all, and light embossed cards were found
/// upright. Gives the better of `best` and what the strips gave.
fn search_strips(
    views_read: Vec<ViewRead>,
    mut best: Option<ViewReading>,
    engine: &mut Engine,
    context: &ReadContext,
) -> Result<Option<ViewReading>, ReadError> {
    let upright = views_read.into_iter().filter(|(_, _, turned, _)| !turned);
    for (view, card_outline, _, lines) in upright {
        if best.as_ref().is_some_and(|b| b.passes()) || context.is_spent() {
            break;
        }
        context.count_look();
        if let Some(reading) = read_strips(&view, card_outline, &lines, engine, context.year)? {
            best = Some(better_of(best, reading));
        }
    }
    Ok(best)
}

/// The first look ([`first_look`]) at `region` of the upload, upright,
/// then upside down when upright shows no settled number: what it gave,
/// and whether that was upside down.
fn first_look_both_ways(
    image: &GrayImage,
    region: Option<Quad>,
    engine: &mut Engine,
    year: i32,
) -> Result<(FirstLook, bool), ReadError> {
    let upright = rectify(image, region, VIEW_WIDTH, CARD_ASPECT);
    match first_look(&upright, engine, year)? {
        FirstLook::Nothing => {}
        found => return Ok((found, false)),
    }
    let found = first_look(&upright.rotated_180(), engine, year)?;
    Ok((found, true))
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
    /// Whether the view showed a card: a number, or a card's cues.
    fn shows_a_card(&self) -> bool {
        self.number.is_some() || self.card_cues
    }

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

    /// Whether the reading is sure enough to answer from one reading of its
    /// line: it passes the checks (a length its brand issues) and Luhn,
    /// surely, in the groups the brand prints (a line read wrong seldom
    /// gives them).
    fn settled_as_printed(&self) -> bool {
        self.check.passes()
            && self.check.luhn
            && self.grouped_as_printed
            && self.ocr_conf >= SURE_NUMBER_CONF
    }

    /// Whether the reading is sure enough to skip a second look.
    fn settled(&self) -> bool {
        self.check.passes()
            && self.check.luhn
            && matches!(self.digits.len(), 15 | 16)
            && self.ocr_conf >= SURE_NUMBER_CONF
    }
}

/// The OCR confidence above which a number that passes its checks needs
/// no second look.
const SURE_NUMBER_CONF: f32 = 0.8;

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
/// the usual number position means something; `known` is a number the
/// first look settled on this view.
fn read_view(
    view: &Rectified,
    card_outline: bool,
    known: Option<NumberCandidate>,
    engine: &mut Engine,
    year: i32,
) -> Result<(ViewReading, Vec<Line>), ReadError> {
    let prepared = stretch_percentiles(&view.image, 0.01, 0.99);
    let words = engine.read(&prepared, SegMode::Sparse)?;
    let lines = group_lines(&words);

    // A number the first look settled needs no second look either.
    let known_digits = known.as_ref().map(|k| k.digits.clone());
    let mut number = likeliest(lines.iter().flat_map(number_candidates).chain(known));
    let settled = |n: &NumberCandidate| n.settled() || Some(&n.digits) == known_digits.as_ref();
    if number.as_ref().is_none_or(|n| !settled(n)) {
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
) -> Result<Option<ViewReading>, ReadError> {
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
) -> Result<ViewReading, ReadError> {
    let valid_thru = read_expiry(&view.image, lines, number.as_ref(), engine, year)?;

    let card_cues = number.is_some() || valid_thru.is_some() || lines.iter().any(has_card_words);
    Ok(ViewReading {
        number: number.map(|n| groups_in_upload(view, n)),
        valid_thru: valid_thru.map(|e| expiry_in_upload(view, e)),
        word_count,
        card_cues,
        skew,
    })
}

/// `number` with its groups' boxes moved from `view` to the upload.
fn groups_in_upload(view: &Rectified, number: NumberCandidate) -> NumberCandidate {
    let groups = number
        .groups
        .iter()
        .map(|g| Field {
            value: g.value.clone(),
            conf: g.conf,
            quad: view.to_original(quad_rect(&g.quad)),
        })
        .collect();
    NumberCandidate { groups, ..number }
}

/// An expiry read in `view`, as a field with its box in the upload.
fn expiry_in_upload(view: &Rectified, expiry: expiry::Expiry) -> Field {
    Field {
        value: expiry.value,
        conf: expiry.conf,
        quad: view.to_original(expiry.rect),
    }
}

/// Groups carry their boxes as rectangles of the view until they are mapped
/// to the upload; this reads such a box back.
fn quad_rect(quad: &Quad) -> Rect {
    let [x1, y1, _, _, x3, y3, _, _] = quad.to_pixels();
    Rect::new(x1, y1, (x3 - x1).max(0) as u32, (y3 - y1).max(0) as u32)
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
mod tests;
