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
//!
//! Within a view, [`text_band`] takes a line as OCR boxed it and gives the
//! rows its text really covers.

use image::imageops::FilterType;
use image::GrayImage;
use imageproc::contours::find_contours;
use imageproc::distance_transform::Norm;
use imageproc::edges::canny;
use imageproc::filter::gaussian_blur_f32;
use imageproc::geometric_transformations::Projection;
use imageproc::geometry::{approximate_polygon_dp, arc_length, convex_hull};
use imageproc::hough::PolarLine;
use imageproc::morphology::dilate;
use imageproc::point::Point;

use crate::geometry::{Quad, Rect};
use crate::hough::HoughVotes;

/// The size detection works at: edges of a phone photo are found as well
/// at this size as at full size, at a fraction of the cost.
const DETECTION_SIDE: u32 = 480;

/// Finds the document's corners (clockwise from top-left, in `image`'s
/// pixels), or `None` when no outline of the right shape stands out.
pub fn find_quad(image: &GrayImage, aspect: f32) -> Option<Quad> {
    let longest = image.width().max(image.height());
    let scale = (DETECTION_SIDE as f32 / longest as f32).min(1.0);
    let small = crate::resample::resize(
        image,
        ((image.width() as f32 * scale).round() as u32).max(8),
        ((image.height() as f32 * scale).round() as u32).max(8),
        FilterType::Triangle,
    );
    let blurred = gaussian_blur_f32(&small, 1.4);
    // Dim or low-contrast photos (a dark card on a dark table) need lower
    // edge thresholds; try the stricter ones first. An outline traced by
    // edges on every side wins; failing that, one traced on most of its
    // perimeter (a side lost against a background of the card's shade).
    let strict = outline_candidates(&blurred, 12.0, 36.0, aspect);
    let best = best_outline(&strict, true).or_else(|| {
        let lenient = outline_candidates(&blurred, 5.0, 15.0, aspect);
        best_outline(&lenient, true)
            .or_else(|| best_outline(&strict, false))
            .or_else(|| best_outline(&lenient, false))
    })?;
    let corners = best.corners.map(|(x, y)| (x / scale, y / scale));
    Some(Quad::new(corners))
}

/// How well edges trace an outline: the share of its perimeter on edges,
/// on its weakest side and on average.
#[derive(Debug, Clone, Copy)]
struct EdgeSupport {
    weakest_side: f32,
    mean: f32,
}

/// The outlines of the document's shape in the edges of `blurred` found
/// with Canny thresholds `low`/`high`, in `blurred`'s pixels, with how well
/// edges trace them.
fn outline_candidates(
    blurred: &GrayImage,
    low: f32,
    high: f32,
    aspect: f32,
) -> Vec<(EdgeSupport, Quad)> {
    let edges = dilate(&canny(blurred, low, high), Norm::LInf, 1);
    let (w, h) = (blurred.width() as f32, blurred.height() as f32);
    let frame_area = w * h;

    contour_quads(&edges)
        .chain(quads_of_lines(&edges))
        // The area is judged once the sides sit on the edges (a hole's
        // border runs inside them); what is far smaller is not refined.
        .filter(|quad| {
            quad.area() > 0.07 * frame_area
                && !hugs_frame(quad, w, h)
                && plausible_aspect(quad, aspect)
                && nearly_rectangular(quad)
        })
        .map(|quad| refine(&edges, &quad))
        .filter(|quad| quad.area() > 0.10 * frame_area)
        .map(|quad| (edge_support(&edges, &quad), quad))
        .filter(|(support, _)| support.mean > 0.6)
        .collect()
}

/// Quadrilaterals of the contours of `edges`: a document's outline is the
/// outer border of its edges or, where the outline touches a textured
/// background's edges (wood grain) and merges with them, the border of the
/// hole it encloses.
fn contour_quads(edges: &GrayImage) -> impl Iterator<Item = Quad> {
    find_contours::<i32>(edges)
        .into_iter()
        .filter(|c| c.points.len() >= 40)
        .filter_map(|contour| quad_of_outline(&contour.points))
}

