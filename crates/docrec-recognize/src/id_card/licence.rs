//! A driver's licence's own keys: its classes (`licenseType`), its serial
//! (`serialNum`, read by the serial model where English fails) and its
//! condition codes (`condition`, after the label `조건`, which OCR of the
//! block may misread or miss), as methods of [`CardText`].

use docrec_ocr::detect::text_band;
use docrec_ocr::preprocess::line_cut;
use docrec_ocr::{OcrError, Rect, SegMode, Word};
use docrec_rules::driver_license::CLASSES;

use super::glyphs::{glyph_cut, glyphs_in, ink_lines, settle_look_alikes, Glyph, GLYPH_CONF};
use super::{
    is_readable, mean_conf, near_serial_shape, serial_shape, CardText, Found, Segment, ENGLISH,
    REREAD_HEIGHT, SERIAL_ALONE_CONF, SERIAL_CUT_HEIGHT, SERIAL_MODEL, SURE,
};
use crate::text::{edit_distance, is_hangul, jamo_distance};

impl CardText<'_, '_> {
    /// The licence classes: the segment printing the most class names,
    /// joined by `/` in the order printed.
    pub(super) fn license_type(&self) -> Option<Found> {
        self.segments
            .iter()
            .filter_map(|segment| {
                let (classes, errors) = classes_in(&segment.korean());
                (!classes.is_empty()).then_some((classes, errors, segment))
            })
            .max_by_key(|(classes, _, _)| classes.len())
            .map(|(classes, errors, segment)| Found {
                value: classes.join("/"),
                conf: segment.korean_conf() * 0.9f32.powi(errors as i32),
                rect: segment.rect,
            })
    }

    /// The serial (암호일련번호): found as the segment the English model
    /// reads as five or six capital letters and digits (the surest such),
    /// then read by [`SERIAL_MODEL`], which knows no words: the English
    /// model takes a digit among capitals for the letter it resembles
    /// (`5` for `S`, `9` for `S` or `0`). When the model's reading has no
    /// serial's shape, the English reading is kept, each glyph read again
    /// alone, and `O`/`0` and `I`/`1` told by the glyph's width
    /// ([`settle_look_alikes`]); as some cards print those alike, each
    /// lowers the conf.
    pub(super) fn serial(&mut self) -> Result<Option<Found>, OcrError> {
        // Printed under the photo, below the top of the resident number
        // (above it, `Driver's License` reads as `DRIVE`).
        let floor = self
            .resident
            .as_ref()
            .map_or(0, |(i, _)| self.segments[*i].rect.y);
        let Some(mut found) = self
            .segments
            .iter()
            .filter(|segment| segment.rect.y >= floor)
            .filter_map(|segment| {
                segment.english_compact().find_map(|(text, conf)| {
                    Some(Found {
                        value: serial_shape(&text)?,
                        conf,
                        rect: segment.rect,
                    })
                })
            })
            .max_by(|a, b| a.conf.total_cmp(&b.conf))
        else {
            return self.serial_by_model_alone(floor);
        };
        if let Some(read) = self.read_serial(found.rect)? {
            return Ok(Some(read));
        }
        let glyphs = glyphs_in(self.flat, found.rect, 20, found.value.chars().count());
        if glyphs.len() == found.value.chars().count() {
            found.value = self.reread_glyphs(&found.value, &glyphs)?;
        }
        let (value, look_alikes) = settle_look_alikes(&found.value, &glyphs);
        found.value = value;
        found.conf *= 0.9f32.powi(look_alikes as i32);
        Ok(Some(found))
    }

