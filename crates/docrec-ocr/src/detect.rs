//! Finding a document in a photo and rectifying it.
//!
//! [`find_quad`] takes a grayscale upload and the document's aspect ratio
//! (long side / short side) and gives the document's four corners when it
//! can tell the document from its background; [`rectify`] takes the upload
//! and those corners (or none: the whole image is the document) and gives a
//! [`Rectified`] image of fixed width with the long side horizontal, plus
//! the mapping of its pixels back to the upload's, so that boxes can be
//! reported where the client sees them.
//!
//! Landscape rectification leaves one ambiguity, upside down or not; the
//! caller resolves it by reading both ([`Rectified::rotated_180`]).

use image::imageops::FilterType;
use image::GrayImage;
use imageproc::contours::{find_contours, BorderType};
use imageproc::distance_transform::Norm;
use imageproc::edges::canny;
use imageproc::filter::gaussian_blur_f32;
use imageproc::geometric_transformations::{warp_into, Border, Interpolation, Projection};
use imageproc::geometry::{approximate_polygon_dp, arc_length, convex_hull};
use imageproc::morphology::dilate;
use imageproc::point::Point;

use crate::geometry::{Quad, Rect};

/// The size detection works at: edges of a phone photo are found as well
/// at this size as at full size, at a fraction of the cost.
const DETECTION_SIDE: u32 = 480;

/// Finds the document's corners (clockwise from top-left, in `image`'s
/// pixels), or `None` when no outline of the right shape stands out.
pub fn find_quad(image: &GrayImage, aspect: f32) -> Option<Quad> {
    let longest = image.width().max(image.height());
    let scale = (DETECTION_SIDE as f32 / longest as f32).min(1.0);
    let small = image::imageops::resize(
        image,
        ((image.width() as f32 * scale).round() as u32).max(8),
        ((image.height() as f32 * scale).round() as u32).max(8),
        FilterType::Triangle,
    );
    let blurred = gaussian_blur_f32(&small, 1.4);
    let edges = dilate(&canny(&blurred, 12.0, 36.0), Norm::LInf, 1);
    let (w, h) = (small.width() as f32, small.height() as f32);
    let frame_area = w * h;

    let best = find_contours::<i32>(&edges)
        .into_iter()
        .filter(|c| c.border_type == BorderType::Outer && c.points.len() >= 40)
        .filter_map(|contour| quad_of_outline(&contour.points))
        .filter(|quad| {
            let area = quad.area();
            area > 0.10 * frame_area && !hugs_frame(quad, w, h) && plausible_aspect(quad, aspect)
        })
        .max_by(|a, b| a.area().total_cmp(&b.area()))?;

    let corners = best.corners.map(|(x, y)| (x / scale, y / scale));
    Some(Quad::new(corners))
}

/// Reduces an outline to four corners: its convex hull simplified with a
/// growing tolerance until four vertices remain.
fn quad_of_outline(points: &[Point<i32>]) -> Option<Quad> {
    let hull = convex_hull(points.to_vec());
    if hull.len() < 4 {
        return None;
    }
    let perimeter = arc_length(&hull, true);
    for tolerance in [0.01, 0.02, 0.03, 0.045, 0.06, 0.08] {
        let polygon = approximate_polygon_dp(&hull, perimeter * tolerance, true);
        if polygon.len() == 4 {
            let corners: Vec<(f32, f32)> =
                polygon.iter().map(|p| (p.x as f32, p.y as f32)).collect();
            return Some(order_clockwise([
                corners[0], corners[1], corners[2], corners[3],
            ]));
        }
        if polygon.len() < 4 {
            return None;
        }
    }
    None
}

/// Whether every corner sits at the image's frame (the "outline" is the
/// photo's own border).
fn hugs_frame(quad: &Quad, width: f32, height: f32) -> bool {
    let margin = 0.03 * width.max(height);
    quad.corners.iter().all(|&(x, y)| {
        (x < margin || x > width - 1.0 - margin) && (y < margin || y > height - 1.0 - margin)
    })
}

/// Whether the quadrilateral could be the document seen in perspective.
fn plausible_aspect(quad: &Quad, aspect: f32) -> bool {
    let a = (quad.side(0) + quad.side(2)) / 2.0;
    let b = (quad.side(1) + quad.side(3)) / 2.0;
    let ratio = a.max(b) / a.min(b).max(1.0);
    ratio > aspect * 0.75 && ratio < aspect * 1.3
}

/// Orders four points clockwise (in image coordinates, y down) starting at
/// the one nearest the top-left.
pub fn order_clockwise(points: [(f32, f32); 4]) -> Quad {
    let cx = points.iter().map(|p| p.0).sum::<f32>() / 4.0;
    let cy = points.iter().map(|p| p.1).sum::<f32>() / 4.0;
    let mut sorted = points;
    sorted.sort_by(|a, b| {
        (a.1 - cy)
            .atan2(a.0 - cx)
            .total_cmp(&(b.1 - cy).atan2(b.0 - cx))
    });
    let start = (0..4)
        .min_by(|&i, &j| (sorted[i].0 + sorted[i].1).total_cmp(&(sorted[j].0 + sorted[j].1)))
        .unwrap_or(0);
    Quad::new([0, 1, 2, 3].map(|k| sorted[(start + k) % 4]))
}

