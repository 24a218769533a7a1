//! Korean ID cards: resident registration cards (주민등록증) and driver's
//! licences (자동차운전면허증), the keys of API.md §4.4.
//!
//! Takes a grayscale upload (EXIF orientation applied; made with
//! [`docrec_ocr::preprocess::brightest_channel`], the red seal over the
//! issuer's name fades) and an OCR engine;
//! gives an [`IdCard`] (the card's type and every key of its type in the
//! API's order, each with its value, confidence and box in the upload's
//! pixels, the box of every text segment and the box masking covers, the
//! resident number's last six digits), or an [`IdCardError`].
//!
//! The steps:
//! 1. find the card's outline and rectify it to a view 1000 pixels across,
//!    upright, then upside down; without an outline, the whole upload;
//! 2. flatten the card's background (tints, guilloche rings) and read the
//!    view with Tesseract's Korean model as one block; lines are split
//!    where a wide gap parts their words (a serial number printed beside
//!    the condition, marks on the photo);
//! 3. tell the card by its title (`주민등록증`, `자동차운전면허증`, with a
//!    letter or two misread) or, without one, by the numbers it prints;
//! 4. read each segment that is mostly not Hangul again, cut out and
//!    scaled, with the English model: the Korean model reads digits and
//!    Latin letters poorly (`911101=2..686헤1`); at two more scales only
//!    when the first reading may take a key's shape;
//! 5. find each key by its shape (a resident number, a licence number, a
//!    date, a serial) or its place (the name above the resident number, the
//!    condition after `조건`, the issuer's title), map a licence's printed
//!    region name to its code and strip the Hanja after a name;
//! 6. check what the rules allow (the resident number's check digit and
//!    birth date, the licence's region code, that dates exist): a value
//!    that fails keeps its reading at a lower `conf`.
//!
//! The numbers (resident and licence numbers, found, checked and read
//! again) are in `numbers`; a licence's classes, serial and condition in
//! `licence`; reading glyph by glyph (ink lines, glyph cuts, look-alikes,
//! the masked digits) in `glyphs`; the unit tests in `tests`.
//!
//! A key the card's type has but that could not be read is given with an
//! empty value and `conf` 0, so that every answer has the same keys.

use std::sync::LazyLock;
use std::time::{Duration, Instant};

use docrec_errors::{ErrorCode, ToErrorCode};
use docrec_ocr::detect::{find_quad, rectify, text_band, Rectified};
use docrec_ocr::preprocess::{fitted_to_long_side, flatten_paper, line_cut};
use docrec_ocr::{Engine, OcrError, Quad, Rect, SegMode, Word};
use image::{DynamicImage, GrayImage, Luma, Rgb, RgbImage};
use imageproc::drawing::draw_polygon_mut;
use imageproc::point::Point;
use regex::Regex;
use serde::Serialize;

use crate::api::{BoxCorners, KeyValue, KeyValueResult, Resolution};
use crate::context::ReadContext;
use crate::credit_card::{CARD_ASPECT, READ_LONG_SIDES};
use crate::text::{
    digit_reading, edit_distance, group_lines, is_hangul, jamo_distance, text_skew, words_rect,
    Line,
};
use docrec_rules::date_exists;
use docrec_rules::driver_license::CLASSES;
use docrec_rules::province::{districts_of, nearest_province, ProvinceMatch, PROVINCES};
use docrec_rules::resident_number::birth_date;
use docrec_rules::surname::{common_surnames, is_single_surname, surname_of};

mod glyphs;
mod licence;
mod numbers;

use glyphs::{last_six_digits, word_spans};
use numbers::{
    find_licence_number, find_resident_number, has_known_region, licence_region_among_choices,
    region_code_of, resident_checks_pass, resident_number_among_choices,
    resident_number_by_digit_model,
};

/// The language the card is read with first (Hangul: titles, names,
/// classes, issuers).
const KOREAN: &str = "kor";
/// The language digits and Latin letters are read again with (the engines'
/// default).
const ENGLISH: &str = "eng";

/// The embedded model that reads serials (`models/idserial.traineddata`:
/// `A-Z0-9` only, trained on random strings, so without the English
/// model's habit of reading a digit among letters as a letter).
pub const SERIAL_MODEL: &str = "idserial";

/// The least confidence of a serial that only [`SERIAL_MODEL`] read (no
/// English reading had a serial's shape): the model reads any text as
/// capitals and digits.
const SERIAL_ALONE_CONF: f32 = 0.6;

/// The height a serial is cut to for [`SERIAL_MODEL`] (its training lines
/// were 40-72 px).
const SERIAL_CUT_HEIGHT: u32 = 48;
/// The width the card is read at: text is 22-64 pixels high.
const VIEW_WIDTH: u32 = 1000;
/// The height a segment's cut is scaled to for a second reading (its text
/// about 37 pixels high).
const REREAD_HEIGHT: u32 = 56;
/// The time an ID card's reading is given ([`ReadContext::budget`]): no
/// other view of the upload is read, and no more segments are read again
/// in English, once it is spent.
pub const READ_BUDGET: Duration = Duration::from_secs(2);
/// The recommended upload size for ID cards, as for every card (API.md §1).
pub const RECOMMENDED_SIZE: (u32, u32) = crate::credit_card::RECOMMENDED_SIZE;

/// Which ID card.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum IdType {
    /// 주민등록증.
    Resident,
    /// 자동차운전면허증.
    Driver,
}

/// The keys of a resident registration card, in the API's order.
pub const RESIDENT_KEYS: [&str; 4] = ["name", "residentNumber", "issueDate", "issuer"];
/// The keys of a driver's licence, in the API's order.
pub const DRIVER_KEYS: [&str; 8] = [
    "driverLicenseNumber",
    "licenseType",
    "name",
    "residentNumber",
    "condition",
    "serialNum",
    "issueDate",
    "issuer",
];

impl IdType {
    /// The API's `idType`.
    pub fn api_name(self) -> &'static str {
        match self {
            IdType::Resident => "resident",
            IdType::Driver => "driver",
        }
    }

    /// The keys of API.md §4.4 for this type, in its order.
    pub fn keys(self) -> &'static [&'static str] {
        match self {
            IdType::Resident => &RESIDENT_KEYS,
            IdType::Driver => &DRIVER_KEYS,
        }
    }
}

/// What an ID card shows.
#[derive(Debug, Clone, PartialEq)]
pub struct IdCard {
    pub id_type: IdType,
    /// Every key of the type, in the API's order; a key that could not be
    /// read has an empty value and conf 0.
    pub key_values: Vec<KeyValue>,
    /// Every text segment read, in reading order.
    pub lines: Vec<Quad>,
    /// What masking covers: the last six digits of the resident number,
    /// in the upload's pixels.
    pub masking: Vec<Quad>,
}

/// Why an ID card could not be read.
#[derive(Debug, thiserror::Error)]
pub enum IdCardError {
    #[error("the OCR engine failed: {0}")]
    Engine(#[from] OcrError),
    #[error("no text was found in the image")]
    NoText,
    #[error("the image shows an ID card but its resident number could not be read")]
    NoNumber,
    #[error("the image does not show a Korean ID card")]
    NotAnIdCard,
}

impl ToErrorCode for IdCardError {
    fn error_code(&self) -> ErrorCode {
        match self {
            IdCardError::Engine(_) => ErrorCode::OcrDocumentIdCardApiFail,
            IdCardError::NoText => ErrorCode::OcrDocumentIdCardApiReturnEmpty,
            IdCardError::NoNumber => ErrorCode::OcrDocumentIdCardRecognitionFail,
            IdCardError::NotAnIdCard => ErrorCode::IdCardInfoNotFound,
        }
    }
}

/// The `result` of the ID-card API (API.md §4.4).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IdCardResult {
    pub file_type: String,
    pub resolution: Resolution,
    pub id_type: IdType,
    pub key_values: Vec<KeyValueResult>,
    pub boxes: Vec<BoxCorners>,
    /// Extension, when masking was asked for: boxes over the last six
    /// digits of the resident number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub masking_polys: Option<Vec<BoxCorners>>,
    /// Extension, when masking was asked for: the upload with
    /// `masking_polys` filled black, as a file of the upload's type,
    /// encrypted (Base64 of AES-256-CBC with the request's key).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub masked_image: Option<String>,
}

