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
//!    Latin letters poorly (`911101=2..686헤1`);
//! 5. find each key by its shape (a resident number, a licence number, a
//!    date, a serial) or its place (the name above the resident number, the
//!    condition after `조건`, the issuer's title), map a licence's printed
//!    region name to its code and strip the Hanja after a name;
//! 6. check what the rules allow (the resident number's check digit and
//!    birth date, the licence's region code, that dates exist): a value
//!    that fails keeps its reading at a lower `conf`.
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
use crate::credit_card::{CARD_ASPECT, CARD_DIGITS_MODEL, READ_LONG_SIDES};
use crate::text::{
    as_digit, choose, choose_among_alternatives, compose, digit_reading, digit_symbols,
    edit_distance, group_lines, is_hangul, jamo_distance, lookalikes_in_number, text_skew,
    with_digit_lookalikes, words_rect, Candidate, Line,
};
use docrec_rules::date_exists;
use docrec_rules::driver_license::{self, is_region_code, CLASSES, REGIONS};
use docrec_rules::province::{districts_of, nearest_province, ProvinceMatch, PROVINCES};
use docrec_rules::resident_number::{self, birth_date, check_digit_passes};
use docrec_rules::surname::{common_surnames, is_single_surname, surname_of};

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

/// One reading of a segment a number may be taken from.
struct NumberReading {
    text: String,
    conf: f32,
    /// Whether it is the Korean model's: that model reads Latin text as
    /// runs of digits, so a number it reads counts only with the dashes
    /// printed between its groups.
    korean: bool,
}

/// A number reading's confidence, as a share of its own, for each
/// look-alike letter mapped to a digit in it.
const MAPPED_LOOKALIKE_FACTOR: f32 = 0.9;

/// Every reading of a segment a number may be taken from: the English
/// ones as read and without white space, each followed by its look-alike
/// letters mapped to digits when it has any ([`with_digit_lookalikes`]),
/// then the Korean one without white space (which reads a long dash or a
/// glyph the English model misreads).
fn number_readings(segment: &Segment) -> impl Iterator<Item = NumberReading> + '_ {
    let english = segment.english_both_ways().flat_map(|(text, conf)| {
        let mapped = with_digit_lookalikes(&text).map(|(text, mapped)| NumberReading {
            text,
            conf: conf * MAPPED_LOOKALIKE_FACTOR.powi(mapped as i32),
            korean: false,
        });
        std::iter::once(NumberReading {
            text,
            conf,
            korean: false,
        })
        .chain(mapped)
    });
    english.chain(std::iter::once(NumberReading {
        text: segment.compact(),
        conf: segment.korean_conf(),
        korean: true,
    }))
}

/// Whether a number matched in `reading` may be taken: an English reading
/// always, a Korean one when the match has at least `dashes` dash marks.
fn dashed_enough(reading: &NumberReading, matched: &str, dashes: usize) -> bool {
    !reading.korean || matched.matches('-').count() >= dashes
}

/// The resident number a segment shows: the index of the segment and the
/// number its readings and the checks (a real birth date, the check
/// digit) choose.
fn find_resident_number(segments: &[Segment]) -> Option<(usize, Found)> {
    segments.iter().enumerate().find_map(|(i, segment)| {
        let mut candidates: Vec<Candidate> = number_readings(segment)
            .filter_map(|reading| {
                let caps = RESIDENT_NUMBER.captures(&reading.text)?;
                if !dashed_enough(&reading, &caps[0], 1) {
                    return None;
                }
                let mut conf = reading.conf;
                let value = resident_number::format(&format!("{}{}", &caps[1], &caps[2]))?;
                let real_date = birth_date(&value).is_some();
                // Numbers assigned since 2020-10 have no check digit.
                let check_digit = check_digit_passes(&value);
                if !real_date {
                    conf *= 0.5;
                }
                if !check_digit {
                    conf *= 0.7;
                }
                Some(Candidate {
                    value,
                    conf,
                    passes: real_date && check_digit,
                })
            })
            .collect();
        if !candidates.iter().any(|c| c.passes) {
            candidates.extend(composed_resident_number(segment));
        }
        let chosen = choose(&candidates)?;
        Some((
            i,
            Found {
                value: chosen.value,
                conf: chosen.conf,
                rect: segment.rect,
            },
        ))
    })
}

/// Whether a resident number encodes a real birth date and passes its
/// check digit.
fn resident_checks_pass(number: &str) -> bool {
    birth_date(number).is_some() && check_digit_passes(number)
}

/// The segments a resident number is read again in: the one it was found
/// in (`at`), or else the first [`CHOICE_SEGMENTS`] whose readings hold a
/// count of digits in `digits`.
fn segments_to_reread(
    segments: &[Segment],
    at: Option<usize>,
    digits: std::ops::RangeInclusive<usize>,
) -> Vec<usize> {
    let holds = |segment: &Segment| {
        number_readings(segment).any(|reading| digits.contains(&digit_symbols(&reading.text).len()))
    };
    match at {
        Some(i) => vec![i],
        None => (0..segments.len())
            .filter(|i| holds(&segments[*i]))
            .take(CHOICE_SEGMENTS)
            .collect(),
    }
}

/// The resident number the checks choose among the digits the English
/// model weighed for each place ([`choose_among_alternatives`]), read
/// again from the segment the number was found in (`at`), or else from
/// the first segments whose readings hold thirteen digits: a blurred `9`
/// read `8` is often the model's close second choice.
fn resident_number_among_choices(
    engine: &mut Engine,
    flat: &GrayImage,
    segments: &[Segment],
    at: Option<usize>,
) -> Result<Option<(usize, Found)>, OcrError> {
    for i in segments_to_reread(segments, at, 13..=13) {
        let positions = digit_choices(engine, flat, segments[i].rect)?;
        if positions.len() != 13 {
            continue;
        }
        let Some(chosen) = choose_among_alternatives(&positions, resident_checks_pass) else {
            continue;
        };
        let Some(value) = resident_number::format(&chosen.value) else {
            continue;
        };
        let found = Found {
            value,
            conf: chosen.conf,
            rect: segments[i].rect,
        };
        return Ok(Some((i, found)));
    }
    Ok(None)
}

/// How many digits a segment's readings must hold to be read again by the
/// card-digit model as a resident number: most of the thirteen (a group
/// lost), and at most [`DIGIT_MODEL_MOST_DIGITS`] (a label read as
/// digits).
const DIGIT_MODEL_LEAST_DIGITS: usize = 9;
const DIGIT_MODEL_MOST_DIGITS: usize = 15;

/// The line heights a resident number is read at by the card-digit model:
/// it is taken only when the readings at every height agree (and pass
/// the checks). A blurred number misread at one height may pass the
/// checks by chance (a misread digit passes the check digit one time in
/// ten), the same misreading at both rarely.
const DIGIT_MODEL_HEIGHTS: [u32; 2] = [56, 72];

/// A resident number read by the card-digit model, at most as sure as
/// this: its readings are taken only when both checks pass, but the
/// model was trained on card faces, not ID cards'.
const DIGIT_MODEL_CONF: f32 = 0.85;

/// The resident number the card-digit model
/// ([`crate::credit_card::CARD_DIGITS_MODEL`]) reads in the segment the
/// number was found in (`at`), or else in the first segments whose
/// readings hold most of its digits, when its readings at each of
/// [`DIGIT_MODEL_HEIGHTS`] agree and pass both checks (a real birth
/// date, the check digit). The general models misread a
/// blurred serif or condensed number (`540613-2344678` read
/// `O613-2344678`, its `54` run into the label) that the digit model,
/// which reads only digits, reads whole. Numbers assigned since 2020-10
/// have no check digit, so none of them is taken from here.
fn resident_number_by_digit_model(
    engine: &mut Engine,
    flat: &GrayImage,
    segments: &[Segment],
    at: Option<usize>,
) -> Result<Option<(usize, Found)>, OcrError> {
    if !engine.has_model(CARD_DIGITS_MODEL) {
        return Ok(None);
    }
    let digits = DIGIT_MODEL_LEAST_DIGITS..=DIGIT_MODEL_MOST_DIGITS;
    for i in segments_to_reread(segments, at, digits) {
        let rect = digits_rect(&segments[i]);
        let mut readings = Vec::with_capacity(DIGIT_MODEL_HEIGHTS.len());
        for height in DIGIT_MODEL_HEIGHTS {
            let Some(cut) = line_cut(flat, rect, height) else {
                break;
            };
            let words = engine.read_with(CARD_DIGITS_MODEL, &cut, SegMode::Line)?;
            let digits: String = words
                .iter()
                .flat_map(|w| w.text.chars())
                .filter(char::is_ascii_digit)
                .collect();
            if digits.len() != 13 || !resident_checks_pass(&digits) {
                break;
            }
            readings.push((digits, mean_conf(&words)));
        }
        let agreed = readings.len() == DIGIT_MODEL_HEIGHTS.len()
            && readings.iter().all(|(digits, _)| *digits == readings[0].0);
        if !agreed {
            continue;
        }
        let Some(value) = resident_number::format(&readings[0].0) else {
            continue;
        };
        let conf = readings
            .iter()
            .map(|(_, conf)| *conf)
            .fold(DIGIT_MODEL_CONF, f32::min);
        return Ok(Some((i, Found { value, conf, rect })));
    }
    Ok(None)
}

