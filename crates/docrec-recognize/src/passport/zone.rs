//! Finding a machine-readable zone in a view and reading it.
//!
//! Takes a view of an upload (grey, the page's text dark on light) and an
//! engine with [`MRZ_MODEL`]; gives the zones it holds, each read, its
//! characters chosen by their check digits ([`docrec_rules::mrz::choose`]),
//! with each line's box in the view.
//!
//! A zone is found by the view's ink alone, without OCR: two or three long
//! lines of one width, stacked at one pitch. Each is cut out and read as
//! one line by [`MRZ_MODEL`], with the alternatives it weighed for each
//! character. A reading a character or
//! two too long or short has most likely miscounted a run of fillers
//! (`<<<<<<`): the run is made as long as the format needs before the
//! check digits choose. A zone that reads as no MRZ the right way up is
//! read again turned half a turn (a page photographed upside down).

use docrec_ocr::detect::text_band;
use docrec_ocr::preprocess::line_cut;
use docrec_ocr::{CharChoices, Engine, OcrError, Rect};
use docrec_rules::mrz::{choose, CharAlternatives, Mrz, MrzFormat};
use image::imageops::rotate180;
use image::GrayImage;

/// The embedded model that reads machine-readable zones
/// (`models/mrz.traineddata`: `A-Z0-9<` only).
pub const MRZ_MODEL: &str = "mrz";

/// The heights a zone's lines are cut to for [`MRZ_MODEL`] (its training
/// lines were 36-64 px), in turn while a reading fails a check or had to
/// be fitted to its length: a line the model reads a letter too long
/// (`JONESS`) at one scale it often reads right at another.
const CUT_HEIGHTS: [u32; 3] = [48, 40, 60];

/// The least width of a zone's line, as a share of the view's: a data
/// page's zone spans nine tenths of it, and a page photographed whole
/// covers a third of the frame or more.
const LEAST_LINE_SHARE: f32 = 0.25;

/// The least width-to-height ratio of a zone's line (44 characters are
/// about 30 times as wide as high; 30 at least 18).
const LEAST_LINE_ASPECT: f32 = 12.0;

/// How many characters a reading's run of fillers may be made longer or
/// shorter by to give its line the format's length.
const MOST_FILLERS_FITTED: usize = 3;

/// How far apart (as a share of the line's pitch) two like characters'
/// centres are when the model read one character twice: neighbours stand
/// a pitch apart.
const DOUBLED_SHARE: f32 = 0.5;

/// A zone read: the MRZ chosen, its confidence, what the model read at
/// each of its positions, each line's box in the view (in the zone's
/// reading order) and whether it was read turned half a turn (the view is
/// upside down).
#[derive(Debug, Clone)]
pub(super) struct ZoneReading {
    pub mrz: Mrz,
    pub conf: f32,
    pub read: Vec<Vec<CharAlternatives>>,
    pub lines: Vec<Rect>,
    pub upside_down: bool,
}

/// An MRZ chosen from lines read: the MRZ, its confidence and the lines'
/// alternatives it was chosen among.
type Chosen = (Mrz, f32, Vec<Vec<CharAlternatives>>);

/// The zones of `flat` (a view, paper flattened), most likely first
/// (lowest on the page first): each two or three line boxes, top to
/// bottom.
///
/// Found by the view's ink alone: in each row, runs of ink with gaps
/// narrower than a zone's character joined ([`long_runs`]); rows with a
/// long run, stacked, make a line; a zone's lines are long lines of one
/// width stacked at one pitch. Each line is then boxed by the rows its
/// glyphs cover ([`text_band`]: rows through the glyphs' tops and bottoms
/// cross too little ink to make a long run, and a line cut short is read
/// enlarged, as the model never saw it: letters doubled, `JONESS`). (Tesseract's layout analysis boxed a page's
/// whole text, zone included, as one "line", or only one of the zone's two
/// lines; and the rows of a photo's whole frame hold the background's
/// grain, so ink is counted in runs, not rows.)
pub(super) fn zone_candidates(flat: &GrayImage) -> Vec<Vec<Rect>> {
    let mut zones: Vec<Vec<Rect>> = Vec::new();
    for line in long_lines(flat) {
        if (line.width as f32) < LEAST_LINE_ASPECT * line.height as f32 {
            continue;
        }
        match zones.last_mut() {
            Some(zone) if continues_zone(zone, &line) => zone.push(line),
            _ => zones.push(vec![line]),
        }
    }
    zones.retain(|zone| (2..=3).contains(&zone.len()));
    for zone in &mut zones {
        box_by_glyphs(flat, zone);
    }
    zones.reverse();
    zones
}

