//! Business registration certificates (사업자등록증): the keys of API.md
//! §4.1.
//!
//! Takes a grayscale upload (EXIF orientation applied; made with
//! [`docrec_ocr::preprocess::brightest_channel`], the seal over the
//! office's name fades) and an OCR engine ([`recognize_business`]), or the
//! words of a PDF's text layer with their boxes in points
//! ([`recognize_business_text`]); gives a
//! [`BusinessCertificate`] (each key's value, confidence and box in the
//! upload's pixels or points, and the box of every text line), or a
//! [`ReadFailure`] (why, with its code).
//!
//! The steps:
//! 1. find the page's outline and rectify it to a view 1240 pixels across
//!    (A4 at 150 dpi), the way it lies; without an outline (a scan), the
//!    whole upload is scaled so;
//! 2. read the view with Tesseract's Korean model as one block of text
//!    (its lines are the certificate's rows), after flattening the paper's
//!    shading; a sideways view is turned upright, and a view with no
//!    certificate on it is tried upside down and turned the other way, then
//!    (when the outline found may be a box on a scanned page) the whole
//!    upload, within a time budget;
//! 3. find the labels at the start of the rows, however they are spaced
//!    (`상 호`, `상          호`, `상호`) and when OCR misread a letter of a
//!    long one, and the labels inside a row (`생년월일` after the name,
//!    `법인등록번호` after the opening date, `업태` and `종목`);
//! 4. take each label's value up to the next label, with the rows that
//!    continue it (a wrapped address), and the taxpayer kind, the issue date
//!    and the issuing office from the lines that carry them;
//! 5. check what the rules allow: the registration number's and the
//!    corporate number's check digits and shapes, dates that exist; a value
//!    that fails keeps its reading at a lower `conf`.
//!
//! This module finds the page and reads it; rows, labels and their raw
//! values are in `labels`, company names in `names`, values without a
//! label or read unsurely and the rules' checks in `values`; the unit
//! tests are in `tests`.

use std::borrow::Cow;
use std::sync::LazyLock;
use std::time::Duration;

use docrec_ocr::canonical::canonical_text;
use docrec_ocr::detect::{find_quad, rectify_as_found, Rectified};
use docrec_ocr::preprocess::flatten_paper;
use docrec_ocr::{Engine, Quad, Rect, SegMode, Word};
use image::GrayImage;
use regex::Regex;
use serde::Serialize;

use crate::api::{BoxCorners, KeyValue, KeyValueResult, Resolution};
use crate::context::ReadContext;
use crate::failure::{DocumentKind, ReadError, ReadFailure};
use crate::fitted::{read_fitted, ScaledBoxes};
use crate::text::{edit_distance, group_lines};
use docrec_rules::business_number::registration_number_passes;

mod keys;
mod labels;
mod names;
mod values;

pub use keys::{BusinessKey, KEYS};
use labels::{
    labels_in, rows_of, shared_labels_from, split_glued_labels, value_words, LabelTarget, RawValue,
    Row,
};
use names::{
    holds_company_type, is_corporation, with_company_type, with_company_type_apart,
    with_corporate_mark, with_stray_mark_apart, MISREAD_TYPE_CONF,
};
use values::{
    checked_value, is_confident_text, issuing_office, korean_date, mean_conf,
    reread_registration_number, surer_name, unlabelled_opening_date, unlabelled_value,
    value_before, Unlabelled, REREAD_CONF,
};

/// The Tesseract language certificates are read with (Debian's
/// `tesseract-ocr-kor`): Korean alone reads Hangul better than `kor+eng`,
/// which takes Latin guesses for Hangul words it is unsure of.
pub const LANGUAGE: &str = "kor";
/// The recommended upload size for business registrations (API.md §1).
pub const RECOMMENDED_SIZE: (u32, u32) = (1280, 720);
/// The width the page is read at: A4 at 150 dpi, where body text is
/// 25-32 pixels high.
const VIEW_SHORT_SIDE: u32 = 1240;
/// The long sides an upload is read at: the view's (1240 x 1754) at least,
/// and twice it at most.
const READ_LONG_SIDES: std::ops::Range<u32> = 1754..3508;
/// ISO 216: a page's long side over its short side.
const PAGE_ASPECT: f32 = std::f32::consts::SQRT_2;

