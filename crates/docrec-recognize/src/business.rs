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
//! [`BusinessError`].
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

use std::sync::LazyLock;
use std::time::Duration;

use docrec_errors::{ErrorCode, ToErrorCode};
use docrec_ocr::canonical::canonical_text;
use docrec_ocr::detect::{find_quad, rectify_as_found, Rectified};
use docrec_ocr::preprocess::{fitted_to_long_side, flatten_paper, line_cut};
use docrec_ocr::{Engine, OcrError, Quad, Rect, SegMode, Word};
use image::GrayImage;
use regex::Regex;
use serde::Serialize;

use crate::api::{BoxCorners, KeyValue, KeyValueResult, Resolution};
use crate::context::ReadContext;
use crate::text::{edit_distance, group_lines, is_hangul, jamo_distance, words_rect};
use docrec_rules::address::respaced_address;
use docrec_rules::business_number::{
    corporate_number_passes, format_registration_number, registration_number_passes,
};
use docrec_rules::date_exists;

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
    pub key_values: Vec<KeyValue>,
    /// Every text line read, in reading order.
    pub lines: Vec<Quad>,
}

/// Why a certificate could not be read.
#[derive(Debug, thiserror::Error)]
pub enum BusinessError {
    #[error("the OCR engine failed: {0}")]
    Engine(#[from] OcrError),
    #[error("no text was found in the image")]
    NoText,
    #[error("the document is a business registration certificate but its registration number could not be read")]
    NoNumber,
    #[error("the document is not a business registration certificate")]
    NotACertificate,
}

impl ToErrorCode for BusinessError {
    fn error_code(&self) -> ErrorCode {
        match self {
            BusinessError::Engine(_) => ErrorCode::OcrDocumentBusinessApiFail,
            BusinessError::NoText => ErrorCode::OcrDocumentBusinessApiReturnEmpty,
            BusinessError::NoNumber => ErrorCode::OcrDocumentBusinessRecognitionFail,
            BusinessError::NotACertificate => ErrorCode::InvalidBusinessRegistrationFormat,
        }
    }
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

impl BusinessCertificate {
    /// The same certificate with every box scaled by `factor` (pixels of a
    /// rendered PDF page to its points, of a resized upload to its own).
    pub fn scaled(mut self, factor: f32) -> BusinessCertificate {
        let key_boxes = self.key_values.iter_mut().map(|kv| &mut kv.quad);
        for quad in key_boxes.chain(&mut self.lines) {
            *quad = quad.scaled(factor);
        }
        self
    }

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

/// The keys of API.md §4.1 in the API's order.
pub const KEYS: [&str; 14] = [
    "구분",
    "등록번호",
    "상호",
    "대표자",
    "생년월일",
    "개업연월일",
    "법인등록번호",
    "사업장소재지",
    "본점소재지",
    "업태",
    "종목",
    "발급사유",
    "발급일자",
    "발급기관",
];

/// Reads a business registration certificate. An upload smaller than the
/// view the page is read at is first enlarged to it, one much larger
/// shrunk ([`READ_LONG_SIDES`]), and the boxes are given back in the
/// upload's pixels.
pub fn recognize_business(
    image: &GrayImage,
    engine: &mut Engine,
    context: &ReadContext,
) -> Result<BusinessCertificate, BusinessError> {
    match fitted_to_long_side(image, READ_LONG_SIDES) {
        Some((fitted, factor)) => {
            read_page(&fitted, engine, context).map(|page| page.scaled(1.0 / factor))
        }
        None => read_page(image, engine, context),
    }
}

/// Reads a certificate from an upload at a size [`READ_LONG_SIDES`]
/// allows.
fn read_page(
    image: &GrayImage,
    engine: &mut Engine,
    context: &ReadContext,
) -> Result<BusinessCertificate, BusinessError> {
    let quad = find_quad(image, PAGE_ASPECT).filter(|q| is_page_outline(q, image));
    // A page lies upright, upside down or sideways: the likelier way first.
    let ways = |view: Rectified| {
        if view.image.width() > view.image.height() {
            [view.rotated_quarter(true), view.rotated_quarter(false)]
        } else {
            [view.rotated_180(), view]
        }
        .into_iter()
        .rev()
    };
    // The outline found, if any, then the whole upload when what surrounds
    // the outline is light (a box on a scanned page taken for the page; on
    // a photo's table the whole upload holds nothing more, and its texture
    // is slow to read).
    let mut views: Vec<Rectified> = Vec::new();
    let whole = ways(rectify_as_found(image, None, VIEW_SHORT_SIDE));
    match quad {
        Some(quad) if has_light_surround(image) => {
            let outlined = ways(rectify_as_found(image, Some(quad), VIEW_SHORT_SIDE));
            for (a, b) in outlined.zip(whole) {
                views.push(a);
                views.push(b);
            }
        }
        Some(quad) => views.extend(ways(rectify_as_found(image, Some(quad), VIEW_SHORT_SIDE))),
        None => views.extend(whole),
    }
    let mut any_text = false;
    for view in &views {
        if context.is_spent() {
            break;
        }
        context.count_look();
        let flat = flatten_paper(&view.image);
        let words = engine.read_spaced_with(LANGUAGE, &flat, SegMode::Block)?;
        if words.is_empty() {
            continue;
        }
        any_text = true;
        let mut page = Page::Scanned {
            view,
            flat: &flat,
            engine: &mut *engine,
        };
        if let Some(certificate) = read_certificate(&rows_of(&words), &mut page) {
            return certificate;
        }
    }
    if any_text {
        Err(BusinessError::NotACertificate)
    } else {
        Err(BusinessError::NoText)
    }
}

/// The time a certificate's reading is given ([`ReadContext::budget`]): no
/// other way of the page is read once it is spent, so a photo that shows
/// no certificate is answered in seconds, whatever it shows.
pub const READ_BUDGET: Duration = Duration::from_secs(3);

/// Reads a certificate from a PDF's text layer: each word with its box in
/// points from the page's top-left corner, its dashes and full-width forms
/// made canonical as OCR's words are. Nothing is recognised: the
/// words are grouped into rows and read as OCR's rows are, at confidence 1
/// (less where a check fails); boxes are in points.
pub fn recognize_business_text(
    words: &[(String, [f32; 4])],
) -> Result<BusinessCertificate, BusinessError> {
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
        return Err(BusinessError::NoText);
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
    read_certificate(&rows, &mut page).unwrap_or(Err(BusinessError::NotACertificate))
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

/// One row of text as Tesseract read it: words left to right.
#[derive(Debug, Clone)]
struct Row {
    words: Vec<Word>,
}

impl Row {
    fn rect(&self) -> Rect {
        words_rect(&self.words)
    }

    fn height(&self) -> u32 {
        let mut heights: Vec<u32> = self.words.iter().map(|w| w.rect.height).collect();
        heights.sort_unstable();
        heights.get(heights.len() / 2).copied().unwrap_or(0)
    }

    /// The row's text without spaces.
    fn compact(&self) -> String {
        self.words.iter().map(|w| w.text.as_str()).collect()
    }
}

/// Splits a word that holds a label that may share a row after the start
/// of the word (`심주재생년월일:1979년…`, the name read without the space
/// before the label): the box is shared by characters.
fn split_glued_labels(words: Vec<Word>) -> Vec<Word> {
    const SHAREABLE: [&str; 4] = ["생년월일", "법인등록번호", "업태", "종목"];
    let mut out = Vec::with_capacity(words.len());
    for word in words {
        let cut = SHAREABLE
            .iter()
            .filter_map(|label| word.text.find(label))
            .filter(|at| *at > 0)
            .min();
        match cut {
            Some(at) => {
                let (head, tail) = word.text.split_at(at);
                let total = word.text.chars().count().max(1) as f32;
                let head_width =
                    (word.rect.width as f32 * head.chars().count() as f32 / total).round() as u32;
                let mut first = word.clone();
                first.text = head.to_owned();
                first.rect.width = head_width;
                let mut second = word.clone();
                second.text = tail.to_owned();
                second.rect.x += head_width as i32;
                second.rect.width = word.rect.width.saturating_sub(head_width);
                out.push(first);
                out.push(second);
            }
            None => out.push(word),
        }
    }
    out
}

/// Words grouped into Tesseract's lines, top to bottom.
fn rows_of(words: &[Word]) -> Vec<Row> {
    let mut rows: Vec<Row> = Vec::new();
    let mut keys: Vec<(u32, u32, u32)> = Vec::new();
    for word in words {
        match keys.iter().position(|k| *k == word.line) {
            Some(i) => rows[i].words.push(word.clone()),
            None => {
                keys.push(word.line);
                rows.push(Row {
                    words: vec![word.clone()],
                });
            }
        }
    }
    for row in &mut rows {
        row.words.sort_by_key(|w| w.rect.x);
        row.words = split_glued_labels(std::mem::take(&mut row.words));
    }
    rows.sort_by_key(|r| r.rect().y);
    rows
}

/// What a label introduces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LabelTarget {
    Key(&'static str),
    /// `사업의 종류`: its value holds the `업태` and `종목` labels.
    KindOfBusiness,
    /// A label of no key (`발급번호`, `공동사업자`, the e-mail line): it ends
    /// the value before it and its own value is not taken.
    Other,
}

/// The labels a certificate prints, without spaces, and what each
/// introduces. Longer labels first: `법인등록번호` before `등록번호`.
const LABELS: &[(&str, LabelTarget)] = &[
    ("법인등록번호", LabelTarget::Key("법인등록번호")),
    ("등록번호", LabelTarget::Key("등록번호")),
    ("법인명(단체명)", LabelTarget::Key("상호")),
    ("법인명", LabelTarget::Key("상호")),
    ("상호", LabelTarget::Key("상호")),
    ("대표자", LabelTarget::Key("대표자")),
    ("성명", LabelTarget::Key("대표자")),
    ("생년월일", LabelTarget::Key("생년월일")),
    ("개업연월일", LabelTarget::Key("개업연월일")),
    ("사업장소재지", LabelTarget::Key("사업장소재지")),
    ("본점소재지", LabelTarget::Key("본점소재지")),
    ("사업의종류", LabelTarget::KindOfBusiness),
    ("업태", LabelTarget::Key("업태")),
    ("종목", LabelTarget::Key("종목")),
    ("발급사유", LabelTarget::Key("발급사유")),
    ("발급번호", LabelTarget::Other),
    ("공동사업자", LabelTarget::Other),
    ("사업자단위과세적용사업자여부", LabelTarget::Other),
    ("전자세금계산서전용전자우편주소", LabelTarget::Other),
];

/// Characters printed or read between a label and its value.
fn is_separator(c: char) -> bool {
    matches!(
        c,
        ':' | '：' | ';' | '|' | '.' | ',' | '『' | '」' | '「' | '』'
    )
}

/// How many misread characters a label of `len` characters may have and
/// still be recognised: none for two-character labels (`상호` is also a
/// word of trade names), one up to five, two beyond.
fn allowed_errors(len: usize) -> usize {
    match len {
        0..=2 => 0,
        3..=5 => 1,
        _ => 2,
    }
}

/// A label found at word `start` of a row, spanning `words` words; the value
/// begins at word `start + words` (and after `skip_chars` characters of it,
/// when the label or its colon was glued to the value).
#[derive(Debug, Clone, Copy)]
struct LabelAt {
    target: LabelTarget,
    start: usize,
    words: usize,
    /// Characters of the word after the label's last word that belong to
    /// it (a colon glued to the value).
    value_skip: usize,
    errors: usize,
}

/// The label that the words of `row` from `start` spell, if any: the words
/// joined without spaces, with a trailing separator dropped, within the
/// label's allowed errors. A label whose last character is glued to the
/// start of the value (`생년월일:1978`) is found too.
fn label_at(row: &Row, start: usize) -> Option<LabelAt> {
    let mut best: Option<(LabelAt, i32)> = None;
    let mut joined = String::new();
    for end in start..row.words.len().min(start + 16) {
        joined.push_str(&row.words[end].text);
        let bare: String = joined.trim_end_matches(is_separator).to_owned();
        // The word may hold the label and a glued colon and value: try every
        // split of the last word.
        let last = &row.words[end].text;
        let before_last: String = joined[..joined.len() - last.len()].to_owned();
        // The last word may hold the end of the label and the start of the
        // value (`생년월일:1978`, `)유한회사`): try every split of it.
        // A split not at a separator must give the label exactly: `법인`
        // of `법인사업자` is no `법인명`.
        let mut splits: Vec<(String, usize, bool)> = vec![(bare.clone(), 0, true)];
        for (index, _) in last.char_indices().skip(1) {
            let head = &last[..index];
            let tail = &last[index..];
            let value = tail.trim_start_matches(is_separator);
            if !value.is_empty() {
                let at_separator = value.len() < tail.len() || head.ends_with(is_separator);
                let value_skip = last.chars().count() - value.chars().count();
                let head = format!("{before_last}{}", head.trim_end_matches(is_separator));
                splits.push((head, value_skip, at_separator));
            }
        }
        for (text, value_skip, at_separator) in splits {
            // Specks read between a label's letters (`대. .표' ㆍ 자`) are
            // not part of it.
            let text: String = text
                .chars()
                .filter(|c| !is_separator(*c) && !is_stray_mark(*c))
                .collect();
            let text = text.as_str();
            let length = text.chars().count();
            for (label, target) in LABELS {
                let label_len = label.chars().count();
                if length + 2 < label_len || length > label_len + 2 {
                    continue;
                }
                let errors = edit_distance(text, label);
                if errors > allowed_errors(label_len) || (errors > 0 && !at_separator) {
                    continue;
                }
                let words = if value_skip > 0 {
                    end - start
                } else {
                    end - start + 1
                };
                let found = LabelAt {
                    target: *target,
                    start,
                    words,
                    value_skip,
                    errors,
                };
                // The most characters matched, an error costing two (so
                // `법인명(단체명` is the long label read with one error, not
                // `법인명` and a stray `(단체명`), then more words.
                // On a tie, the split that gives the label more of the word
                // (`대표.자:` rather than `대표`, leaving `자:` to the value).
                let score = label_len as i32 - 2 * errors as i32;
                let better = match best {
                    None => true,
                    Some((b, b_score)) => {
                        (score, found.words, found.value_skip) > (b_score, b.words, b.value_skip)
                    }
                };
                if better {
                    best = Some((found, score));
                }
            }
        }
        if joined.chars().count() > 20 {
            break;
        }
    }
    best.map(|(label, _)| label)
}

/// Labels that follow a value on the same row: the birth date after the
/// name, the corporate number after the opening date, `업태` and `종목`.
fn may_share_a_row(target: LabelTarget) -> bool {
    matches!(
        target,
        LabelTarget::Key("생년월일" | "법인등록번호" | "업태" | "종목")
    )
}

/// The labels of a row, left to right, not overlapping: one at its start
/// (its first or second word: a stray mark may come first), then those
/// that may share a row. A row whose start is no label has none (`상호`
/// inside `상호 변경`, a reason of issue, is no label).
fn labels_in(row: &Row) -> Vec<LabelAt> {
    let Some(first) =
        (0..row.words.len().min(2)).find_map(|start| best_label_from(row, start, |_| true))
    else {
        return Vec::new();
    };
    let mut found = vec![first];
    found.extend(shared_labels_from(row, first.start + first.words.max(1)));
    found
}

/// The labels that may share a row (see [`may_share_a_row`]) from word
/// `start` on, left to right, not overlapping.
fn shared_labels_from(row: &Row, mut start: usize) -> Vec<LabelAt> {
    let mut found = Vec::new();
    while start < row.words.len() {
        match best_label_from(row, start, may_share_a_row) {
            Some(label) => {
                start = label.start + label.words.max(1);
                found.push(label);
            }
            None => start += 1,
        }
    }
    found
}

/// The label starting at word `start`, unless one starting a word later
/// reads with fewer errors (`준 생년월일:` is the name's last syllable, then
/// the label).
fn best_label_from(
    row: &Row,
    start: usize,
    allowed: impl Fn(LabelTarget) -> bool,
) -> Option<LabelAt> {
    let here = label_at(row, start).filter(|l| allowed(l.target))?;
    match label_at(row, start + 1).filter(|l| allowed(l.target)) {
        Some(next) if next.errors < here.errors => Some(next),
        _ => Some(here),
    }
}

/// A value as read: its words (and characters to skip at the front of the
/// first) and the row it starts on.
#[derive(Debug, Clone)]
struct RawValue {
    key: &'static str,
    words: Vec<Word>,
    errors: usize,
    /// The row its label is on.
    row: usize,
}

impl RawValue {
    fn text(&self) -> String {
        self.words
            .iter()
            .map(|w| w.text.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn conf(&self) -> f32 {
        if self.words.is_empty() {
            return 0.0;
        }
        let mean = self.words.iter().map(|w| w.conf).sum::<f32>() / self.words.len() as f32;
        mean * 0.9f32.powi(self.errors as i32)
    }

    fn rect(&self) -> Rect {
        words_rect(&self.words)
    }
}

/// The words of `row` from word `from` (skipping `skip` characters of it)
/// to word `to`, without what OCR made of the colon and the marks around
/// the value: up to a colon among its first two words (`ㆍ :`, `_ :`), and
/// stray marks at either end (`정정 |`, `박예나-`).
fn value_words(row: &Row, from: usize, skip: usize, to: usize) -> Vec<Word> {
    let mut words: Vec<Word> = row.words[from.min(to)..to].to_vec();
    if let Some(first) = words.first_mut() {
        if skip > 0 {
            first.text = first.text.chars().skip(skip).collect();
        }
    }
    if let Some(colon) = words
        .iter()
        .take(2)
        .rposition(|w| w.text.ends_with([':', '：']))
    {
        words.drain(..=colon);
    }
    while let Some(first) = words.first_mut() {
        first.text = first.text.trim_start_matches(is_leading_stray).to_owned();
        if !first.text.is_empty() {
            break;
        }
        words.remove(0);
    }
    while let Some(last) = words.last_mut() {
        last.text = last.text.trim_end_matches(is_stray_mark).to_owned();
        if !last.text.is_empty() {
            break;
        }
        words.pop();
    }
    words
}

/// A trade name without what OCR kept of its label's bracket
/// (`법인명(단체명)`) when the name follows the label closely:
/// `(단체몇주)해맑은테크` and `( 단 체 명주)초록미용실` were the bracket and
/// `(주)…`. The bracket is the longest start that reads `(단체명` with one
/// error at most (after the label's first word, when OCR read that too:
/// [`without_label_word`]); a corporate mark it left without its opening
/// bracket (`주)`) gets it back.
fn without_label_bracket(text: &str) -> String {
    const BRACKET: &str = "(단체명";
    let text = without_label_word(text);
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let bracket_chars = (2..=BRACKET.chars().count() + 1)
        .filter_map(|n| {
            let start: String = compact.chars().take(n).collect();
            let errors = edit_distance(&start, BRACKET);
            (start.starts_with('(') && start.chars().count() == n && errors <= 1)
                .then_some((errors, n))
        })
        .min_by_key(|&(errors, n)| (errors, std::cmp::Reverse(n)));
    let Some((_, n)) = bracket_chars else {
        return text.to_owned();
    };
    // Skip `n` characters that are not white space.
    let mut seen = 0;
    let rest = text.trim_start_matches(|c: char| {
        if seen == n {
            return c.is_whitespace();
        }
        seen += usize::from(!c.is_whitespace());
        true
    });
    let rest = rest.trim_start_matches(|c: char| c.is_whitespace() || is_leading_stray(c));
    let mut chars = rest.chars();
    match (chars.next(), chars.next()) {
        (Some(mark), Some(')')) if is_hangul(mark) => format!("({rest}"),
        _ => rest.to_owned(),
    }
}

/// A trade name without the label's first word, when OCR read the label
/// letter by letter as part of the value (`법 인 명 ( 단 체 명:) (주)…`):
/// three characters that read `법인명` with one error at most, then its
/// bracket.
fn without_label_word(text: &str) -> &str {
    const WORD: &str = "법인명";
    let mut letters = text.char_indices().filter(|(_, c)| !c.is_whitespace());
    let word: String = letters.by_ref().take(3).map(|(_, c)| c).collect();
    match letters.next() {
        Some((at, '(')) if edit_distance(&word, WORD) <= 1 => &text[at..],
        _ => text,
    }
}

/// What OCR may read before a value that no value starts with: separators,
/// stray marks, and the closing bracket of the corporate label (`(단체명)`).
fn is_leading_stray(c: char) -> bool {
    is_separator(c) || is_stray_mark(c) || matches!(c, ')' | '}' | ']')
}

/// Marks OCR reads from specks, the seal's ring or a misread colon, which
/// no value starts or ends with.
fn is_stray_mark(c: char) -> bool {
    matches!(
        c,
        '|' | '「'
            | '」'
            | '『'
            | '』'
            | '-'
            | '_'
            | '~'
            | '。'
            | '”'
            | '“'
            | '"'
            | '\''
            | '*'
            | '＊'
            | 'ㆍ'
            | '·'
            | '•'
            | '`'
            | '^'
            | '!'
            | '['
            | '…'
    )
}

/// The kinds the subtitle names (the `구분` key).
const TAXPAYER_KINDS: [&str; 4] = ["일반과세자", "간이과세자", "면세사업자", "법인사업자"];

static DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(\d{3,4})\s*[년난넌]\s*(\d{1,2})\s*[월윌원]\s*(\d{1,2})\s*[일잎월]?")
        .expect("valid")
});

/// Reads the fields of a certificate from its rows, or `None` when the rows
/// are not a certificate's (no title and fewer than three labels).
fn read_certificate(
    rows: &[Row],
    page: &mut Page,
) -> Option<Result<BusinessCertificate, BusinessError>> {
    let title_row = rows.iter().position(|r| {
        let compact = r.compact();
        compact.contains("등록증") || edit_distance(&compact, "사업자등록증") <= 2
    });
    let mut values: Vec<RawValue> = Vec::new();
    let mut label_rows = 0;
    // The value that a row without labels may continue, and where it began.
    let mut open: Option<(usize, i32)> = None;
    let mut last_label_row = None;
    // The values of rows whose label was not read.
    let mut unlabelled: Vec<Unlabelled> = Vec::new();
    for (index, row) in rows.iter().enumerate() {
        let mut labels = labels_in(row);
        if labels.is_empty() {
            // The row's own label was not read, but one it shares the row
            // with was (`명. 오지수 생년월일 : …`, the `성` of `성명` lost):
            // the row's value ends there.
            labels = shared_labels_from(row, 1);
            if let Some(shared) = labels.first() {
                unlabelled.extend(value_before(row, index, shared));
            }
        }
        if labels.is_empty() {
            // A continuation: close below the row before, starting in the
            // value column.
            if let Some((value_index, value_x)) = open {
                let previous = &rows[index - 1];
                let gap = row.rect().y - previous.rect().bottom();
                let continues = gap < (previous.height() as i32).max(8)
                    && row.rect().x + 8 >= value_x
                    && DATE.find(&row.compact()).is_none()
                    && is_confident_text(row);
                if continues {
                    values[value_index].words.extend(row.words.iter().cloned());
                    continue;
                }
            }
            open = None;
            if let Some(colon) = row
                .words
                .iter()
                .take(4)
                .position(|w| w.text.contains([':', '：']))
            {
                unlabelled.push(Unlabelled {
                    row: index,
                    from: colon,
                    to: row.words.len(),
                });
            }
            continue;
        }
        label_rows += 1;
        last_label_row = Some(index);
        open = None;
        for (n, label) in labels.iter().enumerate() {
            let from = label.start + label.words;
            let to = labels.get(n + 1).map_or(row.words.len(), |next| next.start);
            let words = value_words(row, from, label.value_skip, to);
            match label.target {
                LabelTarget::Key(key) => {
                    if values.iter().any(|v| v.key == key) {
                        continue;
                    }
                    let value_x = words.first().map_or(i32::MAX, |w| w.rect.x);
                    values.push(RawValue {
                        key,
                        words,
                        errors: label.errors,
                        row: index,
                    });
                    if matches!(
                        key,
                        "상호" | "사업장소재지" | "본점소재지" | "종목" | "업태"
                    ) {
                        open = Some((values.len() - 1, value_x));
                    }
                }
                LabelTarget::KindOfBusiness | LabelTarget::Other => {}
            }
        }
    }
    if title_row.is_none() && label_rows < 3 {
        return None;
    }
    for (key, after, before) in [
        ("상호", "등록번호", "대표자"),
        ("대표자", "상호", "개업연월일"),
    ] {
        if let Some(value) = unlabelled_value(rows, &values, &unlabelled, key, (after, before)) {
            values.push(value);
        }
    }
    if let Some(value) = unlabelled_opening_date(rows, &values) {
        values.push(value);
    }

    let mut key_values: Vec<KeyValue> = Vec::new();

    // 구분: the subtitle, among the rows above the first key's label.
    let first_label_row = rows.iter().position(|r| {
        labels_in(r)
            .iter()
            .any(|l| matches!(l.target, LabelTarget::Key(_)))
    });
    let head = &rows[..first_label_row.unwrap_or(rows.len()).min(rows.len())];
    if let Some((row, kind, errors)) = head
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
        .min_by_key(|(_, _, errors)| *errors)
    {
        let conf = mean_conf(&row.words) * if errors == 0 { 1.0 } else { 0.7 };
        key_values.push(KeyValue {
            key: "구분",
            value: kind.to_owned(),
            conf,
            quad: page.to_quad(row.rect()),
        });
    }
    for raw in &values {
        if raw.words.is_empty() {
            continue;
        }
        let mut raw = raw.clone();
        if let Page::Scanned { flat, engine, .. } = page {
            if raw.key == "등록번호" && !registration_number_passes(&raw.text()) {
                match reread_registration_number(engine, flat, raw.rect()) {
                    Ok(Some(number)) => {
                        raw.words = vec![Word {
                            text: number,
                            conf: raw.conf() * REREAD_CONF,
                            ..raw.words[0].clone()
                        }];
                    }
                    Ok(None) => {}
                    Err(e) => return Some(Err(e.into())),
                }
            }
            if matches!(raw.key, "상호" | "대표자") {
                if let Err(e) = surer_name(engine, flat, &mut raw) {
                    return Some(Err(e.into()));
                }
            }
        }
        if let Some(kv) = checked_value(&raw, &|rect| page.to_quad(rect)) {
            key_values.push(kv);
        }
    }
    // 발급일자 and 발급기관: below the labelled rows, a date and the office.
    let tail_start = last_label_row.map_or(0, |i| i + 1);
    for row in &rows[tail_start..] {
        let compact = row.compact();
        if !key_values.iter().any(|kv| kv.key == "발급일자") {
            if let Some(date) = korean_date(
                &row.words
                    .iter()
                    .map(|w| w.text.as_str())
                    .collect::<Vec<_>>()
                    .join(" "),
            ) {
                let conf = mean_conf(&row.words) * date.1;
                key_values.push(KeyValue {
                    key: "발급일자",
                    value: date.0,
                    conf,
                    quad: page.to_quad(row.rect()),
                });
                continue;
            }
        }
        if !key_values.iter().any(|kv| kv.key == "발급기관") {
            if let Some(office) = issuing_office(&compact) {
                key_values.push(KeyValue {
                    key: "발급기관",
                    value: office,
                    conf: mean_conf(&row.words),
                    quad: page.to_quad(row.rect()),
                });
            }
        }
    }
    if let Some(name) = key_values.iter_mut().find(|kv| kv.key == "상호") {
        if let Some(apart) = with_company_type_apart(&name.value) {
            name.value = apart;
        }
    }
    if is_corporation(&key_values) {
        if let Some(name) = key_values.iter_mut().find(|kv| kv.key == "상호") {
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
    key_values.sort_by_key(|kv| KEYS.iter().position(|k| *k == kv.key));
    let lines = rows.iter().map(|r| page.to_quad(r.rect())).collect();
    if !key_values.iter().any(|kv| kv.key == "등록번호") {
        return Some(Err(BusinessError::NoNumber));
    }
    Some(Ok(BusinessCertificate { key_values, lines }))
}

/// The kinds of company whose name a company's trade name must hold
/// (Commercial Act, article 19).
const COMPANY_TYPES: [&str; 5] = [
    "주식회사",
    "유한회사",
    "합자회사",
    "합명회사",
    "유한책임회사",
];

/// A trade name that starts or ends with a kind of company glued to the
/// rest (`유한회사바른철물`), with the space Korean spelling writes between
/// them (`유한회사 바른철물`); `None` when there is none to add. OCR loses
/// the narrow spaces of Korean faces; only a space changes.
fn with_company_type_apart(name: &str) -> Option<String> {
    let glued_to_hangul = |rest: &str, at_start: bool| {
        let next = if at_start {
            rest.chars().next()
        } else {
            rest.chars().next_back()
        };
        next.is_some_and(is_hangul)
    };
    COMPANY_TYPES.iter().find_map(|kind| {
        if let Some(rest) = name.strip_prefix(kind) {
            glued_to_hangul(rest, true).then(|| format!("{kind} {rest}"))
        } else if let Some(rest) = name.strip_suffix(kind) {
            glued_to_hangul(rest, false).then(|| format!("{rest} {kind}"))
        } else {
            None
        }
    })
}

/// A company's trade name whose first or last word is a kind of company
/// with up to half its syllables misread (`똥식회사 새봄학원`), spelt with
/// that kind (`주식회사 새봄학원`) when no other kind is as near, and how
/// many syllables were misread; `None` when the name holds no such word or
/// holds it as printed.
fn with_company_type(name: &str) -> Option<(String, usize)> {
    let mut words: Vec<&str> = name.split(' ').collect();
    if words.len() < 2 {
        return None;
    }
    let ends = [(0, words[0]), (words.len() - 1, words[words.len() - 1])];
    let mut nearest: Vec<(f32, usize, usize, &str)> = ends
        .into_iter()
        .flat_map(|(at, word)| {
            COMPANY_TYPES
                .iter()
                .filter(move |kind| word.chars().count() == kind.chars().count())
                .map(move |kind| {
                    let misread = word
                        .chars()
                        .zip(kind.chars())
                        .filter(|(a, b)| a != b)
                        .count();
                    (
                        misread as f32 / kind.chars().count() as f32,
                        misread,
                        at,
                        *kind,
                    )
                })
        })
        .filter(|(share, ..)| *share <= 0.5)
        .collect();
    nearest.sort_by(|a, b| a.0.total_cmp(&b.0));
    let (share, misread, at, kind) = *nearest.first()?;
    if misread == 0 || nearest.get(1).is_some_and(|next| next.0 <= share) {
        return None;
    }
    words[at] = kind;
    Some((words.join(" "), misread))
}

/// The middle digits (the kind) of the registration numbers of for-profit
/// corporations (`XXX-81-XXXXX`; individuals have 01-79).
const CORPORATION_KINDS: [&str; 4] = ["81", "86", "87", "88"];

/// Whether the certificate is a company's: its subtitle (`구분`) says
/// `법인사업자`, it has a corporate registration number (`법인등록번호`),
/// or its registration number's kind is a for-profit corporation's (the
/// subtitle and the labels may be unreadable on a photo).
fn is_corporation(key_values: &[KeyValue]) -> bool {
    key_values.iter().any(|kv| match kv.key {
        "구분" => kv.value == "법인사업자",
        "법인등록번호" => true,
        "등록번호" => kv
            .value
            .split('-')
            .nth(1)
            .is_some_and(|kind| CORPORATION_KINDS.contains(&kind)),
        _ => false,
    })
}

/// The marks a company's trade name may start with for its kind:
/// `(주)` for 주식회사, `(유)` for 유한회사.
const CORPORATE_MARKS: [char; 2] = ['주', '유'];

/// A company's trade name that starts with its kind's mark misread
/// (`@)미래베이커리`: the bracket and `주` read as one sign; `(추)새봄`), that
/// mark spelt as printed: a sign that is no syllable is `(주)` (the mark
/// nearly every company prints), a syllable the mark one letter off.
/// `None` when the name starts with no misread mark.
fn with_corporate_mark(name: &str) -> Option<String> {
    static MARK: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"^\(?([^\s()])\)\s?([가-힣].*)$").expect("valid"));
    let caps = MARK.captures(name)?;
    let read = caps[1].chars().next()?;
    let rest = &caps[2];
    let mark = if !is_hangul(read) {
        (!read.is_ascii_alphanumeric()).then_some('주')?
    } else if CORPORATE_MARKS.contains(&read) {
        return None;
    } else {
        let near: Vec<char> = CORPORATE_MARKS
            .into_iter()
            .filter(|mark| jamo_distance(&read.to_string(), &mark.to_string()) == 1)
            .collect();
        match near[..] {
            [mark] => mark,
            _ => return None,
        }
    };
    Some(format!("({mark}){rest}"))
}

/// Whether a trade name's first or last word is a kind of company as
/// spelt.
fn holds_company_type(name: &str) -> bool {
    let mut words = name.split(' ');
    let first = words.next();
    let last = words.next_back();
    [first, last]
        .into_iter()
        .flatten()
        .any(|word| COMPANY_TYPES.contains(&word))
}

/// A trade name whose kind of company OCR glued to the rest with a stray
/// mark in place of the space (`워한횡사)해맑은꽃집`, `새봄학원.주식회샤`),
/// the mark made a space again when the kind's syllables are what is set
/// apart (misread or not: [`with_company_type`] spells them); `None` when
/// the name has no such mark.
fn with_stray_mark_apart(name: &str) -> Option<String> {
    let is_mark = |c: char| !is_hangul(c) && !c.is_whitespace();
    let chars: Vec<char> = name.chars().collect();
    let all_hangul = |part: &[char]| part.iter().all(|c| is_hangul(*c));
    // A kind's syllables apart from a rest that starts and ends in Hangul.
    let apart = |kind: &[char], rest: &[char]| {
        COMPANY_TYPES
            .iter()
            .any(|k| k.chars().count() == kind.len())
            && all_hangul(kind)
            && rest.first().is_some_and(|c| is_hangul(*c))
            && rest.last().is_some_and(|c| is_hangul(*c))
    };
    let text = |part: &[char]| part.iter().collect::<String>();
    let first = chars.iter().position(|c| is_mark(*c))?;
    let last = chars.iter().rposition(|c| is_mark(*c))?;
    if apart(&chars[..first], &chars[first + 1..]) {
        Some(format!(
            "{} {}",
            text(&chars[..first]),
            text(&chars[first + 1..])
        ))
    } else if apart(&chars[last + 1..], &chars[..last]) {
        Some(format!(
            "{} {}",
            text(&chars[..last]),
            text(&chars[last + 1..])
        ))
    } else {
        None
    }
}

/// The share of its confidence a trade name keeps per syllable of its kind
/// of company misread and spelt as the kind is.
const MISREAD_TYPE_CONF: f32 = 0.8;

/// Whether a row reads as text rather than specks: two letters or digits
/// or more, at a mean confidence of 0.6 or more.
fn is_confident_text(row: &Row) -> bool {
    let letters = row
        .words
        .iter()
        .flat_map(|w| w.text.chars())
        .filter(|c| c.is_alphanumeric())
        .count();
    letters >= 2 && mean_conf(&row.words) >= 0.6
}

/// The words of a row that look like a value whose label was not read:
/// from word `from` (a colon, or the word after the label's misread end)
/// to word `to`.
#[derive(Debug, Clone, Copy)]
struct Unlabelled {
    row: usize,
    from: usize,
    to: usize,
}

/// The value of row `index` whose own label was not read, before the label
/// `shared` it shares the row with: from the word after the label's
/// misread end (the last of the first three words that ends with a
/// separator, `명.`) to `shared`.
fn value_before(row: &Row, index: usize, shared: &LabelAt) -> Option<Unlabelled> {
    let label_end = row.words[..shared.start.min(3)]
        .iter()
        .rposition(|w| w.text.ends_with(is_separator))?;
    Some(Unlabelled {
        row: index,
        from: label_end + 1,
        to: shared.start,
    })
}

/// The value of `key` when its label was misread (`성때` for `상호`; a
/// two-letter label must read exactly): the first unlabelled value
/// between the rows of the keys `between`, at a lower confidence.
fn unlabelled_value(
    rows: &[Row],
    values: &[RawValue],
    unlabelled: &[Unlabelled],
    key: &'static str,
    between: (&str, &str),
) -> Option<RawValue> {
    if values.iter().any(|v| v.key == key) {
        return None;
    }
    let row_of = |key: &str| values.iter().find(|v| v.key == key).map(|v| v.row);
    let after = row_of(between.0)?;
    let before = row_of(between.1).unwrap_or(after + 2);
    let found = unlabelled
        .iter()
        .find(|u| (after + 1..before).contains(&u.row))?;
    let words = value_words(&rows[found.row], found.from, 0, found.to);
    (!words.is_empty()).then_some(RawValue {
        key,
        words,
        errors: 2,
        row: found.row,
    })
}

/// The opening date (`개업연월일`) when its label was misread past what a
/// label may be (`게 없 연 월 잎`): the first row below the name's and
/// above the address's whose own label was not read and that holds a
/// date, from the date's first word to a label sharing the row, at a lower
/// confidence.
fn unlabelled_opening_date(rows: &[Row], values: &[RawValue]) -> Option<RawValue> {
    const KEY: &str = "개업연월일";
    if values.iter().any(|v| v.key == KEY) {
        return None;
    }
    let rows_of = |keys: &[&str]| {
        values
            .iter()
            .filter(|v| keys.contains(&v.key))
            .map(|v| v.row)
            .collect::<Vec<_>>()
    };
    let after = rows_of(&["상호", "대표자", "생년월일"]).into_iter().max()?;
    let before = rows_of(&["사업장소재지", "본점소재지"])
        .into_iter()
        .min()
        .unwrap_or(after + 3)
        .min(rows.len());
    (after + 1..before).find_map(|index| {
        let row = &rows[index];
        if !labels_in(row).is_empty() {
            return None;
        }
        let to = shared_labels_from(row, 1)
            .first()
            .map_or(row.words.len(), |label| label.start);
        let year_word = |w: &Word| w.text.chars().filter(char::is_ascii_digit).count() >= 3;
        let from = row.words[..to].iter().position(year_word)?;
        let words = row.words[from..to].to_vec();
        let text: Vec<&str> = words.iter().map(|w| w.text.as_str()).collect();
        korean_date(&text.join(" ")).map(|_| RawValue {
            key: KEY,
            words,
            errors: 2,
            row: index,
        })
    })
}

fn mean_conf(words: &[Word]) -> f32 {
    if words.is_empty() {
        0.0
    } else {
        words.iter().map(|w| w.conf).sum::<f32>() / words.len() as f32
    }
}

/// How much a value read again (because the first reading failed its
/// check) keeps of the first reading's confidence.
const REREAD_CONF: f32 = 0.9;

/// Reads a registration number's box again, cut from the page and scaled
/// up, as one line with the Korean and the English models: OCR of the
/// whole page sometimes adds a digit (`128-58-3611713`). Gives the first
/// reading of ten digits whose check digit is right.
fn reread_registration_number(
    engine: &mut Engine,
    page: &GrayImage,
    rect: Rect,
) -> Result<Option<String>, OcrError> {
    let Some(line) = line_cut(page, rect, REREAD_HEIGHT) else {
        return Ok(None);
    };
    for model in [LANGUAGE, ENGLISH] {
        let words = engine.read_with(model, &line, SegMode::Line)?;
        let text: String = words.iter().map(|w| w.text.as_str()).collect();
        let digits: String = text.chars().filter(char::is_ascii_digit).collect();
        if registration_number_passes(&digits) {
            return Ok(Some(digits));
        }
    }
    Ok(None)
}

/// Reads a name's box (a trade name, a representative) again as one line
/// and keeps the surer of the two readings: the page's reading confuses
/// look-alike syllables more than a line cut to size.
fn surer_name(engine: &mut Engine, page: &GrayImage, raw: &mut RawValue) -> Result<(), OcrError> {
    let Some(line) = line_cut(page, raw.rect(), REREAD_HEIGHT) else {
        return Ok(());
    };
    let mut words = engine.read_spaced_with(LANGUAGE, &line, SegMode::Line)?;
    let junk = |w: &Word| w.text.chars().all(|c| is_separator(c) || is_stray_mark(c));
    while words
        .first()
        .is_some_and(|w| w.text.chars().all(is_leading_stray))
    {
        words.remove(0);
    }
    while words.last().is_some_and(junk) {
        words.pop();
    }
    let again = mean_conf(&words) * 0.9f32.powi(raw.errors as i32);
    if !words.is_empty() && again > raw.conf() {
        let text: String = words
            .iter()
            .map(|w| w.text.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        let first = raw.words[0].clone();
        raw.words = vec![Word {
            text: after_label_end(&text)
                .trim_start_matches(|c: char| c.is_whitespace() || is_leading_stray(c))
                .trim_end_matches(|c: char| c.is_whitespace() || is_stray_mark(c))
                .to_owned(),
            conf: mean_conf(&words),
            rect: raw.rect(),
            ..first
        }];
    }
    Ok(())
}

/// A name's second reading without the end of its label that the cut
/// took in (`표자:백지준`, `명 )푸른식품`): what comes after a colon or a
/// closing bracket that closes nothing within the first few characters.
/// Names have no colon, and their brackets are paired (`(주)`).
fn after_label_end(text: &str) -> &str {
    let mut open = 0;
    let mut label_end = None;
    for (at, c) in text.char_indices().take(5) {
        match c {
            '(' => open += 1,
            ')' if open > 0 => open -= 1,
            ')' | ':' | '：' => label_end = Some(at + c.len_utf8()),
            _ => {}
        }
    }
    label_end.map_or(text, |end| &text[end..])
}

/// The engines' default language, read with when no model of another name
/// is asked for.
const ENGLISH: &str = "eng";
/// The height a value's cut is scaled to for a second reading.
const REREAD_HEIGHT: u32 = 56;

/// `YYYY 년 MM 월 DD 일` from a reading, with a confidence factor: 1 for a
/// date that exists, 0.5 for one that does not, [`LOST_DIGIT_YEAR_CONF`]
/// for a year read with three digits ([`four_digit_year`]).
fn korean_date(text: &str) -> Option<(String, f32)> {
    let caps = DATE.captures(text)?;
    let (year, year_factor) = match caps[1].len() {
        3 => (four_digit_year(&caps[1])?, LOST_DIGIT_YEAR_CONF),
        _ => match caps[1].parse().ok()? {
            year if YEARS.contains(&year) => (year, 1.0),
            year => year_of_look_alike(year).map_or((year, 1.0), |y| (y, MISREAD_YEAR_CONF)),
        },
    };
    let month: u32 = caps[2].parse().ok()?;
    let day: u32 = caps[3].parse().ok()?;
    let exists = YEARS.contains(&year) && date_exists(year, month, day);
    Some((
        format!("{year} 년 {month:02} 월 {day:02} 일"),
        year_factor * if exists { 1.0 } else { 0.5 },
    ))
}

/// The year a three-digit reading of one stands for: the label's last
/// syllable printed close before the value takes the year's first digit
/// with it (`개업연월일1998` read `개 업 연 월 998`, `일2016` read `일016`),
/// and only one first digit gives a year of this century or the last
/// (`998` → 1998, `016` → 2016; `516` is none).
fn four_digit_year(digits: &str) -> Option<u32> {
    match digits.as_bytes().first()? {
        b'9' => format!("1{digits}").parse().ok(),
        b'0' => format!("2{digits}").parse().ok(),
        _ => None,
    }
}

/// A date's confidence, as a share, when its year's first digit was lost
/// and put back.
const LOST_DIGIT_YEAR_CONF: f32 = 0.6;

/// The years a certificate's dates (a birth, an opening) fall in.
const YEARS: std::ops::RangeInclusive<u32> = 1900..=2100;

/// The digits OCR reads a printed digit as, by its shape (`6` for `0`,
/// `8` for `0` or `3`).
const DIGIT_LOOK_ALIKES: [(char, &str); 10] = [
    ('0', "689"),
    ('1', "47"),
    ('2', "7"),
    ('3', "58"),
    ('4', "1"),
    ('5', "36"),
    ('6', "058"),
    ('7', "12"),
    ('8', "0369"),
    ('9', "08"),
];

/// The one year of [`YEARS`] that a year outside them (`2605`) is with one
/// digit read as a look-alike (`2005`), or `None` when none or several
/// are.
fn year_of_look_alike(year: u32) -> Option<u32> {
    let digits: Vec<char> = year.to_string().chars().collect();
    let mut years = digits.iter().enumerate().flat_map(|(i, digit)| {
        let alikes = DIGIT_LOOK_ALIKES
            .iter()
            .find(|(d, _)| d == digit)
            .map_or("", |(_, alikes)| alikes);
        let digits = &digits;
        alikes.chars().filter_map(move |alike| {
            let mut spelt = digits.clone();
            spelt[i] = alike;
            spelt
                .iter()
                .collect::<String>()
                .parse()
                .ok()
                .filter(|y| YEARS.contains(y))
        })
    });
    match (years.next(), years.next()) {
        (Some(year), None) => Some(year),
        _ => None,
    }
}

/// A date's confidence, as a share, when its year was out of [`YEARS`] and
/// one digit was read back as its look-alike.
const MISREAD_YEAR_CONF: f32 = 0.6;

/// The issuing office (`…세무서장`) a line names, without spaces.
fn issuing_office(compact: &str) -> Option<String> {
    let bare: String = compact
        .chars()
        .filter(|c| !c.is_ascii_punctuation() && !c.is_whitespace())
        .collect();
    let end = bare.find("세무서장")?;
    let office = &bare[..end + "세무서장".len()];
    (office.chars().count() >= 5).then(|| office.to_owned())
}

/// A key's value from its raw reading, formatted as the API gives it, with
/// the rules' checks in its confidence.
fn checked_value(raw: &RawValue, to_quad: &impl Fn(Rect) -> Quad) -> Option<KeyValue> {
    let text = raw.text();
    // Marks read at either end (a row of specks taken as a value's
    // continuation, a seal's ring).
    let text = text
        .trim_matches(|c: char| c.is_whitespace() || is_stray_mark(c))
        .to_owned();
    let digits: String = text.chars().filter(char::is_ascii_digit).collect();
    let mut conf = raw.conf();
    let value = match raw.key {
        "등록번호" => {
            let value = format_registration_number(&digits)?;
            if !registration_number_passes(&value) {
                conf *= 0.4;
            }
            value
        }
        "법인등록번호" => {
            if digits.len() != 13 {
                return None;
            }
            if !corporate_number_passes(&digits) {
                conf *= 0.4;
            }
            format!("{}-{}", &digits[..6], &digits[6..])
        }
        "생년월일" | "개업연월일" => {
            let (value, factor) = korean_date(&text)?;
            conf *= factor;
            value
        }
        // Names are printed without spaces, and hold no digits (a date
        // read beside the label is the birth date's).
        "대표자" if digits.is_empty() => text.split_whitespace().collect(),
        "대표자" => return None,
        "상호" => without_label_bracket(&text),
        "사업장소재지" | "본점소재지" => respaced_address(&text),
        "업태" | "종목" => with_spaced_conjunction(&text),
        _ => text.split_whitespace().collect::<Vec<_>>().join(" "),
    };
    if value.is_empty() {
        return None;
    }
    Some(KeyValue {
        key: raw.key,
        value,
        conf,
        quad: to_quad(raw.rect()),
    })
}

/// `text` (words single spaced) with `및` ("and") spaced from the words
/// it joins, as Korean spelling always writes it (`도매및소매업` →
/// `도매 및 소매업`): a narrow space beside it is the one OCR loses most.
fn with_spaced_conjunction(text: &str) -> String {
    let spaced = text.replace('및', " 및 ");
    spaced.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word(text: &str, x: i32, line: u32) -> Word {
        Word {
            text: text.to_owned(),
            conf: 0.9,
            rect: Rect::new(x, 100 * line as i32, 20 * text.chars().count() as u32, 30),
            line: (1, 1, line),
        }
    }

    fn row(texts: &[&str]) -> Row {
        let mut x = 0;
        Row {
            words: texts
                .iter()
                .map(|t| {
                    let w = word(t, x, 1);
                    x += w.rect.width as i32 + 10;
                    w
                })
                .collect(),
        }
    }

    #[test]
    fn labels_are_found_however_they_are_spaced() {
        for texts in [
            &["상", "호", ":", "한빛상사"][..],
            &["상호", ":", "한빛상사"],
            &["상호:", "한빛상사"],
            &["상호:한빛상사"],
        ] {
            let r = row(texts);
            let labels = labels_in(&r);
            assert_eq!(labels.len(), 1, "{texts:?}");
            let label = labels[0];
            assert_eq!(label.target, LabelTarget::Key("상호"));
            let words = value_words(
                &r,
                label.start + label.words,
                label.value_skip,
                r.words.len(),
            );
            let value: Vec<&str> = words.iter().map(|w| w.text.as_str()).collect();
            assert_eq!(value, ["한빛상사"], "{texts:?}");
        }
    }

    #[test]
    fn a_misread_long_label_is_still_a_label_but_a_short_one_is_not() {
        let r = row(&["사엽장소재지", ":", "서울특별시"]);
        assert_eq!(labels_in(&r)[0].target, LabelTarget::Key("사업장소재지"));
        assert!(labels_in(&row(&["상오", ":", "한빛"])).is_empty());
    }

    #[test]
    fn a_label_glued_to_the_value_before_it_is_split_off() {
        let words = split_glued_labels(vec![word("홍길동생년월일:1980", 0, 1)]);
        let texts: Vec<&str> = words.iter().map(|w| w.text.as_str()).collect();
        assert_eq!(texts, ["홍길동", "생년월일:1980"]);
        assert_eq!(words[0].rect.width + words[1].rect.width, 20 * 12);
        assert_eq!(words[1].rect.x, words[0].rect.right());
    }

    #[test]
    fn a_second_label_ends_the_first_value() {
        let r = row(&[
            "성",
            "명",
            ":",
            "홍길동",
            "생년월일",
            ":",
            "1980",
            "년",
            "01",
            "월",
            "01",
            "일",
        ]);
        let labels = labels_in(&r);
        let targets: Vec<LabelTarget> = labels.iter().map(|l| l.target).collect();
        assert_eq!(
            targets,
            [LabelTarget::Key("대표자"), LabelTarget::Key("생년월일")]
        );
        let first = value_words(&r, labels[0].start + labels[0].words, 0, labels[1].start);
        assert_eq!(first.len(), 1);
        assert_eq!(first[0].text, "홍길동");
    }

    #[test]
    fn a_value_whose_label_was_lost_ends_at_the_label_sharing_its_row() {
        // `성` of `성 명` not read: `명.` is all that is left of the label.
        let r = row(&["명.", "오지수", "생년월일", ":", "1950", "년"]);
        assert!(labels_in(&r).is_empty());
        let shared = shared_labels_from(&r, 1);
        assert!(value_before(&row(&["명", "오지수", "생년월일"]), 1, &shared[0]).is_none());
        assert_eq!(shared.len(), 1);
        assert_eq!(shared[0].target, LabelTarget::Key("생년월일"));
        assert_eq!(shared[0].start, 2);
        // Its value is the words between the label's misread end and the
        // shared label.
        let rows = vec![
            row(&["상호", ":", "제일디자인"]),
            r,
            row(&["개업연월일", ":", "2012", "년"]),
        ];
        let values: Vec<RawValue> = [("상호", 0), ("개업연월일", 2)]
            .into_iter()
            .map(|(key, row)| RawValue {
                key,
                words: Vec::new(),
                errors: 0,
                row,
            })
            .collect();
        let unlabelled = [value_before(&rows[1], 1, &shared[0]).unwrap()];
        let value = unlabelled_value(
            &rows,
            &values,
            &unlabelled,
            "대표자",
            ("상호", "개업연월일"),
        )
        .unwrap();
        assert_eq!(value.text(), "오지수");
    }

    #[test]
    fn a_second_reading_loses_the_label_end_before_its_colon() {
        assert_eq!(after_label_end("표자:백지준"), "백지준");
        assert_eq!(after_label_end("자 ： 백지준"), " 백지준");
        assert_eq!(
            after_label_end("명 )푸른식품 유한회사"),
            "푸른식품 유한회사"
        );
        assert_eq!(after_label_end("(주)한빛상사"), "(주)한빛상사");
        assert_eq!(after_label_end("백지준"), "백지준");
        assert_eq!(
            after_label_end("한빛상사 본점: 서울"),
            "한빛상사 본점: 서울"
        );
    }

    #[test]
    fn an_opening_date_whose_label_was_misread_is_the_date_between_name_and_address() {
        let rows = [
            row(&["성", "명", ":", "홍길동"]),
            row(&["생년월일", ":", "1960", "년", "01", "월", "02", "일"]),
            row(&[
                "게", "없", "연", "월", "잎", ":", "2017", "년", "05", "월", "22", "인",
            ]),
            row(&["사업장소재지", ":", "서울특별시"]),
        ];
        let value = |key, row: usize| RawValue {
            key,
            words: rows[row].words.clone(),
            errors: 0,
            row,
        };
        let values = [
            value("대표자", 0),
            value("생년월일", 1),
            value("사업장소재지", 3),
        ];
        let date = unlabelled_opening_date(&rows, &values).expect("a date");
        assert_eq!(date.row, 2);
        assert_eq!(
            korean_date(&date.text()).map(|d| d.0).as_deref(),
            Some("2017 년 05 월 22 일")
        );
        // No row but labelled ones between: no date.
        let without = [
            value("대표자", 0),
            value("생년월일", 1),
            value("사업장소재지", 2),
        ];
        assert!(unlabelled_opening_date(&rows, &without).is_none());
    }

    #[test]
    fn a_labels_bracket_read_before_a_trade_name_is_left_out() {
        assert_eq!(
            without_label_bracket("(단체몇주)해맑은테크"),
            "(주)해맑은테크"
        );
        assert_eq!(
            without_label_bracket("( 단 체 명주)초록미용실"),
            "(주)초록미용실"
        );
        assert_eq!(
            without_label_bracket("(단체명) 정다운부동산 주식회사"),
            "정다운부동산 주식회사"
        );
        // A name's own bracket stays.
        assert_eq!(without_label_bracket("(주)한빛상사"), "(주)한빛상사");
        assert_eq!(without_label_bracket("(사)단체연합"), "(사)단체연합");
        // The label's first word read letter by letter with it.
        assert_eq!(
            without_label_bracket("법 인 명 ( 단 체 명:) (주)새봄약국"),
            "(주)새봄약국"
        );
        assert_eq!(without_label_bracket("법인마트"), "법인마트");
    }

    #[test]
    fn dates_are_given_as_printed_and_checked() {
        assert_eq!(
            korean_date("2015 년 03 월 02 일"),
            Some(("2015 년 03 월 02 일".to_owned(), 1.0))
        );
        assert_eq!(
            korean_date("2015년 3월 2일"),
            Some(("2015 년 03 월 02 일".to_owned(), 1.0))
        );
        assert_eq!(korean_date("2015 년 02 월 30 일").map(|d| d.1), Some(0.5));
        assert_eq!(korean_date("신규"), None);
        // A year's first digit lost to the label before it is put back,
        // with a lower confidence, when only one digit gives a year.
        assert_eq!(
            korean_date("998 년 11 월 20 일"),
            Some(("1998 년 11 월 20 일".to_owned(), LOST_DIGIT_YEAR_CONF))
        );
        assert_eq!(
            korean_date("016년02월15 일").map(|d| d.0).as_deref(),
            Some("2016 년 02 월 15 일")
        );
        assert_eq!(korean_date("516 년 02 월 15 일"), None);
        // A year out of range read back through one look-alike digit when
        // only one gives a year in it.
        assert_eq!(
            korean_date("2605 년 02 월 06 일"),
            Some(("2005 년 02 월 06 일".to_owned(), MISREAD_YEAR_CONF))
        );
        assert_eq!(year_of_look_alike(2807), Some(2007));
        assert_eq!(year_of_look_alike(5015), None);
        assert_eq!(korean_date("5015 년 02 월 06 일").map(|d| d.1), Some(0.5));
    }

    #[test]
    fn and_is_spaced_in_kinds_of_business() {
        assert_eq!(with_spaced_conjunction("도매및소매업"), "도매 및 소매업");
        assert_eq!(
            with_spaced_conjunction("전문 과학및 기술 서비스업"),
            "전문 과학 및 기술 서비스업"
        );
        assert_eq!(with_spaced_conjunction("제조업"), "제조업");
    }

    #[test]
    fn the_issuing_office_is_the_line_ending_in_its_title() {
        assert_eq!(
            issuing_office("종로세무서장").as_deref(),
            Some("종로세무서장")
        );
        assert_eq!(
            issuing_office("종로세무서장(인)").as_deref(),
            Some("종로세무서장")
        );
        assert_eq!(issuing_office("세무서장"), None);
    }

    #[test]
    fn a_wrong_check_digit_lowers_conf_but_keeps_the_reading() {
        let quad = |r: Rect| r.to_quad();
        let good = RawValue {
            key: "등록번호",
            words: vec![word("123-45-67891", 0, 1)],
            errors: 0,
            row: 0,
        };
        let bad = RawValue {
            words: vec![word("123-45-67890", 0, 1)],
            ..good.clone()
        };
        let good = checked_value(&good, &quad).unwrap();
        let bad = checked_value(&bad, &quad).unwrap();
        assert_eq!(bad.value, "123-45-67890");
        assert!(bad.conf < good.conf / 2.0);
    }

    #[test]
    fn a_companys_kind_glued_to_its_trade_name_is_set_apart() {
        assert_eq!(
            with_company_type_apart("유한회사바른철물").as_deref(),
            Some("유한회사 바른철물")
        );
        assert_eq!(
            with_company_type_apart("정다운부동산주식회사").as_deref(),
            Some("정다운부동산 주식회사")
        );
        assert_eq!(with_company_type_apart("주식회사 새봄학원"), None);
        assert_eq!(with_company_type_apart("(주)새봄약국"), None);
        assert_eq!(with_company_type_apart("주식회사"), None);
        assert_eq!(with_company_type_apart("주식회사ABC"), None);
    }

    #[test]
    fn a_companys_kind_misread_in_its_trade_name_is_spelt_as_it_is() {
        let spelt = |name: &str| with_company_type(name);
        assert_eq!(
            spelt("똥식회사 새봄학원"),
            Some(("주식회사 새봄학원".to_owned(), 1))
        );
        assert_eq!(
            spelt("정다운부동산 유한회샤"),
            Some(("정다운부동산 유한회사".to_owned(), 1))
        );
        // As printed, too far, as near two kinds, or no word apart: as read.
        assert_eq!(spelt("주식회사 새봄학원"), None);
        assert_eq!(spelt("똥삭최사 새봄학원"), None);
        assert_eq!(spelt("합사회사 새봄학원"), None);
        assert_eq!(spelt("똥식회사"), None);
    }

    #[test]
    fn a_companys_kind_glued_by_a_stray_mark_is_set_apart() {
        assert_eq!(
            with_stray_mark_apart("워한횡사)해맑은꽃집").as_deref(),
            Some("워한횡사 해맑은꽃집")
        );
        assert_eq!(
            with_stray_mark_apart("새봄학원.주식회샤").as_deref(),
            Some("새봄학원 주식회샤")
        );
        // Brackets of the corporate mark, a mark inside a word of another
        // length, no mark: nothing to set apart.
        assert_eq!(with_stray_mark_apart("(주)새봄약국"), None);
        assert_eq!(with_stray_mark_apart("정다운부동산(주)"), None);
        assert_eq!(with_stray_mark_apart("해맑은)꽃집"), None);
        assert_eq!(with_stray_mark_apart("유한회사 해맑은꽃집"), None);
        assert!(holds_company_type("새봄학원 주식회사"));
        assert!(!holds_company_type("새봄학원 주식회샤"));
    }

    #[test]
    fn a_misread_corporate_mark_is_spelt_as_printed() {
        let mark = |name: &str| with_corporate_mark(name);
        assert_eq!(mark("@)미래베이커리").as_deref(), Some("(주)미래베이커리"));
        assert_eq!(mark("(추)새봄약국").as_deref(), Some("(주)새봄약국"));
        assert_eq!(mark("(윤)새봄약국").as_deref(), Some("(유)새봄약국"));
        // One letter off both marks: either could be printed.
        assert_eq!(mark("(우)새봄약국"), None);
        // As printed, a letter or digit (no mark is one), a syllable far
        // from both marks, no bracket: as read.
        assert_eq!(mark("(주)새봄약국"), None);
        assert_eq!(mark("(A)새봄약국"), None);
        assert_eq!(mark("(강)새봄약국"), None);
        assert_eq!(mark("새봄약국"), None);
    }

    #[test]
    fn a_company_is_told_by_its_subtitle_or_its_numbers() {
        let key = |key: &'static str, value: &str| KeyValue {
            key,
            value: value.to_owned(),
            conf: 0.9,
            quad: Rect::new(0, 0, 1, 1).to_quad(),
        };
        assert!(is_corporation(&[key("구분", "법인사업자")]));
        assert!(is_corporation(&[key("등록번호", "123-81-67891")]));
        assert!(is_corporation(&[key("법인등록번호", "110111-3385477")]));
        assert!(!is_corporation(&[key("등록번호", "123-45-67891")]));
        assert!(!is_corporation(&[key("구분", "일반과세자")]));
    }

    #[test]
    fn a_representative_is_a_name_without_digits() {
        let quad = |r: Rect| r.to_quad();
        let name = |text: &str| RawValue {
            key: "대표자",
            words: vec![word(text, 0, 1)],
            errors: 0,
            row: 0,
        };
        let value = checked_value(&name("백 철재"), &quad).map(|v| v.value);
        assert_eq!(value.as_deref(), Some("백철재"));
        assert!(checked_value(&name("1959년05월09일"), &quad).is_none());
    }
}
