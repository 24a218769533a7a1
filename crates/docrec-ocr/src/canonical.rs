//! One spelling for the punctuation and digits OCR gives in many forms.
//!
//! Takes: text as a Tesseract model wrote it.
//! Gives: the same text, character for character, with every form of a
//! dash or hyphen written `-`, every slash look-alike `/`, and the
//! full-width forms of ASCII (`１２`, `／`, `－`, `．`) as ASCII.
//!
//! Fonts draw a licence number's or a registration number's hyphens at
//! every length: Gulim and Dotum draw them long, and the models then
//! answer `—`, `–`, `―` or `－`. Every number grammar of docrec is written
//! with `-` and `/`, so the readings are made canonical once, where the
//! engine gives its words, and no recognizer has to know the variants.
//! The mapping is one character to one character, so a word's text keeps
//! its length and can still be followed through the engine's page text.
//!
//! Only marks that are a dash or a slash in every context are mapped here;
//! letters that look like digits (`O`, `l`, `S`, `B`) are mapped only where
//! a field's grammar says digits, by the recognizers.

/// The canonical form of one character (itself when it has no other).
pub fn canonical_char(c: char) -> char {
    match c {
        // Hyphens, dashes, minus signs, bars drawn as dashes, the
        // katakana prolonged-sound marks a CJK model gives for a long dash,
        // and the Hangul letter ㅡ the Korean model gives for one (a
        // document prints Hangul letters only inside syllables, never
        // alone).
        '\u{00AD}'
        | '\u{02D7}'
        | '\u{2010}'..='\u{2015}'
        | '\u{2043}'
        | '\u{2212}'
        | '\u{23AF}'
        | '\u{2500}'
        | '\u{2501}'
        | '\u{2E3A}'
        | '\u{2E3B}'
        | '\u{30FC}'
        | '\u{3161}'
        | '\u{FE58}'
        | '\u{FE63}'
        | '\u{FF0D}'
        | '\u{FF70}' => '-',
        // Fraction and division slashes, the big solidus.
        '\u{2044}' | '\u{2215}' | '\u{29F8}' => '/',
        // Full-width ASCII (`！` to `～`), full-width digits among them.
        '\u{FF01}'..='\u{FF5E}' => {
            char::from_u32(c as u32 - 0xFF01 + 0x21).expect("full-width ASCII maps to ASCII")
        }
        '\u{3000}' => ' ',
        _ => c,
    }
}

/// `text` with every character in its canonical form ([`canonical_char`]).
pub fn canonical_text(text: &str) -> String {
    text.chars().map(canonical_char).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_dash_is_a_hyphen_minus() {
        assert_eq!(canonical_text("17—16—178405—80"), "17-16-178405-80");
        assert_eq!(canonical_text("17–16―178405－80"), "17-16-178405-80");
        assert_eq!(canonical_text("123−45‐67891"), "123-45-67891");
        assert_eq!(canonical_text("12ー34"), "12-34");
        assert_eq!(canonical_text("경기-10-971046ㅡ82"), "경기-10-971046-82");
    }

    #[test]
    fn full_width_forms_and_slashes_become_ascii() {
        assert_eq!(canonical_text("１２／２８"), "12/28");
        assert_eq!(canonical_text("12⁄28"), "12/28");
        assert_eq!(canonical_text("２０１５．５．２．"), "2015.5.2.");
        assert_eq!(canonical_text("ＶＡＬＩＤ　ＴＨＲＵ"), "VALID THRU");
    }

    #[test]
    fn hangul_and_ascii_are_left_as_they_are() {
        let text = "서울특별시 종로구청장 (洪吉童) 1종보통 A-Z 0-9 ~";
        assert_eq!(canonical_text(text), text);
    }

    #[test]
    fn every_mapped_character_becomes_ascii() {
        for c in ('\u{0}'..='\u{FFFF}').filter(|c| canonical_char(*c) != *c) {
            assert!(canonical_char(c).is_ascii(), "{c:?}");
        }
    }
}
