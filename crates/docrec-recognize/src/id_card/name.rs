//! The holder's name (`name`): the Hangul above the resident number,
//! read again as a line or in the room above the number when unsure, the
//! Hanja and labels beside it dropped, as methods of [`CardText`].

use docrec_ocr::detect::text_band;
use docrec_ocr::{OcrError, Rect, Word};
use docrec_rules::driver_license::CLASSES;
use docrec_rules::surname::{common_surnames, is_single_surname, surname_of};

use super::numbers::region_code_of;
use super::{digits_rect, surer, title_type, CardText, Found, Segment, SURE};
use crate::text::{is_hangul, jamo_distance};

impl CardText<'_, '_> {
    /// The name: the Hangul of the nearest segment above the resident
    /// number, over the number's digits and at least three fifths as tall
    /// as they are, that reads as a name (two to five syllables, without the
    /// Hanja in parentheses after it or a label such as `성명` before it);
    /// failing that, the nearest such segment, to be read again. A reading
    /// that is not sure is checked by reading the segment again as a line;
    /// the surer reading wins.
    pub(super) fn name(&mut self) -> Result<Option<Found>, OcrError> {
        let Some((below, _)) = self.resident.as_ref() else {
            return Ok(None);
        };
        // The number's own digits: a label printed before it (`주민등록번호`)
        // may share its segment.
        let number = digits_rect(&self.segments[*below]);
        // The digits' own height: OCR may box the number much taller.
        let digits_height =
            text_band(self.flat, number).map_or(number.height, |(_, rows)| rows.min(number.height));
        let candidates: Vec<&Segment> = self.segments[..*below]
            .iter()
            .enumerate()
            .rev()
            .filter(|(i, s)| {
                // Not the title, even one a wider gap split from its view.
                Some(*i) != self.title
                    && title_type(s).is_none()
                    // Above the number: a segment OCR boxed tall may reach
                    // into the number's row, its middle does not.
                    && s.rect.center_y() < number.y as f32
                    && number.y - s.rect.bottom() < NAME_ROWS_ABOVE * number.height as i32
                    // Over the number's digits, not a label's column.
                    && s.rect.x < number.right()
                    && number.x - s.rect.x < 3 * number.height as i32
                    // A name is printed at least three fifths as large
                    // as the number (some cards print it smaller); labels
                    // are smaller.
                    && 5 * s.rect.height >= 3 * digits_height
                    // Not a sliver of noise: a name is syllables wide.
                    && s.rect.width >= number.height
            })
            .map(|(_, s)| s)
            .collect();
        let Some(segment) = candidates
            .iter()
            .find(|s| name_in(&s.words).is_some())
            .or(candidates.first())
            .map(|s| (*s).clone())
        else {
            // OCR of the block found no line where the name is: read the
            // room between the line above the number (or as far up as a
            // name may be) and the number.
            let top = self.room_top(&self.segments[..*below], number);
            return self.name_in_room(number, top);
        };
        let from_block = name_in(&segment.words);
        if from_block.as_ref().is_some_and(|(_, conf)| *conf >= SURE) {
            return Ok(from_block.map(|(value, conf)| name_found(&segment, value, conf)));
        }
        // OCR of the block may cut a line in two, top and bottom halves:
        // the line is read again with the segments it overlaps.
        let line = self.line_through(segment.rect);
        let again = name_in(&self.read_in_korean(line)?);
        let read = surer(from_block, again);
        // OCR of the block may miss the name's line: read the room between
        // the segment above and the number.
        if read.is_none() {
            if let Some(found) = self.name_in_room(number, segment.rect.bottom())? {
                return Ok(Some(found));
            }
        }
        Ok(read.map(|(value, conf)| name_found(&segment, value, conf)))
    }

    /// The top of the room above the resident number's digits (`number`)
    /// where a name may be: the bottom of the lowest of `above` over the
    /// digits, or as far up as a name is printed.
    fn room_top(&self, above: &[Segment], number: Rect) -> i32 {
        let farthest = number.y - NAME_ROWS_ABOVE * number.height as i32;
        above
            .iter()
            .filter(|s| {
                s.rect.bottom() <= number.y
                    && s.rect.x < number.right()
                    && number.x < s.rect.right()
            })
            .map(|s| s.rect.bottom())
            .fold(farthest, i32::max)
    }

    /// `rect` united with every segment it overlaps.
    fn line_through(&self, rect: Rect) -> Rect {
        self.segments
            .iter()
            .filter(|s| {
                s.rect.y < rect.bottom()
                    && rect.y < s.rect.bottom()
                    && s.rect.x < rect.right()
                    && rect.x < s.rect.right()
            })
            .fold(rect, |line, s| line.union(&s.rect))
    }

    /// The name read in the room from `top` down to the resident number's
    /// digits (`number`), as wide as them, when a line fits in it: the
    /// strongest band of strokes there, read as a line of Korean.
    fn name_in_room(&mut self, number: Rect, top: i32) -> Result<Option<Found>, OcrError> {
        let room = number.y - top;
        if room <= number.height as i32 {
            return Ok(None);
        }
        let room = Rect::new(number.x, top, number.width, room as u32);
        let Some((top, height)) = text_band(self.flat, room) else {
            return Ok(None);
        };
        let band = Rect::new(room.x, top, room.width, height);
        Ok(name_in(&self.read_in_korean(band)?).map(|(value, conf)| {
            let syllables = value.chars().count() as u32;
            Found {
                rect: Rect::new(
                    band.x,
                    band.y,
                    (band.height * syllables).min(band.width),
                    band.height,
                ),
                value,
                conf,
            }
        }))
    }
}

