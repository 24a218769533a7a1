//! Straight lines of an edge image by the Hough transform, voted once and
//! taken at as many vote thresholds as wanted.
//!
//! Takes a binary edge image (edge pixels non-zero) and gives
//! [`PolarLine`]s exactly as `imageproc::hough::detect_lines` does (bins of
//! 1 pixel by 1 degree, non-maxima suppressed within a radius): the
//! outline search tries several thresholds until it has a workable number
//! of lines, and `detect_lines` votes again for each, which was most of its
//! cost. The votes here are cast the same way, in the same `f32`
//! arithmetic, so that the lines are the same.

use image::{GrayImage, ImageBuffer, Luma};
use imageproc::hough::PolarLine;
use imageproc::suppress::suppress_non_maximum;

/// The votes of an edge image's pixels for the lines through them, local
/// maxima only.
pub struct HoughVotes {
    /// Votes per (distance + `rmax`, angle in degrees).
    votes: ImageBuffer<Luma<u32>, Vec<u32>>,
    /// The largest distance a line may have from the origin: the image's
    /// diagonal.
    rmax: i32,
}

impl HoughVotes {
    /// Votes for every line through each edge pixel of `edges`, then keeps
    /// the votes that are the largest within `suppression_radius` bins.
    pub fn of(edges: &GrayImage, suppression_radius: u32) -> HoughVotes {
        let (width, height) = edges.dimensions();
        let rmax = ((width * width + height * height) as f64).sqrt() as i32;
        let mut votes: ImageBuffer<Luma<u32>, Vec<u32>> =
            ImageBuffer::new(2 * rmax as u32 + 1, 180);
        let sines_and_cosines: Vec<(f32, f32)> = (0..180u32)
            .map(|degrees| (degrees as f32).to_radians().sin_cos())
            .collect();
        let row_length = votes.width() as usize;
        let cells = votes.as_mut();
        for (x, y, _) in edges.enumerate_pixels().filter(|(_, _, p)| p[0] > 0) {
            for (angle, (sin, cos)) in sines_and_cosines.iter().enumerate() {
                let r = (x as f32) * cos + (y as f32) * sin;
                let d = r as i32 + rmax;
                if (0..=2 * rmax).contains(&d) {
                    cells[angle * row_length + d as usize] += 1;
                }
            }
        }
        HoughVotes {
            votes: suppress_non_maximum(&votes, suppression_radius),
            rmax,
        }
    }

    /// The lines with at least `threshold` votes, by angle then distance.
    pub fn lines(&self, threshold: u32) -> Vec<PolarLine> {
        self.votes
            .enumerate_pixels()
            .filter(|(_, _, votes)| votes[0] >= threshold)
            .map(|(r, angle, _)| PolarLine {
                r: (r as i32 - self.rmax) as f32,
                angle_in_degrees: angle,
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use imageproc::drawing::{draw_hollow_rect_mut, draw_line_segment_mut};
    use imageproc::hough::{detect_lines, LineDetectionOptions};
    use imageproc::rect::Rect;

    #[test]
    fn the_lines_are_those_imageprocs_detect_lines_gives_at_every_threshold() {
        let mut edges = GrayImage::new(240, 160);
        draw_hollow_rect_mut(&mut edges, Rect::at(30, 20).of_size(170, 110), Luma([255]));
        draw_line_segment_mut(&mut edges, (0.0, 150.0), (239.0, 12.0), Luma([255]));
        draw_line_segment_mut(&mut edges, (60.0, 0.0), (90.0, 159.0), Luma([255]));
        let votes = HoughVotes::of(&edges, 6);
        for threshold in [20, 45, 60, 90, 130, 400] {
            let expected = detect_lines(
                &edges,
                LineDetectionOptions {
                    vote_threshold: threshold,
                    suppression_radius: 6,
                },
            );
            let lines = votes.lines(threshold);
            assert_eq!(lines.len(), expected.len(), "threshold {threshold}");
            for (line, other) in lines.iter().zip(&expected) {
                assert_eq!(
                    (line.r, line.angle_in_degrees),
                    (other.r, other.angle_in_degrees)
                );
            }
        }
        assert!(!votes.lines(60).is_empty());
    }
}
