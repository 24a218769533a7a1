//! Image preparation before OCR: colour to grey, contrast, shading,
//! polarity, scaling, and cutting a line out for a second reading. Each
//! function takes an image (and, for a cut, a box in it) and gives a new
//! one; none decides what a document is.

use image::imageops::FilterType;
use image::{DynamicImage, GrayImage, Luma};
use imageproc::filter::gaussian_blur_f32;

use crate::Rect;

/// Scales `image` so that its height is `target_height` (aspect kept).
/// Returns the image and the scale factor applied.
pub fn scale_to_height(image: &GrayImage, target_height: u32) -> (GrayImage, f32) {
    let scale = target_height as f32 / image.height().max(1) as f32;
    if (scale - 1.0).abs() < 0.02 {
        return (image.clone(), 1.0);
    }
    let width = ((image.width() as f32 * scale).round() as u32).max(1);
    let filter = if scale < 1.0 {
        FilterType::Triangle
    } else {
        FilterType::CatmullRom
    };
    (
        crate::resample::resize(image, width, target_height.max(1), filter),
        scale,
    )
}

/// An upload brought to the size a recognizer reads it at: `image`
/// scaled so that its long side is `long_sides.start` when it is shorter
/// (bicubic, Catmull-Rom) or `long_sides.end` when it is longer (each
/// pixel the mean of the pixels it covers: [`crate::resample::thumbnail`], several
/// times faster than a filtered resize), and the factor applied; `None`
/// when the long side is already within the range. A recognizer
/// rectifies a document to a fixed size with a bilinear warp: from a much
/// larger image it keeps one pixel in several and aliases the strokes,
/// and from a much smaller one it blurs them.
pub fn fitted_to_long_side(
    image: &GrayImage,
    long_sides: std::ops::Range<u32>,
) -> Option<(GrayImage, f32)> {
    let (w, h) = image.dimensions();
    let long = w.max(h).max(1);
    let target = if long < long_sides.start {
        long_sides.start
    } else if long > long_sides.end {
        long_sides.end
    } else {
        return None;
    };
    let factor = target as f32 / long as f32;
    let width = ((w as f32 * factor).round() as u32).max(1);
    let height = ((h as f32 * factor).round() as u32).max(1);
    let fitted = if factor > 1.0 {
        crate::resample::resize(image, width, height, FilterType::CatmullRom)
    } else {
        crate::resample::thumbnail(image, width, height)
    };
    Some((fitted, factor))
}

/// Stretches the levels between the `low` and `high` percentiles to 0-255:
/// washed-out photos and dim scans get full contrast.
pub fn stretch_percentiles(image: &GrayImage, low: f32, high: f32) -> GrayImage {
    let mut histogram = [0u64; 256];
    for p in image.pixels() {
        histogram[p[0] as usize] += 1;
    }
    let total = image.pixels().len() as f32;
    let level_at = |fraction: f32| {
        let mut seen = 0u64;
        for (level, count) in histogram.iter().enumerate() {
            seen += count;
            if *count > 0 && seen as f32 >= fraction * total {
                return level as u8;
            }
        }
        255
    };
    let (lo, hi) = (level_at(low), level_at(high));
    if hi <= lo {
        return image.clone();
    }
    let span = (hi - lo) as f32;
    let mut out = image.clone();
    for p in out.pixels_mut() {
        let v = ((p[0].saturating_sub(lo)) as f32 / span * 255.0).min(255.0);
        *p = Luma([v as u8]);
    }
    out
}

/// Removes shading wider than the text: subtracts a Gaussian blur of
/// `sigma` pixels (half a text height or more) and stretches what is left.
/// A line printed across a dark and a light part of a card comes out on one
/// even background, dark text still dark; a single global threshold (as
/// Tesseract's own) would otherwise lose the text on the darker part.
pub fn flatten_background(image: &GrayImage, sigma: f32) -> GrayImage {
    let background = gaussian_blur_f32(image, sigma);
    let mut flat = image.clone();
    for (p, b) in flat.pixels_mut().zip(background.pixels()) {
        let difference = p[0] as i16 - b[0] as i16;
        *p = Luma([(128 + difference / 2) as u8]);
    }
    stretch_percentiles(&flat, 0.01, 0.99)
}