/// Boxes each of a zone's lines (in `flat`) by the rows its glyphs cover
/// ([`text_band`]), all as high as the tallest ([`to_tallest`]).
pub(super) fn box_by_glyphs(flat: &GrayImage, zone: &mut [Rect]) {
    for line in zone.iter_mut() {
        if let Some((top, height)) = text_band(flat, *line) {
            *line = Rect::new(line.x, top, line.width, height);
        }
    }
    to_tallest(zone);
}

/// Gives each of a zone's line boxes the height of its tallest, about its
/// own centre: the lines are printed in one size, but a line of fillers
/// (`<` inks only the middle of its cell) crosses [`long_runs`]'s least
/// ink in fewer rows, and its box would cut its glyphs' tops and bottoms.
fn to_tallest(zone: &mut [Rect]) {
    let tallest = zone.iter().map(|line| line.height).max().unwrap_or(0);
    for line in zone {
        let centre = line.y + line.height as i32 / 2;
        *line = Rect::new(line.x, centre - tallest as i32 / 2, line.width, tallest);
    }
}

/// A pixel of a flattened view this dark is ink.
const INK_LEVEL: u8 = 150;

/// The widest gap between a zone's characters along a row, as a share of
/// the view's width: a zone across the view has a character every 2% of
/// it, and a row through the top of `T` and `I` crosses ink only every
/// second or third.
const GAP_SHARE: f32 = 1.0 / 40.0;

/// The lines of `flat` whose ink runs at least [`LEAST_LINE_SHARE`] of its
/// width along their rows, top to bottom: rows with such a run, stacked
/// where their runs overlap, each line the box of its rows' runs; at least
/// 4 rows high.
fn long_lines(flat: &GrayImage) -> Vec<Rect> {
    let (width, _) = flat.dimensions();
    let least = (LEAST_LINE_SHARE * width as f32) as u32;
    let gap = ((GAP_SHARE * width as f32) as u32).max(3);
    let mut lines: Vec<Rect> = Vec::new();
    let mut open: Option<Rect> = None;
    for (y, row) in flat.rows().enumerate() {
        let run = long_runs(row.map(|p| p[0] < INK_LEVEL), gap, least);
        open = match (open, run) {
            (Some(line), Some((start, end)))
                if start <= line.right() as u32 && end >= line.x as u32 =>
            {
                let row = Rect::new(start as i32, y as i32, end - start, 1);
                Some(line.union(&row))
            }
            (previous, run) => {
                if let Some(line) = previous.filter(|line| line.height >= 4) {
                    lines.push(line);
                }
                run.map(|(start, end)| Rect::new(start as i32, y as i32, end - start, 1))
            }
        };
    }
    lines.extend(open.filter(|line| line.height >= 4));
    lines
}

/// The longest run of ink in a row (`inked`, pixel by pixel), gaps up to
/// `gap` pixels joined, when at least `least` pixels long: `(start, end)`.
fn long_runs(inked: impl Iterator<Item = bool>, gap: u32, least: u32) -> Option<(u32, u32)> {
    let mut best: Option<(u32, u32)> = None;
    let mut current: Option<(u32, u32)> = None;
    for (x, ink) in inked.enumerate() {
        let x = x as u32;
        if !ink {
            continue;
        }
        current = match current {
            Some((start, end)) if x - end <= gap => Some((start, x + 1)),
            _ => Some((x, x + 1)),
        };
        if let Some((start, end)) = current {
            if best.is_none_or(|(s, e)| e - s < end - start) {
                best = Some((start, end));
            }
        }
    }
    best.filter(|(start, end)| end - start >= least)
}

