//! From OCR words to lines and digit strings.
//!
//! [`group_lines`] takes words in any order and gives text lines (words that
//! share a baseline band), each sorted left to right. [`digit_reading`]
//! takes one word and, when it is mostly digits, gives the digits it most
//! likely shows, mapping the letters OCR confuses with digits (`O`→`0`,
//! `l`→`1`, `S`→`5`, …) and counting how many it had to map.
//! [`edit_distance`] counts the characters two readings differ by.
//! [`choose`] picks a field's value among what its readings gave, by the
//! field's checks first and the readings' agreement next.

use docrec_ocr::{Rect, Word};

/// Words on one text line, left to right.
#[derive(Debug, Clone, Default)]
pub struct Line {
    pub words: Vec<Word>,
}

/// The box around every word (empty for no word).
pub fn words_rect(words: &[Word]) -> Rect {
    words
        .iter()
        .map(|w| w.rect)
        .reduce(|a, b| a.union(&b))
        .unwrap_or_default()
}

impl Line {
    /// The box around every word of the line.
    pub fn rect(&self) -> Rect {
        words_rect(&self.words)
    }

    /// The words' texts joined with spaces.
    pub fn text(&self) -> String {
        self.words
            .iter()
            .map(|w| w.text.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn median_height(&self) -> f32 {
        let mut heights: Vec<u32> = self.words.iter().map(|w| w.rect.height).collect();
        heights.sort_unstable();
        heights.get(heights.len() / 2).copied().unwrap_or(0) as f32
    }

    fn center_y(&self) -> f32 {
        let mut centers: Vec<f32> = self.words.iter().map(|w| w.rect.center_y()).collect();
        centers.sort_by(f32::total_cmp);
        centers.get(centers.len() / 2).copied().unwrap_or(0.0)
    }
}

/// Groups words into lines: a word joins the line whose middle lies within
/// half the word's height of its own middle and whose words are of a similar
/// height.
pub fn group_lines(words: &[Word]) -> Vec<Line> {
    let mut sorted: Vec<&Word> = words.iter().collect();
    sorted.sort_by(|a, b| a.rect.center_y().total_cmp(&b.rect.center_y()));
    let mut lines: Vec<Line> = Vec::new();
    for word in sorted {
        let height = word.rect.height as f32;
        let home = lines.iter_mut().find(|line| {
            let line_height = line.median_height();
            (line.center_y() - word.rect.center_y()).abs() < 0.5 * height.max(line_height)
                && height < 1.8 * line_height
                && line_height < 1.8 * height
        });
        match home {
            Some(line) => line.words.push(word.clone()),
            None => lines.push(Line {
                words: vec![word.clone()],
            }),
        }
    }
    for line in &mut lines {
        line.words.sort_by_key(|w| w.rect.x);
    }
    lines.sort_by(|a, b| a.center_y().total_cmp(&b.center_y()));
    lines
}

/// The digit a character OCR often reads in place of that digit.
fn as_digit(c: char) -> Option<char> {
    Some(match c {
        '0'..='9' => c,
        'O' | 'o' | 'D' | 'Q' | 'U' => '0',
        'I' | 'l' | 'i' | '|' | '!' | 'L' | 'J' | ']' | '[' => '1',
        'Z' | 'z' => '2',
        'S' | 's' | '$' => '5',
        'B' => '8',
        'G' | 'b' => '6',
        'q' | 'g' => '9',
        'T' => '7',
        'A' => '4',
        _ => return None,
    })
}

/// Digits read from a word, and how many characters had to be mapped from
/// look-alike letters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DigitReading {
    pub digits: String,
    pub mapped: usize,
}

/// The digits `text` shows, when at least half of it is real digits and the
/// rest are look-alikes (punctuation at either end is dropped).
pub fn digit_reading(text: &str) -> Option<DigitReading> {
    let core = text.trim_matches(|c: char| {
        matches!(
            c,
            '.' | ',' | '-' | '—' | '\'' | '"' | ':' | ';' | '_' | '~'
        )
    });
    if core.is_empty() {
        return None;
    }
    let real = core.chars().filter(char::is_ascii_digit).count();
    let total = core.chars().count();
    if real * 2 < total || real == 0 {
        return None;
    }
    let digits: Option<String> = core.chars().map(as_digit).collect();
    digits.map(|digits| DigitReading {
        mapped: total - real,
        digits,
    })
}

/// Maps look-alike letters to digits in every character of `text` that can
/// be one, leaving the rest: for patterns such as `O9/2S`.
pub fn map_lookalikes(text: &str) -> String {
    text.chars().map(|c| as_digit(c).unwrap_or(c)).collect()
}

/// What one reading of a field gave: the value, its confidence (already
/// lowered by the checks it fails) and whether it passes the field's
/// checks.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub value: String,
    pub conf: f32,
    pub passes: bool,
}