/// What a certificate shows.
#[derive(Debug, Clone, PartialEq)]
pub struct BusinessCertificate {
    /// The keys found, in the order of API.md §4.1.
    pub key_values: Vec<KeyValue<BusinessKey>>,
    /// Every text line read, in reading order.
    pub lines: Vec<Quad>,
}

/// The `result` of the business API (API.md §4.1).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BusinessResult {
    pub file_type: String,
    /// `pixel` for images, `point` for PDFs.
    pub unit_type: &'static str,
    pub resolution: Resolution,
    pub key_values: Vec<KeyValueResult>,
    pub boxes: Vec<BoxCorners>,
}

impl ScaledBoxes for BusinessCertificate {
    /// The same certificate with every box scaled by `factor` (pixels of a
    /// rendered PDF page to its points, of a resized upload to its own).
    fn scaled(mut self, factor: f32) -> Self {
        let key_boxes = self.key_values.iter_mut().map(|kv| &mut kv.quad);
        for quad in key_boxes.chain(&mut self.lines) {
            *quad = quad.scaled(factor);
        }
        self
    }
}

impl BusinessCertificate {
    /// The API's `result` for this certificate; `unit` says what its boxes
    /// are in.
    pub fn to_result(&self, file_type: &str, unit: Unit, resolution: Resolution) -> BusinessResult {
        BusinessResult {
            file_type: file_type.to_owned(),
            unit_type: unit.api_name(),
            resolution,
            key_values: self.key_values.iter().map(KeyValueResult::from).collect(),
            boxes: self.lines.iter().map(|q| (*q).into()).collect(),
        }
    }
}

/// What a certificate's boxes are measured in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// Pixels of an uploaded image.
    Pixel,
    /// Points of an uploaded PDF.
    Point,
}

impl Unit {
    /// The API's `unitType`.
    pub fn api_name(self) -> &'static str {
        match self {
            Unit::Pixel => "pixel",
            Unit::Point => "point",
        }
    }
}

/// Reads a business registration certificate. An upload smaller than the
/// view the page is read at is first enlarged to it, one much larger
/// shrunk ([`READ_LONG_SIDES`]), and the boxes are given back in the
/// upload's pixels.
pub fn recognize_business(
    image: &GrayImage,
    engine: &mut Engine,
    context: &ReadContext,
) -> Result<BusinessCertificate, ReadFailure> {
    read_fitted(image, READ_LONG_SIDES, |image| {
        read_page(image, engine, context)
    })
    .map_err(|error| ReadFailure::new(DocumentKind::Business, error))
}

/// Reads a certificate from an upload at a size [`READ_LONG_SIDES`]
/// allows.
fn read_page(
    image: &GrayImage,
    engine: &mut Engine,
    context: &ReadContext,
) -> Result<BusinessCertificate, ReadError> {
    let quad = find_quad(image, PAGE_ASPECT).filter(|q| is_page_outline(q, image));
    // The outline found, if any, then the whole upload when what surrounds
    // the outline is light (a box on a scanned page taken for the page; on
    // a photo's table the whole upload holds nothing more, and its texture
    // is slow to read); each the likelier way up first. A region is
    // rectified when it is first read, and not at all when an earlier
    // view settles the page.
    let order: Vec<(Option<Quad>, bool)> = match quad {
        Some(quad) if has_light_surround(image) => vec![
            (Some(quad), false),
            (None, false),
            (Some(quad), true),
            (None, true),
        ],
        Some(quad) => vec![(Some(quad), false), (Some(quad), true)],
        None => vec![(None, false), (None, true)],
    };
    let mut rectified: Vec<(Option<Quad>, Rectified)> = Vec::with_capacity(2);
    let mut any_text = false;
    for (region, turned) in order {
        if any_text && context.is_spent() {
            break;
        }
        let at = match rectified.iter().position(|(r, _)| *r == region) {
            Some(at) => at,
            None => {
                rectified.push((region, rectify_as_found(image, region, VIEW_SHORT_SIDE)));
                rectified.len() - 1
            }
        };
        let view = way_up(&rectified[at].1, turned);
        context.count_look();
        let flat = flatten_paper(&view.image);
        let words = engine.read_spaced_with(LANGUAGE, &flat, SegMode::Block)?;
        if words.is_empty() {
            continue;
        }
        any_text = true;
        let mut page = Page::Scanned {
            view: &view,
            flat: &flat,
            engine: &mut *engine,
        };
        if let Some(certificate) = read_certificate(&rows_of(&words), &mut page) {
            return certificate;
        }
    }
    if any_text {
        Err(ReadError::NotThisKind)
    } else {
        Err(ReadError::NoText)
    }
}