/// How far apart a zone's lines may stand, centre to centre, as a share
/// of their width: the generator draws a TD3 zone's lines 1.65-1.85
/// capitals' heights apart over 44 pitches, about 0.045 of their width;
/// a TD1's lines, 30 pitches wide, at that spacing about 0.065; with room
/// for both.
const LINE_PITCH_SHARE: f32 = 0.09;

/// Whether `line` is the next line of `zone`: of its width (within a
/// tenth) and height (the lower at least 45% of the higher: a line of
/// fillers boxes low, [`to_tallest`]), starting where it starts, below it
/// by less than three of their heights or [`LINE_PITCH_SHARE`] of their
/// width. (Rows through a line's top and bottom cross too little ink to
/// count, so its box is lower than its glyphs: a light or letter-spaced
/// face's only a third of them, and its lines stand eight such boxes
/// apart.)
fn continues_zone(zone: &[Rect], line: &Rect) -> bool {
    let Some(last) = zone.last() else {
        return false;
    };
    let near = |a: f32, b: f32, tolerance: f32| (a - b).abs() <= tolerance * a.max(b);
    near(last.width as f32, line.width as f32, 0.1)
        && near(last.height as f32, line.height as f32, 0.55)
        && (last.x - line.x).abs() as f32 <= 0.05 * last.width as f32
        && (line.center_y() - last.center_y())
            <= (3.0 * last.height.max(line.height) as f32)
                .max(LINE_PITCH_SHARE * last.width.max(line.width) as f32)
        && zone.len() < 3
}

/// Reads the zone whose lines are `lines` (boxes in `flat`, top to
/// bottom): the right way up, then turned half a turn when that gives no
/// MRZ whose checks mostly pass.
pub(super) fn read_zone(
    engine: &mut Engine,
    flat: &GrayImage,
    lines: &[Rect],
) -> Result<Option<ZoneReading>, OcrError> {
    let mut best: Option<(Chosen, usize, bool)> = None;
    for height in CUT_HEIGHTS {
        // Lines that read as no MRZ at all (an ID card's long lines of
        // text) are not read again: only an MRZ misread is.
        let Some(reading) = read_zone_at(engine, flat, lines, height)? else {
            break;
        };
        let mrz = &reading.0 .0;
        let settled = mrz.checks.all_pass() && mrz.is_well_formed() && reading.1 == 0;
        if best.as_ref().is_none_or(|b| reads_better(&reading, b)) {
            best = Some(reading);
        }
        if settled {
            break;
        }
    }
    Ok(best.map(|(chosen, _, upside_down)| {
        let mut boxes = lines.to_vec();
        if upside_down {
            boxes.reverse();
        }
        zone_reading(chosen, boxes, upside_down)
    }))
}

/// Whether reading `a` (chosen, lines fitted, upside down) is better than
/// `b`: well formed, then more checks pass, then fewer lines needed
/// fitting, then surer.
fn reads_better(a: &(Chosen, usize, bool), b: &(Chosen, usize, bool)) -> bool {
    let key = |(chosen, fitted, _): &(Chosen, usize, bool)| {
        (
            well_checked(&chosen.0),
            std::cmp::Reverse(*fitted),
            chosen.1,
        )
    };
    key(a) > key(b)
}

