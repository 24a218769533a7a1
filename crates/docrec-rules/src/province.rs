//! Korea's first-level divisions (시·도), as addresses and the issuers of
//! resident registration cards (`서울특별시 종로구청장`) print them.
//!
//! Takes a name read without its spaces; gives the division it starts with.

/// The divisions' full names, the old names of renamed ones included.
pub const PROVINCES: [&str; 20] = [
    "서울특별시",
    "부산광역시",
    "대구광역시",
    "인천광역시",
    "광주광역시",
    "대전광역시",
    "울산광역시",
    "세종특별자치시",
    "경기도",
    "강원특별자치도",
    "강원도",
    "충청북도",
    "충청남도",
    "전북특별자치도",
    "전라북도",
    "전라남도",
    "경상북도",
    "경상남도",
    "제주특별자치도",
    "제주도",
];

/// Splits `compact` (a name without spaces) into the division it starts
/// with and the rest: `서울특별시종로구청장` → (`서울특별시`, `종로구청장`).
pub fn split_province(compact: &str) -> Option<(&str, &str)> {
    PROVINCES
        .iter()
        .filter(|p| compact.starts_with(*p))
        .max_by_key(|p| p.len())
        .map(|p| compact.split_at(p.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_division_a_name_starts_with() {
        assert_eq!(
            split_province("서울특별시종로구청장"),
            Some(("서울특별시", "종로구청장"))
        );
        assert_eq!(
            split_province("강원특별자치도춘천시장"),
            Some(("강원특별자치도", "춘천시장"))
        );
        assert_eq!(split_province("종로구청장"), None);
    }
}
