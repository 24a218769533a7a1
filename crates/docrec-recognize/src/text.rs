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
pub fn as_digit(c: char) -> Option<char> {
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

/// `text` with the look-alike letters of its numbers mapped to digits, and
/// how many were mapped; None when none was. A number here is a run of
/// digits, look-alikes and the separators `-`, `.`, `/` between white
/// space, at least half of whose digits and look-alikes are real digits
/// (`$81222-1152344`, `9O0515`): a word of letters (`Sores`) is left as it
/// is. For the number grammars of ID cards, whose readings give a digit
/// the English model drew as a letter or sign.
pub fn with_digit_lookalikes(text: &str) -> Option<(String, usize)> {
    let mut mapped = 0;
    let words: Vec<String> = text
        .split(' ')
        .map(|word| match lookalikes_in_number(word) {
            Some(lookalikes) => {
                mapped += lookalikes;
                map_lookalikes(word)
            }
            None => word.to_owned(),
        })
        .collect();
    (mapped > 0).then(|| (words.join(" "), mapped))
}

/// How many look-alike letters `word` holds when it is a number as
/// [`with_digit_lookalikes`] takes one (digits, look-alikes and the
/// separators `-`, `.`, `/`, at least half of the digits and look-alikes
/// real digits); None when it is not.
pub fn lookalikes_in_number(word: &str) -> Option<usize> {
    let glyphs = word.chars().filter(|c| !matches!(c, '-' | '.' | '/'));
    let (mut real, mut total) = (0, 0);
    for c in glyphs {
        as_digit(c)?;
        if c.is_ascii_digit() {
            real += 1;
        }
        total += 1;
    }
    (real > 0 && real * 2 >= total).then_some(total - real)
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

/// The angle in degrees at which the text of a view runs (positive: down
/// to the right), when it is clearly not level (2-25°): the median slope
/// between neighbouring words of one height, from two pairs or more.
pub fn text_skew(words: &[Word]) -> Option<f32> {
    let mut slopes = Vec::new();
    for a in words {
        for b in words {
            let (ha, hb) = (a.rect.height as f32, b.rect.height as f32);
            let gap = (b.rect.x - a.rect.right()) as f32;
            let rise = b.rect.center_y() - a.rect.center_y();
            let run =
                (b.rect.x + b.rect.width as i32 / 2 - a.rect.x - a.rect.width as i32 / 2) as f32;
            if ha >= 12.0
                && (ha - hb).abs() <= 0.2 * ha.max(hb)
                && (0.0..=2.5 * ha).contains(&gap)
                && rise.abs() <= 0.8 * ha
                && run > 0.0
            {
                slopes.push(rise.atan2(run).to_degrees());
            }
        }
    }
    if slopes.len() < 2 {
        return None;
    }
    slopes.sort_by(f32::total_cmp);
    let median = slopes[slopes.len() / 2];
    (2.0..=25.0).contains(&median.abs()).then_some(median)
}

/// A number's characters as a reading gives them, for [`compose`]: what
/// follows the reading's last Hangul (a label), without spaces and the
/// separators `-`, `.`, `,`, each a digit (look-alike letters mapped) or
/// `?`, from its first digit to its last.
pub fn digit_symbols(text: &str) -> Vec<char> {
    let after_label = match text.char_indices().rfind(|(_, c)| is_hangul(*c)) {
        Some((at, c)) => &text[at + c.len_utf8()..],
        None => text,
    };
    let symbols: Vec<char> = after_label
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '-' | '.' | ','))
        .map(|c| as_digit(c).unwrap_or('?'))
        .collect();
    let first = symbols.iter().position(char::is_ascii_digit);
    let last = symbols.iter().rposition(char::is_ascii_digit);
    match (first, last) {
        (Some(first), Some(last)) => symbols[first..=last].to_vec(),
        _ => Vec::new(),
    }
}

/// How many values [`compose`] tries at most. A check digit tells about
/// one value in ten from the rest, so among more than a few tried values
/// a wrong one passes as often as not: readings that disagree in more
/// places than this allows are not composed.
const MOST_COMPOSED: usize = 4;