/// The zone read with its lines cut `height` high: the right way up, then
/// turned half a turn when that gives no MRZ whose checks mostly pass;
/// with how many lines were fitted to their length and whether it was
/// read upside down.
fn read_zone_at(
    engine: &mut Engine,
    flat: &GrayImage,
    lines: &[Rect],
    height: u32,
) -> Result<Option<(Chosen, usize, bool)>, OcrError> {
    let mut cuts = Vec::with_capacity(lines.len());
    for rect in lines {
        match line_cut(flat, *rect, height) {
            Some(cut) => cuts.push(cut),
            None => return Ok(None),
        }
    }
    let upright = read_cuts(engine, &cuts)?;
    if upright
        .as_ref()
        .is_some_and(|(chosen, _)| mostly_checked(chosen))
    {
        return Ok(upright.map(|(chosen, fitted)| (chosen, fitted, false)));
    }
    let turned: Vec<GrayImage> = cuts.iter().rev().map(rotate180).collect();
    let turned_reading = read_cuts(engine, &turned)?;
    Ok(match (upright, turned_reading) {
        (Some(a), Some(b)) if well_checked(&b.0 .0) > well_checked(&a.0 .0) => {
            Some((b.0, b.1, true))
        }
        (Some(a), _) => Some((a.0, a.1, false)),
        (None, Some(b)) => Some((b.0, b.1, true)),
        (None, None) => None,
    })
}

fn zone_reading((mrz, conf, read): Chosen, lines: Vec<Rect>, upside_down: bool) -> ZoneReading {
    ZoneReading {
        mrz,
        conf,
        read,
        lines,
        upside_down,
    }
}

/// Whether more than half of an MRZ's checks pass and it is well formed.
fn mostly_checked((mrz, _, _): &Chosen) -> bool {
    mrz.is_well_formed() && 2 * mrz.checks.passed() > mrz.checks.total()
}

/// How an MRZ ranks by form and checks: well formed first, then by checks
/// passed.
pub(super) fn well_checked(mrz: &docrec_rules::mrz::Mrz) -> (bool, usize) {
    (mrz.is_well_formed(), mrz.checks.passed())
}

/// The MRZ the cut lines (in reading order) hold, as [`choose`] chooses
/// it among [`MRZ_MODEL`]'s alternatives, each line fitted to the length
/// of the format their count and lengths make likeliest; with how many
/// lines had to be fitted.
fn read_cuts(engine: &mut Engine, cuts: &[GrayImage]) -> Result<Option<(Chosen, usize)>, OcrError> {
    let mut lines = Vec::with_capacity(cuts.len());
    for cut in cuts {
        lines.push(engine.read_line_choices(MRZ_MODEL, cut)?);
    }
    let lengths: Vec<usize> = lines.iter().map(Vec::len).collect();
    let Some(format) = likeliest_format(&lengths) else {
        return Ok(None);
    };
    let length = format.line_length();
    let read: Vec<Vec<CharAlternatives>> = lines
        .into_iter()
        .map(|line| alternatives_of(&read_once(line, length)))
        .collect();
    let misfits = read.iter().filter(|line| line.len() != length).count();
    let mut fitted = Vec::with_capacity(read.len());
    for line in read {
        match fit_to_length(line, length) {
            Some(line) => fitted.push(line),
            None => return Ok(None),
        }
    }
    Ok(choose(format, &fitted).map(|(mrz, conf)| ((mrz, conf, fitted), misfits)))
}

/// Each character read with its alternatives (the chosen one first).
fn alternatives_of(chars: &[CharChoices]) -> Vec<CharAlternatives> {
    chars
        .iter()
        .map(|c| {
            let mut alternatives = c.alternatives.clone();
            if !alternatives.iter().any(|(a, _)| *a == c.chosen) {
                alternatives.insert(0, (c.chosen, 0.5));
            }
            alternatives
        })
        .collect()
}

