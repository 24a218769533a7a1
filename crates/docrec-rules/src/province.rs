//! Korea's first-level divisions (시·도), as addresses and the issuers of
//! resident registration cards (`서울특별시 종로구청장`) print them.
//!
//! Takes a name read without its spaces; gives the division it starts with,
//! as printed ([`split_province`]) or with a syllable or two misread
//! ([`nearest_province`]): the divisions are a closed list, so a misread
//! one is still known. Lists each division's districts ([`DISTRICTS`]),
//! which tell a division apart and spell a misread district.

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
/// (`서올특벌시`); as printed first. Failing those, a division with up to
/// half its syllables misread that the district after it tells apart
/// (`데구광역서수성구청장`).
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
    if near || far_from_others {
        return Some(ProvinceMatch {
            province,
            rest: &compact[end..],
            misread,
        });
    }
    known_by_district(compact)
}

/// The division `compact` starts with, up to half its syllables misread,
/// when a district of it follows (`데구광역서수성구청장`: 대구광역시, the
/// only division with a 수성구) and no other division so read is as near.
fn known_by_district(compact: &str) -> Option<ProvinceMatch<'_>> {
    let mut nearest: Vec<(f32, ProvinceMatch<'_>)> = DISTRICTS
        .iter()
        .filter_map(|(province, districts)| {
            let len = province.chars().count();
            let end = compact
                .char_indices()
                .nth(len)
                .map_or(compact.len(), |(at, _)| at);
            let rest = &compact[end..];
            if !districts.iter().any(|district| rest.starts_with(district)) {
                return None;
            }
            let misread = province
                .chars()
                .zip(compact[..end].chars())
                .filter(|(a, b)| a != b)
                .count();
            let share = misread as f32 / len as f32;
            (share <= 0.5).then_some((
                share,
                ProvinceMatch {
                    province,
                    rest,
                    misread,
                },
            ))
        })
        .collect();
    nearest.sort_by(|a, b| a.0.total_cmp(&b.0));
    match nearest.as_slice() {
        [(_, only)] => Some(*only),
        [(first, nearest), (second, _), ..] if first < second => Some(*nearest),
        _ => None,
    }
}

/// The districts (시·군·구) whose heads issue resident registration cards,
/// by division: the autonomous districts, cities and counties, with the
/// names of those merged or renamed since cards still valid were issued
/// (마산시, 진해시 and 청원군 before their mergers, 인천 남구 before
/// 미추홀구, 중구 and 동구 before 제물포구 and 영종구, 군위군 under
/// 경상북도 before 2023, the counties that became cities). A renamed
/// division shares its list with its old name.
pub const DISTRICTS: [(&str, &[&str]); 20] = [
    ("서울특별시", SEOUL),
    ("부산광역시", BUSAN),
    ("대구광역시", DAEGU),
    ("인천광역시", INCHEON),
    ("광주광역시", GWANGJU),
    ("대전광역시", DAEJEON),
    ("울산광역시", ULSAN),
    ("세종특별자치시", &[]),
    ("경기도", GYEONGGI),
    ("강원특별자치도", GANGWON),
    ("강원도", GANGWON),
    ("충청북도", CHUNGBUK),
    ("충청남도", CHUNGNAM),
    ("전북특별자치도", JEONBUK),
    ("전라북도", JEONBUK),
    ("전라남도", JEONNAM),
    ("경상북도", GYEONGBUK),
    ("경상남도", GYEONGNAM),
    ("제주특별자치도", JEJU),
    ("제주도", JEJU),
];

