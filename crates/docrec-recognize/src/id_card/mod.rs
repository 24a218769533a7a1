//! Korean ID cards: resident registration cards (주민등록증) and driver's
//! licences (자동차운전면허증), the keys of API.md §4.4.
//!
//! Takes a grayscale upload (EXIF orientation applied; made with
//! [`docrec_ocr::preprocess::brightest_channel`], the red seal over the
//! issuer's name fades) and an OCR engine;
//! gives an [`IdCard`] (the card's type and every key of its type in the
//! API's order, each with its value, confidence and box in the upload's
//! pixels, the box of every text segment and the box masking covers, the
//! resident number's last six digits), or a [`ReadFailure`] (why, with
//! its code).
//!
//! The steps:
//! 1. find the card's outline ([`card_regions`]) and rectify it to a view
//!    1000 pixels across, upright, then upside down; then the whole upload
//!    (first, when the upload is a crop of the card and the outline only a
//!    part of it);
//! 2. flatten the card's background (tints, guilloche rings) and read the
//!    view with Tesseract's Korean model as one block; lines are split
//!    where a wide gap parts their words (a serial number printed beside
//!    the condition, marks on the photo);
//! 3. tell the card by its title (`주민등록증`, `자동차운전면허증`, with a
//!    letter or two misread; the top row read again as one line when no
//!    segment reads as one) or, without one, by the numbers it prints;
//! 4. read each segment that is mostly not Hangul again, cut out and
//!    scaled, with the English model: the Korean model reads digits and
//!    Latin letters poorly (`911101=2..686헤1`); at two more scales only
//!    when the first reading may take a key's shape and the keys read in
//!    English are not all shown yet;
//! 5. find each key by its shape (a resident number, a licence number, a
//!    date, a serial) or its place (the name above the resident number, the
//!    condition after `조건`, the issuer's title), map a licence's printed
//!    region name to its code and strip the Hanja after a name;
//! 6. check what the rules allow (the resident number's check digit and
//!    birth date, the licence's region code, that dates exist): a value
//!    that fails keeps its reading at a lower `conf`.
//!
//! This module reads the views and holds what every key's search shares
//! ([`CardText`]); the block's words become `segments`, the title is told
//! in `title`, the shapes of keys read in English are in `shapes`, and the
//! keys are found in `numbers` (resident and licence numbers, found,
//! checked and read again), `name`, `issue` (the issue date and the
//! issuer), `licence` (a licence's classes, serial and condition); reading
//! glyph by glyph (ink lines, glyph cuts, look-alikes, the masked digits)
//! is in `glyphs`; the unit tests are in `tests`.
//!
//! A key the card's type has but that could not be read is given with an
//! empty value and `conf` 0, so that every answer has the same keys.

use std::time::{Duration, Instant};

use docrec_ocr::detect::{rectify, text_band, Rectified};
use docrec_ocr::preprocess::{flatten_paper, line_cut};
use docrec_ocr::{Engine, OcrError, Quad, Rect, SegMode, Word};
use image::{DynamicImage, GrayImage, Rgb, RgbImage};
use imageproc::drawing::draw_polygon_mut;
use imageproc::point::Point;
use serde::Serialize;

use crate::api::{BoxCorners, KeyValue, KeyValueResult, Resolution};
use crate::context::ReadContext;
use crate::credit_card::{CARD_ASPECT, READ_LONG_SIDES};
use crate::failure::{DocumentKind, ReadError, ReadFailure};
use crate::fitted::{read_fitted, ScaledBoxes};
use crate::locate::card_regions;
use crate::passport::{read_passport, Orientations};
use crate::text::{group_lines, text_skew, words_rect};
use docrec_rules::resident_number::birth_date;

mod glyphs;
mod issue;
mod keys;
mod licence;
mod name;
mod numbers;
mod segments;
mod shapes;
mod title;