impl IdCard {
    /// The same card with every box scaled by `factor`.
    fn scaled(mut self, factor: f32) -> IdCard {
        let key_boxes = self.key_values.iter_mut().map(|kv| &mut kv.quad);
        for quad in key_boxes.chain(&mut self.lines).chain(&mut self.masking) {
            *quad = quad.scaled(factor);
        }
        self
    }

    /// The API's `result` for this card.
    pub fn to_result(&self, file_type: &str, resolution: Resolution) -> IdCardResult {
        IdCardResult {
            file_type: file_type.to_owned(),
            resolution,
            id_type: self.id_type,
            key_values: self.key_values.iter().map(KeyValueResult::from).collect(),
            boxes: self.lines.iter().map(|q| (*q).into()).collect(),
            masking_polys: None,
            masked_image: None,
        }
    }

    /// A copy of `upload` (the decoded upload this card was read from)
    /// with what [`IdCard::masking`] covers filled black.
    pub fn masked_copy(&self, upload: &DynamicImage) -> RgbImage {
        let mut copy = upload.to_rgb8();
        for quad in &self.masking {
            let corners = quad.to_pixels();
            let mut points: Vec<Point<i32>> = corners
                .chunks_exact(2)
                .map(|xy| Point::new(xy[0], xy[1]))
                .collect();
            // imageproc wants an open polygon: no corner twice in a row, the
            // last not the first.
            points.dedup();
            if points.len() > 1 && points.first() == points.last() {
                points.pop();
            }
            if points.len() >= 3 {
                draw_polygon_mut(&mut copy, &points, Rgb([0, 0, 0]));
            }
        }
        copy
    }
}

/// Reads a Korean ID card. An upload much larger than the view the card
/// is read at is first shrunk (as a credit card's upload is), and the
/// boxes are given back in the upload's pixels.
pub fn recognize_id_card(
    image: &GrayImage,
    engine: &mut Engine,
    context: &ReadContext,
) -> Result<IdCard, IdCardError> {
    match fitted_to_long_side(image, READ_LONG_SIDES) {
        Some((fitted, factor)) => {
            read_card(&fitted, engine, context).map(|c| c.scaled(1.0 / factor))
        }
        None => read_card(image, engine, context),
    }
}

/// Reads a Korean ID card from an upload at a size [`READ_LONG_SIDES`]
/// allows.
fn read_card(
    image: &GrayImage,
    engine: &mut Engine,
    context: &ReadContext,
) -> Result<IdCard, IdCardError> {
    let outline = find_quad(image, CARD_ASPECT);
    let mut quads = Vec::with_capacity(2);
    if outline.is_some() {
        quads.push(outline);
    }
    quads.push(None);
    let mut best: Option<ViewReading> = None;
    let mut any_text = false;
    'views: for quad in quads {
        let upright = rectify(image, quad, VIEW_WIDTH, CARD_ASPECT);
        for view in [upright.rotated_180(), upright].into_iter().rev() {
            if best.is_some() && context.is_spent() {
                break 'views;
            }
            context.count_look();
            let mut reading = read_view(&view, engine, context.deadline())?;
            any_text |= reading.word_count > 0;
            // A photo whose outline was not found may show the card
            // askew: when its title was read, its text is levelled and
            // read again, within half the budget more.
            let skew = quad
                .is_none()
                .then(|| reading.skew())
                .flatten()
                .filter(|_| reading.titled && !reading.settled());
            if let Some(skew) = skew {
                let deadline = Instant::now() + context.budget / 2;
                context.count_look();
                let levelled = read_view(&view.rotated(-skew), engine, deadline)?;
                if levelled.score() > reading.score() {
                    reading = levelled;
                }
            }
            let (settled, titled, blank) =
                (reading.settled(), reading.titled, reading.word_count == 0);
            if best.as_ref().is_none_or(|b| reading.score() > b.score()) {
                best = Some(reading);
            }
            if settled {
                break 'views;
            }
            if titled || blank {
                // The view is the right way up, or holds no text either
                // way up: its half turn holds nothing.
                continue 'views;
            }
        }
    }
    match best {
        Some(reading) if reading.id_type.is_some() => reading.into_card(),
        _ if any_text => Err(IdCardError::NotAnIdCard),
        _ => Err(IdCardError::NoText),
    }
}

/// One run of words on a line, with no wide gap inside it, as both models
/// read it.
#[derive(Debug, Clone)]
struct Segment {
    /// The Korean model's words, left to right.
    words: Vec<Word>,
    rect: Rect,
    /// The English model's readings of the segment cut out, when it was
    /// read again: each text and its mean confidence, the first reading
    /// first.
    english: Vec<(String, f32)>,
}

impl Segment {
    fn korean(&self) -> String {
        self.words
            .iter()
            .map(|w| w.text.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The Korean reading without white space.
    fn compact(&self) -> String {
        self.korean()
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect()
    }

    /// Only the Hangul syllables of the Korean reading.
    fn hangul(&self) -> String {
        self.korean().chars().filter(|c| is_hangul(*c)).collect()
    }

    fn korean_conf(&self) -> f32 {
        mean_conf(&self.words)
    }

    /// The English readings without white space, with their confidences.
    fn english_compact(&self) -> impl Iterator<Item = (String, f32)> + '_ {
        self.english
            .iter()
            .map(|(text, conf)| (text.chars().filter(|c| !c.is_whitespace()).collect(), *conf))
    }

    /// Each English reading as read and then without white space (a stray
    /// mark read as a digit before a number stays apart in the first).
    fn english_both_ways(&self) -> impl Iterator<Item = (String, f32)> + '_ {
        self.english.iter().cloned().chain(self.english_compact())
    }

    /// Whether the segment may be digits or Latin letters, so worth
    /// reading with the English model: it is mostly something other than
    /// Hangul, or Hangul read unsurely or wider than its syllables (the
    /// Korean model reads Latin capitals as syllables).
    fn may_be_latin(&self) -> bool {
        let text = self.compact();
        let hangul = text.chars().filter(|c| is_hangul(*c)).count();
        let other = text.chars().count() - hangul;
        // Latin capitals read as fewer, wider syllables.
        let too_wide =
            self.rect.width as f32 > 1.6 * self.rect.height as f32 * text.chars().count() as f32;
        other >= hangul.max(1) || self.korean_conf() < UNSURE_HANGUL || too_wide
    }
}

/// A date as the API writes it (`yyyy.mm.dd`) from its three digit words,
/// when they make a date that exists.
fn date_of_words(words: &[String]) -> Option<String> {
    let [year, month, day] = words else {
        return None;
    };
    let (year, month, day) = (
        year.parse::<u32>().ok()?,
        month.parse::<u32>().ok()?,
        day.parse::<u32>().ok()?,
    );
    ((1900..2100).contains(&year) && date_exists(year, month, day))
        .then(|| format!("{year}.{month:02}.{day:02}"))
}

/// One reading of a line as its runs of digits ([`digit_groups`]) and its
/// confidence.
type DigitGroups = (Vec<String>, f32);

/// The runs of digits in `text`, in order (`7014. 9 16.` → 7014, 9, 16).
fn digit_groups(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_ascii_digit())
        .filter(|group| !group.is_empty())
        .map(str::to_owned)
        .collect()
}