/// The best-supported outline: traced on every side when `every_side`
/// (each side's share above 0.6), else on most of the perimeter; large
/// and well traced beats small.
fn best_outline(candidates: &[(EdgeSupport, Quad)], every_side: bool) -> Option<Quad> {
    let rank = |support: &EdgeSupport, quad: &Quad| {
        let share = if every_side {
            support.weakest_side
        } else {
            support.mean
        };
        quad.area() * share.powi(6)
    };
    candidates
        .iter()
        .filter(|(support, _)| !every_side || support.weakest_side > 0.6)
        .max_by(|(sa, a), (sb, b)| rank(sa, a).total_cmp(&rank(sb, b)))
        .map(|(_, quad)| *quad)
}

/// Quadrilaterals bounded by two pairs of roughly parallel straight lines
/// (Hough transform) that meet at roughly right angles: finds an outline
/// whose contour is broken or merged with a textured background.
fn quads_of_lines(edges: &GrayImage) -> Vec<Quad> {
    let short_side = edges.width().min(edges.height()) as f32;
    let mut threshold = 0.3 * short_side;
    let votes = HoughVotes::of(edges, 6);
    let mut lines = Vec::new();
    for _ in 0..6 {
        lines = votes.lines(threshold as u32);
        match lines.len() {
            0..4 => threshold *= 0.75,
            41.. => threshold *= 1.3,
            _ => break,
        }
    }
    let angle_gap = |a: u32, b: u32| {
        let d = a.abs_diff(b) % 180;
        d.min(180 - d)
    };
    // Pairs of near-parallel lines at least a fifth of the image apart.
    let mut pairs: Vec<(PolarLine, PolarLine)> = Vec::new();
    for (i, a) in lines.iter().enumerate() {
        for b in &lines[i + 1..] {
            if angle_gap(a.angle_in_degrees, b.angle_in_degrees) <= 12
                && separation(a, b) > 0.2 * short_side
            {
                pairs.push((*a, *b));
            }
        }
    }
    let mut quads = Vec::new();
    for (i, (a1, a2)) in pairs.iter().enumerate() {
        for (b1, b2) in &pairs[i + 1..] {
            if angle_gap(a1.angle_in_degrees, b1.angle_in_degrees) < 70 {
                continue;
            }
            let corners = [
                intersection(a1, b1),
                intersection(b1, a2),
                intersection(a2, b2),
                intersection(b2, a1),
            ];
            if let [Some(p), Some(q), Some(r), Some(s)] = corners {
                quads.push(order_clockwise([p, q, r, s]));
            }
        }
    }
    quads
}

/// The distance between two near-parallel lines, measured at the first
/// line's foot point.
fn separation(a: &PolarLine, b: &PolarLine) -> f32 {
    let (sa, ca) = (a.angle_in_degrees as f32).to_radians().sin_cos();
    let (sb, cb) = (b.angle_in_degrees as f32).to_radians().sin_cos();
    let (x, y) = (a.r * ca, a.r * sa);
    (x * cb + y * sb - b.r).abs()
}