const SEOUL: &[&str] = &[
    "종로구",
    "중구",
    "용산구",
    "성동구",
    "광진구",
    "동대문구",
    "중랑구",
    "성북구",
    "강북구",
    "도봉구",
    "노원구",
    "은평구",
    "서대문구",
    "마포구",
    "양천구",
    "강서구",
    "구로구",
    "금천구",
    "영등포구",
    "동작구",
    "관악구",
    "서초구",
    "강남구",
    "송파구",
    "강동구",
];
const BUSAN: &[&str] = &[
    "중구",
    "서구",
    "동구",
    "영도구",
    "부산진구",
    "동래구",
    "남구",
    "북구",
    "해운대구",
    "사하구",
    "금정구",
    "강서구",
    "연제구",
    "수영구",
    "사상구",
    "기장군",
];
const DAEGU: &[&str] = &[
    "중구",
    "동구",
    "서구",
    "남구",
    "북구",
    "수성구",
    "달서구",
    "달성군",
    "군위군",
];
const INCHEON: &[&str] = &[
    "중구",
    "동구",
    "미추홀구",
    "남구",
    "연수구",
    "남동구",
    "부평구",
    "계양구",
    "서구",
    "강화군",
    "옹진군",
    "제물포구",
    "영종구",
    "검단구",
];
const GWANGJU: &[&str] = &["동구", "서구", "남구", "북구", "광산구"];
const DAEJEON: &[&str] = &["동구", "중구", "서구", "유성구", "대덕구"];
const ULSAN: &[&str] = &["중구", "남구", "동구", "북구", "울주군"];
const GYEONGGI: &[&str] = &[
    "수원시",
    "성남시",
    "의정부시",
    "안양시",
    "부천시",
    "광명시",
    "평택시",
    "동두천시",
    "안산시",
    "고양시",
    "과천시",
    "구리시",
    "남양주시",
    "오산시",
    "시흥시",
    "군포시",
    "의왕시",
    "하남시",
    "용인시",
    "파주시",
    "이천시",
    "안성시",
    "김포시",
    "화성시",
    "광주시",
    "양주시",
    "포천시",
    "여주시",
    "연천군",
    "가평군",
    "양평군",
    "여주군",
    "포천군",
    "양주군",
    "화성군",
    "광주군",
];
const GANGWON: &[&str] = &[
    "춘천시",
    "원주시",
    "강릉시",
    "동해시",
    "태백시",
    "속초시",
    "삼척시",
    "홍천군",
    "횡성군",
    "영월군",
    "평창군",
    "정선군",
    "철원군",
    "화천군",
    "양구군",
    "인제군",
    "고성군",
    "양양군",
];
const CHUNGBUK: &[&str] = &[
    "청주시",
    "충주시",
    "제천시",
    "보은군",
    "옥천군",
    "영동군",
    "증평군",
    "진천군",
    "괴산군",
    "음성군",
    "단양군",
    "청원군",
];
const CHUNGNAM: &[&str] = &[
    "천안시",
    "공주시",
    "보령시",
    "아산시",
    "서산시",
    "논산시",
    "계룡시",
    "당진시",
    "금산군",
    "부여군",
    "서천군",
    "청양군",
    "홍성군",
    "예산군",
    "태안군",
    "당진군",
    "연기군",
];
const JEONBUK: &[&str] = &[
    "전주시",
    "군산시",
    "익산시",
    "정읍시",
    "남원시",
    "김제시",
    "완주군",
    "진안군",
    "무주군",
    "장수군",
    "임실군",
    "순창군",
    "고창군",
    "부안군",
];
const JEONNAM: &[&str] = &[
    "목포시",
    "여수시",
    "순천시",
    "나주시",
    "광양시",
    "담양군",
    "곡성군",
    "구례군",
    "고흥군",
    "보성군",
    "화순군",
    "장흥군",
    "강진군",
    "해남군",
    "영암군",
    "무안군",
    "함평군",
    "영광군",
    "장성군",
    "완도군",
    "진도군",
    "신안군",
];
const GYEONGBUK: &[&str] = &[
    "포항시",
    "경주시",
    "김천시",
    "안동시",
    "구미시",
    "영주시",
    "영천시",
    "상주시",
    "문경시",
    "경산시",
    "의성군",
    "청송군",
    "영양군",
    "영덕군",
    "청도군",
    "고령군",
    "성주군",
    "칠곡군",
    "예천군",
    "봉화군",
    "울진군",
    "울릉군",
    "군위군",
];
const GYEONGNAM: &[&str] = &[
    "창원시",
    "진주시",
    "통영시",
    "사천시",
    "김해시",
    "밀양시",
    "거제시",
    "양산시",
    "의령군",
    "함안군",
    "창녕군",
    "고성군",
    "남해군",
    "하동군",
    "산청군",
    "함양군",
    "거창군",
    "합천군",
    "마산시",
    "진해시",
];
const JEJU: &[&str] = &["제주시", "서귀포시", "북제주군", "남제주군"];

/// The districts of `province` (a name of [`PROVINCES`]); none for a name
/// that is not one.
pub fn districts_of(province: &str) -> &'static [&'static str] {
    DISTRICTS
        .iter()
        .find(|(name, _)| *name == province)
        .map_or(&[], |(_, districts)| districts)
}

/// The divisions that have a district of this name (`수성구`: 대구광역시;
/// `중구`: six of them).
pub fn provinces_with_district(district: &str) -> impl Iterator<Item = &'static str> + '_ {
    DISTRICTS
        .iter()
        .filter(move |(_, districts)| districts.contains(&district))
        .map(|(name, _)| *name)
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
        assert_eq!(nearest_province("부선장역시해운대로"), None);
        assert_eq!(nearest_province("대두광역시중구청장"), None);
        // Two of five, known by a district only one division has.
        let found = nearest_province("부선장역시해운대구청장").expect("a division");
        assert_eq!((found.province, found.misread), ("부산광역시", 2));
        let found = nearest_province("데구광역서수성구청장").expect("a division");
        assert_eq!(
            (found.province, found.rest, found.misread),
            ("대구광역시", "수성구청장", 2)
        );
        // A district of several divisions as near: unknown.
        assert_eq!(nearest_province("대두광역서중구청장"), None);
        assert_eq!(nearest_province("종로구청장"), None);
    }

    #[test]
    fn every_division_has_its_districts_listed_once() {
        for province in PROVINCES {
            let districts = districts_of(province);
            assert_eq!(
                districts.is_empty(),
                province == "세종특별자치시",
                "{province}"
            );
            for (i, district) in districts.iter().enumerate() {
                assert!(!districts[..i].contains(district), "{province} {district}");
                assert!(
                    ["구", "시", "군"].iter().any(|s| district.ends_with(s)),
                    "{district}"
                );
            }
        }
        assert!(districts_of("서울특별시").contains(&"종로구"));
        assert!(districts_of("종로구").is_empty());
        assert_eq!(
            provinces_with_district("수성구").collect::<Vec<_>>(),
            ["대구광역시"]
        );
        assert_eq!(provinces_with_district("중구").count(), 6);
        assert_eq!(
            provinces_with_district("고성군").collect::<Vec<_>>(),
            ["강원특별자치도", "강원도", "경상남도"]
        );
    }
}