/// A date put together from readings of one line that each got a part of
/// it wrong (`2014 @ 16.` and `7014. 9 16.` for `2014. 9. 16.`): the year
/// of the surest reading that starts with one, and the month and day of
/// the surest reading of three groups whose first differs from that year
/// in one digit at most and whose month and day make a date with it.
/// Each reading is its digit groups and confidence; the date's confidence
/// is the lesser of the two readings', times [`PIECED_DATE_CONF`].
fn date_of_pieces(readings: &[DigitGroups]) -> Option<(String, f32)> {
    let is_year = |group: &String| {
        group.len() == 4
            && group
                .parse::<u32>()
                .is_ok_and(|y| (1900..2100).contains(&y))
    };
    let (year, year_conf) = readings
        .iter()
        .filter_map(|(groups, conf)| groups.first().filter(|g| is_year(g)).map(|g| (g, *conf)))
        .max_by(|a, b| a.1.total_cmp(&b.1))?;
    let one_digit_off = |group: &String| {
        group.len() == 4
            && group
                .chars()
                .zip(year.chars())
                .filter(|(a, b)| a != b)
                .count()
                <= 1
    };
    readings
        .iter()
        .filter(|(groups, _)| groups.len() == 3 && one_digit_off(&groups[0]))
        .filter_map(|(groups, conf)| {
            let value = date_of_words(&[year.clone(), groups[1].clone(), groups[2].clone()])?;
            Some((value, year_conf.min(*conf) * PIECED_DATE_CONF))
        })
        .max_by(|a, b| a.1.total_cmp(&b.1))
}

/// Whether a card of the holder of `resident_number` could be issued on
/// `date` (`yyyy.mm.dd`): not before the holder is [`YOUNGEST_HOLDER`]
/// years old. True when either gives no date.
fn could_be_issued(date: &str, resident_number: &str) -> bool {
    let issued: Vec<u32> = date.split('.').filter_map(|p| p.parse().ok()).collect();
    match (issued.as_slice(), birth_date(resident_number)) {
        ([year, month, day], Some((born, born_month, born_day))) => {
            (*year, *month, *day) >= (born + YOUNGEST_HOLDER, born_month, born_day)
        }
        _ => true,
    }
}

/// The age under which nobody holds a card: a resident card is issued at
/// 17, a moped licence (원동기) at 16 at the earliest.
const YOUNGEST_HOLDER: u32 = 16;

/// The share of its readings' confidence a date put together from pieces
/// keeps.
const PIECED_DATE_CONF: f32 = 0.8;

fn mean_conf(words: &[Word]) -> f32 {
    let chars: usize = words.iter().map(|w| w.text.chars().count()).sum();
    if chars == 0 {
        return 0.0;
    }
    words
        .iter()
        .map(|w| w.conf * w.text.chars().count() as f32)
        .sum::<f32>()
        / chars as f32
}

/// Splits each line where the gap between two words is wider than twice
/// the line's height.
fn segments_of(lines: Vec<Line>) -> Vec<Segment> {
    let mut segments = Vec::new();
    for line in lines {
        let height = line.rect().height as i32;
        let mut current: Vec<Word> = Vec::new();
        for word in line.words {
            if let Some(last) = current.last() {
                if word.rect.x - last.rect.right() > 2 * height {
                    segments.push(std::mem::take(&mut current));
                }
            }
            current.push(word);
        }
        segments.push(current);
    }
    let mut segments: Vec<Vec<Word>> = segments.into_iter().filter(|w| !w.is_empty()).collect();
    join_row_neighbours(&mut segments);
    segments
        .into_iter()
        .map(|words| Segment {
            rect: words_rect(&words),
            words,
            english: Vec::new(),
        })
        .collect()
}

/// Joins segments that OCR put on different lines although they are side by
/// side on one row, less than twice the smaller one's height apart: a
/// seal drawn over the end of an issuer's name makes its line taller than
/// the start of the name. A segment more than 1.8 times as tall as the
/// other joins it only when less than the smaller height apart: what is
/// that much taller and further is a photo or an emblem beside the text,
/// not its end under a seal. Rows are level where the segments face each
/// other, or as wholes: a line at a slant makes the box of a long segment
/// taller than the words at its end.
fn join_row_neighbours(segments: &mut Vec<Vec<Word>>) {
    let mut i = 0;
    while i < segments.len() {
        let a = words_rect(&segments[i]);
        let a_end = segments[i].last().map_or(a, |w| w.rect);
        let partner = (0..segments.len()).find(|&j| {
            let b = words_rect(&segments[j]);
            let b_start = segments[j].first().map_or(b, |w| w.rect);
            let height = a.height.min(b.height) as i32;
            let unlike = 5 * a.height.max(b.height) > 9 * a.height.min(b.height);
            let reach = if unlike { height } else { 2 * height };
            let level =
                |a: Rect, b: Rect| (a.center_y() - b.center_y()).abs() < height as f32 / 2.0;
            j != i
                && b.x > a.x
                && b.x - a.right() < reach
                && b.x - a.right() > -height
                && (level(a, b) || level(a_end, b_start))
        });
        match partner {
            Some(j) => {
                let right = segments.remove(j);
                let at = if j < i { i - 1 } else { i };
                segments[at].extend(right);
                segments[at].sort_by_key(|w| w.rect.x);
                i = 0;
            }
            None => i += 1,
        }
    }
}

/// What one view of the upload gave.
struct ViewReading {
    view: Rectified,
    segments: Vec<Segment>,
    word_count: usize,
    id_type: Option<IdType>,
    titled: bool,
    fields: Vec<(&'static str, Option<Found>)>,
}

/// A key's value as read: the value as the API gives it, its confidence
/// and its box in the view.
#[derive(Debug, Clone, PartialEq)]
struct Found {
    value: String,
    conf: f32,
    rect: Rect,
}

impl ViewReading {
    fn found(&self, key: &str) -> bool {
        self.fields
            .iter()
            .any(|(k, found)| *k == key && found.is_some())
    }

    /// The angle the view's text runs at, when clearly not level
    /// ([`text_skew`]).
    fn skew(&self) -> Option<f32> {
        let words: Vec<Word> = self
            .segments
            .iter()
            .flat_map(|s| s.words.iter().cloned())
            .collect();
        text_skew(&words)
    }

    /// Whether no other view need be read: the title and every key were
    /// found.
    fn settled(&self) -> bool {
        self.titled && self.fields.iter().all(|(_, found)| found.is_some())
    }

    /// How much of a card the view shows: its title, its type, its keys,
    /// the resident number counting most (without it there is no answer).
    fn score(&self) -> usize {
        usize::from(self.titled) * 2
            + usize::from(self.id_type.is_some())
            + self.fields.iter().filter(|(_, f)| f.is_some()).count()
            + usize::from(self.found("residentNumber")) * 4
    }

