//! The card's numbers: the resident number and the licence number found
//! among the segments' readings by their shape and checks, and read again
//! where they fail (each digit's alternatives from the English model, the
//! card-digit model), the licence's printed region mapped to its code.

use docrec_ocr::preprocess::line_cut;
use docrec_ocr::{Engine, OcrError, Rect, SegMode};
use docrec_rules::driver_license::{self, is_region_code, REGIONS};
use docrec_rules::resident_number::{self, birth_date, check_digit_passes};
use image::GrayImage;

use super::{
    digits_rect, mean_conf, Found, Segment, ENGLISH, LEGACY_LICENCE_DIGITS, LICENCE_NUMBER,
    REREAD_HEIGHTS, RESIDENT_NUMBER,
};
use crate::credit_card::CARD_DIGITS_MODEL;
use crate::text::{
    as_digit, choose, choose_among_alternatives, compose, digit_symbols, edit_distance, is_hangul,
    jamo_distance, lookalikes_in_number, with_digit_lookalikes, Candidate,
};

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
pub(super) fn find_resident_number(segments: &[Segment]) -> Option<(usize, Found)> {
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
        chosen_in(i, segment, &candidates)
    })
}

/// Whether a resident number encodes a real birth date and passes its
/// check digit.
pub(super) fn resident_checks_pass(number: &str) -> bool {
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
pub(super) fn resident_number_among_choices(
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
pub(super) const DIGIT_MODEL_CONF: f32 = 0.85;

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
pub(super) fn resident_number_by_digit_model(
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
pub(super) fn licence_region_among_choices(
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
pub(super) fn region_among_choices(
    mut positions: Vec<Vec<(char, f32)>>,
    digits: &str,
) -> Option<Candidate> {
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
pub(super) fn find_licence_number(segments: &[Segment]) -> Option<(usize, Found)> {
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
        chosen_in(i, segment, &candidates)
    })
}

/// Whether a licence number (its digits, with or without dashes) starts
/// with a region's code.
pub(super) fn has_known_region(number: &str) -> bool {
    number
        .get(..2)
        .and_then(|code| code.parse().ok())
        .is_some_and(is_region_code)
}

/// The code of the region a licence prints by name, with the letters OCR
/// misread (one at most, and only when no other region is as near, in
/// syllables or else in jamo: `중북` is `충북`, not `전북`).
pub(super) fn region_code_of(name: &str) -> Option<(u32, usize)> {
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

/// The number the checks choose among `candidates`, read in the segment
/// at `i`, with the segment's box.
fn chosen_in(i: usize, segment: &Segment, candidates: &[Candidate]) -> Option<(usize, Found)> {
    let chosen = choose(candidates)?;
    Some((
        i,
        Found {
            value: chosen.value,
            conf: chosen.conf,
            rect: segment.rect,
        },
    ))
}