/// How many of the number's rows above it a name may be printed.
const NAME_ROWS_ABOVE: i32 = 4;

/// The labels a card may print before its name.
const NAME_LABELS: [&str; 2] = ["성명", "이름"];

/// A name from the words of its segment: the Hangul syllables at the
/// start of the words that hold it ([`name_words`]), two to five of them
/// (the Hanja in parentheses after them left out), and the least
/// confidence of those words, lowered when the name starts with no known
/// surname (and the one common surname near it put in its place, if one
/// is: [`with_common_surname`]). Not a name: a licence class, a region's name
/// before a licence number.
pub(super) fn name_in(words: &[Word]) -> Option<(String, f32)> {
    let held = name_words(words);
    let first = held.first()?;
    let text: String = held.iter().map(|w| w.text.as_str()).collect();
    let name: String = text
        .trim_start_matches(|c: char| !c.is_alphanumeric())
        .chars()
        .take_while(|c| is_hangul(*c))
        .collect();
    let syllables = name.chars().count();
    let not_a_name = CLASSES.iter().any(|c| text.contains(c))
        || region_code_of(&name).is_some_and(|_| first.text.contains('-'));
    let least_conf = held.iter().map(|w| w.conf).fold(1.0, f32::min);
    let (name, conf) = match surname_of(&name) {
        Some(_) => (name, least_conf),
        None => (
            with_common_surname(&name),
            least_conf * UNKNOWN_SURNAME_FACTOR,
        ),
    };
    ((2..=5).contains(&syllables) && !not_a_name).then_some((name, conf))
}

/// A name whose first syllable is no surname (`긍성은`), spelt with the
/// one common surname a jamo from it (`강성은`: `공` is as near but rarer),
/// or as it was when none or several are.
pub(super) fn with_common_surname(name: &str) -> String {
    let mut syllables = name.chars();
    let Some(first) = syllables.next() else {
        return name.to_owned();
    };
    let first = first.to_string();
    let mut near = common_surnames().filter(|s| jamo_distance(&first, &s.to_string()) == 1);
    match (near.next(), near.next()) {
        (Some(surname), None) => std::iter::once(surname).chain(syllables).collect(),
        _ => name.to_owned(),
    }
}

/// A name's confidence when it does not start with a known surname, as a
/// share of its reading's: rare surnames exist, but a syllable one jamo off
/// (`긍성은` for `강성은`) is likelier, and a reading that starts with a
/// surname should win.
const UNKNOWN_SURNAME_FACTOR: f32 = 0.7;

/// The words of `words` that hold a name. The first is the first word
/// that can start one: marks OCR read in front of a line (`-`, `|`, `:`)
/// are not its text, nor is a label (`성명`); a single syllable with a word
/// after it starts the name only when it is a surname and the word follows
/// within a syllable's width (OCR split the name after its surname), and
/// is otherwise what is left of a misread label. The words that follow as
/// closely and start with Hangul continue the name, up to five syllables.
fn name_words(words: &[Word]) -> Vec<&Word> {
    let texts: Vec<&Word> = words
        .iter()
        .filter(|w| w.text.chars().any(char::is_alphanumeric))
        .collect();
    let hangul_of =
        |word: &Word| -> String { word.text.chars().filter(|c| is_hangul(*c)).collect() };
    // Whether `next` continues the name `word` ends: close behind it and
    // starting with Hangul.
    let continues = |word: &Word, next: &Word| {
        next.text.chars().next().is_some_and(is_hangul)
            && 4 * (next.rect.x - word.rect.right()) < 3 * word.rect.height as i32
    };
    let mut start = None;
    for (i, word) in texts.iter().enumerate() {
        let hangul = hangul_of(word);
        if NAME_LABELS.contains(&hangul.as_str()) {
            continue;
        }
        let mut syllables = hangul.chars();
        if let (Some(syllable), None, Some(next)) =
            (syllables.next(), syllables.next(), texts.get(i + 1))
        {
            if !(is_single_surname(syllable) && continues(word, next)) {
                continue;
            }
        }
        start = Some(i);
        break;
    }
    let Some(start) = start else {
        return Vec::new();
    };
    let mut held = vec![texts[start]];
    let mut syllables = hangul_of(texts[start]).chars().count();
    for next in &texts[start + 1..] {
        let last = held[held.len() - 1];
        let more = hangul_of(next).chars().count();
        let all_hangul = last.text.chars().all(is_hangul);
        if !all_hangul || !continues(last, next) || syllables + more > 5 {
            break;
        }
        held.push(next);
        syllables += more;
    }
    held
}

/// A name's [`Found`]: its box is the part of the segment's words that
/// hold the name ([`name_words`]) its syllables take.
fn name_found(segment: &Segment, value: String, conf: f32) -> Found {
    let held = name_words(&segment.words);
    let (rect, total) = match held.as_slice() {
        [] => (segment.words[0].rect, segment.words[0].text.chars().count()),
        held => (
            held.iter().fold(held[0].rect, |r, w| r.union(&w.rect)),
            held.iter().map(|w| w.text.chars().count()).sum(),
        ),
    };
    let total = total.max(1) as u32;
    let syllables = (value.chars().count() as u32).min(total);
    Found {
        rect: Rect::new(
            rect.x,
            rect.y,
            (rect.width * syllables / total).max(1),
            rect.height,
        ),
        value,
        conf,
    }
}