    fn into_card(self) -> Result<IdCard, IdCardError> {
        let id_type = self.id_type.ok_or(IdCardError::NotAnIdCard)?;
        if !self.found("residentNumber") {
            return Err(IdCardError::NoNumber);
        }
        let view = &self.view;
        let masking: Vec<Quad> = self
            .fields
            .iter()
            .filter(|(key, _)| *key == "residentNumber")
            .filter_map(|(_, found)| found.as_ref())
            .map(|number| view.to_original(last_six_digits(&view.image, number.rect)))
            .collect();
        let key_values = self
            .fields
            .into_iter()
            .map(|(key, found)| match found {
                Some(found) => KeyValue {
                    key,
                    value: found.value,
                    conf: found.conf,
                    quad: view.to_original(found.rect),
                },
                None => KeyValue {
                    key,
                    value: String::new(),
                    conf: 0.0,
                    quad: Quad::new([(0.0, 0.0); 4]),
                },
            })
            .collect();
        Ok(IdCard {
            id_type,
            key_values,
            lines: self
                .segments
                .iter()
                .map(|s| view.to_original(s.rect))
                .collect(),
            masking,
        })
    }
}

/// Reads one view: the Korean block, the type, the English re-readings and
/// the keys. Segments are read again in English until `deadline` (a noisy
/// photo holds dozens of marks shaped like text); a resident number or a
/// licence region that fails its checks is read once more with the
/// model's alternatives for each digit.
fn read_view(
    view: &Rectified,
    engine: &mut Engine,
    deadline: Instant,
) -> Result<ViewReading, OcrError> {
    let flat = flatten_paper(&view.image);
    let words = engine.read_spaced_with(KOREAN, &flat, SegMode::Block)?;
    let word_count = words.len();
    let mut segments = segments_of(group_lines(&words));
    let title = segments.iter().position(|s| title_type(s).is_some());
    for (i, segment) in segments.iter_mut().enumerate() {
        if Some(i) != title && segment.may_be_latin() && is_readable(&segment.rect) {
            if Instant::now() > deadline {
                break;
            }
            read_in_english(engine, &flat, segment)?;
        }
    }
    let titled_type = title.and_then(|i| title_type(&segments[i]));
    let mut licence = find_licence_number(&segments);
    if let Some((_, found)) = &mut licence {
        if !has_known_region(&found.value) {
            if let Some(chosen) = licence_region_among_choices(engine, &flat, found)? {
                *found = chosen;
            }
        }
    }
    let mut resident = find_resident_number(&segments);
    let unchecked = |resident: &Option<(usize, Found)>| {
        resident
            .as_ref()
            .is_none_or(|(_, number)| !resident_checks_pass(&number.value))
    };
    if unchecked(&resident) {
        let at = resident.as_ref().map(|(i, _)| *i);
        if let Some(chosen) = resident_number_among_choices(engine, &flat, &segments, at)? {
            resident = Some(chosen);
        }
    }
    if unchecked(&resident) {
        let at = resident.as_ref().map(|(i, _)| *i);
        if let Some(read) = resident_number_by_digit_model(engine, &flat, &segments, at)? {
            resident = Some(read);
        }
    }
    // Without a title, a card is told by a resident number that encodes a
    // real birth date, and a licence number beside it.
    let untitled_type = match (&licence, &resident) {
        (_, Some((_, number))) if birth_date(&number.value).is_none() => None,
        (Some(_), Some(_)) => Some(IdType::Driver),
        (None, Some(_)) => Some(IdType::Resident),
        (_, None) => None,
    };
    let id_type = titled_type.or(untitled_type);
    let fields = match id_type {
        None => Vec::new(),
        Some(id_type) => {
            let mut card = CardText {
                segments: &segments,
                flat: &flat,
                engine,
                title,
                resident,
                licence: licence.map(|(_, found)| found),
            };
            let mut fields = Vec::with_capacity(id_type.keys().len());
            for key in id_type.keys() {
                let found = card.find(key)?;
                fields.push((*key, found));
            }
            fields
        }
    };
    Ok(ViewReading {
        view: view.clone(),
        segments,
        word_count,
        id_type,
        titled: titled_type.is_some(),
        fields,
    })
}

/// The heights a segment's cut is scaled to, in turn, until the English
/// model's reading has the shape of a key: the model's readings of digits
/// and dots change with the scale (`2020-10524` at one, `2020. 10. 21.` at
/// another).
const REREAD_HEIGHTS: [u32; 3] = [56, 72, 40];

/// Reads `segment` cut out of `flat` with the English model, at each of
/// [`REREAD_HEIGHTS`] until a reading has the shape of a key, or at the
/// first only when that reading cannot take one at another scale.
fn read_in_english(
    engine: &mut Engine,
    flat: &GrayImage,
    segment: &mut Segment,
) -> Result<(), OcrError> {
    for (i, height) in REREAD_HEIGHTS.into_iter().enumerate() {
        let Some(cut) = line_cut(flat, segment.rect, height) else {
            return Ok(());
        };
        let words = engine.read_with(ENGLISH, &cut, SegMode::Line)?;
        let text = words
            .iter()
            .map(|w| w.text.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        let done = has_a_key_shape(&text) || (i == 0 && !may_take_a_key_shape(&text));
        segment.english.push((text, mean_conf(&words)));
        if done {
            break;
        }
    }
    Ok(())
}

/// Whether an English reading without a key's shape may take one at
/// another scale: it holds digits (a number or a date misread in places),
/// may be a serial read a letter off, or holds next to nothing (the scale
/// lost the line). Most segments the Korean model read unsurely are
/// neither (Hangul read as Latin letters), and are read once.
fn may_take_a_key_shape(text: &str) -> bool {
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let digits = compact.chars().filter(char::is_ascii_digit).count();
    let alphanumerics = compact.chars().filter(char::is_ascii_alphanumeric).count();
    digits >= 2 || alphanumerics < 2 || near_serial_shape(&compact)
}

/// Whether an English reading has the shape of a key read in English: a
/// resident number, a licence number, a date or a serial.
fn has_a_key_shape(text: &str) -> bool {
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    [
        &RESIDENT_NUMBER,
        &LICENCE_NUMBER,
        &LEGACY_LICENCE_DIGITS,
        &DATE,
    ]
    .iter()
    .any(|pattern| pattern.is_match(&compact))
        || serial_shape(&compact).is_some()
}

/// The serial a reading shows: five or six capital letters and digits,
/// marks at either end dropped. Serials print capitals only: a small
/// letter read is its capital (`Ql48sy`), `l` the capital `I`.
fn serial_shape(compact: &str) -> Option<String> {
    let text = compact.trim_matches(|c: char| !c.is_ascii_alphanumeric());
    let capitals: String = text
        .chars()
        .map(|c| {
            if c == 'l' {
                'I'
            } else {
                c.to_ascii_uppercase()
            }
        })
        .collect();
    ((5..=6).contains(&capitals.len())
        && capitals
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()))
    .then_some(capitals)
}

/// Whether an English reading may be a serial read with a letter too many
/// or too few (`JETOMYV` for `JETOMV`): four to seven letters and digits,
/// a capital among them, nothing else.
fn near_serial_shape(compact: &str) -> bool {
    let text = compact.trim_matches(|c: char| !c.is_ascii_alphanumeric());
    (4..=7).contains(&text.len())
        && text.chars().all(|c| c.is_ascii_alphanumeric())
        && text.chars().any(|c| c.is_ascii_uppercase())
}

/// Whether a segment is big enough to be read again: text at least 10
/// pixels high and as wide.
fn is_readable(rect: &Rect) -> bool {
    rect.height >= 10 && rect.width >= rect.height
}

/// The type a title segment names: `주민등록증` or `자동차운전면허증`
/// (also `운전면허증`), one letter of five or two of eight misread.
fn title_type(segment: &Segment) -> Option<IdType> {
    let hangul = segment.hangul();
    if hangul.is_empty() {
        return None;
    }
    let near = |title: &str, errors: usize| {
        hangul.contains(title) || edit_distance(&hangul, title) <= errors
    };
    if near("주민등록증", 1) {
        Some(IdType::Resident)
    } else if near("자동차운전면허증", 2) || near("운전면허증", 1) {
        Some(IdType::Driver)
    } else {
        None
    }
}

// The patterns are matched against readings as read and without white
// space: each stands alone, so that the digits of another document's
// number (a credit card's sixteen) are not taken for one. Between the
// groups of a number, a dash drawn long may be read as two (`17-67--070007`).
static RESIDENT_NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|\D)(\d{6}) ?(?:-+|[^\d\s])? ?(\d{7})(?:\D|$)").expect("valid regex")
});
static LICENCE_NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|\D)(\d{2})-*(\d{2})-*(\d{6})-*(\d{2})(?:\D|$)").expect("valid regex")
});
/// A licence number after a region's printed name: the digits the English
/// model reads after whatever it made of the Hangul.
static LEGACY_LICENCE_DIGITS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|\D)(\d{2})-+(\d{6})-*(\d{2})(?:\D|$)").expect("valid regex")
});
/// A reading that starts like a year (`2015`, `2O1S`, `20T`).
static YEAR_START: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[^0-9A-Za-z]?(?:19|20|2O)").expect("valid regex"));
static DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"((?:19|20)\d{2})[.,;:]+(\d{1,2})[.,;:]+(\d{1,2})").expect("valid regex")
});

/// A card's segments and what is needed to read a part of one again.
struct CardText<'s, 'e> {
    segments: &'s [Segment],
    flat: &'s GrayImage,
    engine: &'e mut Engine,
    /// The title's segment.
    title: Option<usize>,
    /// The resident number's segment and reading.
    resident: Option<(usize, Found)>,
    licence: Option<Found>,
}

impl CardText<'_, '_> {
    fn find(&mut self, key: &str) -> Result<Option<Found>, OcrError> {
        Ok(match key {
            "name" => self.name()?,
            "residentNumber" => self.resident.as_ref().map(|(_, f)| f.clone()),
            "issueDate" => self.issue_date()?,
            "issuer" => self.issuer()?,
            "driverLicenseNumber" => self.licence.clone(),
            "licenseType" => self.license_type(),
            "condition" => self.condition()?,
            "serialNum" => self.serial()?,
            _ => None,
        })
    }