/// The digits of `rect` of the view read again as a line by the English
/// model, each with the other digits the model weighed in its place: the
/// digit read (a look-alike letter mapped) first, with its confidence.
/// Only the words that are numbers ([`lookalikes_in_number`]) count, and
/// characters that are no digit (dashes, marks) are left out: a label read
/// in English (`sassus`) gives no digits.
fn digit_choices(
    engine: &mut Engine,
    flat: &GrayImage,
    rect: Rect,
) -> Result<Vec<Vec<(char, f32)>>, OcrError> {
    let Some(cut) = line_cut(flat, rect, REREAD_HEIGHTS[0]) else {
        return Ok(Vec::new());
    };
    let chars = engine.read_line_choices(ENGLISH, &cut)?;
    let word_text = |word: usize| -> String {
        chars
            .iter()
            .filter(|c| c.word == word)
            .map(|c| c.chosen)
            .collect()
    };
    let mut numbers: Vec<usize> = chars.iter().map(|c| c.word).collect();
    numbers.dedup();
    numbers.retain(|word| lookalikes_in_number(&word_text(*word)).is_some());
    Ok(chars
        .into_iter()
        .filter(|read| numbers.contains(&read.word))
        .filter_map(|read| {
            let digit = as_digit(read.chosen)?;
            let conf = read
                .alternatives
                .iter()
                .find(|(c, _)| *c == read.chosen)
                .map_or(0.0, |(_, conf)| *conf);
            let others = read
                .alternatives
                .into_iter()
                .filter(|(c, _)| c.is_ascii_digit() && *c != digit);
            Some(std::iter::once((digit, conf)).chain(others).collect())
        })
        .collect())
}

/// A licence number whose region code is none (`44-…`), its region chosen
/// among the digits the model weighed for the first two places when the
/// segment read again as a line gives the same twelve digits: the other
/// places have no check, so only the region's may change.
fn licence_region_among_choices(
    engine: &mut Engine,
    flat: &GrayImage,
    found: &Found,
) -> Result<Option<Found>, OcrError> {
    let digits: String = found.value.chars().filter(char::is_ascii_digit).collect();
    let positions = digit_choices(engine, flat, found.rect)?;
    Ok(region_among_choices(positions, &digits).and_then(|chosen| {
        Some(Found {
            value: driver_license::format(&chosen.value)?,
            conf: chosen.conf,
            rect: found.rect,
        })
    }))
}

/// The licence number `digits` with its region chosen among the digits
/// weighed for its first two places (`positions`, a reading of the same
/// twelve digits; else None).
fn region_among_choices(mut positions: Vec<Vec<(char, f32)>>, digits: &str) -> Option<Candidate> {
    let read_again: String = positions
        .iter()
        .filter_map(|p| p.first())
        .map(|c| c.0)
        .collect();
    if read_again != digits || digits.len() != 12 {
        return None;
    }
    for place in positions.iter_mut().skip(2) {
        place.truncate(1);
    }
    choose_among_alternatives(&positions, has_known_region)
}

/// How many segments holding thirteen digits are read again for their
/// choices when no resident number was found.
const CHOICE_SEGMENTS: usize = 2;

/// The resident number the checks (a real birth date, the check digit)
/// choose among numbers composed digit by digit from the segment's
/// readings ([`compose`]), when at least two readings give thirteen digits
/// (one of them at most unread) and disagree: a small or blurred number's
/// readings each misread a different digit, or one digit all of them.
fn composed_resident_number(segment: &Segment) -> Option<Candidate> {
    let readings: Vec<(Vec<char>, f32)> = number_readings(segment)
        .map(|reading| (digit_symbols(&reading.text), reading.conf))
        .filter(|(symbols, _)| {
            symbols.len() == 13 && symbols.iter().filter(|c| **c == '?').count() <= 1
        })
        .collect();
    if readings.len() < 2 {
        return None;
    }
    let composed = compose(&readings, 13, &DIGITS, |value| {
        birth_date(value).is_some() && check_digit_passes(value)
    })?;
    Some(Candidate {
        value: resident_number::format(&composed.value)?,
        ..composed
    })
}

/// The characters a number's digit may be.
const DIGITS: [char; 10] = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

/// The licence number a segment shows: twelve digits, or a region's name
/// in the Korean reading followed by ten digits in the English one
/// (`서울-19-123456-01` → `11-19-123456-01`), chosen among the segment's
/// readings by the region code's check.
fn find_licence_number(segments: &[Segment]) -> Option<(usize, Found)> {
    segments.iter().enumerate().find_map(|(i, segment)| {
        // The Hangul the segment starts with, past marks OCR read before
        // it (`_경기-10-…`).
        let leading_hangul: String = segment
            .compact()
            .chars()
            .skip_while(|c| !c.is_alphanumeric())
            .take_while(|c| is_hangul(*c))
            .collect();
        let printed_region = region_code_of(&leading_hangul);
        let candidates: Vec<Candidate> = number_readings(segment)
            .filter_map(|reading| {
                let (text, conf) = (&reading.text, reading.conf);
                let (digits, mut conf) = match LICENCE_NUMBER.captures(text) {
                    Some(caps) if dashed_enough(&reading, &caps[0], 3) => (
                        format!("{}{}{}{}", &caps[1], &caps[2], &caps[3], &caps[4]),
                        conf,
                    ),
                    _ => {
                        let (code, errors) = printed_region?;
                        let caps = LEGACY_LICENCE_DIGITS.captures(text)?;
                        if !dashed_enough(&reading, &caps[0], 2) {
                            return None;
                        }
                        let conf = conf.min(segment.korean_conf()) * 0.9f32.powi(errors as i32);
                        (format!("{code}{}{}{}", &caps[1], &caps[2], &caps[3]), conf)
                    }
                };
                let value = driver_license::format(&digits)?;
                let region_known = has_known_region(&digits);
                if !region_known {
                    conf *= 0.5;
                }
                Some(Candidate {
                    value,
                    conf,
                    passes: region_known,
                })
            })
            .collect();
        let chosen = choose(&candidates)?;
        Some((
            i,
            Found {
                value: chosen.value,
                conf: chosen.conf,
                rect: segment.rect,
            },
        ))
    })
}

/// Whether a licence number (its digits, with or without dashes) starts
/// with a region's code.
fn has_known_region(number: &str) -> bool {
    number
        .get(..2)
        .and_then(|code| code.parse().ok())
        .is_some_and(is_region_code)
}

