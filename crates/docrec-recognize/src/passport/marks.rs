//! A data page turned by any angle, placed by its machine-readable zone's
//! characters: the look for a page [`super::page`] does not find level or
//! a quarter turned (a page photographed at 30°, small in its frame).
//!
//! Takes the grey upload; gives the quad (in the upload's pixels) of the
//! page around the zone, and where the zone's lines lie in it, or nothing
//! when no two rows of marks make a zone.
//!
//! Marks are the connected blobs of ink (pixels darker than the paper
//! around them) of a character's size; for each whole degree of a half
//! turn their centres are projected across that direction, and a band of
//! them in a row with gaps no wider than a few characters is a row. The
//! zone is the longest row in any direction with a neighbour (a row a
//! line's pitch away, overlapping it), both then levelled by their marks.
//! (Rows of ink, as [`super::page`] counts, need the lines level; a
//! background's grain, stripes of ink, makes no marks of a character's
//! size, and a dark background's noise is no ink on paper.)

use docrec_ocr::resample::thumbnail;
use docrec_ocr::{Quad, Rect};
use image::{GrayImage, Luma};
use imageproc::region_labelling::{connected_components, Connectivity};

use super::page::page_around;

/// The longest sides the upload is looked at, in turn: at 1600 pixels a
/// page a quarter of its frame's width keeps its zone's characters about 7
/// pixels high; a page smaller still is looked for at twice that (when the
/// upload has three quarters of its pixels).
const PROBE_WIDTHS: [u32; 2] = [1600, 3200];

/// How much darker than its surroundings' mean a pixel is ink, tried in
/// turn: blur and noise.
const INK_CONTRASTS: [u32; 3] = [12, 7, 20];

/// The blur (sigma, pixels) that keeps single noisy pixels from counting as
/// ink.
const NOISE_BLUR: f32 = 0.7;

/// How far around a pixel (pixels each way) its paper's level is taken:
/// a few characters.
const NEIGHBOURHOOD: u32 = 12;

/// The least share of an upload's bright level (its 98th percentile) that
/// is paper.
const PAPER_SHARE: f32 = 0.45;

/// The most marks worth looking through (more are a background's grain).
const MOST_MARKS: usize = 4000;

/// How many of the longest rows (each the longest in its direction) are
/// tried for a neighbour.
const ROWS_TRIED: usize = 12;

/// The sizes (a blob's box's longer side, pixels) a character's mark has.
const MARK_SIZES: std::ops::RangeInclusive<u32> = 4..=48;

/// The fewest pixels a character's mark has (fewer are noise).
const LEAST_MARK_PIXELS: u64 = 10;

/// The most marks a zone's line has: 44 characters, a few split in two
/// (a longer row is a pattern's).
const MOST_MARKS_IN_LINE: usize = 56;

/// The fewest marks in a row that make a zone's line (a TD3 line has 44
/// characters; blur joins some, and the shortest zone, TD1, has 30).
const LEAST_MARKS: usize = 22;

/// The widest gap between neighbouring marks of a line, in marks' sizes:
/// a line's characters stand a pitch apart, a space or two at most.
const WIDEST_GAP: f32 = 3.0;

/// How far a mark's centre may lie from its line's, in marks' sizes
/// (a `<` is centred, a letter fills its cell; a line a little curved).
const BAND_SHARE: f32 = 0.45;

/// The upload's ink blobs of a character's size.
#[derive(Debug, Clone, Copy)]
struct Mark {
    x: f32,
    y: f32,
    size: f32,
}

/// A row of marks in one direction: the direction (`cos`, `sin`), its
/// marks' offset across it, their extent along it, its marks and their
/// typical size.
#[derive(Debug, Clone, Copy)]
struct Row {
    cos: f32,
    sin: f32,
    across: f32,
    from: f32,
    to: f32,
    marks: usize,
    size: f32,
}