    /// The name: the Hangul of the nearest segment above the resident
    /// number, over the number's digits and at least three fifths as tall
    /// as they are, that reads as a name (two to five syllables, without the
    /// Hanja in parentheses after it or a label such as `성명` before it);
    /// failing that, the nearest such segment, to be read again. A reading
    /// that is not sure is checked by reading the segment again as a line;
    /// the surer reading wins.
    fn name(&mut self) -> Result<Option<Found>, OcrError> {
        let Some((below, _)) = self.resident.as_ref() else {
            return Ok(None);
        };
        // The number's own digits: a label printed before it (`주민등록번호`)
        // may share its segment.
        let number = digits_rect(&self.segments[*below]);
        // The digits' own height: OCR may box the number much taller.
        let digits_height =
            text_band(self.flat, number).map_or(number.height, |(_, rows)| rows.min(number.height));
        let candidates: Vec<&Segment> = self.segments[..*below]
            .iter()
            .enumerate()
            .rev()
            .filter(|(i, s)| {
                // Not the title, even one a wider gap split from its view.
                Some(*i) != self.title
                    && title_type(s).is_none()
                    // Above the number: a segment OCR boxed tall may reach
                    // into the number's row, its middle does not.
                    && s.rect.center_y() < number.y as f32
                    && number.y - s.rect.bottom() < NAME_ROWS_ABOVE * number.height as i32
                    // Over the number's digits, not a label's column.
                    && s.rect.x < number.right()
                    && number.x - s.rect.x < 3 * number.height as i32
                    // A name is printed at least three fifths as large
                    // as the number (some cards print it smaller); labels
                    // are smaller.
                    && 5 * s.rect.height >= 3 * digits_height
                    // Not a sliver of noise: a name is syllables wide.
                    && s.rect.width >= number.height
            })
            .map(|(_, s)| s)
            .collect();
        let Some(segment) = candidates
            .iter()
            .find(|s| name_in(&s.words).is_some())
            .or(candidates.first())
            .map(|s| (*s).clone())
        else {
            // OCR of the block found no line where the name is: read the
            // room between the line above the number (or as far up as a
            // name may be) and the number.
            let farthest = number.y - NAME_ROWS_ABOVE * number.height as i32;
            let top = self.segments[..*below]
                .iter()
                .filter(|s| {
                    s.rect.bottom() <= number.y
                        && s.rect.x < number.right()
                        && number.x < s.rect.right()
                })
                .map(|s| s.rect.bottom())
                .fold(farthest, i32::max);
            return self.name_in_room(number, top);
        };
        let from_block = name_in(&segment.words);
        if from_block.as_ref().is_some_and(|(_, conf)| *conf >= SURE) {
            return Ok(from_block.map(|(value, conf)| name_found(&segment, value, conf)));
        }
        // OCR of the block may cut a line in two, top and bottom halves:
        // the line is read again with the segments it overlaps.
        let line = self
            .segments
            .iter()
            .filter(|s| {
                s.rect.y < segment.rect.bottom()
                    && segment.rect.y < s.rect.bottom()
                    && s.rect.x < segment.rect.right()
                    && segment.rect.x < s.rect.right()
            })
            .fold(segment.rect, |line, s| line.union(&s.rect));
        let again = name_in(&self.read_in_korean(line)?);
        let read = surer(from_block, again);
        // OCR of the block may miss the name's line: read the room between
        // the segment above and the number.
        if read.is_none() {
            if let Some(found) = self.name_in_room(number, segment.rect.bottom())? {
                return Ok(Some(found));
            }
        }
        Ok(read.map(|(value, conf)| name_found(&segment, value, conf)))
    }

    /// The name read in the room from `top` down to the resident number's
    /// digits (`number`), as wide as them, when a line fits in it: the
    /// strongest band of strokes there, read as a line of Korean.
    fn name_in_room(&mut self, number: Rect, top: i32) -> Result<Option<Found>, OcrError> {
        let room = number.y - top;
        if room <= number.height as i32 {
            return Ok(None);
        }
        let room = Rect::new(number.x, top, number.width, room as u32);
        let Some((top, height)) = text_band(self.flat, room) else {
            return Ok(None);
        };
        let band = Rect::new(room.x, top, room.width, height);
        Ok(name_in(&self.read_in_korean(band)?).map(|(value, conf)| {
            let syllables = value.chars().count() as u32;
            Found {
                rect: Rect::new(
                    band.x,
                    band.y,
                    (band.height * syllables).min(band.width),
                    band.height,
                ),
                value,
                conf,
            }
        }))
    }

    /// Reads `rect` of the view again, cut out, as one line of Korean.
    fn read_in_korean(&mut self, rect: Rect) -> Result<Vec<Word>, OcrError> {
        match line_cut(self.flat, rect, REREAD_HEIGHT) {
            Some(cut) => self.engine.read_spaced_with(KOREAN, &cut, SegMode::Line),
            None => Ok(Vec::new()),
        }
    }

    /// The issue date: the lowest segment whose English reading is a date
    /// (`2019. 5. 13.` on resident cards, `2019.05.13` on licences). A
    /// reading that is not sure, or none, is checked by reading the lowest
    /// segments that start with a year word by word
    /// ([`CardText::read_word_by_word`]); the surer reading wins.
    fn issue_date(&mut self) -> Result<Option<Found>, OcrError> {
        let as_read = self.date_as_read();
        if as_read.as_ref().is_some_and(|f| f.conf >= SURE) {
            return Ok(as_read);
        }
        let starts_with_a_year = |segment: &Segment| {
            segment
                .english_compact()
                .chain([(segment.compact(), 0.0)])
                .any(|(text, _)| YEAR_START.is_match(&text))
        };
        // Each candidate with its readings' digit groups.
        let candidates: Vec<(Rect, Vec<DigitGroups>)> = self
            .segments
            .iter()
            .rev()
            .filter(|s| starts_with_a_year(s))
            .map(|s| {
                let readings = s
                    .english
                    .iter()
                    .cloned()
                    .chain([(s.korean(), s.korean_conf())])
                    .map(|(text, conf)| (digit_groups(&text), conf))
                    .collect();
                (s.rect, readings)
            })
            .collect();
        let mut pieced = None;
        for (rect, mut readings) in candidates {
            let (words, conf) = self.read_word_by_word(rect)?;
            if let Some(value) = date_of_words(&words) {
                let found = self.with_issue_check(Found { value, conf, rect });
                if as_read.as_ref().is_some_and(|f| f.conf >= found.conf) {
                    break;
                }
                return Ok(Some(found));
            }
            readings.push((words, conf));
            if pieced.is_none() {
                pieced = date_of_pieces(&readings)
                    .map(|(value, conf)| self.with_issue_check(Found { value, conf, rect }));
            }
        }
        if as_read.is_none() {
            let above_issuer = self.date_above_issuer()?;
            return Ok(above_issuer.map(|f| self.with_issue_check(f)).or(pieced));
        }
        Ok(as_read)
    }

    /// The date read from the row above the issuer, where both cards print
    /// it, when OCR of the block left the date's line out altogether.
    fn date_above_issuer(&mut self) -> Result<Option<Found>, OcrError> {
        let Some(issuer) = self
            .segments
            .iter()
            .rev()
            .find(|s| office_in(&s.korean()).is_some())
            .map(|s| s.rect)
        else {
            return Ok(None);
        };
        let height = issuer.height as i32;
        let probe = Rect::new(
            issuer.x - 2 * height,
            issuer.y - 2 * height,
            issuer.width + 4 * height as u32,
            2 * height as u32,
        )
        .padded_within(0, 0, self.flat.width(), self.flat.height());
        let Some((top, rows)) = text_band(self.flat, probe) else {
            return Ok(None);
        };
        // The band is the glyphs' strongest rows: round tops and bottoms
        // fall outside it.
        let row = Rect::new(probe.x, top - (rows / 4) as i32, probe.width, rows * 3 / 2);
        if let Some(cut) = line_cut(self.flat, row, REREAD_HEIGHT) {
            let words = self.engine.read_with(ENGLISH, &cut, SegMode::Line)?;
            let text: String = words.iter().map(|w| w.text.as_str()).collect();
            if let Some(value) = DATE.captures(&text).and_then(|caps| {
                date_of_words(&[caps[1].to_owned(), caps[2].to_owned(), caps[3].to_owned()])
            }) {
                return Ok(Some(Found {
                    value,
                    conf: mean_conf(&words),
                    rect: row,
                }));
            }
        }
        let (words, conf) = self.read_word_by_word(row)?;
        Ok(date_of_words(&words).map(|value| Found {
            value,
            conf,
            rect: row,
        }))
    }

