//! Values without a label or read unsurely: a value before its label or
//! alone on its row, the opening date where no label was read, the
//! registration number and the name read again; dates in Korean and
//! look-alike digits in years; each value checked by its key's rules.

use docrec_ocr::preprocess::line_cut;
use docrec_ocr::{Engine, OcrError, Quad, Rect, SegMode, Word};
use docrec_rules::address::respaced_address;
use docrec_rules::business_number::{
    corporate_number_passes, format_registration_number, registration_number_passes,
};
use docrec_rules::date_exists;
use image::GrayImage;

use super::keys::BusinessKey;
use super::labels::{
    is_leading_stray, is_separator, is_stray_mark, labels_in, shared_labels_from, value_words,
    without_label_bracket, LabelAt, RawValue, Row,
};
use super::{DATE, LANGUAGE};
use crate::api::KeyValue;

/// Whether a row reads as text rather than specks: two letters or digits
/// or more, at a mean confidence of 0.6 or more.
pub(super) fn is_confident_text(row: &Row) -> bool {
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
pub(super) struct Unlabelled {
    pub(super) row: usize,
    pub(super) from: usize,
    pub(super) to: usize,
}

/// The value of row `index` whose own label was not read, before the label
/// `shared` it shares the row with: from the word after the label's
/// misread end (the last of the first three words that ends with a
/// separator, `명.`) to `shared`.
pub(super) fn value_before(row: &Row, index: usize, shared: &LabelAt) -> Option<Unlabelled> {
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
pub(super) fn unlabelled_value(
    rows: &[Row],
    values: &[RawValue],
    unlabelled: &[Unlabelled],
    key: BusinessKey,
    between: (BusinessKey, BusinessKey),
) -> Option<RawValue> {
    if values.iter().any(|v| v.key == key) {
        return None;
    }
    let row_of = |key: BusinessKey| values.iter().find(|v| v.key == key).map(|v| v.row);
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
pub(super) fn unlabelled_opening_date(rows: &[Row], values: &[RawValue]) -> Option<RawValue> {
    const KEY: BusinessKey = BusinessKey::OpeningDate;
    if values.iter().any(|v| v.key == KEY) {
        return None;
    }
    let rows_of = |keys: &[BusinessKey]| {
        values
            .iter()
            .filter(|v| keys.contains(&v.key))
            .map(|v| v.row)
            .collect::<Vec<_>>()
    };
    let after = rows_of(&[
        BusinessKey::TradeName,
        BusinessKey::Representative,
        BusinessKey::BirthDate,
    ])
    .into_iter()
    .max()?;
    let before = rows_of(&[BusinessKey::BusinessAddress, BusinessKey::HeadOfficeAddress])
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

pub(super) fn mean_conf(words: &[Word]) -> f32 {
    if words.is_empty() {
        0.0
    } else {
        words.iter().map(|w| w.conf).sum::<f32>() / words.len() as f32
    }
}

/// How much a value read again (because the first reading failed its
/// check) keeps of the first reading's confidence.
pub(super) const REREAD_CONF: f32 = 0.9;

/// Reads a registration number's box again, cut from the page and scaled
/// up, as one line with the Korean and the English models: OCR of the
/// whole page sometimes adds a digit (`128-58-3611713`). Gives the first
/// reading of ten digits whose check digit is right.
pub(super) fn reread_registration_number(
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
pub(super) fn surer_name(
    engine: &mut Engine,
    page: &GrayImage,
    raw: &mut RawValue,
) -> Result<(), OcrError> {
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
pub(super) fn after_label_end(text: &str) -> &str {
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
pub(super) fn korean_date(text: &str) -> Option<(String, f32)> {
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
pub(super) const LOST_DIGIT_YEAR_CONF: f32 = 0.6;

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
pub(super) fn year_of_look_alike(year: u32) -> Option<u32> {
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
pub(super) const MISREAD_YEAR_CONF: f32 = 0.6;

/// The issuing office (`…세무서장`) a line names, without spaces.
pub(super) fn issuing_office(compact: &str) -> Option<String> {
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
pub(super) fn checked_value(
    raw: &RawValue,
    to_quad: &impl Fn(Rect) -> Quad,
) -> Option<KeyValue<BusinessKey>> {
    let text = raw.text();
    // Marks read at either end (a row of specks taken as a value's
    // continuation, a seal's ring).
    let text = text
        .trim_matches(|c: char| c.is_whitespace() || is_stray_mark(c))
        .to_owned();
    let digits: String = text.chars().filter(char::is_ascii_digit).collect();
    let mut conf = raw.conf();
    let value = match raw.key {
        BusinessKey::RegistrationNumber => {
            let value = format_registration_number(&digits)?;
            if !registration_number_passes(&value) {
                conf *= 0.4;
            }
            value
        }
        BusinessKey::CorporateNumber => {
            if digits.len() != 13 {
                return None;
            }
            if !corporate_number_passes(&digits) {
                conf *= 0.4;
            }
            format!("{}-{}", &digits[..6], &digits[6..])
        }
        BusinessKey::BirthDate | BusinessKey::OpeningDate => {
            let (value, factor) = korean_date(&text)?;
            conf *= factor;
            value
        }
        // Names are printed without spaces, and hold no digits (a date
        // read beside the label is the birth date's).
        BusinessKey::Representative if digits.is_empty() => text.split_whitespace().collect(),
        BusinessKey::Representative => return None,
        BusinessKey::TradeName => without_label_bracket(&text),
        BusinessKey::BusinessAddress | BusinessKey::HeadOfficeAddress => respaced_address(&text),
        BusinessKey::BusinessType | BusinessKey::BusinessItem => with_spaced_conjunction(&text),
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
pub(super) fn with_spaced_conjunction(text: &str) -> String {
    let spaced = text.replace('및', " 및 ");
    spaced.split_whitespace().collect::<Vec<_>>().join(" ")
}