/// A page placed by its zone's marks: its quad in the upload and its
/// zone's lines, top to bottom, as shares of the page's width and height
/// (left, top, right, bottom): where the view rectified from the quad shows
/// them.
#[derive(Debug, Clone)]
pub(super) struct MarkedPage {
    pub page: Quad,
    pub lines: Vec<[f32; 4]>,
}

impl MarkedPage {
    /// The zone's lines in a view of the page `width` × `height` pixels.
    pub fn lines_in(&self, width: u32, height: u32) -> Vec<Rect> {
        let (width, height) = (width as f32, height as f32);
        self.lines
            .iter()
            .map(|[left, top, right, bottom]| {
                Rect::new(
                    (left * width).round() as i32,
                    (top * height).round() as i32,
                    ((right - left) * width).round().max(1.0) as u32,
                    ((bottom - top) * height).round().max(1.0) as u32,
                )
            })
            .collect()
    }
}

/// The page around the longest row of character marks in `image` that has
/// a neighbour, any way turned; the quad's first corner is the view's
/// top-left (the page may lie upside down in it: the zone's reading turns
/// it).
pub(super) fn page_by_marks(image: &GrayImage) -> Option<MarkedPage> {
    let (width, height) = image.dimensions();
    let long_side = width.max(height);
    let (scale, line, partner) = PROBE_WIDTHS
        .iter()
        .enumerate()
        // A larger look only where the upload has the pixels for it.
        .filter(|&(n, &probe)| n == 0 || long_side * 4 >= probe * 3)
        .find_map(|(_, &probe)| {
            let scale = (probe as f32 / long_side as f32).min(1.0);
            let small = thumbnail(
                image,
                ((width as f32 * scale) as u32).max(1),
                ((height as f32 * scale) as u32).max(1),
            );
            INK_CONTRASTS.iter().find_map(|&contrast| {
                let marks = character_marks(&small, contrast);
                let (line, partner) = (marks.len() <= MOST_MARKS).then(|| zone_rows(&marks))??;
                let (line, partner) = levelled(&marks, &line, &partner);
                Some((scale, line, partner))
            })
        })?;
    // A zone's lines start and end together: a line's first characters
    // blurred into one blob too large for a mark are still its.
    let (from, to) = (line.from.min(partner.from), line.to.max(partner.to));
    let mut zone: Vec<Rect> = [line, partner]
        .iter()
        .map(|row| Row { from, to, ..*row }.as_level_rect())
        .collect();
    zone.sort_by_key(|rect| rect.y);
    let level_corners = page_around(&zone);
    let [(left, top), _, (right, bottom), _] = level_corners;
    let share = |rect: &Rect| {
        [
            (rect.x as f32 - left) / (right - left),
            (rect.y as f32 - top) / (bottom - top),
            (rect.right() as f32 - left) / (right - left),
            (rect.bottom() as f32 - top) / (bottom - top),
        ]
    };
    let corners = level_corners.map(|(along, across)| {
        let (x, y) = line.to_image(along, across);
        (x / scale, y / scale)
    });
    Some(MarkedPage {
        page: Quad::new(corners),
        lines: zone.iter().map(share).collect(),
    })
}

/// The zone's two lines among `marks`: of the longest rows in each
/// direction, the longest that has a neighbour (as long, a line's pitch
/// away).
fn zone_rows(marks: &[Mark]) -> Option<(Row, Row)> {
    let mut rows: Vec<Row> = (0..180)
        .filter_map(|degree| longest_row(marks, (degree as f32).to_radians()))
        .collect();
    rows.sort_by_key(|row| std::cmp::Reverse(row.marks));
    rows.iter()
        .take(ROWS_TRIED)
        .find_map(|line| Some((*line, neighbour_row(marks, line)?)))
}