/// A rectified page the likelier way up (a page lies upright, upside down
/// or sideways), or, when `turned`, the other way; an upright page as it
/// is, not copied.
fn way_up(view: &Rectified, turned: bool) -> Cow<'_, Rectified> {
    let landscape = view.image.width() > view.image.height();
    match (landscape, turned) {
        (true, false) => Cow::Owned(view.rotated_quarter(false)),
        (true, true) => Cow::Owned(view.rotated_quarter(true)),
        (false, false) => Cow::Borrowed(view),
        (false, true) => Cow::Owned(view.rotated_180()),
    }
}

/// The time a certificate's reading is given ([`ReadContext::budget`]): no
/// other way of the page is read once it is spent and a view showed text,
/// so a photo that shows no certificate is answered in seconds, whatever
/// it shows (a page with no text at all is read every way, so that
/// [`ReadError::NoText`] never depends on how busy the machine is).
pub const READ_BUDGET: Duration = Duration::from_secs(3);

/// Reads a certificate from a PDF's text layer: each word with its box in
/// points from the page's top-left corner, its dashes and full-width forms
/// made canonical as OCR's words are. Nothing is recognised: the
/// words are grouped into rows and read as OCR's rows are, at confidence 1
/// (less where a check fails); boxes are in points.
pub fn recognize_business_text(
    words: &[(String, [f32; 4])],
) -> Result<BusinessCertificate, ReadFailure> {
    read_text_layer(words).map_err(|error| ReadFailure::new(DocumentKind::Business, error))
}

/// [`recognize_business_text`] before its failure is given its kind.
fn read_text_layer(words: &[(String, [f32; 4])]) -> Result<BusinessCertificate, ReadError> {
    let unit = TEXT_LAYER_POINTS_PER_UNIT;
    let words: Vec<Word> = words
        .iter()
        .map(|(text, [x0, y0, x1, y1])| Word {
            text: canonical_text(text),
            conf: 1.0,
            rect: Rect::new(
                (x0 / unit).round() as i32,
                (y0 / unit).round() as i32,
                ((x1 - x0) / unit).round().max(1.0) as u32,
                ((y1 - y0) / unit).round().max(1.0) as u32,
            ),
            line: (0, 0, 0),
        })
        .collect();
    if words.is_empty() {
        return Err(ReadError::NoText);
    }
    let rows: Vec<Row> = group_lines(&words)
        .into_iter()
        .map(|line| Row {
            words: split_glued_labels(line.words),
        })
        .collect();
    let mut page = Page::TextLayer {
        points_per_unit: unit,
    };
    read_certificate(&rows, &mut page).unwrap_or(Err(ReadError::NotThisKind))
}

/// A text layer is read in units of 1/150 inch, the size OCR reads a page
/// at, so that the rules on gaps and heights hold for both.
const TEXT_LAYER_POINTS_PER_UNIT: f32 = 72.0 / 150.0;

/// Whether the upload's edges are light (a scanner's bed, the page's own
/// margin) rather than a photo's table: the mean of the outer twentieth
/// on each side is 170 or more.
fn has_light_surround(image: &GrayImage) -> bool {
    let (w, h) = image.dimensions();
    let (bx, by) = ((w / 20).max(1), (h / 20).max(1));
    let (mut sum, mut count) = (0u64, 0u64);
    for (x, y, p) in image.enumerate_pixels() {
        if x < bx || x >= w - bx || y < by || y >= h - by {
            sum += u64::from(p[0]);
            count += 1;
        }
    }
    count > 0 && sum >= 170 * count
}