/// The code of the region a licence prints by name, with the letters OCR
/// misread (one at most, and only when no other region is as near, in
/// syllables or else in jamo: `중북` is `충북`, not `전북`).
fn region_code_of(name: &str) -> Option<(u32, usize)> {
    let mut by_distance: Vec<(usize, usize, u32)> = REGIONS
        .iter()
        .map(|(code, region)| {
            (
                edit_distance(name, region),
                jamo_distance(name, region),
                *code,
            )
        })
        .collect();
    by_distance.sort_unstable();
    match by_distance.as_slice() {
        [(0, _, code), ..] => Some((*code, 0)),
        [(1, jamo, code), (second, second_jamo, _), ..]
            if name.chars().count() >= 2 && (*second > 1 || jamo < second_jamo) =>
        {
            Some((*code, 1))
        }
        _ => None,
    }
}

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

    /// The licence classes: the segment printing the most class names,
    /// joined by `/` in the order printed.
    fn license_type(&self) -> Option<Found> {
        self.segments
            .iter()
            .filter_map(|segment| {
                let (classes, errors) = classes_in(&segment.korean());
                (!classes.is_empty()).then_some((classes, errors, segment))
            })
            .max_by_key(|(classes, _, _)| classes.len())
            .map(|(classes, errors, segment)| Found {
                value: classes.join("/"),
                conf: segment.korean_conf() * 0.9f32.powi(errors as i32),
                rect: segment.rect,
            })
    }

    /// The serial (암호일련번호): found as the segment the English model
    /// reads as five or six capital letters and digits (the surest such),
    /// then read by [`SERIAL_MODEL`], which knows no words: the English
    /// model takes a digit among capitals for the letter it resembles
    /// (`5` for `S`, `9` for `S` or `0`). When the model's reading has no
    /// serial's shape, the English reading is kept, each glyph read again
    /// alone, and `O`/`0` and `I`/`1` told by the glyph's width
    /// ([`settle_look_alikes`]); as some cards print those alike, each
    /// lowers the conf.
    fn serial(&mut self) -> Result<Option<Found>, OcrError> {
        // Printed under the photo, below the top of the resident number
        // (above it, `Driver's License` reads as `DRIVE`).
        let floor = self
            .resident
            .as_ref()
            .map_or(0, |(i, _)| self.segments[*i].rect.y);
        let Some(mut found) = self
            .segments
            .iter()
            .filter(|segment| segment.rect.y >= floor)
            .filter_map(|segment| {
                segment.english_compact().find_map(|(text, conf)| {
                    Some(Found {
                        value: serial_shape(&text)?,
                        conf,
                        rect: segment.rect,
                    })
                })
            })
            .max_by(|a, b| a.conf.total_cmp(&b.conf))
        else {
            return self.serial_by_model_alone(floor);
        };
        if let Some(read) = self.read_serial(found.rect)? {
            return Ok(Some(read));
        }
        let glyphs = glyphs_in(self.flat, found.rect, 20, found.value.chars().count());
        if glyphs.len() == found.value.chars().count() {
            found.value = self.reread_glyphs(&found.value, &glyphs)?;
        }
        let (value, look_alikes) = settle_look_alikes(&found.value, &glyphs);
        found.value = value;
        found.conf *= 0.9f32.powi(look_alikes as i32);
        Ok(Some(found))
    }

    /// The serial in `rect` as [`SERIAL_MODEL`] reads it, when the reading
    /// has a serial's shape. Only the rows of the glyphs are cut: OCR's box
    /// of a serial can take in the photo's edge above it, and the model
    /// wants the text at the height it was trained at.
    fn read_serial(&mut self, rect: Rect) -> Result<Option<Found>, OcrError> {
        let rows = text_band(self.flat, rect).map_or(rect, |(top, height)| {
            Rect::new(rect.x, top, rect.width, height)
        });
        let Some(cut) = line_cut(self.flat, rows, SERIAL_CUT_HEIGHT) else {
            return Ok(None);
        };
        let words = self
            .engine
            .read_with(SERIAL_MODEL, &cut, SegMode::RawLine)?;
        let text: String = words.iter().map(|w| w.text.as_str()).collect();
        Ok(serial_shape(&text).map(|value| Found {
            value,
            conf: mean_conf(&words),
            rect,
        }))
    }

    /// A serial the English model never read as one: the segments below
    /// `floor` that may be Latin, on the card's right half (serials are
    /// printed under the photo, which most layouts put there) or anywhere
    /// when the English model read nearly a serial ([`near_serial_shape`]),
    /// each read by [`SERIAL_MODEL`]; the surest reading with a serial's
    /// shape that is sure enough or that the English model read but for one
    /// letter (`JETOMYV` backs `JETOMV`).
    fn serial_by_model_alone(&mut self, floor: i32) -> Result<Option<Found>, OcrError> {
        let right_half = self.flat.width() as i32 / 2;
        // Each segment with the English readings near a serial's shape.
        let candidates: Vec<(Rect, Vec<String>)> = self
            .segments
            .iter()
            .filter(|s| s.rect.y >= floor && is_readable(&s.rect) && s.may_be_latin())
            .filter_map(|s| {
                let near: Vec<String> = s
                    .english_compact()
                    .map(|(text, _)| text.to_ascii_uppercase())
                    .filter(|text| near_serial_shape(text))
                    .collect();
                (s.rect.x >= right_half || !near.is_empty()).then_some((s.rect, near))
            })
            .collect();
        let mut best: Option<Found> = None;
        for (rect, near) in candidates {
            let Some(read) = self.read_serial(rect)? else {
                continue;
            };
            // The English model read the same but for one letter.
            let backed = near
                .iter()
                .any(|text| edit_distance(text, &read.value) <= 1);
            let sure_enough = read.conf >= SERIAL_ALONE_CONF || backed;
            if sure_enough && best.as_ref().is_none_or(|b| read.conf > b.conf) {
                best = Some(read);
            }
        }
        Ok(best)
    }

    /// `reading` with each character the English model reads otherwise,
    /// and surely, in its glyph cut out alone: in a line of capitals it
    /// takes a digit for the letter it resembles (`9` for `S`).
    fn reread_glyphs(&mut self, reading: &str, glyphs: &[Glyph]) -> Result<String, OcrError> {
        let mut chars: Vec<char> = reading.chars().collect();
        for (c, glyph) in chars.iter_mut().zip(glyphs) {
            let cut = glyph_cut(self.flat, glyph.rect);
            let words = self.engine.read_with(ENGLISH, &cut, SegMode::Char)?;
            let text: String = words.iter().map(|w| w.text.as_str()).collect();
            let mut read = text.chars().filter(|c| c.is_ascii_alphanumeric());
            if let (Some(alone), None) = (read.next(), read.next()) {
                let alone = if alone == 'l' {
                    'I'
                } else {
                    alone.to_ascii_uppercase()
                };
                if alone != *c && mean_conf(&words) >= GLYPH_CONF {
                    *c = alone;
                }
            }
        }
        Ok(chars.into_iter().collect())
    }

    /// The condition: what follows the label `조건`, read with the English
    /// model (codes such as `A`, `A, B`); `none` when nothing follows it.
    fn condition(&mut self) -> Result<Option<Found>, OcrError> {
        let floor = self
            .resident
            .as_ref()
            .map_or(0, |(i, _)| self.segments[*i].rect.bottom());
        let below: Vec<Segment> = self
            .segments
            .iter()
            .filter(|s| s.rect.y >= floor)
            .cloned()
            .collect();
        let found = below
            .iter()
            .find(|s| s.compact().starts_with("조건"))
            .or_else(|| below.iter().find(|s| is_condition_label(&s.compact())));
        let segment = match found {
            Some(segment) => segment.clone(),
            None => match self.unsure_condition_label(&below)? {
                Some(segment) => segment,
                None => match self.unseen_condition_label()? {
                    Some(segment) => segment,
                    None => return Ok(None),
                },
            },
        };
        let label = &segment.words[0];
        // The label's two syllables are each about as wide as they are
        // high. OCR's box of the label may take in a code printed close
        // after it, read (`조건0`) or not: a Latin letter is taken to be
        // about 0.6 of a syllable wide.
        let extra = label.text.chars().count().saturating_sub(2) as f32;
        let label_right = label
            .rect
            .right()
            .min(label.rect.x + (2.05 * label.rect.height as f32) as i32)
            .min(label.rect.x + (label.rect.width as f32 * 2.0 / (2.0 + 0.6 * extra)) as i32);
        let height = segment.rect.height;
        // The cut for a second reading takes half a height more on each
        // side: it starts where the label ends.
        let rest = Rect::new(
            label_right + (height / 2) as i32,
            segment.rect.y,
            // A code OCR of the block left out is looked for as far as five
            // heights past the label.
            ((segment.rect.right() - label_right).max(5 * height as i32) as u32)
                .min((self.flat.width() as i32 - label_right).max(0) as u32),
            height,
        );
        let none = Found {
            value: "none".to_owned(),
            conf: segment.korean_conf(),
            rect: segment.rect,
        };
        if rest.width < height / 2 {
            return Ok(Some(none));
        }
        let Some(cut) = line_cut(self.flat, rest, REREAD_HEIGHT) else {
            return Ok(Some(none));
        };
        let mut words = self.engine.read_with(ENGLISH, &cut, SegMode::Line)?;
        // Marks on the card read as letters are read unsurely.
        words.retain(|w| w.conf >= CODE_CONF);
        let text: String = words
            .iter()
            .map(|w| w.text.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        let (codes, dropped) = condition_codes(&text);
        if !codes.is_empty() {
            return Ok(Some(Found {
                value: codes.join(", "),
                conf: mean_conf(&words) * 0.8f32.powi(dropped as i32),
                rect: rest,
            }));
        }
        // A lone code read as a line comes out unsure (`c` at 0.3 for `C`):
        // each glyph as tall as a capital is read alone.
        let after_label = Rect::new(label_right, rest.y, rest.width + height / 2, height);
        let (codes, conf) = self.codes_glyph_by_glyph(after_label)?;
        Ok(Some(if codes.is_empty() {
            none
        } else {
            Found {
                value: codes.join(", "),
                conf,
                rect: rest,
            }
        }))
    }

    /// The capitals printed in `rect`, each glyph at least two thirds as
    /// tall as the tallest (commas are shorter) and wholly inside `rect`
    /// read alone and kept when read surely enough; a small letter shaped
    /// like its capital (`c`, `o`, `s`, …) is that capital. Gives the codes and their mean confidence.
    fn codes_glyph_by_glyph(&mut self, rect: Rect) -> Result<(Vec<String>, f32), OcrError> {
        // A code or two take a small share of the box.
        let glyphs = glyphs_in(self.flat, rect, 100, 0);
        let tallest = glyphs.iter().map(|g| g.rect.height).max().unwrap_or(0);
        let mut codes = Vec::new();
        let mut confs = Vec::new();
        // A glyph cut at the box's left edge is the end of the label.
        let codes_like = glyphs
            .iter()
            .filter(|g| 3 * g.rect.height >= 2 * tallest && g.rect.x >= rect.x);
        for glyph in codes_like {
            let cut = glyph_cut(self.flat, glyph.rect);
            let words = self.engine.read_with(ENGLISH, &cut, SegMode::Char)?;
            let text: String = words.iter().map(|w| w.text.as_str()).collect();
            let conf = mean_conf(&words);
            let code = match text.chars().collect::<Vec<_>>()[..] {
                [c] if c.is_ascii_uppercase() => Some(c),
                [c] if "cosuvwxz".contains(c) => Some(c.to_ascii_uppercase()),
                // One glyph read twice over, as its capital and its small
                // letter (`Cc`).
                [c, small] if c.is_ascii_uppercase() && small == c.to_ascii_lowercase() => Some(c),
                _ => None,
            };
            if let Some(code) = code.filter(|_| conf >= CODE_GLYPH_CONF) {
                codes.push(code.to_string());
                confs.push(conf);
            }
        }
        let conf = confs.iter().sum::<f32>() / confs.len().max(1) as f32;
        Ok((codes, conf))
    }
}