/// Which pixels of `grey` are ink on paper (1) and which not (0): darker by
/// `contrast` percent than the mean around them (a square
/// [`NEIGHBOURHOOD`] pixels from the centre each way), where that mean is
/// paper's (at least [`PAPER_SHARE`] of the upload's bright level: a dark
/// background's noise is no ink).
fn ink_on_paper(grey: &GrayImage, contrast: u32) -> GrayImage {
    let blurred = imageproc::filter::gaussian_blur_f32(grey, NOISE_BLUR);
    let (width, height) = blurred.dimensions();
    let mut levels: Vec<u8> = blurred.as_raw().clone();
    if levels.is_empty() {
        return blurred;
    }
    let bright_at = (levels.len() * 98 / 100).min(levels.len() - 1);
    let bright = *levels.select_nth_unstable(bright_at).1;
    let paper_floor = (PAPER_SHARE * f32::from(bright)) as u32;
    let sums = imageproc::integral_image::integral_image::<_, u32>(&blurred);
    let reach = NEIGHBOURHOOD;
    GrayImage::from_fn(width, height, |x, y| {
        let (left, top) = (x.saturating_sub(reach), y.saturating_sub(reach));
        let (right, bottom) = ((x + reach).min(width - 1), (y + reach).min(height - 1));
        let area = (right - left + 1) * (bottom - top + 1);
        let mean =
            imageproc::integral_image::sum_image_pixels(&sums, left, top, right, bottom)[0] / area;
        let level = u32::from(blurred.get_pixel(x, y)[0]);
        Luma([u8::from(
            mean >= paper_floor && level * 100 < mean * (100 - contrast),
        )])
    })
}

/// The centres and sizes of `flat`'s ink blobs of a character's size.
fn character_marks(grey: &GrayImage, contrast: u32) -> Vec<Mark> {
    let ink = ink_on_paper(grey, contrast);
    let labels = connected_components(&ink, Connectivity::Eight, Luma([0]));
    // Per label: its box (left, top, right, bottom) and pixel sums.
    let mut blobs: Vec<(u32, u32, u32, u32, u64, u64, u64)> = Vec::new();
    for (x, y, label) in labels.enumerate_pixels() {
        let label = label[0] as usize;
        if label == 0 {
            continue;
        }
        if blobs.len() < label {
            blobs.resize(label, (u32::MAX, u32::MAX, 0, 0, 0, 0, 0));
        }
        let blob = &mut blobs[label - 1];
        blob.0 = blob.0.min(x);
        blob.1 = blob.1.min(y);
        blob.2 = blob.2.max(x);
        blob.3 = blob.3.max(y);
        blob.4 += u64::from(x);
        blob.5 += u64::from(y);
        blob.6 += 1;
    }
    blobs
        .into_iter()
        .filter_map(|(left, top, right, bottom, sum_x, sum_y, count)| {
            let size = (right - left + 1).max(bottom - top + 1);
            (count >= LEAST_MARK_PIXELS && MARK_SIZES.contains(&size)).then(|| Mark {
                x: sum_x as f32 / count as f32,
                y: sum_y as f32 / count as f32,
                size: size as f32,
            })
        })
        .collect()
}

/// The row with the most marks along the direction `angle` (radians from
/// the image's x axis, y down).
fn longest_row(marks: &[Mark], angle: f32) -> Option<Row> {
    let (sin, cos) = angle.sin_cos();
    let mut placed: Vec<(f32, f32, f32)> = marks
        .iter()
        .map(|m| (m.y * cos - m.x * sin, m.x * cos + m.y * sin, m.size))
        .collect();
    placed.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut best: Option<Row> = None;
    // Each mark in turn as a band's centre; a band's marks lie within
    // BAND_SHARE of the centre mark's size across.
    for &(across, _, size) in &placed {
        let reach = BAND_SHARE * size;
        let start = placed.partition_point(|p| p.0 < across - reach);
        let end = placed.partition_point(|p| p.0 <= across + reach);
        if end - start < LEAST_MARKS || best.is_some_and(|row| end - start <= row.marks) {
            continue;
        }
        if let Some(row) = run_in_band(&placed[start..end], size, (cos, sin)) {
            if best.is_none_or(|b| row.marks > b.marks) {
                best = Some(row);
            }
        }
    }
    best
}