/// Inverts light-on-dark text so that Tesseract sees dark on light: the
/// image is inverted when its median is darker than mid-grey.
pub fn dark_text_on_light(image: &GrayImage) -> GrayImage {
    let mut histogram = [0u64; 256];
    for p in image.pixels() {
        histogram[p[0] as usize] += 1;
    }
    let half = image.pixels().len() as u64 / 2;
    let mut seen = 0;
    let median = histogram
        .iter()
        .position(|count| {
            seen += count;
            seen > half
        })
        .unwrap_or(255);
    if median < 110 {
        let mut out = image.clone();
        image::imageops::invert(&mut out);
        out
    } else {
        image.clone()
    }
}

/// Grey levels from the brightest of each pixel's channels: dark ink stays
/// dark while coloured print (the red seal stamped over an ID card's
/// issuer) turns light and no longer hides the text under it.
pub fn brightest_channel(image: &DynamicImage) -> GrayImage {
    let converted;
    let rgb = match image {
        DynamicImage::ImageRgb8(rgb) => rgb,
        other => {
            converted = other.to_rgb8();
            &converted
        }
    };
    let levels = rgb
        .as_raw()
        .chunks_exact(3)
        .map(|p| p[0].max(p[1]).max(p[2]))
        .collect();
    GrayImage::from_raw(rgb.width(), rgb.height(), levels).expect("one level per pixel")
}

/// Divides each pixel by the paper's brightness around it (estimated at an
/// eighth of the size, where text is too thin to count), so that a
/// watermark, a shadow or uneven light leaves white paper and dark text.
pub fn flatten_paper(page: &GrayImage) -> GrayImage {
    const FACTOR: u32 = 8;
    let (w, h) = page.dimensions();
    let (sw, sh) = ((w / FACTOR).max(1), (h / FACTOR).max(1));
    let small = crate::resample::resize(page, sw, sh, FilterType::Triangle);
    // The paper is the bright part: the local maximum over a few cells.
    let paper_small = gaussian_blur_f32(
        &imageproc::morphology::grayscale_dilate(&small, &imageproc::morphology::Mask::square(2)),
        2.0,
    );
    let paper = crate::resample::resize(&paper_small, w, h, FilterType::Triangle);
    let mut out = page.clone();
    for (p, b) in out.pixels_mut().zip(paper.pixels()) {
        let level = (p[0] as f32 * 255.0 / b[0].max(24) as f32).min(255.0);
        *p = Luma([level as u8]);
    }
    out
}

/// Each pixel by how much darker it is than the mean of its surroundings
/// (a box `radius` pixels each way), times `gain`, dark on white. Strokes
/// narrower than the box stay dark while paper, its printed pattern and
/// anything as large as the box (a portrait's dark hair and clothes) turn
/// white, so that Tesseract's one global threshold, which a dark photo
/// beside light or blurred print would set too dark, finds the print.
pub fn darker_than_surroundings(image: &GrayImage, radius: u32, gain: u8) -> GrayImage {
    let surroundings = imageproc::filter::box_filter(image, radius, radius);
    let mut out = image.clone();
    for (p, mean) in out.pixels_mut().zip(surroundings.pixels()) {
        let darker = mean[0].saturating_sub(p[0]);
        *p = Luma([255u8.saturating_sub(darker.saturating_mul(gain))]);
    }
    out
}

/// A line's box cut from `image` with a margin (half its height across, a
/// quarter up and down) and scaled to `height` pixels, for a second reading
/// as one line; `None` when the cut is too small to read.
pub fn line_cut(image: &GrayImage, rect: Rect, height: u32) -> Option<GrayImage> {
    let pad = (rect.height / 2) as i32;
    let crop = padded_cut(image, rect, pad, pad / 2)?;
    Some(scale_to_height(&crop, height).0)
}

