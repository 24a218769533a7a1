//! The rules documents follow, from `shared/spec/korean-documents.md`, in
//! one place for the two sides that need them: the recognizers check what
//! they read against them, and the synthetic generator makes documents that
//! follow them. Pure functions of strings; no dependencies.
//!
//! - [`address`]: road-name addresses, spaced as their notation prints them.
//! - [`payment_card`]: payment card numbers: the Luhn check and check
//!   digit, the brands' prefixes, lengths and printed groupings.
//! - [`business_number`]: business and corporate registration numbers.
//! - [`resident_number`]: resident registration numbers.
//! - [`driver_license`]: driver's licence numbers, regions and classes.
//! - [`mrz`]: machine-readable zones of passports and ID cards (ICAO Doc
//!   9303): fields, check digits, state codes, and choosing among OCR
//!   alternatives by check digits.
//! - [`province`]: the first-level divisions issuers and addresses name,
//!   and their districts.
//! - [`surname`]: Korean surnames, the start of a name.
//! - [`romanise`]: Hangul given names against their passport spellings.
//! - [`date_exists`]: whether a Gregorian date exists.
//! - [`is_hangul_syllable`]: whether a character is a Hangul syllable.

pub mod address;
pub mod business_number;
pub mod driver_license;
pub mod mrz;
pub mod payment_card;
pub mod province;
pub mod resident_number;
pub mod romanise;
pub mod surname;

/// Whether `c` is a Hangul syllable (가-힣).
pub fn is_hangul_syllable(c: char) -> bool {
    ('\u{AC00}'..='\u{D7A3}').contains(&c)
}

/// Whether the Gregorian date exists.
pub fn date_exists(year: u32, month: u32, day: u32) -> bool {
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&day)
}
