//! Resizing and warping grey images, fast and exactly as `image` resizes
//! them ([`resize`]) and shrinks them ([`thumbnail`]) and as `imageproc`
//! warps them ([`warp`]).
//!
//! Takes a [`GrayImage`] and a size and gives the image `image::imageops::
//! resize` gives with the same filter (triangle or Catmull-Rom), pixel for
//! pixel: the same kernel weights, the same passes (columns, then rows),
//! the same `f32` sums in the same order and the same rounding. `image`'s
//! version is generic over four channels and reads every pixel through a
//! bounds-checked accessor, a column at a time, and took a sixth of a clean
//! certificate's process (`perf`, its rounding included); this one works
//! on one channel, on rows. The recognizers are tuned on `image`'s pixels,
//! and a resize that differed by rounding moved their answers both ways
//! (docs/benchmarks.md), hence the same arithmetic rather than a faster
//! filter.

use image::imageops::FilterType;
use image::GrayImage;
use imageproc::geometric_transformations::Projection;

/// `image` resized to `width` × `height` with `filter`, identical to
/// `image::imageops::resize(image, width, height, filter)`. Filters other
/// than triangle and Catmull-Rom are left to `image`.
pub fn resize(image: &GrayImage, width: u32, height: u32, filter: FilterType) -> GrayImage {
    let (kernel, support): (fn(f32) -> f32, f32) = match filter {
        FilterType::Triangle => (triangle, 1.0),
        FilterType::CatmullRom => (catmull_rom, 2.0),
        _ => return image::imageops::resize(image, width, height, filter),
    };
    if image.width() == 0 || image.height() == 0 || image.dimensions() == (width, height) {
        return image::imageops::resize(image, width, height, filter);
    }
    let columns = resample_columns(image, height, kernel, support);
    resample_rows(&columns, image.width(), width, height, kernel, support)
}

/// `image` shrunk to `width` × `height` by averaging the block of source
/// pixels under each output pixel, identical to
/// `image::imageops::thumbnail(image, width, height)`. Enlarging either
/// side is left to `image`.
pub fn thumbnail(image: &GrayImage, width: u32, height: u32) -> GrayImage {
    let (source_width, source_height) = image.dimensions();
    if source_width == 0 || source_height == 0 || width > source_width || height > source_height {
        return image::imageops::thumbnail(image, width, height);
    }
    let rows = blocks(source_height, height);
    let columns = blocks(source_width, width);
    let source = image.as_raw();
    let stride = source_width as usize;
    let mut out = Vec::with_capacity(width as usize * height as usize);
    for &(bottom, top) in &rows {
        for &(left, right) in &columns {
            let mut sum = 0u32;
            for y in bottom..top {
                let row = &source[y * stride..][left..right];
                sum += row.iter().map(|&p| u32::from(p)).sum::<u32>();
            }
            let n = ((right - left) * (top - bottom)) as u32;
            out.push(((sum + n / 2) / n).min(255) as u8);
        }
    }
    GrayImage::from_raw(width, height, out).expect("one level per pixel")
}

/// The source pixels `start..end` under each of `new_len` output pixels
/// along an axis of `len` (`new_len <= len`), as `image`'s `thumbnail`
/// bounds them.
fn blocks(len: u32, new_len: u32) -> Vec<(usize, usize)> {
    let ratio = len as f32 / new_len as f32;
    (0..new_len)
        .map(|out| {
            let startf = out as f32 * ratio;
            let endf = startf + ratio;
            let start = (startf.ceil() as u32).clamp(0, len - 1);
            let end = (endf.ceil() as u32).clamp(start, len);
            (start as usize, end as usize)
        })
        .collect()
}