/// The longest run along the band `band` (marks as (across, along, size))
/// with gaps of at most [`WIDEST_GAP`] of `size`, when it has
/// [`LEAST_MARKS`] marks of one size.
fn run_in_band(band: &[(f32, f32, f32)], size: f32, (cos, sin): (f32, f32)) -> Option<Row> {
    let mut same: Vec<(f32, f32, f32)> = band
        .iter()
        .copied()
        .filter(|p| p.2 <= 2.0 * size && p.2 >= 0.4 * size)
        .collect();
    same.sort_by(|a, b| a.1.total_cmp(&b.1));
    let mut best: Option<&[(f32, f32, f32)]> = None;
    let mut from = 0;
    for to in 1..=same.len() {
        let ends = to == same.len() || same[to].1 - same[to - 1].1 > WIDEST_GAP * size;
        if ends {
            let run = &same[from..to];
            if best.is_none_or(|b| run.len() > b.len()) {
                best = Some(run);
            }
            from = to;
        }
    }
    let run = best.filter(|run| (LEAST_MARKS..=MOST_MARKS_IN_LINE).contains(&run.len()))?;
    let mut sizes: Vec<f32> = run.iter().map(|p| p.2).collect();
    sizes.sort_by(f32::total_cmp);
    let typical = sizes[sizes.len() / 2];
    let across = run.iter().map(|p| p.0).sum::<f32>() / run.len() as f32;
    Some(Row {
        cos,
        sin,
        across,
        from: run[0].1 - typical / 2.0,
        to: run[run.len() - 1].1 + typical / 2.0,
        marks: run.len(),
        size: typical,
    })
}

/// The zone's other line beside `line`: the longest row in its direction
/// a line's pitch (1.2 to 2.5 of its marks' size) above or below it,
/// overlapping it along.
fn neighbour_row(marks: &[Mark], line: &Row) -> Option<Row> {
    let pitch = 1.2 * line.size..=2.5 * line.size;
    let near: Vec<Mark> = marks
        .iter()
        .copied()
        .filter(|m| {
            let across = m.y * line.cos - m.x * line.sin;
            pitch.contains(&(across - line.across).abs())
        })
        .collect();
    let angle = line.sin.atan2(line.cos);
    longest_row(&near, angle).filter(|row| row.to > line.from && row.from < line.to)
}

/// The zone's two rows in the direction that best fits both (their marks'
/// centres by least squares, a slope shared and an offset each): a whole
/// degree's direction leaves a long line's ends a few pixels off level,
/// and the zone's lines are read from rows of ink.
fn levelled(marks: &[Mark], line: &Row, partner: &Row) -> (Row, Row) {
    let members = |row: &Row| -> Vec<Mark> {
        marks
            .iter()
            .copied()
            .filter(|m| {
                let (along, across) = row.to_level(m.x, m.y);
                (across - row.across).abs() <= BAND_SHARE * row.size.max(m.size)
                    && (row.from..=row.to).contains(&along)
            })
            .collect()
    };
    let rows = [members(line), members(partner)];
    let (mut spread, mut covariance) = (0.0f32, 0.0f32);
    for row in &rows {
        let placed: Vec<(f32, f32)> = row.iter().map(|m| line.to_level(m.x, m.y)).collect();
        let count = placed.len().max(1) as f32;
        let mean_along = placed.iter().map(|p| p.0).sum::<f32>() / count;
        let mean_across = placed.iter().map(|p| p.1).sum::<f32>() / count;
        for (along, across) in placed {
            spread += (along - mean_along).powi(2);
            covariance += (along - mean_along) * (across - mean_across);
        }
    }
    if spread <= 0.0 {
        return (*line, *partner);
    }
    let angle = line.sin.atan2(line.cos) + (covariance / spread).atan();
    let (sin, cos) = angle.sin_cos();
    let refit = |row: &Row, members: &[Mark]| -> Row {
        let mut fitted = Row { cos, sin, ..*row };
        let placed: Vec<(f32, f32)> = members.iter().map(|m| fitted.to_level(m.x, m.y)).collect();
        if placed.is_empty() {
            return *row;
        }
        let half = row.size / 2.0;
        fitted.across = placed.iter().map(|p| p.1).sum::<f32>() / placed.len() as f32;
        fitted.from = placed.iter().map(|p| p.0).fold(f32::MAX, f32::min) - half;
        fitted.to = placed.iter().map(|p| p.0).fold(f32::MIN, f32::max) + half;
        fitted
    };
    (refit(line, &rows[0]), refit(partner, &rows[1]))
}

