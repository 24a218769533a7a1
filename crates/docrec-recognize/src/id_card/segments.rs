//! The card's text as segments: the Korean model's words of the block
//! grouped into lines and split where a wide gap parts them, each with the
//! English model's readings when it was read again.

use docrec_ocr::{Rect, Word};

use super::UNSURE_HANGUL;
use crate::text::{is_hangul, words_rect, Line};

/// One run of words on a line, with no wide gap inside it, as both models
/// read it.
#[derive(Debug, Clone)]
pub(super) struct Segment {
    /// The Korean model's words, left to right.
    pub(super) words: Vec<Word>,
    pub(super) rect: Rect,
    /// The English model's readings of the segment cut out, when it was
    /// read again: each text and its mean confidence, the first reading
    /// first.
    pub(super) english: Vec<(String, f32)>,
}

impl Segment {
    pub(super) fn korean(&self) -> String {
        self.words
            .iter()
            .map(|w| w.text.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The Korean reading without white space.
    pub(super) fn compact(&self) -> String {
        self.korean()
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect()
    }

    /// Only the Hangul syllables of the Korean reading.
    pub(super) fn hangul(&self) -> String {
        self.korean().chars().filter(|c| is_hangul(*c)).collect()
    }

    pub(super) fn korean_conf(&self) -> f32 {
        mean_conf(&self.words)
    }

    /// The English readings without white space, with their confidences.
    pub(super) fn english_compact(&self) -> impl Iterator<Item = (String, f32)> + '_ {
        self.english
            .iter()
            .map(|(text, conf)| (text.chars().filter(|c| !c.is_whitespace()).collect(), *conf))
    }

    /// Each English reading as read and then without white space (a stray
    /// mark read as a digit before a number stays apart in the first).
    pub(super) fn english_both_ways(&self) -> impl Iterator<Item = (String, f32)> + '_ {
        self.english.iter().cloned().chain(self.english_compact())
    }

    /// Whether the segment may be digits or Latin letters, so worth
    /// reading with the English model: it is mostly something other than
    /// Hangul, or Hangul read unsurely or wider than its syllables (the
    /// Korean model reads Latin capitals as syllables).
    pub(super) fn may_be_latin(&self) -> bool {
        let text = self.compact();
        let hangul = text.chars().filter(|c| is_hangul(*c)).count();
        let other = text.chars().count() - hangul;
        // Latin capitals read as fewer, wider syllables.
        let too_wide =
            self.rect.width as f32 > 1.6 * self.rect.height as f32 * text.chars().count() as f32;
        other >= hangul.max(1) || self.korean_conf() < UNSURE_HANGUL || too_wide
    }
}

/// The segments whose middle is within `rect`'s rows.
pub(super) fn on_rows_of(segments: &[Segment], rect: Rect) -> impl Iterator<Item = &Segment> {
    segments.iter().filter(move |s| {
        (s.rect.center_y() as i32) >= rect.y && (s.rect.center_y() as i32) <= rect.bottom()
    })
}

/// The box around `rect` and every segment whose middle is within its
/// rows: the row it lies on.
pub(super) fn row_around(segments: &[Segment], rect: Rect) -> Rect {
    on_rows_of(segments, rect).fold(rect, |row, s| row.union(&s.rect))
}

pub(super) fn mean_conf(words: &[Word]) -> f32 {
    let chars: usize = words.iter().map(|w| w.text.chars().count()).sum();
    if chars == 0 {
        return 0.0;
    }
    words
        .iter()
        .map(|w| w.conf * w.text.chars().count() as f32)
        .sum::<f32>()
        / chars as f32
}

/// Splits each line where the gap between two words is wider than twice
/// the line's height.
pub(super) fn segments_of(lines: Vec<Line>) -> Vec<Segment> {
    let mut segments = Vec::new();
    for line in lines {
        let height = line.rect().height as i32;
        let mut current: Vec<Word> = Vec::new();
        for word in line.words {
            if let Some(last) = current.last() {
                if word.rect.x - last.rect.right() > 2 * height {
                    segments.push(std::mem::take(&mut current));
                }
            }
            current.push(word);
        }
        segments.push(current);
    }
    let mut segments: Vec<Vec<Word>> = segments.into_iter().filter(|w| !w.is_empty()).collect();
    join_row_neighbours(&mut segments);
    segments
        .into_iter()
        .map(|words| Segment {
            rect: words_rect(&words),
            words,
            english: Vec::new(),
        })
        .collect()
}

/// Joins segments that OCR put on different lines although they are side by
/// side on one row, less than twice the smaller one's height apart: a
/// seal drawn over the end of an issuer's name makes its line taller than
/// the start of the name. A segment more than 1.8 times as tall as the
/// other joins it only when less than the smaller height apart: what is
/// that much taller and further is a photo or an emblem beside the text,
/// not its end under a seal. Rows are level where the segments face each
/// other, or as wholes: a line at a slant makes the box of a long segment
/// taller than the words at its end.
fn join_row_neighbours(segments: &mut Vec<Vec<Word>>) {
    let mut i = 0;
    while i < segments.len() {
        let a = words_rect(&segments[i]);
        let a_end = segments[i].last().map_or(a, |w| w.rect);
        let partner = (0..segments.len()).find(|&j| {
            let b = words_rect(&segments[j]);
            let b_start = segments[j].first().map_or(b, |w| w.rect);
            let height = a.height.min(b.height) as i32;
            let unlike = 5 * a.height.max(b.height) > 9 * a.height.min(b.height);
            let reach = if unlike { height } else { 2 * height };
            let level =
                |a: Rect, b: Rect| (a.center_y() - b.center_y()).abs() < height as f32 / 2.0;
            j != i
                && b.x > a.x
                && b.x - a.right() < reach
                && b.x - a.right() > -height
                && (level(a, b) || level(a_end, b_start))
        });
        match partner {
            Some(j) => {
                let right = segments.remove(j);
                let at = if j < i { i - 1 } else { i };
                segments[at].extend(right);
                segments[at].sort_by_key(|w| w.rect.x);
                i = 0;
            }
            None => i += 1,
        }
    }
}
