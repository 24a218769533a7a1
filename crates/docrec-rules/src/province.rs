//! Korea's first-level divisions (시·도), as addresses and the issuers of
//! resident registration cards (`서울특별시 종로구청장`) print them.
//!
//! Takes a name read without its spaces; gives the division it starts with,
//! as printed ([`split_province`]) or with a syllable or two misread
//! ([`nearest_province`]): the divisions are a closed list, so a misread
//! one is still known.

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

/// A division [`nearest_province`] found at the start of a name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProvinceMatch<'a> {
    /// The division's name as it is spelt.
    pub province: &'static str,
    /// What follows it in the name.
    pub rest: &'a str,
    /// How many of its syllables were read as others.
    pub misread: usize,
}

/// The division `compact` (a name without spaces) starts with, its
/// syllables read right or up to one in four of them misread (`서울룩별시`
/// is `서울특별시`) when no other division is as near, or up to two in
/// five when every other has at least two in five more misread
/// (`서올특벌시`); as printed first.
pub fn nearest_province(compact: &str) -> Option<ProvinceMatch<'_>> {
    if let Some((province, rest)) = split_province(compact) {
        let province = PROVINCES.iter().find(|p| **p == province)?;
        return Some(ProvinceMatch {
            province,
            rest,
            misread: 0,
        });
    }
    let mut nearest: Vec<(usize, &'static str, usize)> = PROVINCES
        .iter()
        .filter_map(|province| {
            let len = province.chars().count();
            let (end, _) = compact.char_indices().nth(len - 1)?;
            let end = end + compact[end..].chars().next()?.len_utf8();
            let misread = province
                .chars()
                .zip(compact[..end].chars())
                .filter(|(a, b)| a != b)
                .count();
            Some((misread, *province, end))
        })
        .collect();
    // Nearest first, by the share of a division's syllables misread.
    let share = |(misread, province, _): &(usize, &str, usize)| {
        *misread as f32 / province.chars().count() as f32
    };
    nearest.sort_by(|a, b| share(a).total_cmp(&share(b)));
    let (misread, province, end) = *nearest.first()?;
    let (first, second) = (
        share(&nearest[0]),
        nearest.get(1).map_or(f32::INFINITY, share),
    );
    let near = first <= 0.25 && first < second;
    let far_from_others = first <= 0.4 && second - first >= 0.4;
    (near || far_from_others).then(|| ProvinceMatch {
        province,
        rest: &compact[end..],
        misread,
    })
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

    #[test]
    fn a_division_read_with_a_syllable_misread_is_still_known() {
        let found = nearest_province("서울룩별시강남구청장").expect("a division");
        assert_eq!(
            (found.province, found.rest, found.misread),
            ("서울특별시", "강남구청장", 1)
        );
        let found = nearest_province("언천광역시남동구청장").expect("a division");
        assert_eq!((found.province, found.misread), ("인천광역시", 1));
        assert_eq!(nearest_province("경기도수원시장").unwrap().misread, 0);
        // Two syllables of five, far from every other division.
        let found = nearest_province("서올특벌시종로구청장").expect("a division");
        assert_eq!((found.province, found.misread), ("서울특별시", 2));
        // Two syllables of five with another division one in five further,
        // or a name as near two divisions: unknown.
        assert_eq!(nearest_province("부선장역시해운대구청장"), None);
        assert_eq!(nearest_province("대두광역시중구청장"), None);
        assert_eq!(nearest_province("종로구청장"), None);
    }
}