    /// Reads the digit words of `rect` one by one: the cut is parted at the
    /// gaps between words (half a text height or wider) and each part is
    /// read as a line, look-alike letters taken for digits. The English
    /// model misreads a spaced date such as `2015. 5. 2.` as a whole
    /// (`2015592`) but reads its words apart. Gives the words' digits and
    /// their mean confidence.
    fn read_word_by_word(&mut self, rect: Rect) -> Result<(Vec<String>, f32), OcrError> {
        let Some(cut) = line_cut(self.flat, rect, REREAD_HEIGHT) else {
            return Ok((Vec::new(), 0.0));
        };
        let mut digits = Vec::new();
        let mut confs = Vec::new();
        let (spans, text_height) = word_spans(&cut);
        for (start, end) in spans {
            let margin = REREAD_HEIGHT / 4;
            let mut part =
                GrayImage::from_pixel(end - start + 2 * margin, cut.height(), Luma([255]));
            image::imageops::replace(
                &mut part,
                &image::imageops::crop_imm(&cut, start, 0, end - start, cut.height()).to_image(),
                margin as i64,
                0,
            );
            // A word of one digit is read as a character too.
            let mut modes = vec![SegMode::Line];
            if end - start < text_height {
                modes.push(SegMode::Char);
            }
            let mut best: Option<(String, f32)> = None;
            for mode in modes {
                let words = self.engine.read_with(ENGLISH, &part, mode)?;
                let text: String = words.iter().map(|w| w.text.as_str()).collect();
                if let Some(reading) = digit_reading(&text) {
                    let conf = mean_conf(&words) * 0.9f32.powi(reading.mapped as i32);
                    if best.as_ref().is_none_or(|(_, c)| conf > *c) {
                        best = Some((reading.digits, conf));
                    }
                }
            }
            if let Some((word, conf)) = best {
                digits.push(word);
                confs.push(conf);
            }
        }
        let conf = confs.iter().sum::<f32>() / confs.len().max(1) as f32;
        Ok((digits, conf))
    }

    /// The date the English readings of the lowest segment that shows one
    /// give: the first reading whose date exists and could be an issue
    /// date ([`CardText::could_be_issued`]), else the first, its conf
    /// halved per check it fails.
    fn date_as_read(&self) -> Option<Found> {
        self.segments.iter().rev().find_map(|segment| {
            let dates: Vec<(Found, bool)> = segment
                .english_compact()
                .filter_map(|(text, conf)| {
                    let caps = DATE.captures(&text)?;
                    let year: u32 = caps[1].parse().ok()?;
                    let month: u32 = caps[2].parse().ok()?;
                    let day: u32 = caps[3].parse().ok()?;
                    let value = format!("{year}.{month:02}.{day:02}");
                    let checks = [date_exists(year, month, day), self.could_be_issued(&value)];
                    let failed = checks.iter().filter(|passed| !**passed).count();
                    let found = Found {
                        value,
                        conf: conf * 0.5f32.powi(failed as i32),
                        rect: segment.rect,
                    };
                    Some((found, failed == 0))
                })
                .collect();
            let first = dates.first()?.0.clone();
            Some(
                dates
                    .into_iter()
                    .find(|(_, passes)| *passes)
                    .map_or(first, |(found, _)| found),
            )
        })
    }

    /// Whether the card could be issued on `date` ([`could_be_issued`]),
    /// by the resident number read; true when none was.
    fn could_be_issued(&self, date: &str) -> bool {
        self.resident
            .as_ref()
            .is_none_or(|(_, number)| could_be_issued(date, &number.value))
    }

    /// `found` (an issue date) with its conf halved when the card could
    /// not have been issued then ([`CardText::could_be_issued`]).
    fn with_issue_check(&self, mut found: Found) -> Found {
        if !self.could_be_issued(&found.value) {
            found.conf *= 0.5;
        }
        found
    }

    /// The issuer: the lowest segment naming an office that issues cards
    /// (`…청장`, `…시장`, `…군수`, `…경찰청장`, `도로교통공단`). A reading
    /// that is not sure, or none, is checked by reading the row again as a
    /// line (the office's row, or else the lowest rows): a seal printed
    /// over the end of the name makes OCR of the block part it or misread
    /// it.
    fn issuer(&mut self) -> Result<Option<Found>, OcrError> {
        let from_block = self
            .segments
            .iter()
            .enumerate()
            .rev()
            .filter(|(i, _)| Some(*i) != self.title)
            .find_map(|(i, segment)| {
                office_in(&segment.korean()).map(|(value, misread)| {
                    let conf = segment.korean_conf() * PROVINCE_MISREAD_CONF.powi(misread as i32);
                    (i, value, conf)
                })
            })
            .map(|(i, value, conf)| self.completed_by_row(i, value, conf));
        if let Some((i, value, conf)) = &from_block {
            // Sure, and alone on its row (a part of the name OCR set apart
            // is not left out).
            if *conf >= SURE && self.row_of(*i) == self.segments[*i].rect {
                return Ok(Some(Found {
                    value: value.clone(),
                    conf: *conf,
                    rect: self.segments[*i].rect,
                }));
            }
        }
        let rows = match &from_block {
            Some((i, _, _)) => vec![self.row_of(*i)],
            None => {
                let mut rows = self.lowest_rows(2);
                rows.extend(self.text_below_segments());
                rows
            }
        };
        let mut best = from_block.map(|(i, value, conf)| Found {
            value,
            conf,
            rect: self.segments[i].rect,
        });
        for row in rows {
            let words = self.read_in_korean(row)?;
            let text = words
                .iter()
                .map(|w| w.text.as_str())
                .collect::<Vec<_>>()
                .join(" ");
            if let Some((value, misread)) = office_in(&text) {
                let conf = mean_conf(&words) * PROVINCE_MISREAD_CONF.powi(misread as i32);
                // The row's reading that holds the block's and more (the
                // province OCR of the block set apart) wins.
                let completes_best = best.as_ref().is_some_and(|b| completes(&value, &b.value));
                if completes_best || best.as_ref().is_none_or(|b| conf > b.conf) {
                    best = Some(Found {
                        value,
                        conf,
                        rect: row,
                    });
                }
            }
        }
        Ok(best)
    }

    /// An office read in segment `i` (`value` at `conf`), or the office the
    /// whole row reads, left to right, when it holds that one and more: OCR
    /// of the block may set the province apart from the office's title
    /// (`광주광역시` beside `북구청장`). The row's office keeps the least
    /// confidence of its segments.
    fn completed_by_row(&self, i: usize, value: String, conf: f32) -> (usize, String, f32) {
        let mut on_row: Vec<&Segment> = self.on_row_of(i).collect();
        on_row.sort_by_key(|s| s.rect.x);
        let text: Vec<String> = on_row.iter().map(|s| s.korean()).collect();
        let Some((whole, misread)) = office_in(&text.join(" ")) else {
            return (i, value, conf);
        };
        if !completes(&whole, &value) {
            return (i, value, conf);
        }
        let least = on_row.iter().map(|s| s.korean_conf()).fold(conf, f32::min);
        (i, whole, least * PROVINCE_MISREAD_CONF.powi(misread as i32))
    }

    /// The text rows below every segment, when OCR of the block missed the
    /// card's last line: the strongest row of strokes between the lowest
    /// segment and the view's bottom.
    fn text_below_segments(&self) -> Option<Rect> {
        let lowest = self.segments.iter().map(|s| s.rect.bottom()).max()?;
        let (width, height) = self.flat.dimensions();
        let room = (height as i32 - lowest).max(0) as u32;
        if room < 12 {
            return None;
        }
        // Half the width either side of the middle: the issuer is printed
        // there, the photo is not.
        let below = Rect::new(width as i32 / 4, lowest, width / 2, room);
        let (top, rows) = text_band(self.flat, below)?;
        Some(Rect::new(below.x, top.max(lowest), below.width, rows))
    }