impl CardText<'_, '_> {
    /// The label `조건` when OCR of the block misread it (`이`, `기`): a
    /// short segment read unsurely, in line with the resident number, that
    /// reads `조건` when read again as a line.
    fn unsure_condition_label(&mut self, below: &[Segment]) -> Result<Option<Segment>, OcrError> {
        let Some(number) = self.resident.as_ref().map(|(i, _)| self.segments[*i].rect) else {
            return Ok(None);
        };
        for segment in below {
            let short = segment.rect.width < 6 * segment.rect.height;
            let in_line = (segment.rect.x - number.x).abs() < 3 * number.height as i32;
            if !short || !in_line || segment.korean_conf() >= SURE {
                continue;
            }
            let words = self.read_in_korean(segment.rect)?;
            let text: String = words.iter().map(|w| w.text.as_str()).collect();
            if is_condition_label(&text) {
                return Ok(Some(segment.clone()));
            }
        }
        Ok(None)
    }
}

impl CardText<'_, '_> {
    /// The label `조건` when OCR of the block did not see it at all (small,
    /// light print): the lines of ink below the resident number and in its
    /// column that no sure segment holds, top to bottom, each read as a
    /// line until one reads `조건`. The segment is the line's ink, its one
    /// word the reading's first.
    fn unseen_condition_label(&mut self) -> Result<Option<Segment>, OcrError> {
        let Some(number) = self.resident.as_ref().map(|(i, _)| self.segments[*i].rect) else {
            return Ok(None);
        };
        let height = number.height as i32;
        let left = (number.x - height).max(0);
        let right = (number.x + 8 * height).min(self.flat.width() as i32);
        let column = Rect::new(
            left,
            number.bottom(),
            (right - left).max(0) as u32,
            (self.flat.height() as i32 - number.bottom()).max(0) as u32,
        );
        let sure_rows: Vec<Rect> = self
            .segments
            .iter()
            .filter(|s| s.korean_conf() >= SURE)
            .map(|s| s.rect)
            .collect();
        let lines = ink_lines(self.flat, column)
            .into_iter()
            // As high as text from 0.4 to 1.5 times the number's height,
            // and in no sure segment's rows.
            .filter(|line| {
                5 * line.height >= 2 * number.height
                    && 2 * line.height <= 3 * number.height
                    && !sure_rows
                        .iter()
                        .any(|r| r.y < line.bottom() && line.y < r.bottom())
            })
            .take(UNSEEN_LABEL_LINES);
        for line in lines {
            let words = self.read_in_korean(line)?;
            let text: String = words.iter().map(|w| w.text.as_str()).collect();
            if is_condition_label(&text) {
                let label = Word {
                    text: words[0].text.clone(),
                    conf: words[0].conf,
                    rect: line,
                    line: (0, 0, 0),
                };
                return Ok(Some(Segment {
                    words: vec![label],
                    rect: line,
                    english: Vec::new(),
                }));
            }
        }
        Ok(None)
    }
}

/// How many unread lines of ink are read in search of the label `조건`.
const UNSEEN_LABEL_LINES: usize = 4;

/// The lines of ink in `rect` of `view`, top to bottom: runs of rows that
/// hold ink (darker than halfway between the darkest hundredth and the
/// lightest twentieth), up to three rows of gap allowed, each boxed to its
/// ink.
fn ink_lines(view: &GrayImage, rect: Rect) -> Vec<Rect> {
    let cut = rect.padded_within(0, 0, view.width(), view.height());
    if cut.width < 4 || cut.height < 4 {
        return Vec::new();
    }
    let crop = image::imageops::crop_imm(view, cut.x as u32, cut.y as u32, cut.width, cut.height)
        .to_image();
    let Some(threshold) = ink_threshold(&crop, 100) else {
        return Vec::new();
    };
    let inked = |x: u32, y: u32| crop.get_pixel(x, y)[0] < threshold;
    // A row holds ink when two or more of its pixels are ink: one is a speck.
    let inked_rows: Vec<bool> = (0..crop.height())
        .map(|y| (0..crop.width()).filter(|&x| inked(x, y)).count() >= 2)
        .collect();
    let mut runs: Vec<(u32, u32)> = Vec::new();
    for (y, &ink) in (0u32..).zip(&inked_rows) {
        if !ink {
            continue;
        }
        match runs.last_mut() {
            Some((_, end)) if y <= *end + 3 => *end = y + 1,
            _ => runs.push((y, y + 1)),
        }
    }
    runs.into_iter()
        .filter_map(|(top, bottom)| {
            let columns: Vec<u32> = (0..crop.width())
                .filter(|&x| (top..bottom).any(|y| inked(x, y)))
                .collect();
            let (first, last) = (*columns.first()?, *columns.last()?);
            Some(Rect::new(
                cut.x + first as i32,
                cut.y + top as i32,
                last - first + 1,
                bottom - top,
            ))
        })
        .collect()
}

/// A glyph's width over its height from which `O` is read rather than `0`
/// (sans-serif faces: `0` 0.62-0.74, `O` 0.84-0.95), and below which `I`
/// is read rather than `1` (`I` 0.16-0.22, `1` 0.33-0.42).
const ROUND_LETTER_RATIO: f32 = 0.79;
const BAR_LETTER_RATIO: f32 = 0.27;

/// How far into a resident number's ink, as a share of its width, its
/// last six digits start at the latest. Of `dddddd-ddddddd` the seventh
/// digit (the one masking leaves) starts at about 0.49 and the eighth at
/// 0.56 (a narrow hyphen, as the card fonts print it) to 0.58 (a hyphen as
/// wide as a digit).
const LAST_SIX_START_AT_LATEST: f32 = 0.58;

/// The part of `view` that shows the last six digits of the resident
/// number whose segment is `number`: the glyphs are told by runs of inked
/// columns (the hyphen and specks, under half the digits' height, left
/// out), and the box starts halfway into the gap before the sixth glyph
/// from the right, or at [`LAST_SIX_START_AT_LATEST`] of the ink when
/// that is further left (glyphs that touch count as one: masking then
/// covers more, never less). It runs to the segment's right end, and a
/// tenth of its height beyond it, above and below.
fn last_six_digits(view: &GrayImage, number: Rect) -> Rect {
    let pad = (number.height / 10) as i32;
    let cut = number.padded_within(0, 0, view.width(), view.height());
    let from = |x: i32| {
        Rect::new(
            x,
            number.y,
            (number.right() + pad - x).max(1) as u32,
            number.height,
        )
        .padded_within(0, pad, view.width(), view.height())
    };
    let at_latest = from(number.x + (number.width as f32 * LAST_SIX_START_AT_LATEST) as i32);
    if cut.width < 4 || cut.height < 4 {
        return at_latest;
    }
    let crop = image::imageops::crop_imm(view, cut.x as u32, cut.y as u32, cut.width, cut.height)
        .to_image();
    let Some(threshold) = ink_threshold(&crop, 20) else {
        return at_latest;
    };
    // The first and last inked row of a column.
    let column_ink = |x: u32| {
        let mut rows = (0..crop.height()).filter(|&y| crop.get_pixel(x, y)[0] < threshold);
        let top = rows.next()?;
        Some((top, rows.next_back().unwrap_or(top)))
    };
    // Each run of inked columns: where it starts and ends, and the height
    // its ink spans.
    let mut glyphs: Vec<(u32, u32, u32)> = Vec::new();
    let mut open: Option<(u32, u32, u32)> = None;
    for x in 0..=crop.width() {
        let ink = if x < crop.width() {
            column_ink(x)
        } else {
            None
        };
        open = match (open, ink) {
            (Some((start, top, bottom)), Some((t, b))) => Some((start, top.min(t), bottom.max(b))),
            (None, Some((t, b))) => Some((x, t, b)),
            (Some((start, top, bottom)), None) => {
                glyphs.push((start, x, bottom - top + 1));
                None
            }
            (None, None) => None,
        };
    }
    let tallest = glyphs.iter().map(|g| g.2).max().unwrap_or(0);
    let glyphs: Vec<(u32, u32)> = glyphs
        .into_iter()
        .filter(|g| g.2 * 2 >= tallest)
        .map(|(start, end, _)| (start, end))
        .collect();
    let (Some(first), Some(last)) = (glyphs.first(), glyphs.last()) else {
        return at_latest;
    };
    let latest = first.0 as f32 + (last.1 - first.0) as f32 * LAST_SIX_START_AT_LATEST;
    let start = match glyphs.len() {
        n if n >= 7 => (glyphs[n - 7].1 as f32 + glyphs[n - 6].0 as f32) / 2.0,
        _ => latest,
    };
    from(cut.x + start.min(latest).floor() as i32)
}

/// The level below which a pixel of `image` is ink: halfway between its
/// darkest `1/ink_share` and its lightest twentieth; `None` when the two
/// are too close for the image to hold text.
fn ink_threshold(image: &GrayImage, ink_share: usize) -> Option<u8> {
    let mut levels: Vec<u8> = image.pixels().map(|p| p[0]).collect();
    if levels.is_empty() {
        return None;
    }
    levels.sort_unstable();
    let ink = levels[levels.len() / ink_share];
    let paper = levels[levels.len() - 1 - levels.len() / 20];
    (paper > ink.saturating_add(40)).then_some(((ink as u16 + paper as u16) / 2) as u8)
}

