//! Road-name addresses (도로명주소) as their official notation prints them:
//! `시·도 시·군·구 [구] [읍·면] 도로명 건물번호, 상세주소 (참고항목)`, one
//! space between the parts (`경기도 수원시 영통구 충장대로 244-29, 109동
//! 284호`).
//!
//! Takes an address as OCR read it, where the narrow spaces of Korean
//! faces are often lost (`대전광역시서구시민로 17,12층`); gives it with a
//! space between the parts it can tell: the division and district from
//! their closed lists ([`crate::province`]), a city's district and a
//! county's town by their last syllable, the road by its `로`/`길` and the
//! building number after it. What it cannot tell (a lot-number address, a
//! division misread) keeps the spacing it was read with.

use crate::is_hangul_syllable;
use crate::province::{districts_of, PROVINCES};

/// `read` with its parts spaced as the official notation spaces them.
/// Characters are never changed, added or dropped: only spaces.
pub fn respaced_address(read: &str) -> String {
    let Some((province, mut rest)) = PROVINCES
        .iter()
        .filter_map(|p| Some((*p, strip_prefix_spaced(read, p)?)))
        .max_by_key(|(p, _)| p.len())
    else {
        return single_spaced(read);
    };
    let mut parts: Vec<String> = vec![province.to_owned()];
    let district = districts_of(province)
        .iter()
        .filter_map(|d| Some((*d, strip_prefix_spaced(rest, d)?)))
        .max_by_key(|(d, _)| d.len());
    if let Some((district, after)) = district {
        parts.push(district.to_owned());
        rest = after;
        // A city's own districts (수원시 영통구), a county's or city's towns
        // (양평군 양평읍).
        if district.ends_with('시') {
            if let Some((part, after)) = unit_ending_in(rest, &['구']) {
                parts.push(part);
                rest = after;
            }
        }
        if let Some((part, after)) = unit_ending_in(rest, &['읍', '면']) {
            parts.push(part);
            rest = after;
        }
    }
    match road_and_number(rest) {
        Some((road, number, tail)) => {
            parts.push(road);
            let tail = tail.trim_start();
            match tail.strip_prefix(',') {
                Some(detail) => {
                    parts.push(format!("{number},"));
                    let detail = respaced_detail(detail);
                    if !detail.is_empty() {
                        parts.push(detail);
                    }
                }
                None => {
                    parts.push(number);
                    if !tail.is_empty() {
                        parts.push(respaced_detail(tail));
                    }
                }
            }
        }
        None if !rest.trim().is_empty() => parts.push(single_spaced(rest)),
        None => {}
    }
    parts.join(" ")
}

/// The rest of `text` after `prefix`, spaces in `text` skipped while
/// matching; `None` when `text` does not start with `prefix` so.
fn strip_prefix_spaced<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let mut wanted = prefix.chars().filter(|c| !c.is_whitespace()).peekable();
    for (at, c) in text.char_indices() {
        if wanted.peek().is_none() {
            return Some(text[at..].trim_start());
        }
        if c.is_whitespace() {
            continue;
        }
        if wanted.next() != Some(c) {
            return None;
        }
    }
    wanted.peek().is_none().then_some("")
}

/// An administrative unit at the start of `text`: two to four syllables
/// ending in one of `last`, followed by more of the address that is not a
/// road's end (`남면로` is a road, not the town `남면`).
fn unit_ending_in<'a>(text: &'a str, last: &[char]) -> Option<(String, &'a str)> {
    let chars: Vec<(usize, char)> = text.char_indices().take(5).collect();
    (2..=4).find_map(|n| {
        let (_, end) = *chars.get(n - 1)?;
        let (next_at, next) = *chars.get(n)?;
        let unit = chars[..n].iter().all(|(_, c)| is_hangul_syllable(*c))
            && last.contains(&end)
            && !matches!(next, '로' | '길' | '대');
        unit.then(|| (text[..next_at].to_owned(), text[next_at..].trim_start()))
    })
}

