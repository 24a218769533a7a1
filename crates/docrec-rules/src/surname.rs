//! Korean surnames: a closed list. A name on an ID card starts with one of
//! them, which tells a recognizer whether a lone syllable in front of a
//! given name is the name's surname or what is left of a label.
//!
//! The list holds the common surnames (one syllable and compound), which
//! together cover nearly every resident; rarer surnames exist and are not
//! refused by anything here, only not recognised as surnames.

/// The one-syllable surnames, the commonest first (by the 2015 census's
/// counts; the rarer ones in no particular order).
const SINGLE: &str = "김이박최정강조윤장임한오서신권황안송류유전홍고문양손배백허남심노하곽\
성차주우구라나민진지엄채원천방공현함변염여추도소석선설마길연위표명기\
반왕금옥육인맹제모탁국어은편용예경봉사부가복태목형계피두감음빈동온호\
범좌팽승간상갈단견당시화창옹순빙종대평풍즙묵근매야곡묘초비판섭뇌";

/// How many of [`SINGLE`]'s surnames, the commonest first, nine in ten
/// residents bear.
const COMMON: usize = 40;

/// The two-syllable surnames.
const COMPOUND: [&str; 11] = [
    "남궁", "황보", "제갈", "선우", "독고", "사공", "서문", "동방", "어금", "망절", "황목",
];

/// Whether `syllable` (one Hangul syllable) is a one-syllable surname.
pub fn is_single_surname(syllable: char) -> bool {
    SINGLE.contains(syllable)
}

/// The commonest one-syllable surnames, commonest first: `김` to `라`, the
/// surnames of nine in ten residents.
pub fn common_surnames() -> impl Iterator<Item = char> {
    SINGLE.chars().take(COMMON)
}

/// The surname `name` starts with: a compound surname when it starts with
/// one and more follows, else its first syllable when that is a surname.
pub fn surname_of(name: &str) -> Option<&str> {
    if let Some(compound) = COMPOUND
        .iter()
        .find(|c| name.starts_with(*c) && name.len() > c.len())
    {
        return Some(&name[..compound.len()]);
    }
    let first = name.chars().next()?;
    is_single_surname(first).then(|| &name[..first.len_utf8()])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_and_compound_surnames_are_known() {
        for surname in ['김', '이', '박', '최', '정', '오', '서', '홍'] {
            assert!(is_single_surname(surname), "{surname}");
        }
        assert!(!is_single_surname('쌩'));
        assert!(!is_single_surname('왜'));
        assert_eq!(surname_of("남궁민수"), Some("남궁"));
        assert_eq!(surname_of("황보"), Some("황"));
        assert_eq!(surname_of("이예영"), Some("이"));
        assert_eq!(surname_of("쌩예영"), None);
        assert_eq!(surname_of(""), None);
        let common: String = common_surnames().collect();
        assert!(common.starts_with("김이박") && common.contains('강'));
        assert!(!common.contains('동') && !common.contains('공'));
    }

    #[test]
    fn the_list_names_each_surname_once() {
        let mut seen = std::collections::BTreeSet::new();
        assert!(SINGLE.chars().all(|c| seen.insert(c)));
        assert!(COMPOUND.iter().all(|c| c.chars().count() == 2));
    }
}
