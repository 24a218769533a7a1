//! Driver's licences (자동차운전면허증), from
//! `shared/spec/korean-documents.md`.
//!
//! Takes a licence number or a region's name; gives the region codes,
//! the mapping of the names older licences print to those codes, the
//! licence classes, and the `RR-YY-NNNNNN-CC` form.

/// The regions of first issue: code and the name licences issued before
/// mid-2014 print in its place.
pub const REGIONS: [(u32, &str); 17] = [
    (11, "서울"),
    (12, "부산"),
    (13, "경기"),
    (14, "강원"),
    (15, "충북"),
    (16, "충남"),
    (17, "전북"),
    (18, "전남"),
    (19, "경북"),
    (20, "경남"),
    (21, "제주"),
    (22, "대구"),
    (23, "인천"),
    (24, "광주"),
    (25, "대전"),
    (26, "울산"),
    (28, "경기북부"),
];

/// The licence classes a licence may print, several at once.
pub const CLASSES: [&str; 10] = [
    "1종대형",
    "1종보통",
    "1종소형",
    "대형견인",
    "소형견인",
    "구난",
    "2종보통",
    "2종소형",
    "2종원동기",
    "원동기",
];

/// The code of a region's printed name (`서울` → 11).
pub fn region_code(name: &str) -> Option<u32> {
    REGIONS
        .iter()
        .find(|(_, n)| *n == name)
        .map(|(code, _)| *code)
}

/// Whether `code` is a region code (11-26 or 28).
pub fn is_region_code(code: u32) -> bool {
    REGIONS.iter().any(|(c, _)| *c == code)
}

/// `RR-YY-NNNNNN-CC` from twelve digits.
pub fn format(digits: &str) -> Option<String> {
    let digits: String = digits.chars().filter(char::is_ascii_digit).collect();
    (digits.len() == 12).then(|| {
        format!(
            "{}-{}-{}-{}",
            &digits[..2],
            &digits[2..4],
            &digits[4..10],
            &digits[10..]
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_and_numbers() {
        assert_eq!(region_code("서울"), Some(11));
        assert_eq!(region_code("경기북부"), Some(28));
        assert_eq!(region_code("세종"), None);
        assert!(is_region_code(26) && !is_region_code(27));
        assert_eq!(format("111912345601").as_deref(), Some("11-19-123456-01"));
        assert_eq!(format("1119123456"), None);
    }
}