/// The column spans of the words in a line's cut, and the text's height:
/// runs of columns holding ink (darker than halfway between the darkest
/// and the lightest twentieth), parted where half the text's height or
/// more is blank.
fn word_spans(cut: &GrayImage) -> (Vec<(u32, u32)>, u32) {
    let Some(threshold) = ink_threshold(cut, 20) else {
        return (Vec::new(), 0);
    };
    let inked: Vec<bool> = (0..cut.width())
        .map(|x| (0..cut.height()).any(|y| cut.get_pixel(x, y)[0] < threshold))
        .collect();
    let inked_rows: Vec<u32> = (0..cut.height())
        .filter(|&y| (0..cut.width()).any(|x| cut.get_pixel(x, y)[0] < threshold))
        .collect();
    let text_height = match (inked_rows.first(), inked_rows.last()) {
        (Some(top), Some(bottom)) => bottom - top + 1,
        _ => return (Vec::new(), 0),
    };
    let word_gap = (text_height / 2).max(1);
    let top = inked_rows[0];
    // A run of columns whose ink is all in the text's lower third is a dot.
    let is_dot = |from: u32, to: u32| {
        (0..cut.height())
            .filter(|&y| (from..to).any(|x| cut.get_pixel(x, y)[0] < threshold))
            .all(|y| y > top + text_height * 2 / 3)
    };
    // Each word's runs of inked columns: its glyphs and marks.
    let mut words: Vec<Vec<(u32, u32)>> = Vec::new();
    let mut x = 0;
    while x < cut.width() {
        if !inked[x as usize] {
            x += 1;
            continue;
        }
        let start = x;
        while x < cut.width() && inked[x as usize] {
            x += 1;
        }
        match words.last_mut() {
            Some(runs) if start - runs.last().map_or(0, |r| r.1) < word_gap => {
                runs.push((start, x))
            }
            _ => words.push(vec![(start, x)]),
        }
    }
    // A word's trailing dot is left out: a digit read with the dot after
    // it comes out as letters.
    let spans = words
        .into_iter()
        .filter_map(|mut runs| {
            while runs.len() > 1 && runs.last().is_some_and(|&(a, b)| is_dot(a, b)) {
                runs.pop();
            }
            Some((runs.first()?.0, runs.last()?.1))
        })
        .collect();
    (spans, text_height)
}

/// A glyph cut out of `view` alone, on white paper half its height wide on
/// every side, scaled for reading.
fn glyph_cut(view: &GrayImage, rect: Rect) -> GrayImage {
    let margin = rect.height / 2;
    let cut = rect.padded_within(0, (rect.height / 8) as i32, view.width(), view.height());
    let mut cell =
        GrayImage::from_pixel(cut.width + 2 * margin, cut.height + 2 * margin, Luma([255]));
    image::imageops::replace(
        &mut cell,
        &image::imageops::crop_imm(view, cut.x as u32, cut.y as u32, cut.width, cut.height)
            .to_image(),
        margin as i64,
        margin as i64,
    );
    docrec_ocr::preprocess::scale_to_height(&cell, REREAD_HEIGHT).0
}

/// The least confidence a glyph read alone needs to replace the line's
/// reading of it.
const GLYPH_CONF: f32 = 0.8;

/// How much larger than the view glyphs are measured.
const GLYPH_ZOOM: u32 = 4;

/// One glyph printed in a box: where it is in the view, and its width
/// over its height.
#[derive(Debug, Clone, Copy)]
struct Glyph {
    rect: Rect,
    ratio: f32,
}

/// The glyphs printed in `rect` of `view`, left to right: runs of columns
/// holding ink, ink being darker than halfway between the darkest
/// `1/ink_share` of the box and its lightest twentieth.
///
/// With `expected` glyphs and fewer runs (a blurred photo runs glyphs
/// together), the widest run, when wider than 1.2 times the text's height,
/// is parted at its faintest column, within its middle half, until there
/// are as many.
fn glyphs_in(view: &GrayImage, rect: Rect, ink_share: usize, expected: usize) -> Vec<Glyph> {
    let cut = rect.padded_within(2, 2, view.width(), view.height());
    if cut.width < 4 || cut.height < 4 {
        return Vec::new();
    }
    // Measured four times as large, so that a pixel's worth of width (a
    // sixteenth of the glyph's height) is not lost to rounding.
    let crop = image::imageops::resize(
        &image::imageops::crop_imm(view, cut.x as u32, cut.y as u32, cut.width, cut.height)
            .to_image(),
        cut.width * GLYPH_ZOOM,
        cut.height * GLYPH_ZOOM,
        image::imageops::FilterType::CatmullRom,
    );
    let Some(threshold) = ink_threshold(&crop, ink_share) else {
        return Vec::new();
    };
    let inked = |x: u32, y: u32| crop.get_pixel(x, y)[0] < threshold;
    let column_ink: Vec<usize> = (0..crop.width())
        .map(|x| (0..crop.height()).filter(|&y| inked(x, y)).count())
        .collect();
    let mut runs: Vec<(u32, u32)> = Vec::new();
    let mut x = 0;
    while x < crop.width() {
        if column_ink[x as usize] == 0 {
            x += 1;
            continue;
        }
        let start = x;
        while x < crop.width() && column_ink[x as usize] > 0 {
            x += 1;
        }
        runs.push((start, x));
    }
    let ink_rows = (0..crop.height())
        .filter(|&y| (0..crop.width()).any(|x| inked(x, y)))
        .count() as u32;
    while runs.len() < expected {
        let Some((widest, &(start, end))) = runs.iter().enumerate().max_by_key(|(_, r)| r.1 - r.0)
        else {
            break;
        };
        // Two glyphs side by side are wider than the widest capital (`M`
        // or `W`, about as wide as high).
        if 5 * (end - start) < 6 * ink_rows {
            break;
        }
        let quarter = (end - start) / 4;
        let Some(cut_at) = (start + quarter..end - quarter).min_by_key(|&x| column_ink[x as usize])
        else {
            break;
        };
        runs.splice(widest..=widest, [(start, cut_at), (cut_at, end)]);
    }
    let mut shapes = Vec::new();
    for (start, x) in runs {
        let rows: Vec<u32> = (0..crop.height())
            .filter(|&y| (start..x).any(|cx| inked(cx, y)))
            .collect();
        if let (Some(top), Some(bottom)) = (rows.first(), rows.last()) {
            let zoom = GLYPH_ZOOM as i32;
            shapes.push(Glyph {
                rect: Rect::new(
                    cut.x + start as i32 / zoom,
                    cut.y + *top as i32 / zoom,
                    ((x - start) / GLYPH_ZOOM).max(1),
                    ((bottom - top + 1) / GLYPH_ZOOM).max(1),
                ),
                ratio: (x - start) as f32 / (bottom - top + 1) as f32,
            });
        }
    }
    shapes
}

/// `reading` with each `O`/`0` and `I`/`1` told by the shape of its glyph
/// (when there is one glyph per character), and how many such characters
/// it has.
fn settle_look_alikes(reading: &str, glyphs: &[Glyph]) -> (String, usize) {
    let chars: Vec<char> = reading.chars().collect();
    let look_alikes = chars
        .iter()
        .filter(|c| matches!(c, 'O' | '0' | 'I' | '1'))
        .count();
    if glyphs.len() != chars.len() {
        return (reading.to_owned(), look_alikes);
    }
    let settled = chars
        .iter()
        .zip(glyphs)
        .map(|(c, glyph)| match c {
            'O' | '0' if glyph.ratio >= ROUND_LETTER_RATIO => 'O',
            'O' | '0' => '0',
            'I' | '1' if glyph.ratio < BAR_LETTER_RATIO => 'I',
            'I' | '1' => '1',
            other => *other,
        })
        .collect();
    (settled, look_alikes)
}

/// The least confidence a glyph read alone after `조건` needs to count as
/// a code: a lone capital read alone comes out at 0.5-0.8 (`C` at 0.73).
const CODE_GLYPH_CONF: f32 = 0.5;

/// The least confidence a word read after `조건` needs to count as a code.
const CODE_CONF: f32 = 0.5;

/// The condition codes a reading shows (single capital letters: `A`,
/// `A, B`), and how many other characters were dropped around them (a
/// mark beside a code read as a letter or digit: `Cc`, `1A`).
fn condition_codes(text: &str) -> (Vec<String>, usize) {
    let mut codes = Vec::new();
    let mut dropped = 0;
    for c in text.chars().filter(|c| *c != ',' && !c.is_whitespace()) {
        if c.is_ascii_uppercase() {
            codes.push(c.to_string());
        } else {
            dropped += 1;
        }
    }
    (codes, dropped)
}

/// The licence classes a line prints, in order, and how many letters had
/// to be corrected: each word is a class, or several glued together, or a
/// class with one letter misread.
fn classes_in(text: &str) -> (Vec<&'static str>, usize) {
    let mut classes = Vec::new();
    let mut errors = 0;
    for word in text.split_whitespace() {
        let word: String = word
            .chars()
            .filter(|c| is_hangul(*c) || c.is_ascii_digit())
            .collect();
        if let Some(glued) = glued_classes(&word) {
            classes.extend(glued);
            continue;
        }
        if word.chars().count() >= 3 {
            let nearest = CLASSES.iter().map(|c| (edit_distance(&word, c), *c)).min();
            if let Some((1, class)) = nearest {
                classes.push(class);
                errors += 1;
            }
        }
    }
    let (classes, corrected) = each_class_once(classes);
    (classes, errors + corrected)
}