impl Row {
    /// A point of the image in the row's level frame: (along, across).
    fn to_level(self, x: f32, y: f32) -> (f32, f32) {
        (x * self.cos + y * self.sin, y * self.cos - x * self.sin)
    }

    /// The row's box in its own level frame (x along it, y across).
    fn as_level_rect(&self) -> Rect {
        let half = self.size / 2.0;
        Rect::new(
            self.from.round() as i32,
            (self.across - half).round() as i32,
            (self.to - self.from).max(1.0).round() as u32,
            self.size.round().max(1.0) as u32,
        )
    }

    /// A point of the row's level frame in the image looked at.
    fn to_image(self, along: f32, across: f32) -> (f32, f32) {
        (
            along * self.cos - across * self.sin,
            along * self.sin + across * self.cos,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Marks `count` characters of `size` a pitch apart along a line from
    /// (`x`, `y`) at `angle`.
    fn line_of_marks(x: f32, y: f32, angle: f32, count: usize, size: f32) -> Vec<Mark> {
        let (sin, cos) = angle.sin_cos();
        (0..count)
            .map(|i| {
                let along = i as f32 * size * 0.9;
                Mark {
                    x: x + along * cos,
                    y: y + along * sin,
                    size,
                }
            })
            .collect()
    }

    #[test]
    fn a_zone_turned_by_any_angle_is_found_with_its_second_line() {
        for degrees in [0.0f32, 17.0, 33.0, 62.0, 95.0, 151.0] {
            let angle = degrees.to_radians();
            let (sin, cos) = angle.sin_cos();
            let mut marks = line_of_marks(300.0, 300.0, angle, 44, 10.0);
            // The second line 17 pixels below, across the direction.
            marks.extend(line_of_marks(
                300.0 - 17.0 * sin,
                300.0 + 17.0 * cos,
                angle,
                44,
                10.0,
            ));
            // Scattered marks of the page's other text.
            marks.extend((0..30).map(|i| Mark {
                x: 50.0 + 37.0 * (i % 6) as f32,
                y: 40.0 + 53.0 * (i / 6) as f32,
                size: 9.0,
            }));
            let line = (0..180)
                .filter_map(|d| longest_row(&marks, (d as f32).to_radians()))
                .max_by_key(|row| row.marks)
                .expect("a row");
            assert_eq!(line.marks, 44, "{degrees}°");
            let found = line.sin.atan2(line.cos).to_degrees().rem_euclid(180.0);
            let off = (found - degrees.rem_euclid(180.0)).abs();
            assert!(off.min(180.0 - off) <= 1.0, "{degrees}° found {found}°");
            let partner = neighbour_row(&marks, &line).expect("the second line");
            assert_eq!(partner.marks, 44, "{degrees}°");
            assert!((partner.across - line.across).abs() > 12.0);
        }
    }

    #[test]
    fn scattered_marks_and_short_rows_make_no_line() {
        let mut marks = line_of_marks(10.0, 10.0, 0.0, LEAST_MARKS - 1, 10.0);
        // Marks in a row but far apart: gaps wider than a character's.
        marks.extend(
            line_of_marks(10.0, 200.0, 0.3, 40, 10.0)
                .into_iter()
                .map(|m| Mark {
                    x: m.x * 4.0,
                    y: m.y * 4.0,
                    ..m
                }),
        );
        assert!((0..180)
            .filter_map(|d| longest_row(&marks, (d as f32).to_radians()))
            .next()
            .is_none());
    }
}
