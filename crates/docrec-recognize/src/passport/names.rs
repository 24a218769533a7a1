//! The holder's names and the document's kind in the MRZ, confirmed by
//! the visual zone: no check digit covers them, but the page prints them
//! again above the zone, in another face, read by another model.
//!
//! Takes the zone read (its MRZ and each position's alternatives) and the
//! Latin words read in the visual zone; gives the zone with each word of
//! the name field (and the document code) that the visual zone prints one
//! letter differently (two in words of [`SHORTEST_FOR_TWO`] or more) put
//! as printed there. Only when the visual
//! zone prints no word as the zone read it, exactly one word that way,
//! and each letter it changes is one the model weighed there at
//! [`LEAST_ALTERNATIVE_CONF`] or more (as the check digits choose): `MARIA`
//! read `HARIA` in a face whose `M` the model takes for an `H` (weighing
//! the `M` second), a type `PM` read `PH`. A misread visual zone (`CHOR`
//! for `CHOI`) changes nothing: its letter is one the model weighed at
//! nothing. A document code keeps a first letter its format allows.

use docrec_rules::mrz::{
    field_positions, parse, CharAlternatives, MrzField, LEAST_ALTERNATIVE_CONF,
};

use super::zone::ZoneReading;

/// The shortest word confirmed: a single letter is not looked for.
const SHORTEST_WORD: usize = 2;

/// The shortest word in which two letters may be changed (one in shorter
/// words).
const SHORTEST_FOR_TWO: usize = 8;

/// `zone` with the words of its name field and document code put as the
/// visual zone's `words` print them, where they differ as the module says.
pub(super) fn confirmed_by_visual_zone(zone: &mut ZoneReading, words: &[String]) {
    let format = zone.mrz.format;
    let mut lines: Vec<Vec<char>> = zone.mrz.lines.iter().map(|l| l.chars().collect()).collect();
    let mut changed = false;
    for field in [MrzField::DocumentCode, MrzField::Name] {
        for (line, range) in field_positions(format, field) {
            let (Some(chars), Some(read)) = (lines.get_mut(line), zone.read.get(line)) else {
                continue;
            };
            let starts_code = field == MrzField::DocumentCode;
            for run in letter_runs(chars, range.clone()) {
                let as_read: String = chars[run.clone()].iter().collect();
                let Some(printed) = printed_as(&as_read, &read[run.clone()], words) else {
                    continue;
                };
                let first = printed.chars().next().unwrap_or('<');
                if starts_code
                    && run.start == range.start
                    && !format.document_kinds().contains(&first)
                {
                    continue;
                }
                for (at, letter) in run.zip(printed.chars()) {
                    chars[at] = letter;
                }
                changed = true;
            }
        }
    }
    if !changed {
        return;
    }
    let texts: Vec<String> = lines.iter().map(|line| line.iter().collect()).collect();
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    if let Ok(mrz) = parse(&refs) {
        zone.mrz = mrz;
    }
}

/// The runs of letters of `line` within `range`, each as its positions.
fn letter_runs(line: &[char], range: std::ops::Range<usize>) -> Vec<std::ops::Range<usize>> {
    let mut runs = Vec::new();
    let mut start = None;
    for at in range.clone().chain([range.end]) {
        let letter = at < range.end && line.get(at).is_some_and(char::is_ascii_uppercase);
        match (letter, start) {
            (true, None) => start = Some(at),
            (false, Some(from)) => {
                runs.push(from..at);
                start = None;
            }
            _ => {}
        }
    }
    runs
}

/// The one word of `words` that `as_read` (read with `alternatives` at
/// each letter) should be, as the module says; None when `as_read` is
/// printed as read, or no word or more than one fits.
fn printed_as(
    as_read: &str,
    alternatives: &[CharAlternatives],
    words: &[String],
) -> Option<String> {
    let length = as_read.len();
    if length < SHORTEST_WORD || words.iter().any(|word| word == as_read) {
        return None;
    }
    let most_changed = if length >= SHORTEST_FOR_TWO { 2 } else { 1 };
    let mut found: Option<&String> = None;
    for word in words.iter().filter(|word| word.len() == length) {
        let differing: Vec<(usize, char)> = word
            .chars()
            .zip(as_read.chars())
            .enumerate()
            .filter(|(_, (printed, read))| printed != read)
            .map(|(at, (printed, _))| (at, printed))
            .collect();
        if differing.is_empty() || differing.len() > most_changed {
            continue;
        }
        let weighed = differing.iter().all(|&(at, printed)| {
            alternatives.get(at).is_some_and(|alts| {
                alts.iter()
                    .any(|&(c, conf)| c == printed && conf >= LEAST_ALTERNATIVE_CONF)
            })
        });
        if !weighed {
            continue;
        }
        match found {
            Some(seen) if seen != word => return None,
            _ => found = Some(word),
        }
    }
    found.cloned()
}