/// `classes` as a licence prints them, each once: a class read a second
/// time is a misreading of another, taken to be the one class one letter
/// away that was not read (`1종보통` read twice, the second `2종보통`),
/// or dropped when there is no such single class. Gives the classes and
/// how many were corrected or dropped.
fn each_class_once(classes: Vec<&'static str>) -> (Vec<&'static str>, usize) {
    let mut kept: Vec<&'static str> = Vec::with_capacity(classes.len());
    let mut corrected = 0;
    for class in &classes {
        if !kept.contains(class) {
            kept.push(class);
            continue;
        }
        corrected += 1;
        let mut unread_neighbours = CLASSES
            .iter()
            .filter(|c| edit_distance(c, class) == 1 && !classes.contains(c));
        if let (Some(other), None) = (unread_neighbours.next(), unread_neighbours.next()) {
            kept.push(other);
        }
    }
    (kept, corrected)
}

/// `word` as whole class names one after another, longest names first
/// (`2종보통2종원동기`).
fn glued_classes(word: &str) -> Option<Vec<&'static str>> {
    let mut rest = word;
    let mut classes = Vec::new();
    while !rest.is_empty() {
        let class = CLASSES
            .iter()
            .filter(|c| rest.starts_with(*c))
            .max_by_key(|c| c.len())?;
        classes.push(*class);
        rest = &rest[class.len()..];
    }
    (!classes.is_empty()).then_some(classes)
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