/// The value a field's checks choose among values composed character by
/// character from readings that disagree. `readings` are the field's
/// readings, each its characters (`?` where a reading gave none that the
/// grammar allows) and its confidence, of the field's length; readings of
/// another length are left out. At a position where readings disagree,
/// every character one of them gave is tried, up to [`MOST_COMPOSED`]
/// values; a position no reading gave, when it is the only doubt, tries
/// every character of `alphabet` (a check digit pins one down). Of the
/// values that
/// `passes`, the one whose characters the readings' confidences support
/// most is answered, at the least of [`COMPOSED_CONF`] and the share of
/// that support in all the readings' confidence, lowered when another
/// value passes too. None when the readings agree (what is printed is
/// answered as printed, even when it fails a check), when too many values
/// would be tried, or when none passes.
pub fn compose(
    readings: &[(Vec<char>, f32)],
    length: usize,
    alphabet: &[char],
    passes: impl Fn(&str) -> bool,
) -> Option<Candidate> {
    let readings: Vec<&(Vec<char>, f32)> = readings
        .iter()
        .filter(|(chars, _)| chars.len() == length)
        .collect();
    // Each position's characters and the confidence the readings give them.
    let mut options: Vec<Vec<(char, f32)>> = vec![Vec::new(); length];
    for (chars, conf) in &readings {
        for (at, c) in chars.iter().enumerate() {
            if *c == '?' {
                continue;
            }
            match options[at].iter_mut().find(|(o, _)| o == c) {
                Some((_, support)) => *support += conf.max(0.01),
                None => options[at].push((*c, conf.max(0.01))),
            }
        }
    }
    if options.iter().all(|o| o.len() == 1) {
        return None;
    }
    let unread = options.iter().filter(|o| o.is_empty()).count();
    let unsure = options.iter().filter(|o| o.len() != 1).count();
    if unread == 1 && unsure == 1 {
        // The only doubt, every character tried.
        for position in &mut options {
            if position.is_empty() {
                position.extend(alphabet.iter().map(|c| (*c, 0.0)));
            }
        }
    } else {
        let tries = options.iter().try_fold(1usize, |n, o| {
            n.checked_mul(o.len()).filter(|n| *n <= MOST_COMPOSED)
        });
        if unread > 0 || tries.is_none() {
            return None;
        }
    }
    let total: f32 = readings.iter().map(|(_, conf)| conf.max(0.01)).sum::<f32>() * length as f32;
    surest_passing(&options, passes, |support| support / total)
}

/// Of every value made of one character per position of `options` (each
/// a character and its support), the one that `passes` with the most
/// support, at the least of [`COMPOSED_CONF`] and `conf_of` its support,
/// lowered when another value passes too; None when none passes.
fn surest_passing(
    options: &[Vec<(char, f32)>],
    passes: impl Fn(&str) -> bool,
    conf_of: impl Fn(f32) -> f32,
) -> Option<Candidate> {
    let lengths: Vec<usize> = options.iter().map(Vec::len).collect();
    let passing: Vec<(String, f32)> = combinations(&lengths)
        .filter_map(|choice| {
            let value: String = choice.iter().zip(options).map(|(i, o)| o[*i].0).collect();
            let support = choice.iter().zip(options).map(|(i, o)| o[*i].1).sum();
            passes(&value).then_some((value, support))
        })
        .collect();
    let (value, support) = passing.iter().max_by(|a, b| a.1.total_cmp(&b.1))?.clone();
    let mut conf = COMPOSED_CONF.min(conf_of(support));
    if passing.len() > 1 {
        conf *= RIVAL_PASSES_FACTOR;
    }
    Some(Candidate {
        value,
        conf,
        passes: true,
    })
}

/// Every choice of one option per position, where position `i` has
/// `lengths[i]` options (none when one has none): the indices of the
/// options chosen, the last position changing fastest.
pub fn combinations(lengths: &[usize]) -> impl Iterator<Item = Vec<usize>> + '_ {
    let mut next = (!lengths.contains(&0)).then(|| vec![0usize; lengths.len()]);
    std::iter::from_fn(move || {
        let choice = next.take()?;
        if let Some(at) = (0..lengths.len())
            .rev()
            .find(|&at| choice[at] + 1 < lengths[at])
        {
            let mut following = choice.clone();
            following[at] += 1;
            following[at + 1..].iter_mut().for_each(|c| *c = 0);
            next = Some(following);
        }
        Some(choice)
    })
}

/// The highest confidence of a value [`compose`] makes: no reading gave it
/// whole.
pub const COMPOSED_CONF: f32 = 0.7;

/// The share of the chosen character's confidence an alternative the
/// model weighed needs to be tried in its place: the model hesitated
/// between them (a blurred `9` at 0.80 beside the `8` it chose at 0.82; a
/// thin `5` at 0.61 beside the `9` at 0.89). At 0.75 the second was not
/// tried; at 0.6 the development ID cards (120) gained it and changed no
/// other value.
const ALTERNATIVE_SHARE: f32 = 0.6;

