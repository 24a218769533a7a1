//! The shapes a key's reading may have, in the English model's reading:
//! a resident number, a licence number, a date, a serial; and whether a
//! reading without one may take one when read at another scale.

use std::sync::LazyLock;

use regex::Regex;

pub(super) static RESIDENT_NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|\D)(\d{6}) ?(?:-+|[^\d\s])? ?(\d{7})(?:\D|$)").expect("valid regex")
});
pub(super) static LICENCE_NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|\D)(\d{2})-*(\d{2})-*(\d{6})-*(\d{2})(?:\D|$)").expect("valid regex")
});
/// A licence number after a region's printed name: the digits the English
/// model reads after whatever it made of the Hangul.
pub(super) static LEGACY_LICENCE_DIGITS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|\D)(\d{2})-+(\d{6})-*(\d{2})(?:\D|$)").expect("valid regex")
});
/// A reading that starts like a year (`2015`, `2O1S`, `20T`).
pub(super) static YEAR_START: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[^0-9A-Za-z]?(?:19|20|2O)").expect("valid regex"));
pub(super) static DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"((?:19|20)\d{2})[.,;:]+(\d{1,2})[.,;:]+(\d{1,2})").expect("valid regex")
});

/// Whether an English reading without a key's shape may take one at
/// another scale: it holds digits (a number or a date misread in places),
/// may be a serial read a letter off, or holds next to nothing (the scale
/// lost the line). Most segments the Korean model read unsurely are
/// neither (Hangul read as Latin letters), and are read once.
pub(super) fn may_take_a_key_shape(text: &str) -> bool {
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let digits = compact.chars().filter(char::is_ascii_digit).count();
    let alphanumerics = compact.chars().filter(char::is_ascii_alphanumeric).count();
    digits >= 2 || alphanumerics < 2 || near_serial_shape(&compact)
}

/// Whether an English reading has the shape of a key read in English: a
/// resident number, a licence number, a date or a serial.
pub(super) fn has_a_key_shape(text: &str) -> bool {
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
pub(super) fn serial_shape(compact: &str) -> Option<String> {
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
pub(super) fn near_serial_shape(compact: &str) -> bool {
    let text = compact.trim_matches(|c: char| !c.is_ascii_alphanumeric());
    (4..=7).contains(&text.len())
        && text.chars().all(|c| c.is_ascii_alphanumeric())
        && text.chars().any(|c| c.is_ascii_uppercase())
}