    /// The serial in `rect` as [`SERIAL_MODEL`] reads it, when the reading
    /// has a serial's shape. Only the rows of the glyphs are cut: OCR's box
    /// of a serial can take in the photo's edge above it, and the model
    /// wants the text at the height it was trained at.
    fn read_serial(&mut self, rect: Rect) -> Result<Option<Found>, OcrError> {
        let rows = text_band(self.flat, rect).map_or(rect, |(top, height)| {
            Rect::new(rect.x, top, rect.width, height)
        });
        let Some(cut) = line_cut(self.flat, rows, SERIAL_CUT_HEIGHT) else {
            return Ok(None);
        };
        let words = self
            .engine
            .read_with(SERIAL_MODEL, &cut, SegMode::RawLine)?;
        let text: String = words.iter().map(|w| w.text.as_str()).collect();
        Ok(serial_shape(&text).map(|value| Found {
            value,
            conf: mean_conf(&words),
            rect,
        }))
    }

    /// A serial the English model never read as one: the segments below
    /// `floor` that may be Latin, on the card's right half (serials are
    /// printed under the photo, which most layouts put there) or anywhere
    /// when the English model read nearly a serial ([`near_serial_shape`]),
    /// each read by [`SERIAL_MODEL`]; the surest reading with a serial's
    /// shape that is sure enough or that the English model read but for one
    /// letter (`JETOMYV` backs `JETOMV`).
    fn serial_by_model_alone(&mut self, floor: i32) -> Result<Option<Found>, OcrError> {
        let right_half = self.flat.width() as i32 / 2;
        // Each segment with the English readings near a serial's shape.
        let candidates: Vec<(Rect, Vec<String>)> = self
            .segments
            .iter()
            .filter(|s| s.rect.y >= floor && is_readable(&s.rect) && s.may_be_latin())
            .filter_map(|s| {
                let near: Vec<String> = s
                    .english_compact()
                    .map(|(text, _)| text.to_ascii_uppercase())
                    .filter(|text| near_serial_shape(text))
                    .collect();
                (s.rect.x >= right_half || !near.is_empty()).then_some((s.rect, near))
            })
            .collect();
        let mut best: Option<Found> = None;
        for (rect, near) in candidates {
            let Some(read) = self.read_serial(rect)? else {
                continue;
            };
            // The English model read the same but for one letter.
            let backed = near
                .iter()
                .any(|text| edit_distance(text, &read.value) <= 1);
            let sure_enough = read.conf >= SERIAL_ALONE_CONF || backed;
            if sure_enough && best.as_ref().is_none_or(|b| read.conf > b.conf) {
                best = Some(read);
            }
        }
        Ok(best)
    }

    /// `reading` with each character the English model reads otherwise,
    /// and surely, in its glyph cut out alone: in a line of capitals it
    /// takes a digit for the letter it resembles (`9` for `S`).
    fn reread_glyphs(&mut self, reading: &str, glyphs: &[Glyph]) -> Result<String, OcrError> {
        let mut chars: Vec<char> = reading.chars().collect();
        for (c, glyph) in chars.iter_mut().zip(glyphs) {
            let cut = glyph_cut(self.flat, glyph.rect);
            let words = self.engine.read_with(ENGLISH, &cut, SegMode::Char)?;
            let text: String = words.iter().map(|w| w.text.as_str()).collect();
            let mut read = text.chars().filter(|c| c.is_ascii_alphanumeric());
            if let (Some(alone), None) = (read.next(), read.next()) {
                let alone = if alone == 'l' {
                    'I'
                } else {
                    alone.to_ascii_uppercase()
                };
                if alone != *c && mean_conf(&words) >= GLYPH_CONF {
                    *c = alone;
                }
            }
        }
        Ok(chars.into_iter().collect())
    }