/// A line read longer than `length` with each character the model read
/// twice over read once: two characters whose centres are less than
/// [`DOUBLED_SHARE`] of a character's pitch apart (`JONES` read `JONES5`,
/// `KOOR`), the surer kept with the other's alternatives after its own.
/// The pitch is the line's span over `length` (an MRZ's face is
/// monospaced). At most as many as the line is too long.
fn read_once(mut line: Vec<CharChoices>, length: usize) -> Vec<CharChoices> {
    let excess = line.len().saturating_sub(length);
    let centre = |c: &CharChoices| c.columns.map(|(left, right)| (left + right) as f32 / 2.0);
    let (Some(first), Some(last)) = (line.first(), line.last()) else {
        return line;
    };
    let (Some((left, _)), Some((_, right))) = (first.columns, last.columns) else {
        return line;
    };
    if excess == 0 || right <= left {
        return line;
    }
    let pitch = (right - left) as f32 / length as f32;
    let mut doubles: Vec<(f32, usize)> = (1..line.len())
        .filter_map(|i| Some((centre(&line[i])? - centre(&line[i - 1])?, i)))
        .filter(|&(apart, _)| apart < DOUBLED_SHARE * pitch)
        .collect();
    doubles.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut seconds: Vec<usize> = doubles.into_iter().take(excess).map(|(_, i)| i).collect();
    // From the right, so that merging a pair leaves the next pair's places.
    seconds.sort_unstable_by(|a, b| b.cmp(a));
    let conf = |c: &CharChoices| c.alternatives.first().map_or(0.0, |a| a.1);
    for second in seconds {
        let mut lesser = line.remove(second);
        let kept = &mut line[second - 1];
        if conf(&lesser) > conf(kept) {
            std::mem::swap(kept, &mut lesser);
        }
        for alternative in lesser.alternatives {
            if !kept.alternatives.iter().any(|(c, _)| *c == alternative.0) {
                kept.alternatives.push(alternative);
            }
        }
    }
    line
}

/// The format of as many lines as `lengths` says whose length is nearest
/// their mean length, when within [`MOST_FILLERS_FITTED`] of it.
fn likeliest_format(lengths: &[usize]) -> Option<MrzFormat> {
    let mean = lengths.iter().sum::<usize>() as f32 / lengths.len().max(1) as f32;
    MrzFormat::ALL
        .into_iter()
        .filter(|format| format.line_count() == lengths.len())
        .map(|format| (format, (format.line_length() as f32 - mean).abs()))
        .filter(|(_, off)| *off <= MOST_FILLERS_FITTED as f32)
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(format, _)| format)
}

/// `line` made `length` characters long by lengthening or shortening its
/// longest run of fillers (`<`), or `None` when it is off by more than
/// [`MOST_FILLERS_FITTED`] or has no run long enough to shorten.
fn fit_to_length(mut line: Vec<CharAlternatives>, length: usize) -> Option<Vec<CharAlternatives>> {
    if line.len().abs_diff(length) > MOST_FILLERS_FITTED {
        return None;
    }
    if line.len() == length {
        return Some(line);
    }
    let is_filler = |c: &CharAlternatives| c.first().is_some_and(|(ch, _)| *ch == '<');
    let (start, run) = longest_run(&line, is_filler);
    if line.len() > length {
        let excess = line.len() - length;
        if run < excess + 1 {
            return None;
        }
        line.drain(start..start + excess);
    } else {
        let missing = length - line.len();
        let at = if run == 0 { line.len() } else { start + run };
        let filler = vec![('<', 0.5)];
        line.splice(at..at, std::iter::repeat_n(filler, missing));
    }
    Some(line)
}

