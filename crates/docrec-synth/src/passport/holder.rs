//! Who a passport is issued to: a Korean holder (the name in Hangul and as
//! the passport romanises it) or a foreign one (Latin names of one to
//! several parts, some long enough to be cut in the MRZ).
//!
//! Takes: a random generator (and, for foreign names, the issuing state's
//! name pools). Gives: [`Holder`]: the surname and given names as the
//! visual zone prints them and, for a Korean, the Hangul name.
//!
//! Romanisation is a table, not a rule: each surname and syllable the
//! generator draws has the spelling passports most often print for it
//! (`이` LEE, `박` PARK, `최` CHOI; given-name syllables in the Revised
//! Romanization, `길동` GILDONG). A Korean passport prints the given name
//! joined (`GILDONG`) or, on a few, as two words (`GIL DONG`).

use rand::Rng;

use docrec_rules::surname::common_surnames;

/// The passport spelling of each of [`common_surnames`] and of the
/// compound surnames the generator draws.
const SURNAMES: &[(&str, &str)] = &[
    ("김", "KIM"),
    ("이", "LEE"),
    ("박", "PARK"),
    ("최", "CHOI"),
    ("정", "JUNG"),
    ("강", "KANG"),
    ("조", "CHO"),
    ("윤", "YOON"),
    ("장", "JANG"),
    ("임", "LIM"),
    ("한", "HAN"),
    ("오", "OH"),
    ("서", "SEO"),
    ("신", "SHIN"),
    ("권", "KWON"),
    ("황", "HWANG"),
    ("안", "AHN"),
    ("송", "SONG"),
    ("류", "RYU"),
    ("유", "YOO"),
    ("전", "JEON"),
    ("홍", "HONG"),
    ("고", "KO"),
    ("문", "MOON"),
    ("양", "YANG"),
    ("손", "SON"),
    ("배", "BAE"),
    ("백", "BAEK"),
    ("허", "HEO"),
    ("남", "NAM"),
    ("심", "SIM"),
    ("노", "NOH"),
    ("하", "HA"),
    ("곽", "KWAK"),
    ("성", "SUNG"),
    ("차", "CHA"),
    ("주", "JOO"),
    ("우", "WOO"),
    ("구", "KOO"),
    ("라", "RA"),
    ("남궁", "NAMGOONG"),
    ("황보", "HWANGBO"),
    ("제갈", "JEGAL"),
    ("선우", "SUNWOO"),
    ("독고", "DOKGO"),
];

/// The compound surnames of [`SURNAMES`].
const COMPOUND_SURNAMES: &[&str] = &["남궁", "황보", "제갈", "선우", "독고"];

/// Given-name syllables and their romanisation.
const GIVEN_SYLLABLES: &[(&str, &str)] = &[
    ("길", "GIL"),
    ("동", "DONG"),
    ("민", "MIN"),
    ("서", "SEO"),
    ("준", "JUN"),
    ("지", "JI"),
    ("현", "HYEON"),
    ("우", "WOO"),
    ("예", "YE"),
    ("은", "EUN"),
    ("도", "DO"),
    ("하", "HA"),
    ("수", "SU"),
    ("영", "YOUNG"),
    ("진", "JIN"),
    ("성", "SEONG"),
    ("호", "HO"),
    ("재", "JAE"),
    ("윤", "YUN"),
    ("태", "TAE"),
    ("혜", "HYE"),
    ("경", "KYUNG"),
    ("희", "HEE"),
    ("연", "YEON"),
    ("원", "WON"),
    ("석", "SEOK"),
    ("훈", "HOON"),
    ("철", "CHEOL"),
    ("상", "SANG"),
    ("용", "YONG"),
    ("미", "MI"),
    ("소", "SO"),
    ("빈", "BIN"),
    ("규", "GYU"),
    ("승", "SEUNG"),
    ("광", "KWANG"),
];

/// Given names of native words (no Hanja) and how they are romanised.
const NATIVE_GIVEN: &[(&str, &str)] = &[
    ("하늘", "HANEUL"),
    ("가람", "GARAM"),
    ("보람", "BORAM"),
    ("슬기", "SEULGI"),
    ("나래", "NARAE"),
    ("한별", "HANBYEOL"),
    ("다솜", "DASOM"),
    ("아름", "AREUM"),
    ("빛나", "BITNA"),
    ("한결", "HANGYEOL"),
];