    /// The condition: what follows the label `조건`, read with the English
    /// model (codes such as `A`, `A, B`); `none` when nothing follows it.
    pub(super) fn condition(&mut self) -> Result<Option<Found>, OcrError> {
        let Some(segment) = self.condition_label()? else {
            return Ok(None);
        };
        let label_right = label_right_edge(&segment.words[0]);
        let height = segment.rect.height;
        // The cut for a second reading takes half a height more on each
        // side: it starts where the label ends.
        let rest = Rect::new(
            label_right + (height / 2) as i32,
            segment.rect.y,
            // A code OCR of the block left out is looked for as far as five
            // heights past the label.
            ((segment.rect.right() - label_right).max(5 * height as i32) as u32)
                .min((self.flat.width() as i32 - label_right).max(0) as u32),
            height,
        );
        let none = Found {
            value: "none".to_owned(),
            conf: segment.korean_conf(),
            rect: segment.rect,
        };
        if rest.width < height / 2 {
            return Ok(Some(none));
        }
        let Some(cut) = line_cut(self.flat, rest, REREAD_HEIGHT) else {
            return Ok(Some(none));
        };
        let mut words = self.engine.read_with(ENGLISH, &cut, SegMode::Line)?;
        // Marks on the card read as letters are read unsurely.
        words.retain(|w| w.conf >= CODE_CONF);
        let text: String = words
            .iter()
            .map(|w| w.text.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        let (codes, dropped) = condition_codes(&text);
        if !codes.is_empty() {
            return Ok(Some(Found {
                value: codes.join(", "),
                conf: mean_conf(&words) * 0.8f32.powi(dropped as i32),
                rect: rest,
            }));
        }
        // A lone code read as a line comes out unsure (`c` at 0.3 for `C`):
        // each glyph as tall as a capital is read alone.
        let after_label = Rect::new(label_right, rest.y, rest.width + height / 2, height);
        let (codes, conf) = self.codes_glyph_by_glyph(after_label)?;
        Ok(Some(if codes.is_empty() {
            none
        } else {
            Found {
                value: codes.join(", "),
                conf,
                rect: rest,
            }
        }))
    }

    /// The segment that starts with the condition's label, below the
    /// resident number: read as `조건`, or near it, or found by reading
    /// unsure or unseen labels again.
    fn condition_label(&mut self) -> Result<Option<Segment>, OcrError> {
        let floor = self
            .resident
            .as_ref()
            .map_or(0, |(i, _)| self.segments[*i].rect.bottom());
        let below: Vec<Segment> = self
            .segments
            .iter()
            .filter(|s| s.rect.y >= floor)
            .cloned()
            .collect();
        let found = below
            .iter()
            .find(|s| s.compact().starts_with("조건"))
            .or_else(|| below.iter().find(|s| is_condition_label(&s.compact())));
        match found {
            Some(segment) => Ok(Some(segment.clone())),
            None => match self.unsure_condition_label(&below)? {
                Some(segment) => Ok(Some(segment)),
                None => self.unseen_condition_label(),
            },
        }
    }

    /// The capitals printed in `rect`, each glyph at least two thirds as
    /// tall as the tallest (commas are shorter) and wholly inside `rect`
    /// read alone and kept when read surely enough; a small letter shaped
    /// like its capital (`c`, `o`, `s`, …) is that capital. Gives the codes and their mean confidence.
    fn codes_glyph_by_glyph(&mut self, rect: Rect) -> Result<(Vec<String>, f32), OcrError> {
        // A code or two take a small share of the box.
        let glyphs = glyphs_in(self.flat, rect, 100, 0);
        let tallest = glyphs.iter().map(|g| g.rect.height).max().unwrap_or(0);
        let mut codes = Vec::new();
        let mut confs = Vec::new();
        // A glyph cut at the box's left edge is the end of the label.
        let codes_like = glyphs
            .iter()
            .filter(|g| 3 * g.rect.height >= 2 * tallest && g.rect.x >= rect.x);
        for glyph in codes_like {
            let cut = glyph_cut(self.flat, glyph.rect);
            let words = self.engine.read_with(ENGLISH, &cut, SegMode::Char)?;
            let text: String = words.iter().map(|w| w.text.as_str()).collect();
            let conf = mean_conf(&words);
            let code = match text.chars().collect::<Vec<_>>()[..] {
                [c] if c.is_ascii_uppercase() => Some(c),
                [c] if "cosuvwxz".contains(c) => Some(c.to_ascii_uppercase()),
                // One glyph read twice over, as its capital and its small
                // letter (`Cc`).
                [c, small] if c.is_ascii_uppercase() && small == c.to_ascii_lowercase() => Some(c),
                _ => None,
            };
            if let Some(code) = code.filter(|_| conf >= CODE_GLYPH_CONF) {
                codes.push(code.to_string());
                confs.push(conf);
            }
        }
        let conf = confs.iter().sum::<f32>() / confs.len().max(1) as f32;
        Ok((codes, conf))
    }
}

impl CardText<'_, '_> {
    /// The label `조건` when OCR of the block misread it (`이`, `기`): a
    /// short segment read unsurely, in line with the resident number, that
    /// reads `조건` when read again as a line.
    fn unsure_condition_label(&mut self, below: &[Segment]) -> Result<Option<Segment>, OcrError> {
        let Some(number) = self.resident.as_ref().map(|(i, _)| self.segments[*i].rect) else {
            return Ok(None);
        };
        for segment in below {
            let short = segment.rect.width < 6 * segment.rect.height;
            let in_line = (segment.rect.x - number.x).abs() < 3 * number.height as i32;
            if !short || !in_line || segment.korean_conf() >= SURE {
                continue;
            }
            let words = self.read_in_korean(segment.rect)?;
            let text: String = words.iter().map(|w| w.text.as_str()).collect();
            if is_condition_label(&text) {
                return Ok(Some(segment.clone()));
            }
        }
        Ok(None)
    }
}

impl CardText<'_, '_> {
    /// The label `조건` when OCR of the block did not see it at all (small,
    /// light print): the lines of ink below the resident number and in its
    /// column that no sure segment holds, top to bottom, each read as a
    /// line until one reads `조건`. The segment is the line's ink, its one
    /// word the reading's first.
    fn unseen_condition_label(&mut self) -> Result<Option<Segment>, OcrError> {
        let Some(number) = self.resident.as_ref().map(|(i, _)| self.segments[*i].rect) else {
            return Ok(None);
        };
        let height = number.height as i32;
        let left = (number.x - height).max(0);
        let right = (number.x + 8 * height).min(self.flat.width() as i32);
        let column = Rect::new(
            left,
            number.bottom(),
            (right - left).max(0) as u32,
            (self.flat.height() as i32 - number.bottom()).max(0) as u32,
        );
        let sure_rows: Vec<Rect> = self
            .segments
            .iter()
            .filter(|s| s.korean_conf() >= SURE)
            .map(|s| s.rect)
            .collect();
        let lines = ink_lines(self.flat, column)
            .into_iter()
            // As high as text from 0.4 to 1.5 times the number's height,
            // and in no sure segment's rows.
            .filter(|line| {
                5 * line.height >= 2 * number.height
                    && 2 * line.height <= 3 * number.height
                    && !sure_rows
                        .iter()
                        .any(|r| r.y < line.bottom() && line.y < r.bottom())
            })
            .take(UNSEEN_LABEL_LINES);
        for line in lines {
            let words = self.read_in_korean(line)?;
            let text: String = words.iter().map(|w| w.text.as_str()).collect();
            if is_condition_label(&text) {
                let label = Word {
                    text: words[0].text.clone(),
                    conf: words[0].conf,
                    rect: line,
                    line: (0, 0, 0),
                };
                return Ok(Some(Segment {
                    words: vec![label],
                    rect: line,
                    english: Vec::new(),
                }));
            }
        }
        Ok(None)
    }
}

/// How many unread lines of ink are read in search of the label `조건`.
const UNSEEN_LABEL_LINES: usize = 4;

/// The least confidence a glyph read alone after `조건` needs to count as
/// a code: a lone capital read alone comes out at 0.5-0.8 (`C` at 0.73).
const CODE_GLYPH_CONF: f32 = 0.5;

/// The least confidence a word read after `조건` needs to count as a code.
const CODE_CONF: f32 = 0.5;

/// Where the condition's label ends: its two syllables are each about as
/// wide as they are high. OCR's box of the label may take in a code
/// printed close after it, read (`조건0`) or not: a Latin letter is taken
/// to be about 0.6 of a syllable wide.
fn label_right_edge(label: &Word) -> i32 {
    let extra = label.text.chars().count().saturating_sub(2) as f32;
    label
        .rect
        .right()
        .min(label.rect.x + (2.05 * label.rect.height as f32) as i32)
        .min(label.rect.x + (label.rect.width as f32 * 2.0 / (2.0 + 0.6 * extra)) as i32)
}

/// The condition codes a reading shows (single capital letters: `A`,
/// `A, B`), and how many other characters were dropped around them (a
/// mark beside a code read as a letter or digit: `Cc`, `1A`).
pub(super) fn condition_codes(text: &str) -> (Vec<String>, usize) {
    let mut codes = Vec::new();
    let mut dropped = 0;
    for c in text.chars().filter(|c| *c != ',' && !c.is_whitespace()) {
        if c.is_ascii_uppercase() {
            codes.push(c.to_string());
        } else {
            dropped += 1;
        }
    }
    (codes, dropped)
}

/// The licence classes a line prints, in order, and how many letters had
/// to be corrected: each word is a class, or several glued together, or a
/// class with one letter misread.
pub(super) fn classes_in(text: &str) -> (Vec<&'static str>, usize) {
    let mut classes = Vec::new();
    let mut errors = 0;
    for word in text.split_whitespace() {
        let word: String = word
            .chars()
            .filter(|c| is_hangul(*c) || c.is_ascii_digit())
            .collect();
        if let Some(glued) = glued_classes(&word) {
            classes.extend(glued);
            continue;
        }
        if word.chars().count() >= 3 {
            let nearest = CLASSES.iter().map(|c| (edit_distance(&word, c), *c)).min();
            if let Some((1, class)) = nearest {
                classes.push(class);
                errors += 1;
            }
        }
    }
    let (classes, corrected) = each_class_once(classes);
    (classes, errors + corrected)
}

/// `classes` as a licence prints them, each once: a class read a second
/// time is a misreading of another, taken to be the one class one letter
/// away that was not read (`1종보통` read twice, the second `2종보통`),
/// or dropped when there is no such single class. Gives the classes and
/// how many were corrected or dropped.
fn each_class_once(classes: Vec<&'static str>) -> (Vec<&'static str>, usize) {
    let mut kept: Vec<&'static str> = Vec::with_capacity(classes.len());
    let mut corrected = 0;
    for class in &classes {
        if !kept.contains(class) {
            kept.push(class);
            continue;
        }
        corrected += 1;
        let mut unread_neighbours = CLASSES
            .iter()
            .filter(|c| edit_distance(c, class) == 1 && !classes.contains(c));
        if let (Some(other), None) = (unread_neighbours.next(), unread_neighbours.next()) {
            kept.push(other);
        }
    }
    (kept, corrected)
}

/// `word` as whole class names one after another, longest names first
/// (`2종보통2종원동기`).
fn glued_classes(word: &str) -> Option<Vec<&'static str>> {
    let mut rest = word;
    let mut classes = Vec::new();
    while !rest.is_empty() {
        let class = CLASSES
            .iter()
            .filter(|c| rest.starts_with(*c))
            .max_by_key(|c| c.len())?;
        classes.push(*class);
        rest = &rest[class.len()..];
    }
    (!classes.is_empty()).then_some(classes)
}

/// Whether a segment's reading starts like the label `조건` with one of its
/// two syllables misread (`초건`), or two letters of its jamo (`포견`).
pub(super) fn is_condition_label(compact: &str) -> bool {
    const LABEL: &str = "조건";
    let start: String = compact.chars().take(2).collect();
    start.chars().count() == 2
        && start.chars().all(is_hangul)
        && (edit_distance(&start, LABEL) <= 1 || jamo_distance(&start, LABEL) <= 2)
}