/// An upright, fixed-size view of the document.
#[derive(Clone)]
pub struct Rectified {
    pub image: GrayImage,
    /// Maps a pixel of `image` to the upload's pixels.
    to_original: Projection,
}

impl Rectified {
    /// The same view turned half a turn.
    pub fn rotated_180(&self) -> Rectified {
        let (w, h) = (self.image.width() as f32, self.image.height() as f32);
        let turn = Projection::translate(w, h) * Projection::scale(-1.0, -1.0);
        Rectified {
            image: imageproc::geometric_transformations::rotate180(&self.image),
            to_original: self.to_original * turn,
        }
    }

    /// Where a rectangle of the rectified image lies in the upload.
    pub fn to_original(&self, rect: Rect) -> Quad {
        let corners = rect.to_quad().corners.map(|p| self.to_original * p);
        Quad::new(corners)
    }
}

/// Warps the document inside `quad` (the whole image when `None`) to an
/// image `width` pixels wide and `width / aspect` high, long side horizontal.
pub fn rectify(image: &GrayImage, quad: Option<Quad>, width: u32, aspect: f32) -> Rectified {
    let quad = quad.unwrap_or_else(|| {
        let (w, h) = (image.width() as f32, image.height() as f32);
        Quad::new([(0.0, 0.0), (w, 0.0), (w, h), (0.0, h)])
    });
    // Put a long side on top: start one corner later when the first side is
    // the short one.
    let mut corners = quad.corners;
    if quad.side(0) < quad.side(1) {
        corners.rotate_left(1);
    }
    let height = ((width as f32 / aspect).round() as u32).max(1);
    let (w, h) = (width as f32, height as f32);
    let target = [(0.0, 0.0), (w, 0.0), (w, h), (0.0, h)];
    let to_output = Projection::from_control_points(corners, target);
    match to_output {
        Some(projection) => {
            let mut out = GrayImage::new(width, height);
            warp_into(
                image,
                projection,
                Interpolation::Bilinear,
                Border::Replicate,
                &mut out,
            );
            Rectified {
                image: out,
                to_original: projection.invert(),
            }
        }
        // Degenerate corners (three in a line): fall back to a plain resize.
        None => {
            let out = image::imageops::resize(image, width, height, FilterType::Triangle);
            let sx = image.width() as f32 / w;
            let sy = image.height() as f32 / h;
            Rectified {
                image: out,
                to_original: Projection::scale(sx, sy),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::Luma;
    use imageproc::drawing::draw_polygon_mut;

    /// A light card (aspect 1.586) drawn as a rotated quadrilateral on a
    /// dark background.
    fn photo_with_card() -> (GrayImage, [(f32, f32); 4]) {
        let mut img = GrayImage::from_pixel(800, 600, Luma([40]));
        let corners = [
            (180.0, 120.0),
            (640.0, 160.0),
            (610.0, 450.0),
            (150.0, 410.0),
        ];
        let poly: Vec<Point<i32>> = corners
            .iter()
            .map(|&(x, y)| Point::new(x as i32, y as i32))
            .collect();
        draw_polygon_mut(&mut img, &poly, Luma([210]));
        (img, corners)
    }

    #[test]
    fn finds_the_card_outline() {
        let (img, expected) = photo_with_card();
        let quad = find_quad(&img, 1.586).expect("card found");
        for (found, want) in quad.corners.iter().zip(expected.iter()) {
            assert!(
                (found.0 - want.0).abs() < 8.0 && (found.1 - want.1).abs() < 8.0,
                "{found:?} vs {want:?}"
            );
        }
    }

    #[test]
    fn a_plain_page_has_no_outline() {
        let img = GrayImage::from_pixel(400, 300, Luma([200]));
        assert!(find_quad(&img, 1.586).is_none());
    }

    #[test]
    fn orders_points_clockwise_from_top_left() {
        let q = order_clockwise([(10.0, 10.0), (0.0, 10.0), (10.0, 0.0), (0.0, 0.0)]);
        assert_eq!(
            q.corners,
            [(0.0, 0.0), (10.0, 0.0), (10.0, 10.0), (0.0, 10.0)]
        );
    }

    #[test]
    fn rectified_boxes_map_back_to_the_upload() {
        let (img, expected) = photo_with_card();
        let rectified = rectify(&img, Some(Quad::new(expected)), 1000, 1.586);
        assert_eq!(rectified.image.dimensions(), (1000, 631));
        // The card is light everywhere inside.
        assert!(rectified.image.get_pixel(500, 315)[0] > 150);
        let whole = rectified.to_original(Rect::new(0, 0, 1000, 631));
        for (got, want) in whole.corners.iter().zip(expected.iter()) {
            assert!((got.0 - want.0).abs() < 1.0 && (got.1 - want.1).abs() < 1.0);
        }
        let turned = rectified
            .rotated_180()
            .to_original(Rect::new(0, 0, 1000, 631));
        assert!((turned.corners[0].0 - expected[2].0).abs() < 1.0);
    }

    #[test]
    fn portrait_uploads_are_turned_to_landscape() {
        let img = GrayImage::from_pixel(300, 480, Luma([200]));
        let rectified = rectify(&img, None, 500, 1.586);
        assert_eq!(rectified.image.dimensions(), (500, 315));
    }
}