/// The start and length of the longest run of `line`'s characters that
/// `is_in_run` holds for (the last such run when several are longest).
fn longest_run(
    line: &[CharAlternatives],
    is_in_run: impl Fn(&CharAlternatives) -> bool,
) -> (usize, usize) {
    let (mut best, mut current_start, mut current) = ((0, 0), 0, 0);
    for (i, c) in line.iter().enumerate() {
        if is_in_run(c) {
            if current == 0 {
                current_start = i;
            }
            current += 1;
            if current >= best.1 {
                best = (current_start, current);
            }
        } else {
            current = 0;
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line_of(text: &str) -> Vec<CharAlternatives> {
        text.chars().map(|c| vec![(c, 0.9)]).collect()
    }

    fn text_of(line: &[CharAlternatives]) -> String {
        line.iter().map(|c| c[0].0).collect()
    }

    #[test]
    fn a_line_a_filler_short_or_long_is_fitted_in_its_longest_run_of_fillers() {
        let short = line_of("P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<");
        let fitted = fit_to_length(short, 44).unwrap();
        assert_eq!(
            text_of(&fitted),
            "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<"
        );
        let long = line_of("L898902C36UTO7408122F1204159ZE184226B<<<<<<<10");
        let fitted = fit_to_length(long, 44).unwrap();
        assert_eq!(
            text_of(&fitted),
            "L898902C36UTO7408122F1204159ZE184226B<<<<<10"
        );
    }

    #[test]
    fn a_line_far_from_the_length_or_without_fillers_to_cut_is_not_fitted() {
        assert!(fit_to_length(line_of("P<UTOERIKSSON<<ANNA"), 44).is_none());
        assert!(
            fit_to_length(line_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789ABCDEFGHI"), 44).is_none()
        );
    }

    /// Characters as the model places them: `(char, left, right, conf)`.
    fn placed(chars: &[(char, u32, u32, f32)]) -> Vec<CharChoices> {
        chars
            .iter()
            .map(|&(chosen, left, right, conf)| CharChoices {
                chosen,
                word: 0,
                alternatives: vec![(chosen, conf)],
                columns: Some((left, right)),
            })
            .collect()
    }

    #[test]
    fn a_character_read_twice_in_one_place_is_read_once() {
        // `JONES` in five cells 20 pixels wide, its `S` read twice, the
        // second time as `5`.
        let line = placed(&[
            ('J', 0, 20, 0.99),
            ('O', 20, 40, 0.99),
            ('N', 40, 60, 0.99),
            ('E', 60, 80, 0.99),
            ('S', 80, 90, 0.97),
            ('5', 86, 100, 0.95),
        ]);
        let once = read_once(line, 5);
        let text: String = once.iter().map(|c| c.chosen).collect();
        assert_eq!(text, "JONES");
        assert_eq!(once[4].alternatives, [('S', 0.97), ('5', 0.95)]);
        // Like letters a pitch apart are two letters.
        let line = placed(&[
            ('H', 0, 20, 0.99),
            ('O', 20, 40, 0.99),
            ('O', 40, 60, 0.99),
            ('N', 60, 80, 0.99),
            ('<', 80, 100, 0.99),
            ('<', 100, 120, 0.99),
        ]);
        let kept: String = read_once(line, 5).iter().map(|c| c.chosen).collect();
        assert_eq!(kept, "HOON<<");
    }

    #[test]
    fn two_lines_near_44_are_a_passports_and_three_near_30_an_id_cards() {
        assert_eq!(likeliest_format(&[43, 45]), Some(MrzFormat::Td3));
        assert_eq!(likeliest_format(&[36, 35]), Some(MrzFormat::Td2));
        assert_eq!(likeliest_format(&[30, 30, 29]), Some(MrzFormat::Td1));
        assert_eq!(likeliest_format(&[20]), None);
    }

    #[test]
    fn stacked_lines_of_one_width_make_a_zone() {
        let first = Rect::new(50, 700, 900, 30);
        assert!(continues_zone(&[first], &Rect::new(52, 748, 895, 31)));
        // Too far below, or narrower: another line of the page.
        assert!(!continues_zone(&[first], &Rect::new(52, 800, 895, 31)));
        // A light face's lines boxed a few rows high, a pitch of eight
        // such boxes apart.
        let light = Rect::new(282, 641, 596, 5);
        assert!(continues_zone(&[light], &Rect::new(285, 665, 595, 5)));
        assert!(!continues_zone(&[light], &Rect::new(285, 701, 595, 5)));
        assert!(!continues_zone(&[first], &Rect::new(52, 748, 600, 31)));
    }

    #[test]
    fn a_line_of_fillers_boxed_low_joins_its_zone_at_the_zones_height() {
        // Rows through the top and bottom of `<<<<` cross little ink: the
        // names' line boxed 7 rows high over the numbers' 13.
        let names = Rect::new(56, 385, 529, 7);
        let numbers = Rect::new(56, 403, 528, 13);
        assert!(continues_zone(&[names], &numbers));
        let mut zone = [names, numbers];
        to_tallest(&mut zone);
        assert_eq!(zone[0], Rect::new(56, 382, 529, 13));
        assert_eq!(zone[1], numbers);
    }
}