/// A value's confidence when another value read for the same field passes
/// the checks too, as a share of its own: the checks could not tell them
/// apart.
const RIVAL_PASSES_FACTOR: f32 = 0.8;

/// The value a field's readings and checks choose among `candidates`:
/// one that passes the checks before one that does not, then the value
/// the most readings gave, then the surest. Its `conf` is that of its
/// surest reading, lowered when a different value passes the checks too.
pub fn choose(candidates: &[Candidate]) -> Option<Candidate> {
    let votes = |value: &str| candidates.iter().filter(|c| c.value == value).count();
    let best = candidates.iter().max_by(|a, b| {
        (a.passes, votes(&a.value))
            .cmp(&(b.passes, votes(&b.value)))
            .then(a.conf.total_cmp(&b.conf))
    })?;
    let rival_passes = best.passes && candidates.iter().any(|c| c.passes && c.value != best.value);
    let mut chosen = best.clone();
    if rival_passes {
        chosen.conf *= RIVAL_PASSES_FACTOR;
    }
    Some(chosen)
}

/// Whether `c` is a Hangul syllable (가-힣).
pub fn is_hangul(c: char) -> bool {
    ('\u{AC00}'..='\u{D7A3}').contains(&c)
}

/// Edit distance between two strings, in characters.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut current = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            current[j + 1] = (previous[j] + usize::from(ca != cb))
                .min(previous[j + 1] + 1)
                .min(current[j] + 1);
        }
        previous = current;
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word(text: &str, x: i32, y: i32, h: u32) -> Word {
        Word {
            text: text.to_owned(),
            conf: 0.9,
            rect: Rect::new(x, y, 10 * text.len() as u32, h),
            line: (0, 0, 0),
        }
    }

    fn candidate(value: &str, conf: f32, passes: bool) -> Candidate {
        Candidate {
            value: value.to_owned(),
            conf,
            passes,
        }
    }

    #[test]
    fn the_checks_choose_before_the_votes_and_the_votes_before_conf() {
        let chosen = choose(&[
            candidate("17-67-070007-67", 0.4, true),
            candidate("17-67-070001-67", 0.9, false),
            candidate("17-67-070001-67", 0.8, false),
        ]);
        assert_eq!(chosen, Some(candidate("17-67-070007-67", 0.4, true)));
        let chosen = choose(&[
            candidate("990528-1061551", 0.9, false),
            candidate("550528-1061551", 0.5, false),
            candidate("550528-1061551", 0.4, false),
        ]);
        assert_eq!(chosen, Some(candidate("550528-1061551", 0.5, false)));
        assert_eq!(choose(&[]), None);
    }

    #[test]
    fn a_rival_that_passes_too_lowers_conf() {
        let chosen = choose(&[
            candidate("550528-1061551", 0.9, true),
            candidate("550528-1061551", 0.8, true),
            candidate("950528-1061551", 0.7, true),
        ])
        .unwrap();
        assert_eq!(chosen.value, "550528-1061551");
        assert!((chosen.conf - 0.9 * RIVAL_PASSES_FACTOR).abs() < 1e-6);
    }

    #[test]
    fn edit_distance_counts_characters_not_bytes() {
        assert_eq!(edit_distance("사업장소재지", "사엽장소재지"), 1);
        assert_eq!(edit_distance("상호", ""), 2);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }

    #[test]
    fn words_group_into_lines_left_to_right() {
        let words = [
            word("1234", 200, 102, 30),
            word("4518", 100, 100, 30),
            word("VALID", 100, 160, 15),
            word("09/28", 180, 161, 16),
        ];
        let lines = group_lines(&words);
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0].text(), "4518 1234");
        assert_eq!(lines[1].text(), "VALID 09/28");
        assert_eq!(lines[0].rect(), Rect::new(100, 100, 140, 32));
    }

    #[test]
    fn digit_readings_map_lookalikes() {
        assert_eq!(
            digit_reading("4518"),
            Some(DigitReading {
                digits: "4518".into(),
                mapped: 0
            })
        );
        assert_eq!(
            digit_reading("45l8."),
            Some(DigitReading {
                digits: "4518".into(),
                mapped: 1
            })
        );
        assert_eq!(
            digit_reading("S0O1"),
            Some(DigitReading {
                digits: "5001".into(),
                mapped: 2
            })
        );
        assert_eq!(digit_reading("VALID"), None);
        assert_eq!(digit_reading("Whe"), None);
        assert_eq!(digit_reading("09/28"), None);
        assert_eq!(map_lookalikes("O9/2S"), "09/25");
    }
}