use glyphs::last_six_digits;
pub use keys::{IdKey, PassportKey, DRIVER_KEYS, PASSPORT_KEYS, RESIDENT_KEYS};
use numbers::{
    find_licence_number, find_resident_number, has_known_region, licence_region_among_choices,
    resident_checks_pass, resident_number_among_choices, resident_number_by_digit_model,
};
use segments::{mean_conf, on_rows_of, row_around, segments_of, Segment};
use shapes::{
    has_a_key_shape, may_take_a_key_shape, near_serial_shape, serial_shape, DATE,
    LEGACY_LICENCE_DIGITS, LICENCE_NUMBER, RESIDENT_NUMBER, YEAR_START,
};
use title::{title_read_again, title_type};

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
/// The time an ID card's reading is given ([`ReadContext::budget`]): once
/// spent, no segment is read again in English and, after a view showed an
/// ID card (so that being one never depends on load), no other view.
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
    /// A passport's data page.
    Passport,
}

impl IdType {
    /// The API's `idType`.
    pub fn api_name(self) -> &'static str {
        match self {
            IdType::Resident => "resident",
            IdType::Driver => "driver",
            IdType::Passport => "passport",
        }
    }

    /// The keys of API.md §4.4 for this type, in its order.
    pub fn keys(self) -> &'static [IdKey] {
        match self {
            IdType::Resident => &RESIDENT_KEYS,
            IdType::Driver => &DRIVER_KEYS,
            IdType::Passport => &PASSPORT_KEYS,
        }
    }
}

/// What an ID card shows.
#[derive(Debug, Clone, PartialEq)]
pub struct IdCard {
    pub id_type: IdType,
    /// Every key of the type, in the API's order; a key that could not be
    /// read has an empty value and conf 0.
    pub key_values: Vec<KeyValue<IdKey>>,
    /// Every text segment read, in reading order.
    pub lines: Vec<Quad>,
    /// What masking covers: the last six digits of the resident number,
    /// in the upload's pixels.
    pub masking: Vec<Quad>,
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

impl ScaledBoxes for IdCard {
    /// The same card with every box scaled by `factor`.
    fn scaled(mut self, factor: f32) -> Self {
        let key_boxes = self.key_values.iter_mut().map(|kv| &mut kv.quad);
        for quad in key_boxes.chain(&mut self.lines).chain(&mut self.masking) {
            *quad = quad.scaled(factor);
        }
        self
    }
}

impl IdCard {
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

/// Reads a Korean ID card or a passport's data page. An upload much larger
/// than the view the card is read at is first shrunk (as a credit card's
/// upload is), and the boxes are given back in the upload's pixels. A
/// machine-readable zone is looked for first (cheaply: by layout, and read
/// only where two or three long lines of one width are stacked), then the
/// resident card or licence; a zone in the upload turned a quarter or by
/// any angle only when neither was found.
pub fn recognize_id_card(
    image: &GrayImage,
    engine: &mut Engine,
    context: &ReadContext,
) -> Result<IdCard, ReadFailure> {
    let upload = image;
    read_fitted(upload, READ_LONG_SIDES, |image| {
        let as_uploaded = Orientations::AsUploaded;
        if let Some(passport) = read_passport(image, engine, context, as_uploaded)? {
            return Ok(passport);
        }
        match read_card(image, engine, context) {
            // Not a card, or a card without its number: a passport
            // photographed sideways or turned, or still what the card's
            // reading said (no text stays 5003022). Looked for in the
            // upload at its own size (a page a fifth of a large photo keeps
            // its zone's characters), its boxes brought to `image`'s.
            Err(error @ (ReadError::NotThisKind | ReadError::NoText | ReadError::NoNumber)) => {
                let to_image = image.width() as f32 / upload.width() as f32;
                read_passport(upload, engine, context, Orientations::Sideways)?
                    .map(|passport| passport.scaled(to_image))
                    .ok_or(error)
            }
            read => read,
        }
    })
    .map_err(|error| ReadFailure::new(DocumentKind::IdCard, error))
}

/// Reads a Korean ID card from an upload at a size [`READ_LONG_SIDES`]
/// allows.
fn read_card(
    image: &GrayImage,
    engine: &mut Engine,
    context: &ReadContext,
) -> Result<IdCard, ReadError> {
    let mut best: Option<ViewReading> = None;
    let mut any_text = false;
    'views: for quad in card_regions(image) {
        let upright = rectify(image, quad, VIEW_WIDTH, CARD_ASPECT);
        for view in [upright.rotated_180(), upright].into_iter().rev() {
            if best.as_ref().is_some_and(|b| b.id_type.is_some()) && context.is_spent() {
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
            let (settled, shown, blank) = (
                reading.settled(),
                reading.id_type.is_some(),
                reading.word_count == 0,
            );
            if best.as_ref().is_none_or(|b| reading.score() > b.score()) {
                best = Some(reading);
            }
            if settled {
                break 'views;
            }
            if shown || blank {
                // The view is the right way up (its title, or a resident
                // number of a real birth date, read), or holds no text
                // either way up: its half turn holds nothing.
                continue 'views;
            }
        }
    }
    match best {
        Some(reading) if reading.id_type.is_some() => reading.into_card(),
        _ if any_text => Err(ReadError::NotThisKind),
        _ => Err(ReadError::NoText),
    }
}

/// What one view of the upload gave.
struct ViewReading {
    view: Rectified,
    segments: Vec<Segment>,
    word_count: usize,
    id_type: Option<IdType>,
    titled: bool,
    fields: Vec<(IdKey, Option<Found>)>,
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
    fn found(&self, key: IdKey) -> bool {
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
            + usize::from(self.found(IdKey::ResidentNumber)) * 4
    }