/// The Latin words of `text` as a zone prints them: each run of letters,
/// in capitals, two letters or more (`Jean-Pierre` gives `JEAN`,
/// `PIERRE`).
pub(super) fn latin_words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_ascii_alphabetic())
        .filter(|word| word.len() >= SHORTEST_WORD)
        .map(|word| word.to_ascii_uppercase())
}

#[cfg(test)]
mod tests {
    use super::*;
    use docrec_rules::mrz::MrzFormat;

    const KOREAN: [&str; 2] = [
        "PMKORHONG<<GILDONG<<<<<<<<<<<<<<<<<<<<<<<<<<",
        "M123456780KOR8501011M3001014<<<<<<<<<<<<<<06",
    ];

    /// A zone read as `lines`, every character certain, plus `weighed`
    /// alternatives (line, position, character, confidence).
    fn zone_read(lines: &[&str], weighed: &[(usize, usize, char, f32)]) -> ZoneReading {
        let mut read: Vec<Vec<CharAlternatives>> = lines
            .iter()
            .map(|line| line.chars().map(|c| vec![(c, 0.9)]).collect())
            .collect();
        for &(line, at, c, conf) in weighed {
            read[line][at].push((c, conf));
        }
        ZoneReading {
            mrz: parse(lines).expect("an MRZ"),
            conf: 0.9,
            read,
            lines: Vec::new(),
            upside_down: false,
        }
    }

    fn words(text: &str) -> Vec<String> {
        latin_words(text).collect()
    }

    #[test]
    fn a_name_and_type_read_a_letter_off_are_put_as_the_visual_zone_prints_them() {
        let read = ["PHKORHONG<<GILDQNG<<<<<<<<<<<<<<<<<<<<<<<<<<", KOREAN[1]];
        // `M` weighed at the type's second letter, `O` at the name's `Q`.
        let mut zone = zone_read(&read, &[(0, 1, 'M', 0.4), (0, 15, 'O', 0.2)]);
        let printed = words("Type PM Surname HONG Given names GILDONG REPUBLIC OF KOREA");
        confirmed_by_visual_zone(&mut zone, &printed);
        assert_eq!(zone.mrz.lines[0], KOREAN[0]);
        assert_eq!(zone.mrz.document_code, "PM");
        assert_eq!(zone.mrz.given_names, "GILDONG");
        assert_eq!(zone.mrz.format, MrzFormat::Td3);
    }

    #[test]
    fn only_to_a_letter_the_model_weighed_and_the_code_allows() {
        let read = ["PHKORHONG<<GILDQNG<<<<<<<<<<<<<<<<<<<<<<<<<<", KOREAN[1]];
        // Listed, but weighed at nothing.
        let mut zone = zone_read(&read, &[(0, 1, 'M', 0.0), (0, 15, 'O', 0.0)]);
        confirmed_by_visual_zone(&mut zone, &words("Type PM GILDONG"));
        assert_eq!(zone.mrz.lines[0], read[0]);
        // A passport's code begins with `P` whatever the visual zone says.
        let read = ["PMKORHONG<<GILDONG<<<<<<<<<<<<<<<<<<<<<<<<<<", KOREAN[1]];
        let mut zone = zone_read(&read, &[(0, 0, 'R', 0.5)]);
        confirmed_by_visual_zone(&mut zone, &words("RM"));
        assert_eq!(zone.mrz.document_code, "PM");
    }

    #[test]
    fn a_word_printed_as_read_or_fitting_two_ways_stays_as_read() {
        let read = ["PMKORHONG<<GILDQNG<<<<<<<<<<<<<<<<<<<<<<<<<<", KOREAN[1]];
        let weighed = [(0, 11, 'O', 0.3), (0, 15, 'O', 0.3), (0, 16, 'M', 0.3)];
        // Printed as read somewhere, though another word is one letter off.
        let mut zone = zone_read(&read, &weighed);
        confirmed_by_visual_zone(&mut zone, &words("GILDQNG GILDONG"));
        assert_eq!(zone.mrz.given_names, "GILDQNG");
        // Two words one letter off.
        confirmed_by_visual_zone(&mut zone, &words("GILDONG OILDQNG"));
        assert_eq!(zone.mrz.given_names, "GILDQNG");
        // Two letters off in a word of seven.
        confirmed_by_visual_zone(&mut zone, &words("GILDOMG"));
        assert_eq!(zone.mrz.given_names, "GILDQNG");
    }

    #[test]
    fn latin_words_are_runs_of_two_letters_or_more_in_capitals() {
        assert_eq!(
            words("성/Surname: Jean-Pierre 1 X MÜLLER"),
            ["SURNAME", "JEAN", "PIERRE", "LLER"]
        );
    }
}