/// Whether an outline can be the page: shaped like A4 (within a tenth)
/// and a fifth of the upload or more. A frame printed on a scanned page,
/// or a box of it, is not the page.
fn is_page_outline(quad: &Quad, image: &GrayImage) -> bool {
    let across = (quad.side(0) + quad.side(2)) / 2.0;
    let down = (quad.side(1) + quad.side(3)) / 2.0;
    let ratio = across.max(down) / across.min(down).max(1.0);
    let image_area = image.width() as f32 * image.height() as f32;
    (PAGE_ASPECT * 0.9..=PAGE_ASPECT * 1.1).contains(&ratio) && quad.area() >= 0.2 * image_area
}

/// Where the rows of a certificate came from, and so how their values can
/// be read again and where their boxes lie in the upload.
enum Page<'a> {
    /// OCR of a view: `flat` is what OCR read, to cut values from for a
    /// second reading.
    Scanned {
        view: &'a Rectified,
        flat: &'a GrayImage,
        engine: &'a mut Engine,
    },
    /// A PDF's text layer, its coordinates `points_per_unit` points each:
    /// nothing to read again.
    TextLayer { points_per_unit: f32 },
}

impl Page<'_> {
    fn to_quad(&self, rect: Rect) -> Quad {
        match self {
            Page::Scanned { view, .. } => view.to_original(rect),
            Page::TextLayer { points_per_unit } => {
                let corners = rect
                    .to_quad()
                    .corners
                    .map(|(x, y)| (x * points_per_unit, y * points_per_unit));
                Quad::new(corners)
            }
        }
    }
}

/// The kinds the subtitle names (the `구분` key).
const TAXPAYER_KINDS: [&str; 4] = ["일반과세자", "간이과세자", "면세사업자", "법인사업자"];

static DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(\d{3,4})\s*[년난넌]\s*(\d{1,2})\s*[월윌원]\s*(\d{1,2})\s*[일잎월]?")
        .expect("valid")
});

/// Reads the fields of a certificate from its rows, or `None` when the rows
/// are not a certificate's (no title and fewer than three labels). The
/// stages: the labelled values ([`labelled_values`]), those whose label was
/// not read, the subtitle's kind, each value read again where its checks
/// fail and checked ([`checked_values`]), the issue date and office below
/// the labels ([`issue_fields`]), and the company's name spelt with its
/// type ([`spell_company_name`]).
fn read_certificate(
    rows: &[Row],
    page: &mut Page,
) -> Option<Result<BusinessCertificate, ReadError>> {
    let title_row = rows.iter().position(|r| {
        let compact = r.compact();
        compact.contains("등록증") || edit_distance(&compact, "사업자등록증") <= 2
    });
    let LabelledRows {
        mut values,
        label_rows,
        last_label_row,
        unlabelled,
    } = labelled_values(rows);
    if title_row.is_none() && label_rows < 3 {
        return None;
    }
    for (key, after, before) in [
        (
            BusinessKey::TradeName,
            BusinessKey::RegistrationNumber,
            BusinessKey::Representative,
        ),
        (
            BusinessKey::Representative,
            BusinessKey::TradeName,
            BusinessKey::OpeningDate,
        ),
    ] {
        if let Some(value) = unlabelled_value(rows, &values, &unlabelled, key, (after, before)) {
            values.push(value);
        }
    }
    if let Some(value) = unlabelled_opening_date(rows, &values) {
        values.push(value);
    }
    let mut key_values: Vec<KeyValue<BusinessKey>> =
        taxpayer_kind(rows, page).into_iter().collect();
    match checked_values(&values, page) {
        Ok(checked) => key_values.extend(checked),
        Err(e) => return Some(Err(e)),
    }
    let tail_start = last_label_row.map_or(0, |i| i + 1);
    issue_fields(&rows[tail_start..], &mut key_values, page);
    spell_company_name(&mut key_values);
    key_values.sort_by_key(|kv| KEYS.iter().position(|k| *k == kv.key));
    let lines = rows.iter().map(|r| page.to_quad(r.rect())).collect();
    if !key_values
        .iter()
        .any(|kv| kv.key == BusinessKey::RegistrationNumber)
    {
        return Some(Err(ReadError::NoNumber));
    }
    Some(Ok(BusinessCertificate { key_values, lines }))
}

