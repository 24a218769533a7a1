//! The expiry (`MM/YY`): found among the view's lines, preferring the date
//! after `THRU`/`유효`, its year believed within a span of today's, and
//! read again cut close by the card-digit model.

use std::sync::LazyLock;

use docrec_ocr::{Engine, Rect, SegMode};
use image::GrayImage;
use regex::Regex;

use super::crops::{read_crop, read_variants, Reader, CARD_DIGITS_MODEL};
use super::expiry_places::{
    date_line_crop, expiry_at_date_places, expiry_in_strips, flattened, reread_expiry, vote_expiry,
    DOUBTFUL_EXPIRY_CONF, WIDE_DATE_SIDE,
};
use super::{NumberCandidate, ReadError};
use crate::text::{group_lines, map_lookalikes, Line};

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
pub(super) const EXPIRY_AFTER_DIGITS_CONF: f32 = 0.8;
/// `MM/YY` with the slash read as `7` or `1`.
static SLASH_READ_AS_DIGIT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|[^0-9])([0-9]{2})[17]([0-9]{2})(?:[^0-9]|$)").expect("valid regex")
});
/// How much a date read through a lost slash is trusted.
const SLASH_READ_AS_DIGIT_CONF: f32 = 0.6;
pub(super) static EXPIRY_LABEL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)(THRU|GOOD|EXP|END|유효|까지)").expect("valid regex"));

/// A line's words joined by spaces, digit look-alikes mapped
/// ([`date_reading`]), and which word each byte came from.
fn joined_for_dates(line: &Line) -> (String, Vec<usize>) {
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
    (joined, owner)
}

/// The dates in `joined` (a line's text, [`joined_for_dates`]), each with
/// how much it is trusted and whether its slash was lost: clean `MM/YY`
/// first; dates read less cleanly count only when the line has no clean
/// one and lies below the number (`below_number`): `MM/YY` glued to digits
/// read from its label (`3508/29`), then a slash read as a digit (`08731`).
fn date_captures(joined: &str, below_number: bool) -> Vec<(regex::Captures<'_>, f32, bool)> {
    let patterns = [
        (&*EXPIRY, 1.0, false),
        (&*EXPIRY_AFTER_DIGITS, EXPIRY_AFTER_DIGITS_CONF, false),
        (&*SLASH_READ_AS_DIGIT, SLASH_READ_AS_DIGIT_CONF, true),
    ];
    patterns
        .iter()
        .take(if below_number { patterns.len() } else { 1 })
        .map(|(pattern, conf, slash_lost)| {
            pattern
                .captures_iter(joined)
                .map(|c| (c, *conf, *slash_lost))
                .collect::<Vec<_>>()
        })
        .find(|found| !found.is_empty())
        .unwrap_or_default()
}

/// Finds `MM/YY` on the card's lines: after a `THRU`-like label if there is
/// one, else the latest date (a card may also print `MEMBER SINCE`).
/// Letter-spaced dates (`0 9 / 2 8`) are read across words. Returns the
/// value, its confidence and its box in the view.
pub(super) fn find_expiry(lines: &[Line], number: Option<Rect>, this_year: i32) -> Option<Expiry> {
    let mut found: Vec<(Expiry, bool)> = Vec::new();
    for line in lines {
        if number.is_some_and(|n| line.rect().center_y() < n.bottom() as f32) {
            // Expiry dates are printed below the number, never on its line.
            continue;
        }
        let (joined, owner) = joined_for_dates(line);
        let label_at = line
            .words
            .iter()
            .position(|w| EXPIRY_LABEL.is_match(&w.text));
        let below_number = number.is_none_or(|n| line.rect().y >= n.bottom());
        for (c, slash_conf, slash_lost) in date_captures(&joined, below_number) {
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
pub(super) const SAMPLE_MONTH_CONF: f32 = 0.3;

/// The month `MM` a read month stands for, and how much to trust it: `01`
/// to `12` as read; a single digit whose leading zero OCR dropped (`5` →
/// `05`), a leading zero read as its look-alike `8` (`81` → `01`, as
/// slashed zeros often are) or as `1` (`14` → `04`) with lower confidence;
/// `00`, which sample cards print (`00/00`), as printed with little;
/// nothing else.
pub(super) fn month_of(read: &str) -> Option<(String, f32)> {
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
pub(super) fn year_conf(yy: &str, this_year: i32) -> f32 {
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

/// The highest conf of a date whose month was read as one digit: the tens
/// digit lost may have been a `1` (`12/34` read as `2/34`).
const GUESSED_MONTH_CONF: f32 = 0.6;

/// An expiry reading.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Expiry {
    /// `MM/YY`.
    pub(super) value: String,
    pub(super) conf: f32,
    /// Its box in the view.
    pub(super) rect: Rect,
    /// The month was read as one digit (`2/34`): its tens digit is a guess,
    /// as the digit lost may be a `1` as well as a `0`.
    pub(super) month_guessed: bool,
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
pub(super) fn read_expiry(
    view: &GrayImage,
    lines: &[Line],
    number: Option<&NumberCandidate>,
    engine: &mut Engine,
    year: i32,
) -> Result<Option<Expiry>, ReadError> {
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
