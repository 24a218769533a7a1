//! What the line generators (`serial_lines`, `mrz_lines`) share: a
//! document cut back out of its scan or photo through the known geometry,
//! and a drawn line's ink box in the pixels of its cut.

use docrec_ocr::Rect;
use docrec_synth::degrade;
use image::{GrayImage, Rgb, RgbImage};
use imageproc::geometric_transformations::{warp_into_with, Border, Interpolation, Projection};
use rand::Rng;

/// The document of `size` cut back out of `frame` (its capture) through the
/// known geometry, each corner off by up to `jitter` of its width, as the
/// recognizer's outline finder leaves it.
pub fn rectify(
    frame: &RgbImage,
    degraded: &degrade::Degraded,
    size: (u32, u32),
    jitter: f32,
    rng: &mut impl Rng,
) -> RgbImage {
    let (w, h) = (size.0 as f32, size.1 as f32);
    let jitter = jitter * w;
    let corners = [(0.0, 0.0), (w, 0.0), (w, h), (0.0, h)].map(|(x, y)| {
        let p = degraded.map_point(
            x + rng.gen_range(-jitter..=jitter),
            y + rng.gen_range(-jitter..=jitter),
        );
        (p[0], p[1])
    });
    let target = [(0.0, 0.0), (w, 0.0), (w, h), (0.0, h)];
    let mut view = RgbImage::from_pixel(size.0, size.1, Rgb([255, 255, 255]));
    if let Some(to_frame) = Projection::from_control_points(target, corners) {
        warp_into_with(
            frame,
            move |x, y| to_frame * (x, y),
            Interpolation::Bilinear,
            Border::Replicate,
            &mut view,
        );
    }
    view
}

/// The ink box `ink` (view pixels) in the pixels of `cut`, which
/// [`docrec_ocr::preprocess::line_cut`] made from `rect`, grown by `margin`
/// of its height.
pub fn ink_in_cut(
    view: &GrayImage,
    rect: Rect,
    ink: [f32; 4],
    cut: &GrayImage,
    margin: f32,
) -> [f32; 4] {
    // line_cut's own padding: half the height across, a quarter up and down.
    let pad = (rect.height / 2) as i32;
    let area = rect.padded_within(pad, pad / 2, view.width(), view.height());
    let scale = cut.height() as f32 / area.height as f32;
    let m = (ink[3] - ink[1]) * margin;
    let (w, h) = (cut.width() as f32, cut.height() as f32);
    [
        ((ink[0] - m - area.x as f32) * scale).clamp(0.0, w),
        ((ink[1] - m - area.y as f32) * scale).clamp(0.0, h),
        ((ink[2] + m - area.x as f32) * scale).clamp(0.0, w),
        ((ink[3] + m - area.y as f32) * scale).clamp(0.0, h),
    ]
}