    /// The box around segment `i` and every segment beside it on its row.
    fn row_of(&self, i: usize) -> Rect {
        self.on_row_of(i)
            .fold(self.segments[i].rect, |row, s| row.union(&s.rect))
    }

    /// The segments whose middle is within segment `i`'s rows, itself
    /// among them.
    fn on_row_of(&self, i: usize) -> impl Iterator<Item = &Segment> + '_ {
        let rect = self.segments[i].rect;
        self.segments.iter().filter(move |s| {
            (s.rect.center_y() as i32) >= rect.y && (s.rect.center_y() as i32) <= rect.bottom()
        })
    }

    /// The boxes of the lowest `n` rows below the resident number that hold
    /// no date, lowest first.
    fn lowest_rows(&self, n: usize) -> Vec<Rect> {
        let floor = self
            .resident
            .as_ref()
            .map_or(0, |(i, _)| self.segments[*i].rect.bottom());
        let mut rows: Vec<Rect> = Vec::new();
        let mut order: Vec<usize> = (0..self.segments.len()).collect();
        order.sort_by_key(|i| std::cmp::Reverse(self.segments[*i].rect.bottom()));
        for i in order {
            let segment = &self.segments[i];
            if segment.rect.y < floor || rows.iter().any(|r| r.union(&segment.rect) == *r) {
                continue;
            }
            let row = self.row_of(i);
            let has_date = self.segments.iter().any(|s| {
                row.union(&s.rect) == row
                    && s.english_compact().any(|(text, _)| DATE.is_match(&text))
            });
            if !has_date {
                rows.push(row);
            }
            if rows.len() == n {
                break;
            }
        }
        rows
    }
}

/// Hangul read less surely than this may be Latin letters.
const UNSURE_HANGUL: f32 = 0.6;

/// A reading at least this sure is not checked by a second reading.
const SURE: f32 = 0.9;

/// The surer of two readings (value, conf).
fn surer(a: Option<(String, f32)>, b: Option<(String, f32)>) -> Option<(String, f32)> {
    match (a, b) {
        (Some(a), Some(b)) => Some(if b.1 > a.1 { b } else { a }),
        (a, b) => a.or(b),
    }
}

/// How many of the number's rows above it a name may be printed.
const NAME_ROWS_ABOVE: i32 = 4;

/// The labels a card may print before its name.
const NAME_LABELS: [&str; 2] = ["성명", "이름"];

/// A name from the words of its segment: the Hangul syllables at the
/// start of the words that hold it ([`name_words`]), two to five of them
/// (the Hanja in parentheses after them left out), and the least
/// confidence of those words, lowered when the name starts with no known
/// surname (and the one common surname near it put in its place, if one
/// is: [`with_common_surname`]). Not a name: a licence class, a region's name
/// before a licence number.
fn name_in(words: &[Word]) -> Option<(String, f32)> {
    let held = name_words(words);
    let first = held.first()?;
    let text: String = held.iter().map(|w| w.text.as_str()).collect();
    let name: String = text
        .trim_start_matches(|c: char| !c.is_alphanumeric())
        .chars()
        .take_while(|c| is_hangul(*c))
        .collect();
    let syllables = name.chars().count();
    let not_a_name = CLASSES.iter().any(|c| text.contains(c))
        || region_code_of(&name).is_some_and(|_| first.text.contains('-'));
    let least_conf = held.iter().map(|w| w.conf).fold(1.0, f32::min);
    let (name, conf) = match surname_of(&name) {
        Some(_) => (name, least_conf),
        None => (
            with_common_surname(&name),
            least_conf * UNKNOWN_SURNAME_FACTOR,
        ),
    };
    ((2..=5).contains(&syllables) && !not_a_name).then_some((name, conf))
}

/// A name whose first syllable is no surname (`긍성은`), spelt with the
/// one common surname a jamo from it (`강성은`: `공` is as near but rarer),
/// or as it was when none or several are.
fn with_common_surname(name: &str) -> String {
    let mut syllables = name.chars();
    let Some(first) = syllables.next() else {
        return name.to_owned();
    };
    let first = first.to_string();
    let mut near = common_surnames().filter(|s| jamo_distance(&first, &s.to_string()) == 1);
    match (near.next(), near.next()) {
        (Some(surname), None) => std::iter::once(surname).chain(syllables).collect(),
        _ => name.to_owned(),
    }
}

/// A name's confidence when it does not start with a known surname, as a
/// share of its reading's: rare surnames exist, but a syllable one jamo off
/// (`긍성은` for `강성은`) is likelier, and a reading that starts with a
/// surname should win.
const UNKNOWN_SURNAME_FACTOR: f32 = 0.7;

/// The words of `words` that hold a name. The first is the first word
/// that can start one: marks OCR read in front of a line (`-`, `|`, `:`)
/// are not its text, nor is a label (`성명`); a single syllable with a word
/// after it starts the name only when it is a surname and the word follows
/// within a syllable's width (OCR split the name after its surname), and
/// is otherwise what is left of a misread label. The words that follow as
/// closely and start with Hangul continue the name, up to five syllables.
fn name_words(words: &[Word]) -> Vec<&Word> {
    let texts: Vec<&Word> = words
        .iter()
        .filter(|w| w.text.chars().any(char::is_alphanumeric))
        .collect();
    let hangul_of =
        |word: &Word| -> String { word.text.chars().filter(|c| is_hangul(*c)).collect() };
    // Whether `next` continues the name `word` ends: close behind it and
    // starting with Hangul.
    let continues = |word: &Word, next: &Word| {
        next.text.chars().next().is_some_and(is_hangul)
            && 4 * (next.rect.x - word.rect.right()) < 3 * word.rect.height as i32
    };
    let mut start = None;
    for (i, word) in texts.iter().enumerate() {
        let hangul = hangul_of(word);
        if NAME_LABELS.contains(&hangul.as_str()) {
            continue;
        }
        let mut syllables = hangul.chars();
        if let (Some(syllable), None, Some(next)) =
            (syllables.next(), syllables.next(), texts.get(i + 1))
        {
            if !(is_single_surname(syllable) && continues(word, next)) {
                continue;
            }
        }
        start = Some(i);
        break;
    }
    let Some(start) = start else {
        return Vec::new();
    };
    let mut held = vec![texts[start]];
    let mut syllables = hangul_of(texts[start]).chars().count();
    for next in &texts[start + 1..] {
        let last = held[held.len() - 1];
        let more = hangul_of(next).chars().count();
        let all_hangul = last.text.chars().all(is_hangul);
        if !all_hangul || !continues(last, next) || syllables + more > 5 {
            break;
        }
        held.push(next);
        syllables += more;
    }
    held
}

/// The box of the words of `segment` that hold a number's groups, six
/// digits or more each (the number without a label printed before it,
/// even a label misread as a few digits), with the words of digits alone
/// just before the first of them, up to six digits and two at least (OCR
/// split the number at a space, `9808 20-2780041`, or at two,
/// `72062 1 -1065610`); or the segment's box when no word holds six.
fn digits_rect(segment: &Segment) -> Rect {
    let words = &segment.words;
    let Some(first) = words
        .iter()
        .position(|w| w.text.chars().filter(char::is_ascii_digit).count() >= 6)
    else {
        return segment.rect;
    };
    // Per character, as wide as the group's, within half to twice: a
    // label read as a digit or two is wider. A lone digit (`1`) is
    // narrower than its neighbours whatever it is.
    let char_width = |w: &Word| w.rect.width as f32 / w.text.chars().count().max(1) as f32;
    let group = &words[first];
    let mut start = first;
    let mut digits_before = 0;
    while let Some(before) = start.checked_sub(1).map(|i| &words[i]) {
        let digits = before.text.chars().count();
        let ratio = char_width(before) / char_width(group);
        let split_off = before.text.chars().all(|c| c.is_ascii_digit())
            && words[start].rect.x - before.rect.right() < group.rect.height as i32
            && digits_before + digits <= 6
            && (digits == 1 || (0.5..=2.0).contains(&ratio));
        if !split_off {
            break;
        }
        digits_before += digits;
        start -= 1;
    }
    if digits_before < 2 {
        start = first;
    }
    let groups: Vec<Word> = words
        .iter()
        .enumerate()
        .filter(|(i, w)| {
            (start..first).contains(i) || w.text.chars().filter(char::is_ascii_digit).count() >= 6
        })
        .map(|(_, w)| w.clone())
        .collect();
    words_rect(&groups)
}