/// The `width` × `height` view of `image` that `projection` maps it onto,
/// bilinear, the border replicated: identical to `imageproc`'s
/// `warp_into` with `Interpolation::Bilinear` and `Border::Replicate` (the
/// same inverse mapping of each output pixel, the same blend and the same
/// truncation of each blend to a level), without its per-pixel dispatch.
pub fn warp(image: &GrayImage, projection: Projection, width: u32, height: u32) -> GrayImage {
    let mut out = GrayImage::new(width, height);
    let (source_width, source_height) = (i64::from(image.width()), i64::from(image.height()));
    if source_width == 0 || source_height == 0 {
        return out;
    }
    let to_source = projection.invert();
    let source = image.as_raw();
    let level = |x: i64, y: i64| {
        let x = x.clamp(0, source_width - 1);
        let y = y.clamp(0, source_height - 1);
        f32::from(source[(y * source_width + x) as usize])
    };
    // `imageproc`'s f32-to-level clamp: truncation within 0-255.
    let clamp = |v: f32| -> f32 {
        if v < 255.0 {
            if v > 0.0 {
                f32::from(v as u8)
            } else {
                0.0
            }
        } else {
            255.0
        }
    };
    for (y, row) in out.chunks_exact_mut(width as usize).enumerate() {
        for (x, pixel) in row.iter_mut().enumerate() {
            let (px, py) = to_source * (x as f32, y as f32);
            let left = px.floor() as i64;
            let top = py.floor() as i64;
            let right_weight = px - left as f32;
            let bottom_weight = py - top as f32;
            let blend = |u: f32, v: f32, weight: f32| clamp((1f32 - weight) * u + weight * v);
            let upper = blend(level(left, top), level(left + 1, top), right_weight);
            let lower = blend(level(left, top + 1), level(left + 1, top + 1), right_weight);
            *pixel = blend(upper, lower, bottom_weight) as u8;
        }
    }
    out
}

/// The weights of the source pixels `left..left + weights.len()` for one
/// output pixel.
struct Taps {
    left: usize,
    weights: Vec<f32>,
}

/// For each of `new_len` output pixels along an axis of `len` source
/// pixels, the source pixels it is made of and their weights, computed as
/// `image`'s `vertical_sample` and `horizontal_sample` compute them.
fn taps(len: u32, new_len: u32, kernel: fn(f32) -> f32, support: f32) -> Vec<Taps> {
    let ratio = len as f32 / new_len as f32;
    let sratio = if ratio < 1.0 { 1.0 } else { ratio };
    let src_support = support * sratio;
    (0..new_len)
        .map(|out| {
            let input = (out as f32 + 0.5) * ratio;
            let left = ((input - src_support).floor() as i64).clamp(0, i64::from(len) - 1);
            let right = ((input + src_support).ceil() as i64).clamp(left + 1, i64::from(len));
            let input = input - 0.5;
            let mut weights: Vec<f32> = (left..right)
                .map(|i| kernel((i as f32 - input) / sratio))
                .collect();
            let mut sum = 0.0;
            for w in &weights {
                sum += w;
            }
            for w in &mut weights {
                *w /= sum;
            }
            Taps {
                left: left as usize,
                weights,
            }
        })
        .collect()
}

/// The first pass: each column of `image` resampled to `new_height`, as
/// `f32` (no rounding between the passes, as in `image`).
fn resample_columns(
    image: &GrayImage,
    new_height: u32,
    kernel: fn(f32) -> f32,
    support: f32,
) -> Vec<f32> {
    let width = image.width() as usize;
    let source = image.as_raw();
    let mut out = vec![0.0f32; width * new_height as usize];
    for (taps, row) in taps(image.height(), new_height, kernel, support)
        .iter()
        .zip(out.chunks_exact_mut(width))
    {
        // Each output pixel sums its taps in their order, as `image` does.
        for (i, w) in taps.weights.iter().enumerate() {
            let source_row = &source[(taps.left + i) * width..][..width];
            for (sum, &p) in row.iter_mut().zip(source_row) {
                *sum += f32::from(p) * w;
            }
        }
    }
    out
}

/// The second pass: each row of `columns` (`width` wide) resampled to
/// `new_width`, rounded to the nearest level.
fn resample_rows(
    columns: &[f32],
    width: u32,
    new_width: u32,
    height: u32,
    kernel: fn(f32) -> f32,
    support: f32,
) -> GrayImage {
    let taps = taps(width, new_width, kernel, support);
    let mut out = Vec::with_capacity(new_width as usize * height as usize);
    for row in columns.chunks_exact(width as usize) {
        for tap in &taps {
            let mut sum = 0.0f32;
            for (&p, w) in row[tap.left..].iter().zip(&tap.weights) {
                sum += p * w;
            }
            out.push(sum.clamp(0.0, 255.0).round() as u8);
        }
    }
    GrayImage::from_raw(new_width, height, out).expect("one level per pixel")
}