/// Whether a segment's reading starts like the label `조건` with one of its
/// two syllables misread (`초건`), or two letters of its jamo (`포견`).
fn is_condition_label(compact: &str) -> bool {
    const LABEL: &str = "조건";
    let start: String = compact.chars().take(2).collect();
    start.chars().count() == 2
        && start.chars().all(is_hangul)
        && (edit_distance(&start, LABEL) <= 1 || jamo_distance(&start, LABEL) <= 2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ink_lines_are_the_runs_of_inked_rows_boxed_to_their_ink() {
        let mut view = GrayImage::from_pixel(200, 120, image::Luma([230]));
        // A line of two "words" with a gap of three blank rows inside it,
        // a speck (one pixel: no line), and a second line.
        for (x0, x1, y0, y1) in [(20, 60, 10, 16), (70, 90, 19, 25), (30, 50, 60, 75)] {
            for x in x0..x1 {
                for y in y0..y1 {
                    view.put_pixel(x, y, image::Luma([30]));
                }
            }
        }
        view.put_pixel(150, 40, image::Luma([30]));
        let lines = ink_lines(&view, Rect::new(0, 0, 200, 120));
        assert_eq!(
            lines,
            [Rect::new(20, 10, 70, 15), Rect::new(30, 60, 20, 15)]
        );
        // Only what is inside the rectangle counts, in the view's pixels.
        assert_eq!(
            ink_lines(&view, Rect::new(25, 55, 100, 40)),
            [Rect::new(30, 60, 20, 15)]
        );
        let blank = GrayImage::from_pixel(50, 50, image::Luma([230]));
        assert!(ink_lines(&blank, Rect::new(0, 0, 50, 50)).is_empty());
    }

    /// A view with `dddddd-ddddddd` drawn as blocks 12 pixels wide, 4 apart,
    /// from x = 100, y = 50 to 80, the hyphen a short bar; `merged` closes
    /// the gaps after the glyphs it names (0-based, the hyphen counted).
    fn drawn_number(merged: &[usize]) -> GrayImage {
        let mut view = GrayImage::from_pixel(400, 120, image::Luma([225]));
        for glyph in 0..14u32 {
            let x0 = 100 + glyph * 16;
            let x1 = x0
                + if merged.contains(&(glyph as usize)) {
                    16
                } else {
                    12
                };
            let (y0, y1) = if glyph == 6 { (63, 67) } else { (50, 80) };
            for x in x0..x1 {
                for y in y0..y1 {
                    view.put_pixel(x, y, image::Luma([40]));
                }
            }
        }
        view
    }

    #[test]
    fn masking_starts_in_the_gap_before_the_last_six_digits() {
        // The number's box as a segment gives it: a little around the ink.
        let number = Rect::new(95, 46, 230, 38);
        // Glyph 7 (the eighth, the gender digit) ends at 224, glyph 8
        // starts at 228: the box starts between them.
        let masked = last_six_digits(&drawn_number(&[]), number);
        assert_eq!(masked.x, 226);
        assert_eq!(masked.right(), number.right() + 3);
        assert!(masked.y < number.y && masked.bottom() > number.bottom());
        // Two of the last six touching: one glyph fewer, and the box
        // starts a glyph earlier, over the gender digit, never later.
        let touching = last_six_digits(&drawn_number(&[10]), number);
        assert!(touching.x <= 214, "{touching:?}");
        // Digits before the hyphen touching change nothing.
        assert_eq!(last_six_digits(&drawn_number(&[1, 2]), number).x, 226);
        // No ink to tell glyphs by: from the share of the box.
        let blank = GrayImage::from_pixel(400, 120, image::Luma([225]));
        let guessed = last_six_digits(&blank, number);
        assert_eq!(guessed.x, 95 + (230.0 * LAST_SIX_START_AT_LATEST) as i32);
    }

    fn word(text: &str, x: i32, y: i32, height: u32, conf: f32) -> Word {
        Word {
            text: text.to_owned(),
            conf,
            rect: Rect::new(x, y, height * text.chars().count() as u32, height),
            line: (0, 0, 0),
        }
    }

    fn segment(korean: &str, english: &[&str], y: i32) -> Segment {
        let words: Vec<Word> = korean
            .split_whitespace()
            .enumerate()
            .map(|(i, w)| word(w, 60 + 200 * i as i32, y, 30, 0.95))
            .collect();
        Segment {
            rect: words_rect(&words),
            words,
            english: english.iter().map(|t| (t.to_string(), 0.93)).collect(),
        }
    }

    #[test]
    fn a_numbers_digits_are_its_groups_with_a_first_group_split_off() {
        let on_row = |texts: &[(&str, i32)]| {
            let words: Vec<Word> = texts.iter().map(|(t, x)| word(t, *x, 0, 20, 0.9)).collect();
            let segment = Segment {
                rect: words_rect(&words),
                words,
                english: Vec::new(),
            };
            digits_rect(&segment)
        };
        // Label, first group split off (4 digits, 10 pixels before the
        // rest), rest: the digits start at the split-off group.
        let split = on_row(&[("주민등록번호", 0), ("9808", 200), ("20-2780041", 290)]);
        assert_eq!((split.x, split.right()), (200, 490));
        // Split twice, the second time after the group's sixth digit.
        let twice = on_row(&[("72062", 200), ("1", 310), ("-1(065610", 340)]);
        assert_eq!((twice.x, twice.right()), (200, 520));
        // A lone digit before the number is not a group split off.
        let lone = on_row(&[("1", 270), ("980820-2780041", 300)]);
        assert_eq!(lone.x, 300);
        // A few digits far before the number, or a label read as a digit
        // as wide as a word (a misread label), stay out.
        let far = on_row(&[("2204", 0), ("980820-2780041", 200)]);
        assert_eq!(far.x, 200);
        let words = vec![
            Word {
                rect: Rect::new(0, 0, 110, 16),
                ..word("08", 0, 0, 16, 0.9)
            },
            word("540805-1513959", 118, 0, 20, 0.9),
        ];
        let label = Segment {
            rect: words_rect(&words),
            words,
            english: Vec::new(),
        };
        assert_eq!(digits_rect(&label).x, 118);
        assert_eq!(on_row(&[("성명", 0)]).x, 0);
    }

    #[test]
    fn titles_tell_the_type_with_a_letter_misread() {
        let title = |text: &str| title_type(&segment(text, &[], 0));
        assert_eq!(title("주민등록증"), Some(IdType::Resident));
        assert_eq!(title("주민동록증"), Some(IdType::Resident));
        assert_eq!(title("자동차운전면허증"), Some(IdType::Driver));
        assert_eq!(title("자동차운전먼허증"), Some(IdType::Driver));
        assert_eq!(title("사업자등록증"), None);
        assert_eq!(title("VISA"), None);
    }

    #[test]
    fn resident_numbers_are_checked_not_rewritten() {
        let segments = [
            segment("주민등록증", &[], 0),
            segment("8001011234560", &["800101-1234560"], 100),
        ];
        let (at, found) = find_resident_number(&segments).expect("a number");
        assert_eq!((at, found.value.as_str()), (1, "800101-1234560"));
        assert!((found.conf - 0.93).abs() < 1e-6);
        // A wrong check digit and a month 13: kept, at a lower conf.
        let segments = [segment("x", &["801301-1234561"], 0)];
        let (_, found) = find_resident_number(&segments).expect("a number");
        assert_eq!(found.value, "801301-1234561");
        assert!(found.conf < 0.4, "{}", found.conf);
    }

    #[test]
    fn another_documents_digits_are_no_resident_or_licence_number() {
        let segments = [segment("x", &["4492 5809 2444 2097"], 0)];
        assert!(find_resident_number(&segments).is_none());
        assert!(find_licence_number(&segments).is_none());
    }

    #[test]
    fn licence_numbers_map_printed_region_names_to_codes() {
        let numeric = [segment("x", &["11-19-123456-01"], 0)];
        let (_, found) = find_licence_number(&numeric).expect("a number");
        assert_eq!(found.value, "11-19-123456-01");
        let legacy = [segment("서울-19-123456-01", &["MS-19-123456-01"], 0)];
        let (_, found) = find_licence_number(&legacy).expect("a number");
        assert_eq!(found.value, "11-19-123456-01");
        // A mark read before the region's name.
        let marked = [segment("_경기-10-971046--82", &["247 |-10-97 1046-82"], 0)];
        let (_, found) = find_licence_number(&marked).expect("a number");
        assert_eq!(found.value, "13-10-971046-82");
        // No region 27: kept, at a lower conf.
        let unknown = [segment("x", &["27-19-123456-01"], 0)];
        let (_, found) = find_licence_number(&unknown).expect("a number");
        assert_eq!(found.value, "27-19-123456-01");
        assert!(found.conf < 0.5);
        assert_eq!(region_code_of("경기북부"), Some((28, 0)));
        assert_eq!(region_code_of("부신"), Some((12, 1)));
        // One syllable off two regions, one jamo off one of them.
        assert_eq!(region_code_of("중북"), Some((15, 1)));
        assert_eq!(region_code_of("세종"), None);
    }

    #[test]
    fn long_dashes_read_twice_still_part_the_groups() {
        let segments = [segment("x", &["17-67--070007 -67"], 0)];
        let (_, found) = find_licence_number(&segments).expect("a number");
        assert_eq!(found.value, "17-67-070007-67");
    }

    #[test]
    fn the_korean_reading_is_a_candidate_when_it_prints_the_dashes() {
        // The English reading is not a licence number; the Korean one is.
        let segments = [segment("17-67-070007-67", &["17-67-O7OOO7-67"], 0)];
        let (_, found) = find_licence_number(&segments).expect("a number");
        assert_eq!(found.value, "17-67-070007-67");
        // A label read before the number leaves the twelve digits to the
        // full pattern, not a region's printed name.
        let segments = [segment("민변 22-04-475888-77", &["vee 22-04-475888-77"], 0)];
        let (_, found) = find_licence_number(&segments).expect("a number");
        assert_eq!(found.value, "22-04-475888-77");
        // Latin text the Korean model read as a run of digits is no number.
        let segments = [segment("10700 14001190", &["Driver's License"], 0)];
        assert!(find_resident_number(&segments).is_none());
        assert!(find_licence_number(&segments).is_none());
        // Between two readings, the one whose check digit passes.
        let segments = [segment("550528-1061551", &["zusawe 990528-1061551"], 0)];
        let (_, found) = find_resident_number(&segments).expect("a number");
        assert_eq!(found.value, "550528-1061551");
    }

    /// A light view with `text` drawn in NanumMyeongjo (a serif face the
    /// general models misread when blurred), and its segment read in
    /// English as `english`.
    fn number_in_serif(text: &str, english: &str) -> (GrayImage, Segment) {
        let font = docrec_synth::fonts::load(docrec_synth::fonts::Face::NanumMyeongjo)
            .expect("fonts-nanum installed");
        let mut view = GrayImage::from_pixel(700, 120, Luma([225]));
        imageproc::drawing::draw_text_mut(&mut view, Luma([60]), 100, 40, 34.0, &font, text);
        let mut segment = segment(text, &[english], 40);
        segment.rect = Rect::new(96, 36, 300, 42);
        segment.words[0].rect = segment.rect;
        (view, segment)
    }

    #[test]
    fn the_card_digit_model_reads_a_number_only_when_its_readings_pass_the_checks() {
        let config = docrec_ocr::EngineConfig {
            models: crate::engine_models(),
            ..Default::default()
        };
        let mut engine = Engine::new(&config).expect("eng language data installed");
        // The English reading lost the first group's `54`: the digit model
        // reads the whole number, which passes both checks.
        let (view, segment) = number_in_serif("540613-2344678", "O613-2344678");
        let (at, found) = resident_number_by_digit_model(&mut engine, &view, &[segment], None)
            .unwrap()
            .expect("a number");
        assert_eq!((at, found.value.as_str()), (0, "540613-2344678"));
        assert!(found.conf <= DIGIT_MODEL_CONF);
        // A number whose check digit fails is answered as printed by the
        // other readings, never taken from here.
        let (view, segment) = number_in_serif("540613-2344679", "O613-2344679");
        assert!(
            resident_number_by_digit_model(&mut engine, &view, &[segment], Some(0))
                .unwrap()
                .is_none()
        );
    }

    #[test]
    fn a_card_askew_without_an_outline_is_levelled_and_read() {
        use rand::SeedableRng;
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(15);
        let card =
            docrec_synth::id_card::render(&mut rng, docrec_synth::fonts::FaceGroup::Development)
                .expect("fonts installed");
        let card_image = DynamicImage::ImageRgba8(card.image).to_luma8();
        // On a table of the card's own paper, turned 8°: no edge to find.
        let paper = card_image.get_pixel(card_image.width() / 2, 4)[0];
        let (w, h) = card_image.dimensions();
        let mut table = GrayImage::from_pixel(w + 300, h + 300, Luma([paper]));
        image::imageops::overlay(&mut table, &card_image, 150, 150);
        let askew = imageproc::geometric_transformations::rotate_about_center(
            &table,
            8f32.to_radians(),
            imageproc::geometric_transformations::Interpolation::Bilinear,
            imageproc::geometric_transformations::Border::Constant(Luma([paper])),
        );
        assert!(find_quad(&askew, CARD_ASPECT).is_none());
        let config = docrec_ocr::EngineConfig {
            models: crate::engine_models(),
            extra_languages: crate::engine_languages(),
            ..Default::default()
        };
        let mut engine = Engine::new(&config).expect("eng and kor language data installed");
        let context = ReadContext::starting_now(READ_BUDGET);
        let read = recognize_id_card(&askew, &mut engine, &context).expect("an ID card");
        let number = read.key_values.iter().find(|kv| kv.key == "residentNumber");
        assert_eq!(
            number.map(|kv| kv.value.as_str()),
            card.content.get("residentNumber")
        );
    }

    #[test]
    fn a_licence_region_is_chosen_among_the_digits_weighed_for_it() {
        let read = |digits: &str| -> Vec<Vec<(char, f32)>> {
            digits.chars().map(|c| vec![(c, 0.9)]).collect()
        };
        // `44`, no region, where the model weighed `1` nearly as surely
        // for the first place: 14 is one.
        let mut positions = read("441912345601");
        positions[0].push(('1', 0.8));
        // A doubt outside the region is not tried: nothing checks it.
        positions[5].push(('7', 0.9));
        let chosen = region_among_choices(positions.clone(), "441912345601").expect("chosen");
        assert_eq!(chosen.value, "141912345601");
        assert!(chosen.conf <= 0.7);
        // Doubts in both places: 11 and 14 are regions, so the conf is lower.
        let mut both = positions.clone();
        both[1].push(('1', 0.85));
        let rivals = region_among_choices(both, "441912345601").expect("chosen");
        assert!(rivals.conf < chosen.conf);
        // A reading of other digits is not this number's alternatives.
        assert_eq!(region_among_choices(positions, "441912345699"), None);
        assert_eq!(
            region_among_choices(read("441912345601"), "441912345601"),
            None
        );
    }

    #[test]
    fn a_card_is_not_issued_before_its_holder_is_sixteen() {
        // Born 1996-04-16.
        let number = "960416-1300826";
        assert!(!could_be_issued("2000.02.25", number));
        assert!(!could_be_issued("2012.04.15", number));
        assert!(could_be_issued("2012.04.16", number));
        assert!(could_be_issued("2020.02.26", number));
        // Without a birth date, nothing is known.
        assert!(could_be_issued("2000.02.25", "961316-1300826"));
        assert!(could_be_issued("2000.02", number));
    }

    #[test]
    fn classes_are_read_spaced_glued_or_with_a_letter_misread() {
        assert_eq!(
            classes_in("1종보통  2종소형"),
            (vec!["1종보통", "2종소형"], 0)
        );
        assert_eq!(
            classes_in("2종보통2종원동기"),
            (vec!["2종보통", "2종원동기"], 0)
        );
        assert_eq!(classes_in("1종대헝 구난"), (vec!["1종대형", "구난"], 1));
        assert_eq!(classes_in("서울특별시 종로구"), (vec![], 0));
        // A class read twice is another misread.
        assert_eq!(
            classes_in("1종대형 1종보통 1종보통"),
            (vec!["1종대형", "1종보통", "2종보통"], 1)
        );
        // With no single class one letter away unread, dropped.
        assert_eq!(
            classes_in("1종보통 2종보통 1종보통"),
            (vec!["1종보통", "2종보통"], 1)
        );
    }

    #[test]
    fn names_leave_the_hanja_out() {
        let name = |text: &str| name_in(&[word(text, 0, 0, 40, 0.9)]).map(|(v, _)| v);
        assert_eq!(name("홍길동(洪吉童)").as_deref(), Some("홍길동"));
        assert_eq!(name("남궁민수").as_deref(), Some("남궁민수"));
        assert_eq!(name("김"), None);
        assert_eq!(name("2종보통"), None);
        assert_eq!(name("1234"), None);
        // Marks read in front of the name are not its first word; a word
        // of text is.
        let words = |texts: &[&str]| {
            let words: Vec<Word> = texts
                .iter()
                .enumerate()
                .map(|(i, t)| word(t, 60 * i as i32, 0, 40, 0.9))
                .collect();
            name_in(&words).map(|(v, _)| v)
        };
        assert_eq!(words(&["-", "정호지"]).as_deref(), Some("정호지"));
        assert_eq!(words(&["|", "：", "경호지'"]).as_deref(), Some("경호지"));
        assert_eq!(words(&["AB", "정호지"]), None);
        // A label before the name, read right or as one syllable, is not
        // the name; alone, a one-syllable word is no name either.
        assert_eq!(words(&["성명", "남궁혜호"]).as_deref(), Some("남궁혜호"));
        assert_eq!(words(&["쌩", "-선우태민"]).as_deref(), Some("선우태민"));
        assert_eq!(words(&["성명"]), None);
        assert_eq!(words(&["김"]), None);
        // A surname OCR split from the given name starts the name; so do
        // syllables read one word each.
        let close = |texts: &[&str]| {
            let mut x = 0;
            let words: Vec<Word> = texts
                .iter()
                .map(|t| {
                    let w = word(t, x, 0, 40, 0.9);
                    x = w.rect.right() + 8;
                    w
                })
                .collect();
            name_in(&words).map(|(v, _)| v)
        };
        assert_eq!(close(&["이", "예영"]).as_deref(), Some("이예영"));
        assert_eq!(close(&["홍", "길", "동"]).as_deref(), Some("홍길동"));
        assert_eq!(close(&["쌩", "예영"]).as_deref(), Some("예영"));
        assert_eq!(close(&["김", "철수(金哲洙)"]).as_deref(), Some("김철수"));
        // A name that starts with no known surname is doubted.
        let conf = |text: &str| name_in(&[word(text, 0, 0, 40, 0.9)]).map(|(_, c)| c);
        assert_eq!(conf("강성은"), Some(0.9));
        assert!(conf("긍성은").is_some_and(|c| c < 0.9 * 0.75));
        // And spelt with the one common surname a jamo from it, if one is.
        assert_eq!(name("긍성은").as_deref(), Some("강성은"));
        assert_eq!(name("둥길동").as_deref(), Some("둥길동"));
        assert_eq!(with_common_surname("깅민"), "깅민");
        // A surname far from the word after it is a label's remnant.
        let far = [word("이", 0, 0, 40, 0.9), word("예영", 80, 0, 40, 0.9)];
        assert_eq!(name_in(&far).map(|(v, _)| v).as_deref(), Some("예영"));
    }

    #[test]
    fn offices_are_cut_after_their_title() {
        let office = office_in;
        assert_eq!(
            office("서울특별시종로구청장 6)"),
            Some(("서울특별시 종로구청장".to_owned(), 0))
        );
        assert_eq!(
            office("서울특별시 경찰청장"),
            Some(("서울특별시경찰청장".to_owned(), 0))
        );
        assert_eq!(
            office("도로교통공단 @"),
            Some(("도로교통공단".to_owned(), 0))
        );
        assert_eq!(office("청장"), None);
    }

    #[test]
    fn a_misread_province_or_district_of_an_office_is_spelt_as_it_is() {
        for (read, office, misread) in [
            ("서울룩별시강남구청장", "서울특별시 강남구청장", 1),
            ("인쳔광역시경찰청장", "인천광역시경찰청장", 1),
            // Too far from any province: as read.
            ("부선장적시베운새구청장", "부선장적시베운새구청장", 0),
            // A police agency's title one syllable off; a district's is not
            // taken for one.
            ("서울특별시 경창청장", "서울특별시경찰청장", 1),
            ("경기도 남부경찰청장", "경기도남부경찰청장", 0),
            ("부산광역시 남구청장", "부산광역시 남구청장", 0),
            // A district one jamo from the province's nearest; a province
            // known by its district; a district as near two: as read.
            ("서울특별시 퐁로구청장", "서울특별시 종로구청장", 1),
            ("경기도 수윈시장", "경기도 수원시장", 1),
            ("데구광역서 수성구청장", "대구광역시 수성구청장", 2),
            ("부산광역시 둥구청장", "부산광역시 둥구청장", 0),
            // A district head's title misread; a word after the district
            // that is none.
            ("대전광역시 유성구청상 ㅣ", "대전광역시 유성구청장", 1),
            ("경기도 수원시정", "경기도 수원시장", 1),
            ("충청북도 청주시청상", "충청북도 청주시청장", 1),
            // A division one jamo off, as near no other.
            ("겸기도남부경찰청장", "경기도남부경찰청장", 1),
            // The head of a division without districts.
            ("세종특별자치시장", "세종특별자치시장", 0),
        ] {
            assert_eq!(
                office_in(read),
                Some((office.to_owned(), misread)),
                "{read}"
            );
        }
        assert_eq!(office_in("대전광역시 유성구 희망로 293"), None);
    }

    #[test]
    fn an_office_completes_another_when_it_holds_it_and_more() {
        assert!(completes("광주광역시 북구청장", "북구청장"));
        assert!(!completes("북구청장", "북구청장"));
        assert!(!completes("광주광역시 북구청장", "남구청장"));
    }

    #[test]
    fn a_date_is_pieced_from_readings_that_each_got_a_part_wrong() {
        let reading = |groups: &[&str], conf: f32| {
            (
                groups.iter().map(|g| (*g).to_owned()).collect::<Vec<_>>(),
                conf,
            )
        };
        let readings = [
            reading(&["2014", "16"], 0.8),
            reading(&["7014", "9", "16"], 0.75),
        ];
        assert_eq!(
            date_of_pieces(&readings),
            Some(("2014.09.16".to_owned(), 0.75 * PIECED_DATE_CONF))
        );
        assert_eq!(digit_groups("7014. 9 16."), ["7014", "9", "16"]);
        // A year read far otherwise in the three-group reading: not one line.
        let far = [
            reading(&["2014", "16"], 0.8),
            reading(&["1983", "9", "16"], 0.75),
        ];
        assert_eq!(date_of_pieces(&far), None);
        // No month and day that make a date.
        let none = [
            reading(&["2014"], 0.8),
            reading(&["7014", "13", "16"], 0.75),
        ];
        assert_eq!(date_of_pieces(&none), None);
    }

    #[test]
    fn serials_conditions_and_dates_have_their_shapes() {
        assert_eq!(serial_shape("'VCXRUU.").as_deref(), Some("VCXRUU"));
        assert_eq!(serial_shape("Ql48sy").as_deref(), Some("QI48SY"));
        assert_eq!(serial_shape("ABCDEFG"), None);
        assert_eq!(serial_shape("AB-CD"), None);
        assert!(near_serial_shape("JETOMYV") && near_serial_shape("'8KXH."));
        assert!(!near_serial_shape("102%6418") && !near_serial_shape("2010.05.05"));
        assert!(!near_serial_shape("12345"));
        assert!(has_a_key_shape("2020. 10. 21."));
        assert!(!has_a_key_shape("2020-10524"));
        // Read once more at other scales: digits, a serial a letter off,
        // or nothing; Hangul read as Latin letters is read once.
        assert!(may_take_a_key_shape("POTS AZ. 28."));
        assert!(may_take_a_key_shape("MODG6LA") && may_take_a_key_shape(" r"));
        assert!(!may_take_a_key_shape("Srusagus") && !may_take_a_key_shape("So hLQO aT"));
        assert_eq!(condition_codes("A, B"), (vec!["A".into(), "B".into()], 0));
        assert_eq!(condition_codes("Cc"), (vec!["C".into()], 1));
        assert_eq!(condition_codes("1A"), (vec!["A".into()], 1));
        assert_eq!(condition_codes(""), (vec![], 0));
        assert!(is_condition_label("초건C") && !is_condition_label("수원시"));
        assert!(is_condition_label("포견") && !is_condition_label("주소"));
    }

    #[test]
    fn segments_part_at_wide_gaps_and_join_row_neighbours() {
        let line = Line {
            words: vec![
                word("조건", 60, 100, 20, 0.9),
                word("C", 110, 100, 20, 0.9),
                word("VCXRUU", 700, 98, 20, 0.9),
            ],
        };
        let segments = segments_of(vec![line]);
        let texts: Vec<String> = segments.iter().map(Segment::korean).collect();
        assert_eq!(texts, ["조건 C", "VCXRUU"]);
        // An issuer's name whose end a seal made a line of its own.
        let start = Line {
            words: vec![word("울산광역시", 250, 540, 27, 0.9)],
        };
        let end = Line {
            words: vec![word("남구청장", 400, 520, 64, 0.9)],
        };
        let segments = segments_of(vec![start, end]);
        assert_eq!(segments.len(), 1);
        assert_eq!(segments[0].korean(), "울산광역시 남구청장");
        // A photo placeholder read as a tall word, a number's height and
        // more to the left of the number.
        let mut blob = word("0)", 107, 189, 147, 0.9);
        blob.rect.width = 116;
        let photo = Line { words: vec![blob] };
        let number = Line {
            words: vec![word("670119-2589703", 334, 234, 61, 0.9)],
        };
        let segments = segments_of(vec![photo, number]);
        assert_eq!(segments.len(), 2);
        // A number at a slant that OCR cut in two lines: the start's line
        // is taller than its end, which is level with the rest.
        let placed = |text: &str, x: i32, y: i32, width: u32| Word {
            rect: Rect::new(x, y, width, 28),
            ..word(text, 0, 0, 28, 0.9)
        };
        let start = Line {
            words: vec![
                placed("면허번호", 136, 177, 100),
                placed("17-89-803", 250, 191, 109),
            ],
        };
        let end = Line {
            words: vec![placed("170-90", 364, 201, 85)],
        };
        let segments = segments_of(vec![start, end]);
        assert_eq!(segments.len(), 1);
        assert_eq!(segments[0].compact(), "면허번호17-89-803170-90");
    }
}