/// `rect` cut from `image` with `dx` more on each side and `dy` more above
/// and below (within the image); `None` when the cut is too small to read.
pub fn padded_cut(image: &GrayImage, rect: Rect, dx: i32, dy: i32) -> Option<GrayImage> {
    let cut = rect.padded_within(dx, dy, image.width(), image.height());
    if cut.width < 8 || cut.height < 8 {
        return None;
    }
    Some(
        image::imageops::crop_imm(image, cut.x as u32, cut.y as u32, cut.width, cut.height)
            .to_image(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn print_stays_dark_and_a_dark_area_as_large_as_the_box_turns_white() {
        // Light grey print (a stroke 2 px wide at 170) beside a dark photo
        // (a block of 40 at 30) on paper at 230.
        let image = GrayImage::from_fn(200, 60, |x, y| {
            Luma([match (x, y) {
                (100..160, _) => 30,
                (20..22, 20..40) => 170,
                _ => 230,
            }])
        });
        let out = darker_than_surroundings(&image, 10, 4);
        assert!(out.get_pixel(21, 30)[0] < 60, "{:?}", out.get_pixel(21, 30));
        assert_eq!(out.get_pixel(130, 30)[0], 255);
        assert_eq!(out.get_pixel(60, 30)[0], 255);
    }

    #[test]
    fn the_brightest_channel_is_taken_from_rgb_and_from_other_layouts() {
        let rgb = image::RgbImage::from_fn(5, 3, |x, y| {
            image::Rgb([(x * 40) as u8, (y * 90) as u8, 70])
        });
        let expected = GrayImage::from_fn(5, 3, |x, y| {
            let [r, g, b] = rgb.get_pixel(x, y).0;
            Luma([r.max(g).max(b)])
        });
        assert_eq!(
            brightest_channel(&DynamicImage::ImageRgb8(rgb.clone())),
            expected
        );
        let rgba = DynamicImage::ImageRgb8(rgb).to_rgba8();
        assert_eq!(brightest_channel(&DynamicImage::ImageRgba8(rgba)), expected);
    }

    #[test]
    fn dark_images_are_inverted() {
        let dark = GrayImage::from_pixel(10, 10, Luma([20]));
        assert_eq!(dark_text_on_light(&dark).get_pixel(0, 0)[0], 235);
        let light = GrayImage::from_pixel(10, 10, Luma([220]));
        assert_eq!(dark_text_on_light(&light).get_pixel(0, 0)[0], 220);
    }

    #[test]
    fn uploads_outside_the_range_are_brought_into_it() {
        let small = GrayImage::from_pixel(390, 248, Luma([200]));
        let (large, factor) = fitted_to_long_side(&small, 1000..1600).expect("enlarged");
        assert_eq!(large.dimensions(), (1000, 636));
        assert!((factor - 1000.0 / 390.0).abs() < 1e-4);
        let huge = GrayImage::from_pixel(248, 3200, Luma([200]));
        let (shrunk, factor) = fitted_to_long_side(&huge, 1000..1600).expect("shrunk");
        assert_eq!(shrunk.dimensions(), (124, 1600));
        assert!((factor - 0.5).abs() < 1e-6);
        assert!(fitted_to_long_side(&large, 1000..1600).is_none());
        assert!(fitted_to_long_side(&small, 0..1600).is_none());
    }

    #[test]
    fn stretch_spans_full_range() {
        let mut img = GrayImage::from_pixel(10, 10, Luma([100]));
        img.put_pixel(0, 0, Luma([90]));
        img.put_pixel(1, 0, Luma([140]));
        let out = stretch_percentiles(&img, 0.0, 1.0);
        assert_eq!(out.get_pixel(0, 0)[0], 0);
        assert_eq!(out.get_pixel(1, 0)[0], 255);
    }

    #[test]
    fn flattening_evens_out_shading_and_keeps_dark_text_dark() {
        // Left half dark, right half light, a dark stroke on each half.
        let mut img = GrayImage::from_fn(200, 40, |x, _| Luma([if x < 100 { 60 } else { 200 }]));
        for y in 10..30 {
            img.put_pixel(50, y, Luma([20]));
            img.put_pixel(150, y, Luma([120]));
        }
        let flat = flatten_background(&img, 10.0);
        let (left_stroke, right_stroke) = (flat.get_pixel(50, 20)[0], flat.get_pixel(150, 20)[0]);
        let (left_ground, right_ground) = (flat.get_pixel(30, 20)[0], flat.get_pixel(170, 20)[0]);
        assert!(
            left_ground.abs_diff(right_ground) < 30,
            "{left_ground} {right_ground}"
        );
        assert!(left_stroke + 60 < left_ground && right_stroke + 60 < right_ground);
    }

    #[test]
    fn scaling_reports_its_factor() {
        let img = GrayImage::new(200, 100);
        let (scaled, factor) = scale_to_height(&img, 50);
        assert_eq!(scaled.dimensions(), (100, 50));
        assert_eq!(factor, 0.5);
    }
}