/// How many values [`choose_among_alternatives`] tries at most: with more,
/// a wrong value passes a check digit as often as the right one.
const MOST_ALTERNATIVES: usize = 8;

/// The value a field's checks choose among the characters the model
/// weighed for each of its positions (`positions[i]`: the character read
/// first, then the other characters allowed by the field's grammar with
/// their confidences). At a position, a character is tried when its
/// confidence is at least [`ALTERNATIVE_SHARE`] of the one read; of up to
/// [`MOST_ALTERNATIVES`] values, the one that `passes` with the most
/// support is answered, at the least of [`COMPOSED_CONF`] and the mean
/// confidence of the characters read, lowered when another passes too.
/// None when no character is in doubt, too many values would be tried,
/// or none passes.
pub fn choose_among_alternatives(
    positions: &[Vec<(char, f32)>],
    passes: impl Fn(&str) -> bool,
) -> Option<Candidate> {
    let options: Vec<Vec<(char, f32)>> = positions
        .iter()
        .map(|choices| {
            let read = choices.first().map_or(0.0, |(_, conf)| *conf);
            choices
                .iter()
                .enumerate()
                .filter(|(i, (_, conf))| *i == 0 || *conf >= ALTERNATIVE_SHARE * read)
                .map(|(_, choice)| *choice)
                .collect()
        })
        .collect();
    if options.iter().any(Vec::is_empty) || options.iter().all(|o| o.len() == 1) {
        return None;
    }
    options.iter().try_fold(1usize, |n, o| {
        n.checked_mul(o.len()).filter(|n| *n <= MOST_ALTERNATIVES)
    })?;
    let read_conf = options.iter().map(|o| o[0].1).sum::<f32>() / options.len() as f32;
    surest_passing(&options, passes, |_| read_conf)
}

pub use docrec_rules::is_hangul_syllable as is_hangul;

/// Edit distance between two strings, in characters.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    sequence_distance(&a, &b)
}

/// Edit distance between two strings in jamo: each Hangul syllable counts
/// as its initial, medial and final (if any) letters, every other
/// character as itself. OCR misreads one stroke of a syllable far more
/// often than a whole one, so `중북` is one from `충북` (ㅈ/ㅊ) and two from
/// `전북`, where both are one syllable off.
pub fn jamo_distance(a: &str, b: &str) -> usize {
    sequence_distance(&jamo_of(a), &jamo_of(b))
}

/// A text's characters with each Hangul syllable split into its jamo,
/// tagged by position (initial, medial, final) so that an initial never
/// matches a final of the same letter.
fn jamo_of(text: &str) -> Vec<(u8, u32)> {
    const INITIALS_STEP: u32 = 21 * 28;
    let mut out = Vec::with_capacity(3 * text.len());
    for c in text.chars() {
        if is_hangul(c) {
            let index = c as u32 - 0xAC00;
            out.push((1, index / INITIALS_STEP));
            out.push((2, index % INITIALS_STEP / 28));
            if index % 28 != 0 {
                out.push((3, index % 28));
            }
        } else {
            out.push((0, c as u32));
        }
    }
    out
}