/// Where two lines `x cos θ + y sin θ = r` cross, unless nearly parallel.
fn intersection(a: &PolarLine, b: &PolarLine) -> Option<(f32, f32)> {
    let (sa, ca) = (a.angle_in_degrees as f32).to_radians().sin_cos();
    let (sb, cb) = (b.angle_in_degrees as f32).to_radians().sin_cos();
    let det = ca * sb - sa * cb;
    if det.abs() < 1e-3 {
        return None;
    }
    Some(((a.r * sb - b.r * sa) / det, (ca * b.r - cb * a.r) / det))
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
    let margin = 0.01 * width.max(height);
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

/// Whether the quadrilateral could be a rectangle seen in perspective: every
/// corner between 60° and 120°, opposite sides less than 1.5 times each
/// other (a card photographed at a slant has its near side up to 1.45
/// times its far one).
fn nearly_rectangular(quad: &Quad) -> bool {
    let c = &quad.corners;
    let angles_ok = (0..4).all(|i| {
        let (px, py) = c[(i + 3) % 4];
        let (x, y) = c[i];
        let (nx, ny) = c[(i + 1) % 4];
        let (ax, ay) = (px - x, py - y);
        let (bx, by) = (nx - x, ny - y);
        let cos = (ax * bx + ay * by) / ((ax.hypot(ay) * bx.hypot(by)).max(1e-3));
        cos.abs() < 0.5
    });
    let similar = |a: f32, b: f32| a.max(b) / a.min(b).max(1.0) < 1.5;
    angles_ok && similar(quad.side(0), quad.side(2)) && similar(quad.side(1), quad.side(3))
}

/// Moves each side of a rough quadrilateral onto the edge pixels nearest
/// it (a line fitted through the edge found along the side's normal at
/// many points) and takes the corners where the fitted sides cross. The
/// rough corners of a simplified outline or a one-degree Hough line are
/// several pixels off; the fitted ones follow the document's real edges.
fn refine(edges: &GrayImage, quad: &Quad) -> Quad {
    const REACH: i32 = 6;
    let (w, h) = (edges.width() as i32, edges.height() as i32);
    let mut sides = Vec::with_capacity(4);
    for i in 0..4 {
        let (x0, y0) = quad.corners[i];
        let (x1, y1) = quad.corners[(i + 1) % 4];
        let length = ((x1 - x0).powi(2) + (y1 - y0).powi(2)).sqrt().max(1.0);
        let (nx, ny) = (-(y1 - y0) / length, (x1 - x0) / length);
        let mut points = Vec::new();
        let steps = (length as usize / 2).max(8);
        for k in 0..=steps {
            let t = 0.12 + 0.76 * k as f32 / steps as f32;
            let (px, py) = (x0 + t * (x1 - x0), y0 + t * (y1 - y0));
            let nearest = (0..=REACH).flat_map(|d| [d, -d]).find_map(|d| {
                let (sx, sy) = (
                    (px + d as f32 * nx).round() as i32,
                    (py + d as f32 * ny).round() as i32,
                );
                (sx >= 0
                    && sy >= 0
                    && sx < w
                    && sy < h
                    && edges.get_pixel(sx as u32, sy as u32)[0] > 0)
                    .then_some((sx as f32, sy as f32))
            });
            points.extend(nearest);
        }
        match fit_line(&points) {
            Some(line) if points.len() * 2 > steps => sides.push(line),
            // Too little edge along this side: keep the rough side.
            _ => sides.push((
                (x0 + x1) / 2.0,
                (y0 + y1) / 2.0,
                (x1 - x0) / length,
                (y1 - y0) / length,
            )),
        }
    }
    let corner = |a: (f32, f32, f32, f32), b: (f32, f32, f32, f32)| {
        // Solve a.p + s a.d = b.p + t b.d for the crossing.
        let det = a.2 * (-b.3) - a.3 * (-b.2);
        if det.abs() < 1e-4 {
            return None;
        }
        let (dx, dy) = (b.0 - a.0, b.1 - a.1);
        let s = (dx * (-b.3) - dy * (-b.2)) / det;
        Some((a.0 + s * a.2, a.1 + s * a.3))
    };
    let mut corners = quad.corners;
    for (i, slot) in corners.iter_mut().enumerate() {
        // Corner i joins side i - 1 and side i.
        if let Some(p) = corner(sides[(i + 3) % 4], sides[i]) {
            *slot = p;
        }
    }
    Quad::new(corners)
}

/// The total-least-squares line through `points`, as a point on it and a
/// unit direction `(x, y, dx, dy)`.
fn fit_line(points: &[(f32, f32)]) -> Option<(f32, f32, f32, f32)> {
    if points.len() < 2 {
        return None;
    }
    let n = points.len() as f32;
    let (mx, my) = points
        .iter()
        .fold((0.0, 0.0), |(sx, sy), p| (sx + p.0, sy + p.1));
    let (mx, my) = (mx / n, my / n);
    let (mut sxx, mut sxy, mut syy) = (0.0, 0.0, 0.0);
    for (x, y) in points {
        sxx += (x - mx) * (x - mx);
        sxy += (x - mx) * (y - my);
        syy += (y - my) * (y - my);
    }
    let angle = 0.5 * (2.0 * sxy).atan2(sxx - syy);
    Some((mx, my, angle.cos(), angle.sin()))
}

/// How well edges trace the quadrilateral: the share of points along each
/// side that lie on an edge (within a pixel). A real outline is traced by
/// edges all round; a hull spanned by scattered texture, or closed across
/// the card by a line of text, is not.
/// A side that runs along the image's border counts as traced: a scan cut
/// at the card's edge shows no edge there.
fn edge_support(edges: &GrayImage, quad: &Quad) -> EdgeSupport {
    let (w, h) = (edges.width() as i32, edges.height() as i32);
    let on_edge = |x: i32, y: i32| {
        (-1..=1).any(|dy| {
            (-1..=1).any(|dx| {
                let (sx, sy) = (x + dx, y + dy);
                sx >= 0
                    && sy >= 0
                    && sx < w
                    && sy < h
                    && edges.get_pixel(sx as u32, sy as u32)[0] > 0
            })
        })
    };
    let at_border = |(x0, y0): (f32, f32), (x1, y1): (f32, f32)| {
        let near = |a: f32, b: f32, limit: f32| a.max(b) < 2.0 || a.min(b) > limit - 3.0;
        let (wf, hf) = (w as f32, h as f32);
        (near(x0, x1, wf) && (x0 - x1).abs() < 2.0) || (near(y0, y1, hf) && (y0 - y1).abs() < 2.0)
    };
    let side = |i: usize| (quad.corners[i % 4], quad.corners[(i + 1) % 4]);
    let border: Vec<bool> = (0..4).map(|i| at_border(side(i).0, side(i).1)).collect();
    // The share of `samples` points between `from` and `to` (fractions of
    // side i) that lie on an edge.
    let traced = |i: usize, from: f32, to: f32, samples: usize| {
        let ((x0, y0), (x1, y1)) = side(i);
        let hits = (0..samples)
            .filter(|k| {
                let t = from + (to - from) * (*k as f32 + 0.5) / samples as f32;
                on_edge(
                    (x0 + t * (x1 - x0)).round() as i32,
                    (y0 + t * (y1 - y0)).round() as i32,
                )
            })
            .count();
        hits as f32 / samples as f32
    };
    (0..4)
        .map(|i| {
            if border[i] {
                return 1.0;
            }
            // Skip the ends: rounded corners leave them off the straight
            // line. But where the side meets a border side, the card runs
            // out of the image: its edge must reach the border.
            let mut support = traced(i, 0.1, 0.9, 19);
            if border[(i + 3) % 4] {
                support = support.min(traced(i, 0.0, 0.1, 5));
            }
            if border[(i + 1) % 4] {
                support = support.min(traced(i, 0.9, 1.0, 5));
            }
            support
        })
        .fold(
            EdgeSupport {
                weakest_side: 1.0,
                mean: 0.0,
            },
            |support, side| EdgeSupport {
                weakest_side: support.weakest_side.min(side),
                mean: support.mean + side / 4.0,
            },
        )
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

    /// The same view turned a quarter turn clockwise (`clockwise`) or
    /// counter-clockwise: a page photographed sideways, turned upright.
    pub fn rotated_quarter(&self, clockwise: bool) -> Rectified {
        let (w, h) = (self.image.width() as f32, self.image.height() as f32);
        // Maps a pixel of the turned view back to this view.
        let (image, back) = if clockwise {
            (
                image::imageops::rotate90(&self.image),
                Projection::translate(0.0, h) * Projection::rotate(-std::f32::consts::FRAC_PI_2),
            )
        } else {
            (
                image::imageops::rotate270(&self.image),
                Projection::translate(w, 0.0) * Projection::rotate(std::f32::consts::FRAC_PI_2),
            )
        };
        Rectified {
            image,
            to_original: self.to_original * back,
        }
    }

    /// The same view turned `degrees` clockwise about its centre (to level
    /// text that runs at that angle counter-clockwise), same size; corners
    /// turned out of the frame repeat the edge pixels.
    pub fn rotated(&self, degrees: f32) -> Rectified {
        let (w, h) = (self.image.width() as f32, self.image.height() as f32);
        let turn = Projection::translate(w / 2.0, h / 2.0)
            * Projection::rotate(degrees.to_radians())
            * Projection::translate(-w / 2.0, -h / 2.0);
        let image =
            crate::resample::warp(&self.image, turn, self.image.width(), self.image.height());
        Rectified {
            image,
            to_original: self.to_original * turn.invert(),
        }
    }

    /// Where a rectangle of the rectified image lies in the upload.
    pub fn to_original(&self, rect: Rect) -> Quad {
        let corners = rect.to_quad().corners.map(|p| self.to_original * p);
        Quad::new(corners)
    }
}

/// Warps the document inside `quad` to an image `width` pixels wide and
/// `width / aspect` high, long side horizontal.
///
/// Without `quad` the whole image is the view, kept at its own aspect ratio
/// (a photo whose outline was not found is not stretched to the document's
/// shape) and turned to landscape when it is portrait.
pub fn rectify(image: &GrayImage, quad: Option<Quad>, width: u32, aspect: f32) -> Rectified {
    let (w, h) = (image.width() as f32, image.height() as f32);
    let (quad, aspect) = match quad {
        Some(quad) => (quad, aspect),
        None => (
            Quad::new([(0.0, 0.0), (w, 0.0), (w, h), (0.0, h)]),
            w.max(h) / w.min(h).max(1.0),
        ),
    };
    // Put a long side on top: start one corner later when the first side is
    // the short one.
    let mut corners = quad.corners;
    if quad.side(0) < quad.side(1) {
        corners.rotate_left(1);
    }
    let height = ((width as f32 / aspect).round() as u32).max(1);
    warp_to(image, corners, width, height)
}

/// The part of `image` inside `corners` (clockwise, the first becoming the
/// view's top-left) warped to a `width` × `height` view. Degenerate corners
/// (three in a line) fall back to a plain resize of the whole image.
fn warp_to(image: &GrayImage, corners: [(f32, f32); 4], width: u32, height: u32) -> Rectified {
    let (w, h) = (width as f32, height as f32);
    let target = [(0.0, 0.0), (w, 0.0), (w, h), (0.0, h)];
    match Projection::from_control_points(corners, target) {
        Some(projection) => {
            let out = crate::resample::warp(image, projection, width, height);
            Rectified {
                image: out,
                to_original: projection.invert(),
            }
        }
        None => {
            let out = crate::resample::resize(image, width, height, FilterType::Triangle);
            let sx = image.width() as f32 / w;
            let sy = image.height() as f32 / h;
            Rectified {
                image: out,
                to_original: Projection::scale(sx, sy),
            }
        }
    }
}

/// Warps the document inside `quad` (clockwise from its top-left corner in
/// the upload) to a view whose short side is `short_side` pixels, keeping
/// the document the way it lies in the upload: a page photographed upright
/// comes out portrait, one photographed sideways comes out landscape (the
/// caller turns it). Without `quad` the whole upload is scaled so.
pub fn rectify_as_found(image: &GrayImage, quad: Option<Quad>, short_side: u32) -> Rectified {
    let (w, h) = (image.width() as f32, image.height() as f32);
    let quad = quad.unwrap_or_else(|| Quad::new([(0.0, 0.0), (w, 0.0), (w, h), (0.0, h)]));
    let across = (quad.side(0) + quad.side(2)) / 2.0;
    let down = (quad.side(1) + quad.side(3)) / 2.0;
    let scale = short_side as f32 / across.min(down).max(1.0);
    let (width, height) = (
        ((across * scale).round() as u32).max(1),
        ((down * scale).round() as u32).max(1),
    );
    warp_to(image, quad.corners, width, height)
}

/// The rows a line of text really covers, near `rect` (a line as OCR
/// boxed it, which may be cut short or merged with the line below): the run
/// of rows, through the strongest row inside `rect`, whose horizontal
/// contrast (strokes of glyphs) stays above a third of the way from the
/// band's background to that row's. Searches half of `rect`'s height above
/// and below it, across `rect`'s columns; gives `(top, height)`, or `None`
/// when `rect` holds no contrast.
pub fn text_band(image: &GrayImage, rect: Rect) -> Option<(i32, u32)> {
    let (width, height) = image.dimensions();
    if width < 2 || height == 0 {
        return None;
    }
    let x0 = rect.x.clamp(0, width as i32 - 1) as u32;
    let x1 = (rect.right().clamp(0, width as i32) as u32).max(x0 + 1);
    let reach = rect.height as i32 / 2;
    let top = (rect.y - reach).clamp(0, height as i32 - 1) as u32;
    let bottom = (rect.bottom() + reach).clamp(top as i32 + 1, height as i32) as u32;
    let contrast: Vec<f32> = (top..bottom)
        .map(|y| {
            (x0 + 1..x1)
                .map(|x| image.get_pixel(x, y)[0].abs_diff(image.get_pixel(x - 1, y)[0]) as f32)
                .sum()
        })
        .collect();
    // Smoothed over three rows: one thin row of a glyph must not split it.
    let smooth: Vec<f32> = (0..contrast.len())
        .map(|i| {
            let from = i.saturating_sub(1);
            let to = (i + 2).min(contrast.len());
            contrast[from..to].iter().sum::<f32>() / (to - from) as f32
        })
        .collect();
    let inside = (rect.y.max(top as i32) - top as i32) as usize
        ..((rect.bottom() - top as i32).max(0) as usize).min(smooth.len());
    let peak = inside.max_by(|&a, &b| smooth[a].total_cmp(&smooth[b]))?;
    let mut sorted = smooth.clone();
    sorted.sort_by(f32::total_cmp);
    let background = sorted[sorted.len() / 5];
    if smooth[peak] <= background {
        return None;
    }
    let level = background + (smooth[peak] - background) / 3.0;
    let first = (0..peak)
        .rev()
        .take_while(|&i| smooth[i] > level)
        .last()
        .unwrap_or(peak);
    let last = (peak..smooth.len())
        .take_while(|&i| smooth[i] > level)
        .last()
        .unwrap_or(peak);
    Some((top as i32 + first as i32, (last - first + 1) as u32))
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

    /// Vertical strokes 4 pixels apart in `rows` and `columns`.
    fn draw_strokes(
        img: &mut GrayImage,
        rows: std::ops::Range<u32>,
        columns: std::ops::Range<u32>,
    ) {
        for y in rows {
            for x in columns.clone().step_by(4) {
                img.put_pixel(x, y, Luma([0]));
            }
        }
    }

    #[test]
    fn a_page_keeps_its_orientation_and_quarter_turns_map_back() {
        let upload = GrayImage::from_pixel(600, 800, Luma([200]));
        let quad = Quad::new([
            (100.0, 100.0),
            (500.0, 100.0),
            (500.0, 666.0),
            (100.0, 666.0),
        ]);
        let view = rectify_as_found(&upload, Some(quad), 300);
        assert_eq!(view.image.dimensions(), (300, 425));
        let top_left = view.to_original(Rect::new(0, 0, 1, 1)).corners[0];
        assert!((top_left.0 - 100.0).abs() < 0.5 && (top_left.1 - 100.0).abs() < 0.5);
        for clockwise in [true, false] {
            let turned = view.rotated_quarter(clockwise);
            assert_eq!(turned.image.dimensions(), (425, 300));
            // The turned view's top-left corner is the view's bottom-left
            // (clockwise) or top-right (counter-clockwise) corner.
            let corner = turned.to_original(Rect::new(0, 0, 1, 1)).corners[0];
            let expected = if clockwise {
                (100.0, 666.0)
            } else {
                (500.0, 100.0)
            };
            assert!(
                (corner.0 - expected.0).abs() < 1.0 && (corner.1 - expected.1).abs() < 1.0,
                "{clockwise}: {corner:?}"
            );
        }
    }

    #[test]
    fn the_text_band_is_the_line_through_the_box_not_its_neighbour() {
        let mut img = GrayImage::from_pixel(320, 200, Luma([200]));
        draw_strokes(&mut img, 40..70, 20..300);
        draw_strokes(&mut img, 90..105, 100..160);
        // A box cut short at the top and running into the shorter line
        // below.
        let boxed = Rect::new(20, 50, 280, 50);
        let (top, rows) = text_band(&img, boxed).expect("a band");
        assert!((39..=41).contains(&top), "top {top}");
        assert!((29..=32).contains(&rows), "rows {rows}");
        let blank = GrayImage::from_pixel(320, 200, Luma([200]));
        assert_eq!(text_band(&blank, boxed), None);
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
    fn a_card_outline_merged_with_the_grain_is_the_hole_it_encloses() {
        // Streaks of grain run into the card's sides, so its outline and
        // the grain make one contour, whose hull is no card.
        let (mut img, expected) = photo_with_card();
        for y in (130..400).step_by(30) {
            for x in (60..170).chain(600..760) {
                if img.get_pixel(x, y)[0] != 210 {
                    for dy in 0..3 {
                        img.put_pixel(x, y + dy, Luma([140]));
                    }
                }
            }
        }
        let edges = dilate(
            &canny(&gaussian_blur_f32(&img, 1.4), 12.0, 36.0),
            Norm::LInf,
            1,
        );
        let near_card = |quad: &Quad| {
            quad.corners
                .iter()
                .zip(expected.iter())
                .all(|(found, want)| {
                    (found.0 - want.0).abs() < 8.0 && (found.1 - want.1).abs() < 8.0
                })
        };
        assert!(contour_quads(&edges)
            .map(|q| refine(&edges, &q))
            .any(|q| near_card(&q)));
        let outer_only = find_contours::<i32>(&edges)
            .into_iter()
            .filter(|c| c.border_type == imageproc::contours::BorderType::Outer)
            .filter_map(|c| quad_of_outline(&c.points))
            .map(|q| refine(&edges, &q));
        assert!(!outer_only.into_iter().any(|q| near_card(&q)));
    }

    #[test]
    fn a_card_seen_at_a_slant_is_still_a_rectangle() {
        let slanted = Quad::new([
            (197.0, 141.0),
            (360.0, 118.0),
            (383.0, 190.0),
            (239.0, 242.0),
        ]);
        assert!(nearly_rectangular(&slanted));
        let kite = Quad::new([(0.0, 0.0), (300.0, 0.0), (300.0, 60.0), (0.0, 200.0)]);
        assert!(!nearly_rectangular(&kite));
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
    fn a_turned_view_maps_its_pixels_back_to_the_upload() {
        let img = GrayImage::from_pixel(400, 300, Luma([200]));
        let view = rectify(&img, None, 400, 1.586);
        let turned = view.rotated(10.0);
        assert_eq!(turned.image.dimensions(), view.image.dimensions());
        // The centre stays; a point right of it maps back below-right of
        // the centre in the upload (y grows downwards).
        let centre = turned.to_original(Rect::new(200, 150, 0, 0)).corners[0];
        assert!((centre.0 - 200.0).abs() < 0.5 && (centre.1 - 150.0).abs() < 0.5);
        let right = turned.to_original(Rect::new(300, 150, 0, 0)).corners[0];
        assert!((right.0 - (200.0 + 100.0 * 10f32.to_radians().cos())).abs() < 0.5);
        assert!(right.1 - 150.0 > 10.0 || right.1 - 150.0 < -10.0);
    }

    #[test]
    fn portrait_uploads_are_turned_to_landscape() {
        let img = GrayImage::from_pixel(300, 480, Luma([200]));
        let rectified = rectify(&img, None, 500, 1.586);
        assert_eq!(rectified.image.dimensions(), (500, 313));
    }
}