/// The triangle (bilinear) kernel, as `image` defines it.
fn triangle(x: f32) -> f32 {
    if x.abs() < 1.0 {
        1.0 - x.abs()
    } else {
        0.0
    }
}

/// The Catmull-Rom kernel: `image`'s cubic spline with B = 0, C = 0.5, in
/// its order of operations.
fn catmull_rom(x: f32) -> f32 {
    let (b, c) = (0.0f32, 0.5f32);
    let a = x.abs();
    let k = if a < 1.0 {
        (12.0 - 9.0 * b - 6.0 * c) * a.powi(3)
            + (-18.0 + 12.0 * b + 6.0 * c) * a.powi(2)
            + (6.0 - 2.0 * b)
    } else if a < 2.0 {
        (-b - 6.0 * c) * a.powi(3)
            + (6.0 * b + 30.0 * c) * a.powi(2)
            + (-12.0 * b - 48.0 * c) * a
            + (8.0 * b + 24.0 * c)
    } else {
        0.0
    };
    k / 6.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::Luma;

    /// A grey image of noise, text-like edges and a gradient.
    fn sample(width: u32, height: u32, seed: u32) -> GrayImage {
        GrayImage::from_fn(width, height, |x, y| {
            let noise = (x.wrapping_mul(2_654_435_761) ^ y.wrapping_mul(40_503) ^ seed) % 97;
            let stroke = if (x / 7 + y / 5) % 4 == 0 { 0 } else { 150 };
            Luma([(stroke + noise + (x + y) % 3) as u8])
        })
    }

    #[test]
    fn every_warped_pixel_is_the_one_imageprocs_warp_gives() {
        use imageproc::geometric_transformations::{warp_into, Border, Interpolation};
        let image = sample(300, 200, 7);
        let projections = [
            Projection::from_control_points(
                [(12.5, 8.0), (290.0, 20.25), (280.0, 190.0), (5.0, 170.5)],
                [(0.0, 0.0), (420.0, 0.0), (420.0, 265.0), (0.0, 265.0)],
            )
            .unwrap(),
            Projection::scale(1.7, 1.3),
            Projection::translate(-20.5, 13.25),
            Projection::rotate(0.3) * Projection::translate(10.0, -40.0),
        ];
        for projection in projections {
            let mut expected = GrayImage::new(420, 265);
            warp_into(
                &image,
                projection,
                Interpolation::Bilinear,
                Border::Replicate,
                &mut expected,
            );
            assert!(warp(&image, projection, 420, 265) == expected);
        }
    }

    #[test]
    fn every_thumbnail_pixel_is_the_one_images_thumbnail_gives() {
        for (seed, (w, h)) in [(3323, 481), (1000, 604), (41, 17)].into_iter().enumerate() {
            let image = sample(w, h, seed as u32);
            for (tw, th) in [
                (w / 2, h / 2),
                (w * 2 / 3, h * 3 / 4),
                (w - 1, h),
                (1, 1),
                (w, h),
            ] {
                let (tw, th) = (tw.max(1), th.max(1));
                let expected = image::imageops::thumbnail(&image, tw, th);
                assert!(
                    thumbnail(&image, tw, th) == expected,
                    "{w}x{h} -> {tw}x{th} differs"
                );
            }
        }
    }

    #[test]
    fn every_pixel_is_the_one_images_resize_gives() {
        let sizes = [(1000, 604), (37, 23), (640, 480), (3, 200), (480, 1)];
        let targets = |(w, h): (u32, u32)| {
            [
                (w / 8, h / 8),
                (w * 3 / 5, h * 3 / 5),
                (w * 2, h * 2),
                (w + 1, h.saturating_sub(1).max(1)),
                (1, 1),
                (w, h * 2),
            ]
        };
        for (seed, size) in sizes.into_iter().enumerate() {
            let image = sample(size.0, size.1, seed as u32);
            for (w, h) in targets(size) {
                let (w, h) = (w.max(1), h.max(1));
                for filter in [FilterType::Triangle, FilterType::CatmullRom] {
                    let expected = image::imageops::resize(&image, w, h, filter);
                    let ours = resize(&image, w, h, filter);
                    assert!(
                        ours == expected,
                        "{size:?} -> {w}x{h} with {filter:?} differs"
                    );
                }
            }
        }
    }
}