/// What the rows' labels gave: each key's value as read after its label
/// (continued on the rows below for names, addresses and business
/// types), how many rows hold a label, the last of them, and the values
/// of rows whose own label was not read.
struct LabelledRows {
    values: Vec<RawValue>,
    label_rows: usize,
    last_label_row: Option<usize>,
    unlabelled: Vec<Unlabelled>,
}

/// Takes each labelled key's value from the rows ([`LabelledRows`]).
fn labelled_values(rows: &[Row]) -> LabelledRows {
    let mut labelled = LabelledRows {
        values: Vec::new(),
        label_rows: 0,
        last_label_row: None,
        unlabelled: Vec::new(),
    };
    // The value that a row without labels may continue, and where it began.
    let mut open: Option<(usize, i32)> = None;
    for (index, row) in rows.iter().enumerate() {
        let mut labels = labels_in(row);
        if labels.is_empty() {
            // The row's own label was not read, but one it shares the row
            // with was (`명. 오지수 생년월일 : …`, the `성` of `성명` lost):
            // the row's value ends there.
            labels = shared_labels_from(row, 1);
            if let Some(shared) = labels.first() {
                labelled.unlabelled.extend(value_before(row, index, shared));
            }
        }
        if labels.is_empty() {
            if let Some((value_index, _)) = open.filter(|open| continues(rows, index, *open)) {
                let words = row.words.iter().cloned();
                labelled.values[value_index].words.extend(words);
                continue;
            }
            open = None;
            labelled.unlabelled.extend(value_after_colon(row, index));
            continue;
        }
        labelled.label_rows += 1;
        labelled.last_label_row = Some(index);
        open = None;
        for (n, label) in labels.iter().enumerate() {
            let LabelTarget::Key(key) = label.target else {
                continue;
            };
            if labelled.values.iter().any(|v| v.key == key) {
                continue;
            }
            let from = label.start + label.words;
            let to = labels.get(n + 1).map_or(row.words.len(), |next| next.start);
            let words = value_words(row, from, label.value_skip, to);
            let value_x = words.first().map_or(i32::MAX, |w| w.rect.x);
            labelled.values.push(RawValue {
                key,
                words,
                errors: label.errors,
                row: index,
            });
            if matches!(
                key,
                BusinessKey::TradeName
                    | BusinessKey::BusinessAddress
                    | BusinessKey::HeadOfficeAddress
                    | BusinessKey::BusinessItem
                    | BusinessKey::BusinessType
            ) {
                open = Some((labelled.values.len() - 1, value_x));
            }
        }
    }
    labelled
}

/// Whether the row at `index`, without labels, continues the value `open`
/// (its index and the column it began at): close below the row before,
/// starting in the value column, not a date, read confidently.
fn continues(rows: &[Row], index: usize, (_, value_x): (usize, i32)) -> bool {
    let (row, previous) = (&rows[index], &rows[index - 1]);
    let gap = row.rect().y - previous.rect().bottom();
    gap < (previous.height() as i32).max(8)
        && row.rect().x + 8 >= value_x
        && DATE.find(&row.compact()).is_none()
        && is_confident_text(row)
}

/// The value of a row without labels after a colon among its first four
/// words (the label before it not read at all).
fn value_after_colon(row: &Row, index: usize) -> Option<Unlabelled> {
    let colon = row
        .words
        .iter()
        .take(4)
        .position(|w| w.text.contains([':', '：']))?;
    Some(Unlabelled {
        row: index,
        from: colon,
        to: row.words.len(),
    })
}

/// 구분: the kind the subtitle names, among the rows above the first key's
/// label, one letter misread at most.
fn taxpayer_kind(rows: &[Row], page: &Page) -> Option<KeyValue<BusinessKey>> {
    let first_label_row = rows.iter().position(|r| {
        labels_in(r)
            .iter()
            .any(|l| matches!(l.target, LabelTarget::Key(_)))
    });
    let head = &rows[..first_label_row.unwrap_or(rows.len()).min(rows.len())];
    let (row, kind, errors) = head
        .iter()
        .filter_map(|row| {
            let bare: String = row
                .compact()
                .chars()
                .filter(|c| !matches!(c, '(' | ')' | '[' | ']' | '{' | '}'))
                .collect();
            TAXPAYER_KINDS
                .iter()
                .map(|kind| (row, *kind, edit_distance(&bare, kind)))
                .min_by_key(|(_, _, e)| *e)
        })
        .filter(|(_, _, errors)| *errors <= 1)
        .min_by_key(|(_, _, errors)| *errors)?;
    let conf = mean_conf(&row.words) * if errors == 0 { 1.0 } else { 0.7 };
    Some(KeyValue {
        key: BusinessKey::TaxpayerKind,
        value: kind.to_owned(),
        conf,
        quad: page.to_quad(row.rect()),
    })
}