/// Someone a passport names, as its visual zone prints them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holder {
    /// The surname in Latin capitals (`HONG`, `VAN DER BERG`, `O'BRIEN`).
    pub surname: String,
    /// The given names in Latin capitals (`GILDONG`, `ANNA MARIA`).
    pub given: String,
    /// The name in Hangul, on a Korean passport (`홍길동`).
    pub korean: Option<String>,
}

fn pick<T: Copy>(rng: &mut impl Rng, items: &[T]) -> T {
    items[rng.gen_range(0..items.len())]
}

/// The passport spelling of a surname of [`SURNAMES`].
pub fn romanised_surname(hangul: &str) -> Option<&'static str> {
    SURNAMES.iter().find(|(h, _)| *h == hangul).map(|(_, r)| *r)
}

/// A Korean holder: a common or (one in fifteen) compound surname; a given
/// name of two syllables, one syllable or a native word.
pub fn korean(rng: &mut impl Rng) -> Holder {
    let surname = if rng.gen_bool(1.0 / 15.0) {
        pick(rng, COMPOUND_SURNAMES).to_owned()
    } else {
        let commons: Vec<char> = common_surnames().collect();
        pick(rng, &commons).to_string()
    };
    let latin_surname = romanised_surname(&surname).expect("every drawn surname is romanised");
    let (given, parts): (String, Vec<&str>) = match rng.gen_range(0..100) {
        0..8 => {
            let (h, r) = pick(rng, GIVEN_SYLLABLES);
            (h.to_owned(), vec![r])
        }
        8..20 => {
            let (h, r) = pick(rng, NATIVE_GIVEN);
            (h.to_owned(), vec![r])
        }
        _ => {
            let (h1, r1) = pick(rng, GIVEN_SYLLABLES);
            let (h2, r2) = pick(rng, GIVEN_SYLLABLES);
            (format!("{h1}{h2}"), vec![r1, r2])
        }
    };
    // Most print the syllables joined; a few as two words.
    let separator = if parts.len() > 1 && rng.gen_bool(0.15) {
        " "
    } else {
        ""
    };
    Holder {
        surname: latin_surname.to_owned(),
        given: parts.join(separator),
        korean: Some(format!("{surname}{given}")),
    }
}

/// The name pools of a foreign issuing state.
#[derive(Debug, Clone, Copy)]
pub struct NamePool {
    pub surnames: &'static [&'static str],
    pub given: &'static [&'static str],
}

/// A foreign holder from `pool`: one surname (sometimes two joined by a
/// hyphen), one or two given names; about one in six has two surnames and
/// four given names, most of them (not the short Chinese and Japanese
/// ones) too long for the MRZ's 39 characters, which cut them.
pub fn foreign(rng: &mut impl Rng, pool: NamePool) -> Holder {
    let long = rng.gen_bool(1.0 / 6.0);
    let mut surname = pick(rng, pool.surnames).to_owned();
    if long || rng.gen_bool(0.1) {
        let second = pick(rng, pool.surnames);
        if second != surname {
            surname = format!("{surname}-{second}");
        }
    }
    let count = if long { 4 } else { rng.gen_range(1..=2) };
    let mut given: Vec<&str> = Vec::new();
    while given.len() < count {
        let name = pick(rng, pool.given);
        if !given.contains(&name) {
            given.push(name);
        }
    }
    Holder {
        surname,
        given: given.join(" "),
        korean: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn every_common_surname_is_romanised() {
        for surname in common_surnames() {
            assert!(
                romanised_surname(&surname.to_string()).is_some(),
                "{surname}"
            );
        }
        for surname in COMPOUND_SURNAMES {
            assert!(romanised_surname(surname).is_some(), "{surname}");
        }
    }

    #[test]
    fn korean_names_romanise_their_hangul() {
        let mut spaced = 0;
        for seed in 0..300 {
            let h = korean(&mut ChaCha8Rng::seed_from_u64(seed));
            let hangul = h.korean.clone().unwrap();
            let n = hangul.chars().count();
            assert!((2..=4).contains(&n), "{hangul}");
            assert!(hangul.chars().all(docrec_rules::is_hangul_syllable));
            let surname = docrec_rules::surname::surname_of(&hangul).unwrap();
            assert_eq!(romanised_surname(surname), Some(h.surname.as_str()));
            assert!(h.given.chars().all(|c| c.is_ascii_uppercase() || c == ' '));
            spaced += usize::from(h.given.contains(' '));
        }
        assert!((5..80).contains(&spaced), "{spaced}");
    }
}
