//! Whether a Hangul given name and its romanisation on a passport are one
//! name: takes the Hangul and the Latin spelling, gives yes or no.
//!
//! Korean passports romanise given names in the Revised Romanization
//! (`서빈` `SEOBIN`), in McCune-Reischauer or by custom (`영` `YOUNG`,
//! `준` `JOON`, `지` `JI` or `GI`). The spellings differ in their vowels,
//! in voicing (`g`/`k`, `d`/`t`, `b`/`p`, `j`/`ch`), in `r`/`l` and in
//! doubled letters, and agree in the rest. So both are compared as their
//! consonant skeletons: vowels (and `w`, `y`) dropped, each consonant
//! mapped to its class, repeats merged. The Hangul is first romanised
//! syllable by syllable in the Revised Romanization.

/// Initial consonants in Unicode's order (ㄱ ㄲ ㄴ ㄷ ㄸ ㄹ ㅁ ㅂ ㅃ ㅅ ㅆ ㅇ ㅈ
/// ㅉ ㅊ ㅋ ㅌ ㅍ ㅎ).
const INITIALS: [&str; 19] = [
    "g", "kk", "n", "d", "tt", "r", "m", "b", "pp", "s", "ss", "", "j", "jj", "ch", "k", "t", "p",
    "h",
];

/// Vowels in Unicode's order (ㅏ ㅐ ㅑ ㅒ ㅓ ㅔ ㅕ ㅖ ㅗ ㅘ ㅙ ㅚ ㅛ ㅜ ㅝ ㅞ ㅟ ㅠ ㅡ
/// ㅢ ㅣ).
const VOWELS: [&str; 21] = [
    "a", "ae", "ya", "yae", "eo", "e", "yeo", "ye", "o", "wa", "wae", "oe", "yo", "u", "wo", "we",
    "wi", "yu", "eu", "ui", "i",
];

/// Final consonants in Unicode's order (none, ㄱ ㄲ ㄳ ㄴ ㄵ ㄶ ㄷ ㄹ ㄺ ㄻ ㄼ ㄽ
/// ㄾ ㄿ ㅀ ㅁ ㅂ ㅄ ㅅ ㅆ ㅇ ㅈ ㅊ ㅋ ㅌ ㅍ ㅎ), as they sound at a syllable's
/// end.
const FINALS: [&str; 28] = [
    "", "k", "k", "k", "n", "n", "n", "t", "l", "k", "m", "l", "l", "l", "p", "l", "m", "p", "p",
    "t", "t", "ng", "t", "t", "k", "t", "p", "t",
];

/// `hangul` in the Revised Romanization, syllable by syllable (no sound
/// changes across syllables); `None` when a character is not a syllable.
pub fn revised_romanisation(hangul: &str) -> Option<String> {
    hangul
        .chars()
        .map(|syllable| {
            let offset = (syllable as u32).checked_sub(0xAC00)?;
            let initial = INITIALS.get((offset / 588) as usize)?;
            let vowel = VOWELS.get((offset % 588 / 28) as usize)?;
            let last = FINALS.get((offset % 28) as usize)?;
            Some(format!("{initial}{vowel}{last}"))
        })
        .collect()
}

/// The consonant skeleton of a Latin spelling: vowels, `w` and `y`
/// dropped, voiced and voiceless consonants alike, `r` as `l`, `ch` and
/// `sh` as `j` and `s`, a run of one class as one.
fn skeleton(latin: &str) -> String {
    let lower = latin
        .to_ascii_lowercase()
        .replace("ch", "j")
        .replace("sh", "s");
    let mut classes: Vec<char> = Vec::new();
    for c in lower.chars() {
        let class = match c {
            'g' | 'k' | 'c' | 'q' => 'k',
            'd' | 't' => 't',
            'b' | 'p' | 'f' | 'v' => 'p',
            'r' | 'l' => 'l',
            'j' | 'z' => 'j',
            's' | 'x' => 's',
            'm' | 'n' | 'h' => c,
            _ => continue,
        };
        if classes.last() != Some(&class) {
            classes.push(class);
        }
    }
    classes.into_iter().collect()
}

/// Whether Hangul given name `hangul` and Latin `latin` (its passport's
/// spelling; spaces, hyphens and fillers ignored) are one name by their
/// consonant skeletons. Either empty, or Hangul that is no syllables:
/// false.
pub fn romanises_alike(hangul: &str, latin: &str) -> bool {
    let Some(romanised) = revised_romanisation(hangul) else {
        return false;
    };
    let latin: String = latin.chars().filter(char::is_ascii_alphabetic).collect();
    !romanised.is_empty() && !latin.is_empty() && skeleton(&romanised) == skeleton(&latin)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syllables_are_romanised_in_the_revised_romanization() {
        assert_eq!(revised_romanisation("서빈").as_deref(), Some("seobin"));
        assert_eq!(revised_romanisation("길동").as_deref(), Some("gildong"));
        assert_eq!(revised_romanisation("빛나").as_deref(), Some("bitna"));
        assert_eq!(revised_romanisation("A"), None);
    }

    #[test]
    fn a_given_name_matches_its_spellings_and_not_another_name() {
        assert!(romanises_alike("서빈", "SEOBIN"));
        assert!(romanises_alike("길동", "GIL DONG"));
        assert!(romanises_alike("영준", "YOUNG-JOON"));
        assert!(romanises_alike("지혜", "JIHYE"));
        assert!(romanises_alike("철수", "CHEOLSOO"));
        assert!(romanises_alike("태하", "TAEHA"));
        assert!(romanises_alike("연연", "YEONYEON"));
        assert!(!romanises_alike("아", "YEONYEON"));
        assert!(!romanises_alike("호수", "HYUNWOO"));
        assert!(!romanises_alike("", "HOSU"));
        assert!(!romanises_alike("호수", ""));
    }
}
