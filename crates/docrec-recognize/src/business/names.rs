//! A company's name (`상호`): its company type (`주식회사`, `(주)` and the
//! like) kept apart from the name as printed, corporate marks and stray
//! marks set right.

use std::sync::LazyLock;

use regex::Regex;

use super::keys::BusinessKey;
use crate::api::KeyValue;
use crate::text::{is_hangul, jamo_distance};

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
pub(super) fn with_company_type_apart(name: &str) -> Option<String> {
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
pub(super) fn with_company_type(name: &str) -> Option<(String, usize)> {
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
pub(super) fn is_corporation(key_values: &[KeyValue<BusinessKey>]) -> bool {
    key_values.iter().any(|kv| match kv.key {
        BusinessKey::TaxpayerKind => kv.value == "법인사업자",
        BusinessKey::CorporateNumber => true,
        BusinessKey::RegistrationNumber => kv
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
pub(super) fn with_corporate_mark(name: &str) -> Option<String> {
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
pub(super) fn holds_company_type(name: &str) -> bool {
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
pub(super) fn with_stray_mark_apart(name: &str) -> Option<String> {
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
pub(super) const MISREAD_TYPE_CONF: f32 = 0.8;