/// Each value checked ([`checked_value`]); on a scanned page, a
/// registration number that fails its check is read again, and names are
/// read again where the Korean model was unsure ([`surer_name`]).
fn checked_values(
    values: &[RawValue],
    page: &mut Page,
) -> Result<Vec<KeyValue<BusinessKey>>, ReadError> {
    let mut key_values = Vec::with_capacity(values.len());
    for raw in values {
        if raw.words.is_empty() {
            continue;
        }
        let mut raw = raw.clone();
        if let Page::Scanned { flat, engine, .. } = page {
            if raw.key == BusinessKey::RegistrationNumber
                && !registration_number_passes(&raw.text())
            {
                if let Some(number) = reread_registration_number(engine, flat, raw.rect())? {
                    raw.words = vec![Word {
                        text: number,
                        conf: raw.conf() * REREAD_CONF,
                        ..raw.words[0].clone()
                    }];
                }
            }
            if matches!(
                raw.key,
                BusinessKey::TradeName | BusinessKey::Representative
            ) {
                surer_name(engine, flat, &mut raw)?;
            }
        }
        key_values.extend(checked_value(&raw, &|rect| page.to_quad(rect)));
    }
    Ok(key_values)
}

/// 발급일자 and 발급기관, from the rows below the labelled ones (`tail`):
/// the first date and the first office named, unless already read.
fn issue_fields(tail: &[Row], key_values: &mut Vec<KeyValue<BusinessKey>>, page: &Page) {
    for row in tail {
        let compact = row.compact();
        if !key_values.iter().any(|kv| kv.key == BusinessKey::IssueDate) {
            if let Some(date) = korean_date(
                &row.words
                    .iter()
                    .map(|w| w.text.as_str())
                    .collect::<Vec<_>>()
                    .join(" "),
            ) {
                let conf = mean_conf(&row.words) * date.1;
                key_values.push(KeyValue {
                    key: BusinessKey::IssueDate,
                    value: date.0,
                    conf,
                    quad: page.to_quad(row.rect()),
                });
                continue;
            }
        }
        if !key_values.iter().any(|kv| kv.key == BusinessKey::Issuer) {
            if let Some(office) = issuing_office(&compact) {
                key_values.push(KeyValue {
                    key: BusinessKey::Issuer,
                    value: office,
                    conf: mean_conf(&row.words),
                    quad: page.to_quad(row.rect()),
                });
            }
        }
    }
}

/// The company's name (상호) with its type set apart as printed, and, on
/// a corporation's certificate, spelt with its type (`주식회사`, `(주)`)
/// where a mark or a misread letter hid it.
fn spell_company_name(key_values: &mut [KeyValue<BusinessKey>]) {
    if let Some(name) = key_values
        .iter_mut()
        .find(|kv| kv.key == BusinessKey::TradeName)
    {
        if let Some(apart) = with_company_type_apart(&name.value) {
            name.value = apart;
        }
    }
    if !is_corporation(key_values) {
        return;
    }
    if let Some(name) = key_values
        .iter_mut()
        .find(|kv| kv.key == BusinessKey::TradeName)
    {
        let spelt = match with_stray_mark_apart(&name.value) {
            Some(apart) if holds_company_type(&apart) => Some((apart, 0)),
            Some(apart) => with_company_type(&apart),
            None => with_company_type(&name.value)
                .or_else(|| with_corporate_mark(&name.value).map(|marked| (marked, 1))),
        };
        if let Some((spelt, misread)) = spelt {
            name.value = spelt;
            name.conf *= MISREAD_TYPE_CONF.powi(misread as i32);
        }
    }
}

#[cfg(test)]
mod tests;