/// A name's [`Found`]: its box is the part of the segment's words that
/// hold the name ([`name_words`]) its syllables take.
fn name_found(segment: &Segment, value: String, conf: f32) -> Found {
    let held = name_words(&segment.words);
    let (rect, total) = match held.as_slice() {
        [] => (segment.words[0].rect, segment.words[0].text.chars().count()),
        held => (
            held.iter().fold(held[0].rect, |r, w| r.union(&w.rect)),
            held.iter().map(|w| w.text.chars().count()).sum(),
        ),
    };
    let total = total.max(1) as u32;
    let syllables = (value.chars().count() as u32).min(total);
    Found {
        rect: Rect::new(
            rect.x,
            rect.y,
            (rect.width * syllables / total).max(1),
            rect.height,
        ),
        value,
        conf,
    }
}

/// The issuing office a line names, cut after its title (a seal may
/// follow), and how many syllables of its province were misread and
/// spelt as the province is ([`nearest_province`]). A resident card's
/// issuer keeps one space after its province (`서울특별시 종로구청장`); a
/// police agency's is one word (`서울특별시경찰청장`).
fn office_in(text: &str) -> Option<(String, usize)> {
    const TITLES: [&str; 4] = ["도로교통공단", "청장", "시장", "군수"];
    let compact: String = text.chars().filter(|c| is_hangul(*c)).collect();
    let Some(end) = TITLES
        .iter()
        .filter_map(|t| compact.find(t).map(|at| at + t.len()))
        .min()
    else {
        return office_with_misread_title(&compact);
    };
    let office = &compact[..end];
    if office.chars().count() < 4 {
        return None;
    }
    let Some(found) = nearest_province(office).or_else(|| province_in_jamo(office)) else {
        return Some((office.to_owned(), 0));
    };
    // A police agency's title, with one syllable misread at most
    // (`경창청장`): no other office's title is that near it.
    let rest: Vec<char> = found.rest.chars().collect();
    let title_at = rest.len().saturating_sub(POLICE_AGENCY.chars().count());
    let police_misread = rest[title_at..]
        .iter()
        .zip(POLICE_AGENCY.chars())
        .filter(|(a, b)| **a != *b)
        .count();
    if rest.len() >= POLICE_AGENCY.chars().count() && police_misread <= 1 {
        let unit: String = rest[..title_at].iter().collect();
        return Some((
            format!("{}{unit}{POLICE_AGENCY}", found.province),
            found.misread + police_misread,
        ));
    }
    if found.rest == "장" {
        return Some((format!("{}장", found.province), found.misread));
    }
    let (office, district_misread) = spelt_district(found.province, found.rest);
    Some((
        format!("{} {office}", found.province),
        found.misread + district_misread,
    ))
}

/// The division an office starts with when [`nearest_province`] knows none
/// by its syllables: the one whose name its first syllables are at most
/// [`PROVINCE_MISREAD_JAMO`] jamo from, when every other is at least two
/// jamo further (`겸기도`: 경기도, one jamo off; 강원도 is five).
fn province_in_jamo(compact: &str) -> Option<ProvinceMatch<'_>> {
    let mut nearest: Vec<(usize, ProvinceMatch<'_>)> = PROVINCES
        .iter()
        .filter_map(|province| {
            let len = province.chars().count();
            let end = compact.char_indices().nth(len).map(|(at, _)| at)?;
            let misread = province
                .chars()
                .zip(compact[..end].chars())
                .filter(|(a, b)| a != b)
                .count();
            let distance = jamo_distance(&compact[..end], province);
            Some((
                distance,
                ProvinceMatch {
                    province,
                    rest: &compact[end..],
                    misread,
                },
            ))
        })
        .collect();
    nearest.sort_by_key(|(distance, _)| *distance);
    match nearest.as_slice() {
        [(distance, found), rest @ ..]
            if *distance <= PROVINCE_MISREAD_JAMO
                && rest.first().is_none_or(|(next, _)| *next >= distance + 2) =>
        {
            Some(*found)
        }
        _ => None,
    }
}

/// The most jamo an office's division may be misread by and still be
/// known by them ([`province_in_jamo`]).
const PROVINCE_MISREAD_JAMO: usize = 2;

/// The office a line names when its title was misread (`유성구청상`): a
/// division, a district of it as printed, and a word as long as the
/// district head's title (구청장, 시장, 군수) at most one jamo from it;
/// the title counts as one syllable misread.
fn office_with_misread_title(compact: &str) -> Option<(String, usize)> {
    let found = nearest_province(compact).or_else(|| province_in_jamo(compact))?;
    let district = districts_of(found.province)
        .iter()
        .filter(|d| found.rest.starts_with(*d))
        .max_by_key(|d| d.len())?;
    // The head's titles, the longer first: 시청장 is printed as well as 시장.
    let titles: &[&str] = match district.chars().last()? {
        '구' => &["청장"],
        '시' => &["청장", "장"],
        _ => &["수"],
    };
    let after = &found.rest[district.len()..];
    let title = titles.iter().find(|title| {
        let read: String = after.chars().take(title.chars().count()).collect();
        read.chars().count() == title.chars().count() && jamo_distance(&read, title) <= 1
    })?;
    Some((
        format!("{} {district}{title}", found.province),
        found.misread + 1,
    ))
}

/// The office after its province (`퐁로구청장`) with its district spelt as
/// the province's nearest district in jamo (`종로구청장`, one misread),
/// when that one is at most [`DISTRICT_MISREAD_JAMO`] away and nearer
/// than any other; else as it was read (none misread).
fn spelt_district(province: &str, office: &str) -> (String, usize) {
    // The head's title: 구청장, 시장, 군수.
    let title_len = if office.ends_with("청장") { 2 } else { 1 };
    let chars: Vec<char> = office.chars().collect();
    let as_read = (office.to_owned(), 0);
    if chars.len() <= title_len {
        return as_read;
    }
    let (district, title) = chars.split_at(chars.len() - title_len);
    let district: String = district.iter().collect();
    let districts = districts_of(province);
    if districts.contains(&district.as_str()) {
        return as_read;
    }
    let mut by_distance: Vec<(usize, &str)> = districts
        .iter()
        .map(|known| (jamo_distance(&district, known), *known))
        .collect();
    by_distance.sort();
    match by_distance.as_slice() {
        [(distance, nearest), rest @ ..]
            if *distance <= DISTRICT_MISREAD_JAMO
                && rest.first().is_none_or(|(next, _)| next > distance) =>
        {
            (format!("{nearest}{}", title.iter().collect::<String>()), 1)
        }
        _ => as_read,
    }
}

/// The most jamo a district's reading may differ from the district it is
/// spelt as (`퐁로구` is one from `종로구`).
const DISTRICT_MISREAD_JAMO: usize = 2;

/// Whether the office `whole` holds the office `part` and more before it
/// (`광주광역시 북구청장` and `북구청장`), spaces aside.
fn completes(whole: &str, part: &str) -> bool {
    let (whole, part) = (whole.replace(' ', ""), part.replace(' ', ""));
    whole.len() > part.len() && whole.ends_with(&part)
}

/// The title of a province's police agency, which issues licences: one
/// word with the province and the agency's part of it
/// (`서울특별시경찰청장`, `경기도남부경찰청장`).
const POLICE_AGENCY: &str = "경찰청장";

/// The share of its confidence an issuer keeps per syllable of its
/// province that was misread and spelt as the province is.
const PROVINCE_MISREAD_CONF: f32 = 0.8;

#[cfg(test)]
mod tests;