    fn into_card(self) -> Result<IdCard, ReadError> {
        let id_type = self.id_type.ok_or(ReadError::NotThisKind)?;
        if !self.found(IdKey::ResidentNumber) {
            return Err(ReadError::NoNumber);
        }
        let view = &self.view;
        let masking: Vec<Quad> = self
            .fields
            .iter()
            .filter(|(key, _)| *key == IdKey::ResidentNumber)
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
                None => KeyValue::unread(key),
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
    let titled_type = match title {
        Some(i) => title_type(&segments[i]),
        None => title_read_again(engine, &flat, &segments)?,
    };
    read_segments_in_english(engine, &flat, &mut segments, title, titled_type, deadline)?;
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
            for &key in id_type.keys() {
                let found = card.find(key)?;
                fields.push((key, found));
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

/// Reads again in English, cut out of `flat`, each segment but the title
/// (`title`) that may be Latin or digits: every one at the first of
/// [`REREAD_HEIGHTS`], and those that may still take a key's shape at the
/// others only when the keys read in English are not all shown yet
/// ([`english_keys_shown`], for the type the title named). Stops at
/// `deadline`.
fn read_segments_in_english(
    engine: &mut Engine,
    flat: &GrayImage,
    segments: &mut [Segment],
    title: Option<usize>,
    titled_type: Option<IdType>,
    deadline: Instant,
) -> Result<(), OcrError> {
    let (first_scale, other_scales) = REREAD_HEIGHTS.split_at(1);
    let mut rescalable = Vec::new();
    for (i, segment) in segments.iter_mut().enumerate() {
        if Some(i) != title && segment.may_be_latin() && is_readable(&segment.rect) {
            if Instant::now() > deadline {
                break;
            }
            if read_in_english(engine, flat, segment, first_scale)? {
                rescalable.push(i);
            }
        }
    }
    if !english_keys_shown(segments, titled_type) {
        for i in rescalable {
            if Instant::now() > deadline {
                break;
            }
            read_in_english(engine, flat, &mut segments[i], other_scales)?;
        }
    }
    Ok(())
}

/// The heights a segment's cut is scaled to, in turn, until the English
/// model's reading has the shape of a key: the model's readings of digits
/// and dots change with the scale (`2020-10524` at one, `2020. 10. 21.` at
/// another).
const REREAD_HEIGHTS: [u32; 3] = [56, 72, 40];

/// Reads `segment` cut out of `flat` with the English model at each of
/// `heights` in turn until a reading has the shape of a key; gives whether
/// a reading at another scale may still give one (the last reading has no
/// key's shape but may take one).
fn read_in_english(
    engine: &mut Engine,
    flat: &GrayImage,
    segment: &mut Segment,
    heights: &[u32],
) -> Result<bool, OcrError> {
    let mut last = String::new();
    for &height in heights {
        let Some(cut) = line_cut(flat, segment.rect, height) else {
            return Ok(false);
        };
        let words = engine.read_with(ENGLISH, &cut, SegMode::Line)?;
        let text = words
            .iter()
            .map(|w| w.text.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        let shaped = has_a_key_shape(&text);
        segment.english.push((text.clone(), mean_conf(&words)));
        if shaped {
            return Ok(false);
        }
        last = text;
    }
    Ok(may_take_a_key_shape(&last))
}

/// Whether the English readings so far show every key read in English
/// that the card's type (its title's, or none yet) has: a resident number
/// that passes its checks and a date; on a licence (or beside a licence
/// number) also a licence number of a known region and a serial. When
/// they do, no segment is read at [`REREAD_HEIGHTS`]' other scales.
fn english_keys_shown(segments: &[Segment], titled_type: Option<IdType>) -> bool {
    let shown = |shape: &dyn Fn(&str) -> bool| {
        segments
            .iter()
            .any(|s| s.english_compact().any(|(text, _)| shape(&text)))
    };
    let resident = find_resident_number(segments)
        .is_some_and(|(_, number)| resident_checks_pass(&number.value));
    let licence = find_licence_number(segments);
    let licence_keys = || {
        licence
            .as_ref()
            .is_some_and(|(_, found)| has_known_region(&found.value))
            && shown(&|text| serial_shape(text).is_some())
    };
    let is_licence = titled_type == Some(IdType::Driver) || licence.is_some();
    resident && shown(&|text| DATE.is_match(text)) && (!is_licence || licence_keys())
}

/// Whether a segment is big enough to be read again: text at least 10
/// pixels high and as wide.
fn is_readable(rect: &Rect) -> bool {
    rect.height >= 10 && rect.width >= rect.height
}

// The patterns are matched against readings as read and without white
// space: each stands alone, so that the digits of another document's
// number (a credit card's sixteen) are not taken for one. Between the
// groups of a number, a dash drawn long may be read as two (`17-67--070007`).
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
    fn find(&mut self, key: IdKey) -> Result<Option<Found>, OcrError> {
        Ok(match key {
            IdKey::Name => self.name()?,
            IdKey::ResidentNumber => self.resident.as_ref().map(|(_, f)| f.clone()),
            IdKey::IssueDate => self.issue_date()?,
            IdKey::Issuer => self.issuer()?,
            IdKey::DriverLicenseNumber => self.licence.clone(),
            IdKey::LicenseType => self.license_type(),
            IdKey::Condition => self.condition()?,
            IdKey::SerialNum => self.serial()?,
            // A resident card or licence prints none of a passport's keys.
            IdKey::Passport(_) => None,
        })
    }

    /// Reads `rect` of the view again, cut out, as one line of Korean.
    fn read_in_korean(&mut self, rect: Rect) -> Result<Vec<Word>, OcrError> {
        match line_cut(self.flat, rect, REREAD_HEIGHT) {
            Some(cut) => self.engine.read_spaced_with(KOREAN, &cut, SegMode::Line),
            None => Ok(Vec::new()),
        }
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
        row_around(self.segments, self.segments[i].rect)
    }

    /// The segments whose middle is within segment `i`'s rows, itself
    /// among them.
    fn on_row_of(&self, i: usize) -> impl Iterator<Item = &Segment> + '_ {
        on_rows_of(self.segments, self.segments[i].rect)
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

#[cfg(test)]
mod tests;
