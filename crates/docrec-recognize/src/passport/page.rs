//! Where a data page lies in an upload, placed by its machine-readable
//! zone: a quick look at the upload's ink before any reading.
//!
//! Takes the grey upload and which turns of it to look at; gives the quad
//! (in the upload's pixels) of the page the first zone found places, or
//! nothing when the upload shows no zone (a resident card, a licence: a
//! few milliseconds).
//!
//! The upload is looked at shrunk to at most [`PROBE_WIDTH`] across,
//! paper flattened, level and then sheared by each of [`SLOPES`] (a page
//! photographed tilted: its zone's lines are level in the sheared image,
//! where [`zone_candidates`] finds lines by their rows' ink). The zone is
//! nine tenths of a TD3 page's width and lies at its foot; the quad spans
//! the page above the zone and, for a page photographed upside down, the
//! page below it, and is the view the zone and the visual zone are read
//! in.

use docrec_ocr::preprocess::flatten_paper;
use docrec_ocr::resample::thumbnail;
use docrec_ocr::{Quad, Rect};
use image::{GrayImage, Luma};

use super::zone::zone_candidates;
use super::{Orientations, PAGE_ASPECT};

/// The longest side the upload is looked at for a zone.
const PROBE_WIDTH: u32 = 1000;

/// The tilts a zone is looked for at, as rows per column: level first,
/// then up to about 8.5° either way.
const SLOPES: [f32; 7] = [0.0, 0.05, -0.05, 0.1, -0.1, 0.15, -0.15];

/// A TD3 zone's width (44 characters at 2.54 mm) over its page's (125 mm).
const ZONE_SHARE_OF_PAGE: f32 = 111.8 / 125.0;

/// How far the page reaches below the zone's last line and above its
/// first, as a share of the page's width (about 6 mm of 125, with some
/// room for a page cut loose).
const MARGIN_SHARE: f32 = 0.06;

/// The page a zone in `image` places, turned as `orientations` says:
/// [`Orientations::AsUploaded`] looks at a landscape upload as it lies (a
/// portrait one turned a quarter, as views of it are), `Sideways` at the
/// other quarter turn. The quad's first corner is the view's top-left;
/// its corners lie within the upload.
pub(super) fn page_by_zone(image: &GrayImage, orientations: Orientations) -> Option<Quad> {
    let (width, height) = image.dimensions();
    let scale = (PROBE_WIDTH as f32 / width.max(height) as f32).min(1.0);
    let small = thumbnail(
        image,
        ((width as f32 * scale) as u32).max(1),
        ((height as f32 * scale) as u32).max(1),
    );
    let portrait = width < height;
    let turned = portrait != (orientations == Orientations::Sideways);
    let small = if turned {
        image::imageops::rotate90(&small)
    } else {
        small
    };
    let flat = flatten_paper(&small);
    SLOPES.iter().find_map(|&slope| {
        let sheared = Sheared::new(&flat, slope);
        let zone = zone_candidates(&sheared.image).into_iter().next()?;
        let corners = page_around(&zone).map(|corner| {
            let (x, y) = sheared.to_unsheared(corner);
            // A quarter-turned look maps back as `rotate90` turned it.
            let (x, y) = if turned {
                (y, small.width() as f32 - x)
            } else {
                (x, y)
            };
            // Within the upload: beyond it a view would repeat its edge.
            (
                (x / scale).clamp(0.0, width as f32),
                (y / scale).clamp(0.0, height as f32),
            )
        });
        Some(Quad::new(corners))
    })
}

/// The page around a zone's lines (in the level image): as wide as the
/// zone makes a TD3 page, from a page's height above the zone's foot to a
/// page's height below its head; clockwise from the top-left.
pub(super) fn page_around(zone: &[Rect]) -> [(f32, f32); 4] {
    let left = zone.iter().map(|line| line.x).min().unwrap_or(0) as f32;
    let right = zone.iter().map(|line| line.right()).max().unwrap_or(0) as f32;
    let head = zone.iter().map(|line| line.y).min().unwrap_or(0) as f32;
    let foot = zone.iter().map(|line| line.bottom()).max().unwrap_or(0) as f32;
    let page_width = (right - left) / ZONE_SHARE_OF_PAGE;
    let page_height = page_width / PAGE_ASPECT;
    let margin = MARGIN_SHARE * page_width;
    let (middle, half) = ((left + right) / 2.0, page_width / 2.0 + margin);
    let top = foot + margin - page_height;
    let bottom = head - margin + page_height;
    [
        (middle - half, top),
        (middle + half, top),
        (middle + half, bottom),
        (middle - half, bottom),
    ]
}

/// An image sheared down by `slope` rows per column, so that lines of that
/// slope lie level in it; what falls outside the original is paper.
struct Sheared {
    image: GrayImage,
    slope: f32,
    /// How far down the first column is moved.
    lift: f32,
}

impl Sheared {
    fn new(flat: &GrayImage, slope: f32) -> Sheared {
        let (width, height) = flat.dimensions();
        let reach = slope * width.saturating_sub(1) as f32;
        let lift = reach.max(0.0);
        let extra = reach.abs().ceil() as u32;
        let mut image = GrayImage::from_pixel(width, height + extra, Luma([255]));
        for x in 0..width {
            // Row y of column x shows row y - lift + slope * x of `flat`.
            let shift = (slope * x as f32 - lift).round() as i64;
            for y in 0..image.height() {
                let source = y as i64 + shift;
                if (0..height as i64).contains(&source) {
                    image.put_pixel(x, y, *flat.get_pixel(x, source as u32));
                }
            }
        }
        Sheared { image, slope, lift }
    }

    /// A point of the sheared image in the image before.
    fn to_unsheared(&self, (x, y): (f32, f32)) -> (f32, f32) {
        (x, y + self.slope * x - self.lift)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tilted_line_lies_level_when_sheared_by_its_slope() {
        let mut flat = GrayImage::from_pixel(200, 100, Luma([255]));
        // A line rising 0.1 rows per column (downward in image rows).
        for x in 0..200u32 {
            let y = 20 + x / 10;
            flat.put_pixel(x, y, Luma([0]));
        }
        let sheared = Sheared::new(&flat, 0.1);
        let rows: Vec<u32> = (0..200)
            .filter_map(|x| {
                (0..sheared.image.height()).find(|&y| sheared.image.get_pixel(x, y)[0] == 0)
            })
            .collect();
        assert!(rows.iter().all(|&y| y.abs_diff(rows[0]) <= 1), "{rows:?}");
        // And maps back where it came from.
        let (x, y) = sheared.to_unsheared((150.0, rows[150] as f32));
        assert_eq!((x, y.round()), (150.0, 35.0));
    }

    #[test]
    fn the_page_spans_a_pages_height_above_the_zones_foot_and_below_its_head() {
        let zone = [Rect::new(100, 600, 894, 30), Rect::new(100, 650, 894, 30)];
        let [top_left, top_right, bottom_right, bottom_left] = page_around(&zone);
        let page_width = 1000.0;
        assert!((top_right.0 - top_left.0 - page_width - 2.0 * 60.0).abs() < 1.0);
        assert!((top_left.1 - (680.0 + 60.0 - page_width / PAGE_ASPECT)).abs() < 1.0);
        assert!((bottom_left.1 - (600.0 - 60.0 + page_width / PAGE_ASPECT)).abs() < 1.0);
        assert_eq!(bottom_right.0, top_right.0);
    }
}