/// Levenshtein distance between two sequences.
fn sequence_distance<T: PartialEq>(a: &[T], b: &[T]) -> usize {
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

    #[test]
    fn combinations_choose_one_option_per_position() {
        let all: Vec<Vec<usize>> = combinations(&[2, 1, 2]).collect();
        assert_eq!(all, [[0, 0, 0], [0, 0, 1], [1, 0, 0], [1, 0, 1]]);
        assert_eq!(combinations(&[3, 0]).count(), 0);
        assert_eq!(combinations(&[]).collect::<Vec<_>>(), [Vec::<usize>::new()]);
    }

    #[test]
    fn text_that_runs_askew_gives_its_angle() {
        // Four groups stepping 20 px down every 100 px: about 11.3°.
        let askew: Vec<Word> = (0..4)
            .map(|i| word("1234", 100 + 100 * i, 300 + 20 * i, 40))
            .collect();
        let skew = text_skew(&askew).expect("askew");
        assert!((skew - 11.3).abs() < 0.5, "{skew}");
        // Level text, or too few words to tell, gives none.
        let level: Vec<Word> = (0..4)
            .map(|i| word("1234", 100 + 100 * i, 300, 40))
            .collect();
        assert_eq!(text_skew(&level), None);
        assert_eq!(text_skew(&askew[..2]), None);
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
    fn jamo_distance_counts_the_letters_of_syllables() {
        assert_eq!(jamo_distance("중북", "충북"), 1);
        assert_eq!(jamo_distance("중북", "전북"), 2);
        assert_eq!(jamo_distance("서울", "서울"), 0);
        // A final letter lost or added is one.
        assert_eq!(jamo_distance("강", "가"), 1);
        assert_eq!(jamo_distance("12가", "12"), 2);
    }

    #[test]
    fn the_checks_choose_among_the_characters_the_model_weighed() {
        // `8` read at 0.82 where `9` had 0.80 and `0` 0.69: with an even
        // last digit passing, the `9` is chosen.
        let positions = vec![
            vec![('1', 0.9)],
            vec![('8', 0.82), ('9', 0.80), ('0', 0.69)],
            vec![('4', 0.9), ('6', 0.3)],
        ];
        let even = |v: &str| v.ends_with('4') && v.contains('9');
        let chosen = choose_among_alternatives(&positions, even).expect("one passes");
        assert_eq!(chosen.value, "194");
        assert!(chosen.conf <= COMPOSED_CONF);
        // Nothing in doubt, or nothing passing: no value.
        assert_eq!(
            choose_among_alternatives(&[vec![('1', 0.9)]], |_| true),
            None
        );
        assert_eq!(choose_among_alternatives(&positions, |_| false), None);
        // Two passing: the surer, at a lower conf.
        let both = choose_among_alternatives(&positions, |_| true).expect("both pass");
        assert_eq!(both.value, "184");
        assert!(both.conf < chosen.conf);
    }

    #[test]
    fn look_alikes_are_mapped_only_inside_numbers() {
        assert_eq!(
            with_digit_lookalikes("$81222-1152344"),
            Some(("581222-1152344".to_owned(), 1))
        );
        assert_eq!(
            with_digit_lookalikes("No. 9O0515-1O23456"),
            Some(("No. 900515-1023456".to_owned(), 2))
        );
        // Words of letters, and numbers without a look-alike, stay.
        assert_eq!(with_digit_lookalikes("Sores SF ee"), None);
        assert_eq!(with_digit_lookalikes("990520-1287980"), None);
        // More look-alikes than digits is a word, not a number.
        assert_eq!(with_digit_lookalikes("SOB1"), None);
        // A label read in English is no number, however many look-alikes.
        assert_eq!(lookalikes_in_number("sassus"), None);
        assert_eq!(lookalikes_in_number("$81222-1152344"), Some(1));
        assert_eq!(lookalikes_in_number("940515"), Some(0));
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

    #[test]
    fn numbers_are_taken_apart_into_digit_symbols() {
        let symbols = |text: &str| digit_symbols(text).into_iter().collect::<String>();
        assert_eq!(symbols("주민등록번호 800101-1234560"), "8001011234560");
        assert_eq!(symbols("6701 19-25¢9705"), "67011925?9705");
        assert_eq!(symbols("(8O0101.1234S60)"), "8001011234560");
        assert_eq!(symbols("성명"), "");
    }

    #[test]
    fn checks_choose_among_composed_values() {
        use docrec_rules::resident_number::check_digit_passes;
        const DIGITS: [char; 10] = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];
        let read = |texts: &[(&str, f32)]| -> Vec<(Vec<char>, f32)> {
            texts
                .iter()
                .map(|(t, c)| (t.chars().collect(), *c))
                .collect()
        };
        let compose13 =
            |texts: &[(&str, f32)]| compose(&read(texts), 13, &DIGITS, check_digit_passes);
        assert!(check_digit_passes("8001011234560"));
        assert!(!check_digit_passes("8001011284560"));
        // Two readings disagree in one digit: the check picks, at a
        // composed value's conf.
        let chosen = compose13(&[("8001011284560", 0.8), ("8001011234560", 0.6)]).unwrap();
        assert_eq!(chosen.value, "8001011234560");
        assert!(chosen.passes && chosen.conf <= COMPOSED_CONF);
        // A digit no reading gave is pinned down by the check digit.
        let chosen = compose13(&[("80010112345?0", 0.8), ("80010112345?0", 0.7)]).unwrap();
        assert_eq!(chosen.value, "8001011234560");
        // Readings that agree are answered as printed, even failing.
        assert_eq!(
            compose13(&[("8001011234561", 0.8), ("8001011234561", 0.7)]),
            None
        );
        // Readings that disagree in too many places are not composed.
        assert_eq!(
            compose13(&[("8001011234560", 0.8), ("8101021335571", 0.7)]),
            None
        );
        // Nor are readings of another length.
        assert_eq!(
            compose13(&[("800101123456", 0.8), ("80010112345", 0.7)]),
            None
        );
    }
}