/// The road name (syllables ending in `로` or `길`, then a side road's
/// `34길`, `46번길` or `5가길`), the building number (`17`, `244-29`) and
/// what follows, from the start of `text`, spaces inside each ignored.
fn road_and_number(text: &str) -> Option<(String, String, &str)> {
    let mut chars = text
        .char_indices()
        .filter(|(_, c)| !c.is_whitespace())
        .peekable();
    let mut road = String::new();
    while let Some((_, c)) = chars.next_if(|(_, c)| is_hangul_syllable(*c)) {
        road.push(c);
    }
    if road.chars().count() < 2 || !road.ends_with(['로', '길']) {
        return None;
    }
    // Digits, then either a side road's name or the building number.
    let mut digits = String::new();
    while let Some((_, c)) = chars.next_if(|(_, c)| c.is_ascii_digit()) {
        digits.push(c);
    }
    let mut side = String::new();
    while let Some((_, c)) = chars.next_if(|(_, c)| matches!(c, '번' | '가' | '길')) {
        side.push(c);
    }
    // With a side road's name after them, the digits were part of the
    // road's name; without, they were the building number.
    if !side.is_empty() {
        if digits.is_empty() || !matches!(side.as_str(), "길" | "번길" | "가길" | "번가길")
        {
            return None;
        }
        road.push_str(&digits);
        road.push_str(&side);
        digits.clear();
        while let Some((_, c)) = chars.next_if(|(_, c)| c.is_ascii_digit()) {
            digits.push(c);
        }
    }
    if digits.is_empty() {
        return None;
    }
    let mut number = digits;
    if let Some((_, dash)) = chars.next_if(|(_, c)| *c == '-') {
        let mut sub = String::new();
        while let Some((_, c)) = chars.next_if(|(_, c)| c.is_ascii_digit()) {
            sub.push(c);
        }
        if sub.is_empty() {
            return None;
        }
        number.push(dash);
        number.push_str(&sub);
    }
    let tail = chars.peek().map_or("", |(at, _)| &text[*at..]);
    // A number glued to syllables is no building number (`1712층`): the
    // comma and space before the detail were lost.
    let glued = text[..text.len() - tail.len()].ends_with(|c: char| c.is_ascii_digit())
        && tail.starts_with(is_hangul_syllable);
    (!glued).then_some((road, number, tail))
}

/// The detail after the building number (`109동284호`, `3층,301호`) with a
/// space after each unit (`동`, `층`, `호`) glued to a number that follows,
/// after each comma, and before a bracket.
fn respaced_detail(detail: &str) -> String {
    let mut out = String::new();
    let mut previous: Option<char> = None;
    for c in detail.trim().chars() {
        let spaced_before = match (previous, c) {
            (Some('동' | '층' | '호'), d) if d.is_ascii_digit() => true,
            (Some(','), c) if !c.is_whitespace() => true,
            (Some(p), '(') if !p.is_whitespace() => true,
            _ => false,
        };
        if spaced_before {
            out.push(' ');
        }
        out.push(c);
        previous = Some(c);
    }
    single_spaced(&out)
}

/// `text` with runs of white space made one space, and trimmed.
fn single_spaced(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glued_parts_are_spaced_as_the_notation_prints_them() {
        for (read, printed) in [
            (
                "대전광역시서구시민로 17,12층",
                "대전광역시 서구 시민로 17, 12층",
            ),
            (
                "경기도수원시영통구충장대로 244-29,109동284호",
                "경기도 수원시 영통구 충장대로 244-29, 109동 284호",
            ),
            (
                "충청북도 충주시 희망로5길385",
                "충청북도 충주시 희망로5길 385",
            ),
            ("울산광역시남구번영대로106", "울산광역시 남구 번영대로 106"),
            (
                "충청북도 청주시상당구 대학로 134, 107동 1034호",
                "충청북도 청주시 상당구 대학로 134, 107동 1034호",
            ),
            (
                "경기도 부천시 중앙로46번길18, 9층",
                "경기도 부천시 중앙로46번길 18, 9층",
            ),
            (
                "경기도양평군양평읍양평로 1",
                "경기도 양평군 양평읍 양평로 1",
            ),
            (
                "세종특별자치시한누리대로 2130(보람동)",
                "세종특별자치시 한누리대로 2130 (보람동)",
            ),
        ] {
            assert_eq!(respaced_address(read), printed, "{read}");
        }
    }

    #[test]
    fn what_cannot_be_told_keeps_its_spacing() {
        // A misread division, a lot-number address, a lost comma.
        for (read, kept) in [
            (
                "재전광역시 중구 충장로34길 194",
                "재전광역시 중구 충장로34길 194",
            ),
            (
                "서울특별시 강남구 역삼동 123-45",
                "서울특별시 강남구 역삼동 123-45",
            ),
            (
                "서울특별시 강남구 테헤란로 1712층",
                "서울특별시 강남구 테헤란로 1712층",
            ),
            ("부산광역시  남구 ", "부산광역시 남구"),
        ] {
            assert_eq!(respaced_address(read), kept, "{read}");
        }
        // A road whose name starts like a town is not cut there.
        assert_eq!(
            respaced_address("충청남도 천안시 남면로 5"),
            "충청남도 천안시 남면로 5"
        );
    }
}
