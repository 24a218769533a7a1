//! Turning an upright document image into a flat scan or a phone photo.
//!
//! Takes: any document as an [`RgbaImage`] (alpha 0 outside its outline,
//! e.g. rounded card corners), parameters ([`ScanParams`], [`PhotoParams`])
//! and a random generator. Nothing here knows about credit cards, so ID cards
//! and business certificates can reuse it.
//! Gives: a [`Degraded`] image: the pixels, the projective map from document
//! pixels to output pixels (quarter turn included, so boxes drawn on the
//! document can be mapped into the final image), the quarter turn, and how to
//! encode it (PNG or JPEG with a quality).
//!
//! Upload: [`upload`] then resizes the scan or photo to the width it is
//! delivered at (300 to 4000 pixels: a messenger's thumbnail to a phone
//! camera's full frame) and picks its encoding, as phones and messengers
//! send images.
//!
//! Photo pipeline: random background (wood, stone, desk, gradient) → document
//! placed by a random homography (scale, in-plane rotation, corner jitter)
//! with a soft drop shadow → gaussian blur → uneven lighting (gradient,
//! vignette, white balance) and an optional glare spot → sensor noise →
//! quarter turn → JPEG.
//!
//! Speed: a photo must take well under 100 ms, so the warp, blur and resize
//! are written here for 8-bit RGB (imageproc's generic `warp_into` and
//! `gaussian_blur_f32` were 3-5× slower on 2-megapixel frames); imageproc
//! still supplies [`Projection`] and the quarter-turn rotations.

// Pixel code indexes colour channels of several arrays in step.
#![allow(clippy::needless_range_loop)]

use std::f32::consts::PI;
use std::io::Cursor;

use image::codecs::png::{CompressionType, FilterType as PngFilter, PngEncoder};
use image::{GrayImage, ImageEncoder, Rgb, RgbImage, RgbaImage};
use imageproc::geometric_transformations::{rotate180, rotate270, rotate90, Projection};
use rand::Rng;

use crate::SynthError;

/// Four corners (top-left, top-right, bottom-right, bottom-left of the
/// upright box) in output-image pixels.
pub type Quad = [[f32; 2]; 4];

/// How the output is to be encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Png,
    /// JPEG with a quality 1-100.
    Jpeg(u8),
}

impl Encoding {
    /// File extension: `"png"` or `"jpg"`.
    pub fn extension(self) -> &'static str {
        match self {
            Encoding::Png => "png",
            Encoding::Jpeg(_) => "jpg",
        }
    }

    /// Encodes an image.
    pub fn encode(self, img: &RgbImage) -> Result<Vec<u8>, SynthError> {
        let mut buf = Cursor::new(Vec::new());
        match self {
            Encoding::Png => {
                PngEncoder::new_with_quality(&mut buf, CompressionType::Fast, PngFilter::Adaptive)
                    .write_image(
                    img.as_raw(),
                    img.width(),
                    img.height(),
                    image::ExtendedColorType::Rgb8,
                )?
            }
            Encoding::Jpeg(q) => {
                let mut out = Vec::new();
                let (w, h) = (
                    u16::try_from(img.width()).map_err(|_| too_big(img))?,
                    u16::try_from(img.height()).map_err(|_| too_big(img))?,
                );
                jpeg_encoder::Encoder::new(&mut out, q.clamp(1, 100))
                    .encode(img.as_raw(), w, h, jpeg_encoder::ColorType::Rgb)
                    .map_err(|e| {
                        SynthError::Image(image::ImageError::Encoding(
                            image::error::EncodingError::new(image::ImageFormat::Jpeg.into(), e),
                        ))
                    })?;
                return Ok(out);
            }
        }
        Ok(buf.into_inner())
    }
}

fn too_big(_img: &RgbImage) -> SynthError {
    SynthError::Image(image::ImageError::Limits(
        image::error::LimitError::from_kind(image::error::LimitErrorKind::DimensionError),
    ))
}

/// A degraded document image.
#[derive(Debug, Clone)]
pub struct Degraded {
    pub image: RgbImage,
    /// Maps document pixel coordinates to output pixel coordinates.
    pub transform: Projection,
    /// Clockwise quarter turn applied last: 0, 90, 180 or 270.
    pub rotation: u32,
    pub encoding: Encoding,
}

impl Degraded {
    /// Maps a document point into the output image.
    pub fn map_point(&self, x: f32, y: f32) -> [f32; 2] {
        let (u, v) = self.transform * (x, y);
        [u, v]
    }

    /// Maps a document box `[x0, y0, x1, y1]` to its four corners in the
    /// output image (TL, TR, BR, BL of the box as drawn on the document).
    pub fn map_box(&self, b: [f32; 4]) -> Quad {
        [
            self.map_point(b[0], b[1]),
            self.map_point(b[2], b[1]),
            self.map_point(b[2], b[3]),
            self.map_point(b[0], b[3]),
        ]
    }
}

/// Axis-aligned bounding box `[x0, y0, x1, y1]` of a quad.
pub fn quad_bounds(q: &Quad) -> [f32; 4] {
    let mut b = [f32::MAX, f32::MAX, f32::MIN, f32::MIN];
    for p in q {
        b[0] = b[0].min(p[0]);
        b[1] = b[1].min(p[1]);
        b[2] = b[2].max(p[0]);
        b[3] = b[3].max(p[1]);
    }
    b
}

/// Parameters of a flat scan.
#[derive(Debug, Clone)]
pub struct ScanParams {
    /// Margin on each side, as a fraction of the document width.
    pub margin: (f32, f32),
    /// Gaussian noise standard deviation, grey levels.
    pub noise_sigma: (f32, f32),
    /// Probability of PNG (else JPEG).
    pub png_prob: f64,
    pub jpeg_quality: (u8, u8),
}

impl Default for ScanParams {
    fn default() -> Self {
        ScanParams {
            margin: (0.0, 0.05),
            noise_sigma: (0.5, 2.0),
            png_prob: 0.5,
            jpeg_quality: (90, 97),
        }
    }
}

/// Parameters of a phone photo.
#[derive(Debug, Clone)]
pub struct PhotoParams {
    /// Longer side of the output, pixels.
    pub long_side: (u32, u32),
    /// Document width as a fraction of the frame width (landscape frame).
    pub doc_fraction: (f32, f32),
    /// Maximum independent corner displacement, fraction of the document size.
    pub corner_jitter: f32,
    /// Maximum in-plane rotation, degrees (either way).
    pub max_rotation_deg: f32,
    /// Probability of a 90/180/270 quarter turn (each equally likely).
    pub quarter_turn_prob: f64,
    pub blur_sigma: (f32, f32),
    pub noise_sigma: (f32, f32),
    /// Relative brightness change across the frame.
    pub shading: (f32, f32),
    /// Darkening in the corners.
    pub vignette: (f32, f32),
    pub glare_prob: f64,
    /// Peak grey levels added by glare.
    pub glare_strength: (f32, f32),
    pub jpeg_quality: (u8, u8),
}

impl PhotoParams {
    /// An ordinary phone photo.
    pub fn photo() -> Self {
        PhotoParams {
            long_side: (1280, 1600),
            doc_fraction: (0.5, 0.9),
            corner_jitter: 0.06,
            max_rotation_deg: 8.0,
            quarter_turn_prob: 0.25,
            blur_sigma: (0.5, 1.2),
            noise_sigma: (2.0, 6.0),
            shading: (0.08, 0.3),
            vignette: (0.0, 0.25),
            glare_prob: 0.1,
            glare_strength: (40.0, 90.0),
            jpeg_quality: (70, 90),
        }
    }

    /// A phone photo of a page: the frame is as large as phones take and
    /// upload (a page's small print needs the pixels), and the page is
    /// seldom turned a quarter.
    pub fn document_photo() -> Self {
        PhotoParams {
            long_side: (2000, 2600),
            doc_fraction: (0.7, 0.95),
            corner_jitter: 0.04,
            max_rotation_deg: 5.0,
            quarter_turn_prob: 0.1,
            ..PhotoParams::photo()
        }
    }

    /// A hard photo of a page: smaller in the frame, more askew and
    /// blurred, glare.
    pub fn document_hard() -> Self {
        PhotoParams {
            long_side: (1600, 2000),
            doc_fraction: (0.6, 0.85),
            corner_jitter: 0.08,
            max_rotation_deg: 10.0,
            quarter_turn_prob: 0.2,
            ..PhotoParams::hard()
        }
    }

    /// A hard photo: stronger everything, glare, smaller and lower resolution.
    pub fn hard() -> Self {
        PhotoParams {
            long_side: (900, 1100),
            doc_fraction: (0.35, 0.6),
            corner_jitter: 0.10,
            max_rotation_deg: 15.0,
            quarter_turn_prob: 0.4,
            blur_sigma: (0.9, 2.0),
            noise_sigma: (5.0, 12.0),
            shading: (0.25, 0.5),
            vignette: (0.15, 0.4),
            glare_prob: 0.8,
            glare_strength: (80.0, 170.0),
            jpeg_quality: (50, 70),
        }
    }
}

fn range_f(rng: &mut impl Rng, r: (f32, f32)) -> f32 {
    if r.1 > r.0 {
        rng.gen_range(r.0..=r.1)
    } else {
        r.0
    }
}

fn range_u8(rng: &mut impl Rng, r: (u8, u8)) -> u8 {
    if r.1 > r.0 {
        rng.gen_range(r.0..=r.1)
    } else {
        r.0
    }
}

/// A standard normal-ish sample from one u32 (Irwin-Hall of four bytes).
#[inline]
fn gauss_from(r: u32) -> f32 {
    let s = (r & 0xff) + ((r >> 8) & 0xff) + ((r >> 16) & 0xff) + (r >> 24);
    (s as f32 - 510.0) / 147.8
}

/// A small, fast generator for per-pixel noise (wyrand), seeded from the
/// caller's generator so results stay deterministic.
pub(crate) struct PixelRng(u64);

impl PixelRng {
    pub(crate) fn new(rng: &mut impl Rng) -> Self {
        PixelRng(rng.gen())
    }

    #[inline(always)]
    pub(crate) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0xa076_1d64_78bd_642f);
        let t = (self.0 as u128).wrapping_mul((self.0 ^ 0xe703_7ed1_a0b4_28db) as u128);
        ((t >> 64) ^ t) as u64
    }
}

/// Luminance noise (about N(0, sigma)) and weaker per-channel noise from one
/// 64-bit random value.
#[inline(always)]
fn pixel_noise(r: u64, sigma: f32, chroma: f32) -> [f32; 3] {
    let n = gauss_from(r as u32) * sigma;
    let c = (r >> 32) as u32;
    [0, 1, 2].map(|k| n + (((c >> (8 * k)) & 0xff) as f32 / 73.9 - 1.725) * chroma)
}

/// Adds gaussian-like luminance noise plus weaker per-channel noise.
pub fn add_noise(img: &mut RgbImage, sigma: f32, rng: &mut impl Rng) {
    if sigma <= 0.0 {
        return;
    }
    let mut pr = PixelRng::new(rng);
    let chroma = sigma * 0.35;
    for px in img.as_mut().chunks_exact_mut(3) {
        let n = pixel_noise(pr.next(), sigma, chroma);
        for k in 0..3 {
            px[k] = (px[k] as f32 + n[k]).clamp(0.0, 255.0) as u8;
        }
    }
}

/// Separable gaussian blur of an RGB image (edges clamped), in 8-bit fixed
/// point. Much faster than the generic `imageproc::filter::gaussian_blur_f32`
/// on large photos.
pub fn gaussian_blur(img: &RgbImage, sigma: f32) -> RgbImage {
    if sigma <= 0.0 {
        return img.clone();
    }
    let r = (3.0 * sigma).ceil().max(1.0) as usize;
    let kf: Vec<f32> = (0..=2 * r)
        .map(|i| {
            let d = i as f32 - r as f32;
            (-d * d / (2.0 * sigma * sigma)).exp()
        })
        .collect();
    let sum: f32 = kf.iter().sum();
    // Weights summing to exactly 256 so u16 accumulators cannot overflow.
    let mut k: Vec<u16> = kf
        .iter()
        .map(|v| (v / sum * 256.0).round() as u16)
        .collect();
    let total: i32 = k.iter().map(|&v| v as i32).sum();
    k[r] = (k[r] as i32 + 256 - total).max(0) as u16;
    let (w, h) = (img.width() as usize, img.height() as usize);
    let stride = w * 3;
    let src = img.as_raw();
    let mut tmp = vec![0u8; stride * h];
    let mut padded = vec![0u8; (w + 2 * r) * 3];
    let mut acc = vec![0u16; stride];
    for y in 0..h {
        let row = &src[y * stride..(y + 1) * stride];
        padded[r * 3..r * 3 + stride].copy_from_slice(row);
        for i in 0..r {
            padded[i * 3..i * 3 + 3].copy_from_slice(&row[..3]);
            let j = (r + w + i) * 3;
            padded[j..j + 3].copy_from_slice(&row[stride - 3..]);
        }
        acc.fill(128);
        for (j, &kj) in k.iter().enumerate() {
            let seg = &padded[j * 3..j * 3 + stride];
            for (a, &s) in acc.iter_mut().zip(seg) {
                *a = a.wrapping_add(kj.wrapping_mul(s as u16));
            }
        }
        for (o, &a) in tmp[y * stride..(y + 1) * stride].iter_mut().zip(&acc) {
            *o = (a >> 8) as u8;
        }
    }
    let mut out = vec![0u8; stride * h];
    for y in 0..h {
        acc.fill(128);
        for (j, &kj) in k.iter().enumerate() {
            let yy = (y + j).saturating_sub(r).min(h - 1);
            let seg = &tmp[yy * stride..(yy + 1) * stride];
            for (a, &s) in acc.iter_mut().zip(seg) {
                *a = a.wrapping_add(kj.wrapping_mul(s as u16));
            }
        }
        for (o, &a) in out[y * stride..(y + 1) * stride].iter_mut().zip(&acc) {
            *o = (a >> 8) as u8;
        }
    }
    RgbImage::from_raw(w as u32, h as u32, out).expect("buffer size matches")
}

/// Bilinear resize of an interleaved u8 buffer with `ch` channels; `smooth`
/// uses smoothstep weights (no creases when enlarging a coarse noise grid).
fn resize_bilinear(
    src: &[u8],
    sw: usize,
    sh: usize,
    ch: usize,
    dw: usize,
    dh: usize,
    smooth: bool,
) -> Vec<u8> {
    let weights = |n_src: usize, n_dst: usize| -> Vec<(usize, usize, f32)> {
        (0..n_dst)
            .map(|i| {
                let f = ((i as f32 + 0.5) * n_src as f32 / n_dst as f32 - 0.5)
                    .clamp(0.0, (n_src - 1) as f32);
                let i0 = (f.floor() as usize).min(n_src - 1);
                let i1 = (i0 + 1).min(n_src - 1);
                let mut t = f - i0 as f32;
                if smooth {
                    t = t * t * (3.0 - 2.0 * t);
                }
                (i0, i1, t)
            })
            .collect()
    };
    let xs = weights(sw, dw);
    let ys = weights(sh, dh);
    let mut out = vec![0u8; dw * dh * ch];
    // Horizontally resampled source rows, in u16 (values 0..=255).
    let hrow = |y: usize, dst: &mut Vec<u16>| {
        let r = &src[y * sw * ch..(y + 1) * sw * ch];
        for (x, &(x0, x1, t)) in xs.iter().enumerate() {
            for c in 0..ch {
                let a = r[x0 * ch + c] as f32;
                let b = r[x1 * ch + c] as f32;
                dst[x * ch + c] = (a + (b - a) * t + 0.5) as u16;
            }
        }
    };
    let mut row0 = vec![0u16; dw * ch];
    let mut row1 = vec![0u16; dw * ch];
    let mut cached = (usize::MAX, usize::MAX);
    for (y, &(y0, y1, t)) in ys.iter().enumerate() {
        if cached != (y0, y1) {
            if cached.1 == y0 {
                std::mem::swap(&mut row0, &mut row1);
            } else {
                hrow(y0, &mut row0);
            }
            hrow(y1, &mut row1);
            cached = (y0, y1);
        }
        // 8-bit fixed point: a*(256-t) + b*t fits in u16.
        let tb = (t * 256.0 + 0.5) as u16;
        let ta = 256 - tb;
        let o = &mut out[y * dw * ch..(y + 1) * dw * ch];
        for ((o, &a), &b) in o.iter_mut().zip(&row0).zip(&row1) {
            *o = ((a * ta).wrapping_add(b * tb).wrapping_add(128) >> 8) as u8;
        }
    }
    out
}

/// Alpha-composites an RGBA document over a background at integer offset.
fn composite_at(bg: &mut RgbImage, doc: &RgbaImage, ox: u32, oy: u32) {
    let (dw, bw) = (doc.width() as usize, bg.width() as usize);
    let src = doc.as_raw();
    let dst: &mut [u8] = bg.as_mut();
    for y in 0..doc.height() as usize {
        let srow = &src[y * dw * 4..(y + 1) * dw * 4];
        let start = ((y + oy as usize) * bw + ox as usize) * 3;
        let drow = &mut dst[start..start + dw * 3];
        for (p, q) in srow.chunks_exact(4).zip(drow.chunks_exact_mut(3)) {
            let a = p[3] as u32;
            if a == 255 {
                q.copy_from_slice(&p[..3]);
            } else if a > 0 {
                for k in 0..3 {
                    q[k] = ((q[k] as u32 * (255 - a) + p[k] as u32 * a + 127) / 255) as u8;
                }
            }
        }
    }
}

/// A flat scan: the document upright on a light scanner bed.
pub fn scan(doc: &RgbaImage, p: &ScanParams, rng: &mut impl Rng) -> Degraded {
    let (w, h) = doc.dimensions();
    let [l, t, r, b] = std::array::from_fn(|_| (range_f(rng, p.margin) * w as f32).round() as u32);
    let bed = {
        let v = rng.gen_range(228.0..252.0f32);
        Rgb([
            (v + rng.gen_range(-4.0..4.0f32)).clamp(0.0, 255.0) as u8,
            v as u8,
            (v + rng.gen_range(-4.0..4.0f32)).clamp(0.0, 255.0) as u8,
        ])
    };
    let mut out = RgbImage::from_pixel(w + l + r, h + t + b, bed);
    composite_at(&mut out, doc, l, t);
    let sigma = range_f(rng, p.noise_sigma);
    add_noise(&mut out, sigma, rng);
    let encoding = if rng.gen_bool(p.png_prob) {
        Encoding::Png
    } else {
        Encoding::Jpeg(range_u8(rng, p.jpeg_quality))
    };
    Degraded {
        image: out,
        transform: Projection::translate(l as f32, t as f32),
        rotation: 0,
        encoding,
    }
}

/// How an image is sent: PNG with this probability, else JPEG at a quality
/// in the range; never so small that the document is narrower than
/// `least_document_width` pixels (unless it was captured narrower).
#[derive(Debug, Clone)]
pub struct UploadParams {
    pub png_prob: f64,
    pub jpeg_quality: (u8, u8),
    pub least_document_width: u32,
}

/// The width an image is delivered at: one in seven (15 %) a small upload
/// of 300-500 pixels, the rest spread from 500 to 4000.
pub fn upload_width(rng: &mut impl Rng) -> u32 {
    match rng.gen_range(0..100) {
        0..15 => rng.gen_range(300..=500),
        15..35 => rng.gen_range(500..=900),
        35..60 => rng.gen_range(900..=1400),
        60..80 => rng.gen_range(1400..=2200),
        80..92 => rng.gen_range(2200..=3000),
        _ => rng.gen_range(3000..=4000),
    }
}

/// The widest image delivered as PNG: screenshots and small scans; larger
/// pictures are JPEG, as cameras save them (a noisy scan as a PNG 4000
/// pixels across takes tens of megabytes, past docrec's 5 MiB default).
const WIDEST_PNG: u32 = 1400;

/// `image` (a capture of a document `document_size` pixels large) as
/// delivered: resized (both axes by the same factor) to [`upload_width`]
/// pixels across, or wider when the document would be narrower than
/// `p.least_document_width` (a picture nobody could read is not what a
/// user sends), its transform following, and encoded as `p` says (JPEG at
/// any rate above [`WIDEST_PNG`]).
pub fn upload(
    image: Degraded,
    document_size: (f32, f32),
    p: &UploadParams,
    rng: &mut impl Rng,
) -> Degraded {
    let (w, h) = image.image.dimensions();
    let shown = shown_width(&image, document_size);
    let legible = (w as f32 * p.least_document_width as f32 / shown.max(1.0)).ceil() as u32;
    let width = upload_width(rng).max(legible.min(w));
    let png = rng.gen_bool(p.png_prob);
    let jpeg_quality = range_u8(rng, p.jpeg_quality);
    let encoding = if png && width <= WIDEST_PNG {
        Encoding::Png
    } else {
        Encoding::Jpeg(jpeg_quality)
    };
    let k = width as f32 / w as f32;
    let height = ((h as f32 * k).round() as u32).max(1);
    let resized = image::imageops::resize(
        &image.image,
        width,
        height,
        image::imageops::FilterType::Triangle,
    );
    let (kx, ky) = (width as f32 / w as f32, height as f32 / h as f32);
    Degraded {
        image: resized,
        transform: Projection::scale(kx, ky) * image.transform,
        rotation: image.rotation,
        encoding,
    }
}

/// How wide a document `document_size` pixels large is in `image`: the
/// mean length of its top and bottom edges there.
fn shown_width(image: &Degraded, (dw, dh): (f32, f32)) -> f32 {
    let length = |a: [f32; 2], b: [f32; 2]| ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2)).sqrt();
    let top = length(image.map_point(0.0, 0.0), image.map_point(dw, 0.0));
    let bottom = length(image.map_point(0.0, dh), image.map_point(dw, dh));
    (top + bottom) / 2.0
}

/// Smooth random field in 0..=255 (value noise, a few octaves) at `w`×`h`.
fn value_noise(w: u32, h: u32, cells: u32, octaves: u32, rng: &mut impl Rng) -> GrayImage {
    let (w, h) = (w as usize, h as usize);
    let mut acc = vec![0.0f32; w * h];
    let mut amp = 1.0;
    let mut total = 0.0;
    let mut c = cells.max(2) as usize;
    for _ in 0..octaves {
        let gw = c.clamp(2, w.max(2));
        let gh = ((gw as f32 * h as f32 / w as f32).ceil() as usize).max(2);
        let grid: Vec<u8> = (0..gw * gh).map(|_| rng.gen()).collect();
        let up = resize_bilinear(&grid, gw, gh, 1, w, h, true);
        for (a, p) in acc.iter_mut().zip(&up) {
            *a += amp * *p as f32;
        }
        total += amp;
        amp *= 0.5;
        c *= 2;
    }
    let data = acc.iter().map(|a| (a / total) as u8).collect();
    GrayImage::from_raw(w as u32, h as u32, data).expect("buffer size matches")
}

/// A random table-like background at `w`×`h` (drawn at a quarter of the
/// resolution and scaled up; the sensor noise added later gives fine grain).
pub fn background(w: u32, h: u32, rng: &mut impl Rng) -> RgbImage {
    let (lw, lh) = ((w / 4).max(8), (h / 4).max(8));
    let pick = |rng: &mut dyn rand::RngCore, cs: &[[f32; 3]]| {
        let c = cs[rng.gen_range(0..cs.len())];
        [
            c[0] + rng.gen_range(-12.0..12.0f32),
            c[1] + rng.gen_range(-12.0..12.0f32),
            c[2] + rng.gen_range(-12.0..12.0f32),
        ]
    };
    let noise = value_noise(lw, lh, rng.gen_range(3..8), 3, rng);
    let kind = rng.gen_range(0..10);
    let low = match kind {
        0..=3 => {
            // Wood grain.
            let base = pick(
                rng,
                &[
                    [188.0, 146.0, 98.0],
                    [120.0, 80.0, 52.0],
                    [78.0, 55.0, 38.0],
                    [205.0, 190.0, 170.0],
                    [150.0, 110.0, 70.0],
                ],
            );
            let dark = [base[0] * 0.72, base[1] * 0.68, base[2] * 0.66];
            let ang = rng.gen_range(-0.3..0.3f32) + if rng.gen_bool(0.5) { 0.0 } else { PI / 2.0 };
            let (s, c) = ang.sin_cos();
            // Grain period in low-res pixels, plank width, plank shades.
            let f = 2.0 * PI / rng.gen_range(3.0..9.0f32);
            let plank = rng.gen_range(25.0..80.0f32);
            let shades: Vec<f32> = (0..64).map(|_| rng.gen_range(-0.08..0.08f32)).collect();
            let offsets: Vec<f32> = (0..64).map(|_| rng.gen_range(0.0..100.0f32)).collect();
            let streak = value_noise(lw, lh, rng.gen_range(20..40), 1, rng);
            RgbImage::from_fn(lw, lh, |x, y| {
                let (xf, yf) = (x as f32, y as f32);
                let across = -xf * s + yf * c + 1000.0;
                let along = xf * c + yf * s;
                let k = (across / plank) as usize % 64;
                let n = noise.get_pixel(x, y).0[0] as f32 / 255.0;
                let st = streak.get_pixel(x, y).0[0] as f32 / 255.0;
                let v = (across * f
                    + 2.5 * ((along + offsets[k] * 10.0) * 0.012).sin()
                    + 7.0 * n
                    + 2.0 * st)
                    .sin();
                let t = (0.5 + 0.5 * v).powf(2.0) * 0.45 + 0.35 * st + 0.2 * n;
                let seam = ((across % plank) < 0.8) as u8 as f32 * 0.35;
                let shade = 1.0 + shades[k] - seam;
                let col = [0, 1, 2].map(|i| (base[i] + (dark[i] - base[i]) * t) * shade);
                Rgb(col.map(|v| v.clamp(0.0, 255.0) as u8))
            })
        }
        4..=6 => {
            // Plain desk / mat with blotches.
            let base = pick(
                rng,
                &[
                    [235.0, 235.0, 232.0],
                    [60.0, 62.0, 66.0],
                    [25.0, 25.0, 28.0],
                    [120.0, 130.0, 140.0],
                    [40.0, 70.0, 60.0],
                    [180.0, 175.0, 165.0],
                ],
            );
            let k = rng.gen_range(0.05..0.2f32);
            RgbImage::from_fn(lw, lh, |x, y| {
                let n = noise.get_pixel(x, y).0[0] as f32 / 255.0 - 0.5;
                Rgb(base.map(|v| (v * (1.0 + k * n)).clamp(0.0, 255.0) as u8))
            })
        }
        7..=8 => {
            // Stone: two colours mixed by noise, with speckles.
            let a = pick(
                rng,
                &[
                    [210.0, 205.0, 198.0],
                    [90.0, 90.0, 95.0],
                    [160.0, 150.0, 140.0],
                ],
            );
            let b = pick(
                rng,
                &[
                    [60.0, 58.0, 60.0],
                    [230.0, 228.0, 225.0],
                    [120.0, 110.0, 100.0],
                ],
            );
            let fine = value_noise(lw, lh, (lw / 10).max(4), 2, rng);
            RgbImage::from_fn(lw, lh, |x, y| {
                let n = noise.get_pixel(x, y).0[0] as f32 / 255.0;
                let s = fine.get_pixel(x, y).0[0] as f32 / 255.0;
                let t = (n * 0.7 + s * 0.3).clamp(0.0, 1.0);
                let t = ((t - 0.5) * 1.6 + 0.5).clamp(0.0, 1.0);
                Rgb([0, 1, 2].map(|i| (a[i] + (b[i] - a[i]) * t).clamp(0.0, 255.0) as u8))
            })
        }
        _ => {
            // Gradient.
            let a = pick(
                rng,
                &[
                    [220.0, 220.0, 225.0],
                    [90.0, 95.0, 110.0],
                    [200.0, 190.0, 170.0],
                ],
            );
            let b = pick(
                rng,
                &[
                    [40.0, 40.0, 45.0],
                    [160.0, 165.0, 170.0],
                    [120.0, 100.0, 80.0],
                ],
            );
            let ang = rng.gen_range(0.0..2.0 * PI);
            let (s, c) = ang.sin_cos();
            RgbImage::from_fn(lw, lh, |x, y| {
                let t = (((x as f32 / lw as f32 - 0.5) * c + (y as f32 / lh as f32 - 0.5) * s)
                    + 0.5)
                    .clamp(0.0, 1.0);
                Rgb([0, 1, 2].map(|i| (a[i] + (b[i] - a[i]) * t).clamp(0.0, 255.0) as u8))
            })
        }
    };
    let up = resize_bilinear(
        low.as_raw(),
        lw as usize,
        lh as usize,
        3,
        w as usize,
        h as usize,
        false,
    );
    RgbImage::from_raw(w, h, up).expect("buffer size matches")
}

fn quarter_turn(rotation: u32, w: f32, h: f32) -> Projection {
    let m = match rotation {
        90 => [0.0, -1.0, h, 1.0, 0.0, 0.0, 0.0, 0.0, 1.0],
        180 => [-1.0, 0.0, w, 0.0, -1.0, h, 0.0, 0.0, 1.0],
        270 => [0.0, 1.0, 0.0, -1.0, 0.0, w, 0.0, 0.0, 1.0],
        _ => [1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0],
    };
    Projection::from_matrix(m).expect("a quarter turn is invertible")
}

/// Applies a clockwise quarter turn (0/90/180/270) to an image.
pub fn rotate_quarter(img: &RgbImage, rotation: u32) -> RgbImage {
    match rotation {
        90 => rotate90(img),
        180 => rotate180(img),
        270 => rotate270(img),
        _ => img.clone(),
    }
}

/// Picks where the document's corners land in a `fw`×`fh` frame.
fn place(doc_w: f32, doc_h: f32, fw: f32, fh: f32, p: &PhotoParams, rng: &mut impl Rng) -> Quad {
    let mut frac = range_f(rng, p.doc_fraction);
    let angle = rng.gen_range(-p.max_rotation_deg..=p.max_rotation_deg) * PI / 180.0;
    let (s, c) = angle.sin_cos();
    let jit: [[f32; 2]; 4] = std::array::from_fn(|_| {
        [
            rng.gen_range(-1.0..=1.0f32) * p.corner_jitter,
            rng.gen_range(-1.0..=1.0f32) * p.corner_jitter,
        ]
    });
    let (ux, uy) = (rng.gen_range(0.0..1.0f32), rng.gen_range(0.0..1.0f32));
    let margin = 0.02 * fw.min(fh);
    for _ in 0..40 {
        let dw = frac * fw;
        let dh = dw * doc_h / doc_w;
        let size = dw.max(dh);
        let corners = [
            [-dw / 2.0, -dh / 2.0],
            [dw / 2.0, -dh / 2.0],
            [dw / 2.0, dh / 2.0],
            [-dw / 2.0, dh / 2.0],
        ];
        let q: Quad = std::array::from_fn(|i| {
            let [x, y] = corners[i];
            [
                x * c - y * s + jit[i][0] * size,
                x * s + y * c + jit[i][1] * size,
            ]
        });
        let b = quad_bounds(&q);
        let (bw, bh) = (b[2] - b[0], b[3] - b[1]);
        if bw + 2.0 * margin <= fw && bh + 2.0 * margin <= fh {
            // Random centre such that the quad stays inside the frame.
            let cx = margin - b[0] + ux * (fw - 2.0 * margin - bw);
            let cy = margin - b[1] + uy * (fh - 2.0 * margin - bh);
            return q.map(|[x, y]| [x + cx, y + cy]);
        }
        frac *= 0.96;
    }
    // Fallback: centred, upright, small.
    let dw = 0.4 * fw;
    let dh = dw * doc_h / doc_w;
    let (x0, y0) = ((fw - dw) / 2.0, (fh - dh) / 2.0);
    [[x0, y0], [x0 + dw, y0], [x0 + dw, y0 + dh], [x0, y0 + dh]]
}

/// Edge lines of a convex quad given clockwise on screen (TL, TR, BR, BL),
/// as unit normals: distance = a·x + b·y + c, positive inside.
fn quad_edges(q: &Quad) -> [[f32; 3]; 4] {
    std::array::from_fn(|i| {
        let [ax, ay] = q[i];
        let [bx, by] = q[(i + 1) % 4];
        let (ex, ey) = (bx - ax, by - ay);
        let len = (ex * ex + ey * ey).sqrt().max(1e-3);
        // cross(e, p - a) / len
        let (na, nb) = (-ey / len, ex / len);
        [na, nb, -(na * ax + nb * ay)]
    })
}

/// Signed distance (pixels, positive inside) to a convex quad: the minimum
/// over its edge lines.
#[inline]
fn edge_distance(edges: &[[f32; 3]; 4], x: f32, y: f32) -> f32 {
    edges
        .iter()
        .map(|e| e[0] * x + e[1] * y + e[2])
        .fold(f32::MAX, f32::min)
}

/// Horizontal span `[x0, x1)` of pixels whose centres may be within
/// `margin` of the inside of the quad on row `y` (clamped to `0..w`).
fn row_span(edges: &[[f32; 3]; 4], y: f32, margin: f32, w: u32) -> (u32, u32) {
    let (mut lo, mut hi) = (f32::MIN, f32::MAX);
    for e in edges {
        // e0*x + e1*y + e2 >= -margin
        let rest = e[1] * y + e[2] + margin;
        if e[0].abs() < 1e-6 {
            if rest < 0.0 {
                return (0, 0);
            }
        } else if e[0] > 0.0 {
            lo = lo.max(-rest / e[0]);
        } else {
            hi = hi.min(-rest / e[0]);
        }
    }
    let x0 = (lo - 0.5).floor().clamp(0.0, w as f32) as u32;
    let x1 = (hi + 0.5).ceil().clamp(0.0, w as f32) as u32;
    (x0, x1.max(x0))
}

/// A glare spot: centre, inverse radii, orientation, peak grey levels.
#[derive(Clone, Copy)]
struct Glare {
    center: (f32, f32),
    inv_radii: (f32, f32),
    sin_cos: (f32, f32),
    strength: f32,
}

impl Glare {
    fn new(center: (f32, f32), radii: (f32, f32), angle: f32, strength: f32) -> Glare {
        Glare {
            center,
            inv_radii: (1.0 / radii.0.max(1.0), 1.0 / radii.1.max(1.0)),
            sin_cos: angle.sin_cos(),
            strength,
        }
    }

    #[inline]
    fn at(&self, x: f32, y: f32) -> f32 {
        let (dx, dy) = (x - self.center.0, y - self.center.1);
        let (s, c) = self.sin_cos;
        let u = (dx * c + dy * s) * self.inv_radii.0;
        let v = (-dx * s + dy * c) * self.inv_radii.1;
        let d2 = u * u + v * v;
        if d2 < 9.0 {
            self.strength * (-d2).exp()
        } else {
            0.0
        }
    }
}

/// Darkens the frame under a soft, offset copy of the quad (drop shadow);
/// pixels deep inside `cover` (the document, drawn later) are skipped.
fn soft_shadow(
    frame: &mut RgbImage,
    quad: &Quad,
    cover: &Quad,
    corner: f32,
    radius: f32,
    strength: f32,
) {
    // Edges pushed in by the corner radius: the shadow is that quad grown by
    // `corner` (a rounded quad), blurred over `radius`.
    let mut edges = quad_edges(quad);
    for e in &mut edges {
        e[2] -= corner;
    }
    let cover = quad_edges(cover);
    let b = quad_bounds(quad);
    let (fw, fh) = (frame.width(), frame.height());
    let y0 = (b[1] - radius).floor().clamp(0.0, fh as f32) as u32;
    let y1 = (b[3] + radius).ceil().clamp(0.0, fh as f32) as u32;
    for y in y0..y1 {
        let yc = y as f32 + 0.5;
        let (x0, x1) = row_span(&edges, yc, radius + corner, fw);
        for x in x0..x1 {
            let xc = x as f32 + 0.5;
            // Deep inside the document (past its rounded corners): covered.
            if edge_distance(&cover, xc, yc) > corner + 2.0 {
                continue;
            }
            let mut inside = f32::MAX;
            let mut out2 = 0.0;
            for e in &edges {
                let d = e[0] * xc + e[1] * yc + e[2];
                inside = inside.min(d);
                if d < 0.0 {
                    out2 += d * d;
                }
            }
            let sd = if inside >= 0.0 { inside } else { -out2.sqrt() } + corner;
            let t = ((sd / radius + 1.0) * 0.5).clamp(0.0, 1.0);
            if t <= 0.0 {
                continue;
            }
            let k = 1.0 - strength * t * t * (3.0 - 2.0 * t);
            let px = frame.get_pixel_mut(x, y);
            for c in 0..3 {
                px.0[c] = (px.0[c] as f32 * k) as u8;
            }
        }
    }
}

/// The 3×3 homography (row-major, h[8] = 1) mapping `src[i]` to `dst[i]`.
fn homography(src: [(f32, f32); 4], dst: [(f32, f32); 4]) -> Option<[f64; 9]> {
    let mut a = [[0.0f64; 9]; 8];
    for i in 0..4 {
        let (x, y) = (src[i].0 as f64, src[i].1 as f64);
        let (u, v) = (dst[i].0 as f64, dst[i].1 as f64);
        a[2 * i] = [x, y, 1.0, 0.0, 0.0, 0.0, -u * x, -u * y, u];
        a[2 * i + 1] = [0.0, 0.0, 0.0, x, y, 1.0, -v * x, -v * y, v];
    }
    // Gaussian elimination with partial pivoting.
    for col in 0..8 {
        let piv = (col..8).max_by(|&p, &q| a[p][col].abs().total_cmp(&a[q][col].abs()))?;
        if a[piv][col].abs() < 1e-12 {
            return None;
        }
        a.swap(col, piv);
        for row in 0..8 {
            if row != col {
                let f = a[row][col] / a[col][col];
                if f != 0.0 {
                    for k in col..9 {
                        a[row][k] -= f * a[col][k];
                    }
                }
            }
        }
    }
    let mut h = [0.0f64; 9];
    for i in 0..8 {
        h[i] = a[i][8] / a[i][i];
    }
    h[8] = 1.0;
    Some(h)
}

fn invert3(m: &[f64; 9]) -> Option<[f64; 9]> {
    let det = m[0] * (m[4] * m[8] - m[5] * m[7]) - m[1] * (m[3] * m[8] - m[5] * m[6])
        + m[2] * (m[3] * m[7] - m[4] * m[6]);
    if det.abs() < 1e-12 {
        return None;
    }
    let d = 1.0 / det;
    Some([
        (m[4] * m[8] - m[5] * m[7]) * d,
        (m[2] * m[7] - m[1] * m[8]) * d,
        (m[1] * m[5] - m[2] * m[4]) * d,
        (m[5] * m[6] - m[3] * m[8]) * d,
        (m[0] * m[8] - m[2] * m[6]) * d,
        (m[2] * m[3] - m[0] * m[5]) * d,
        (m[3] * m[7] - m[4] * m[6]) * d,
        (m[1] * m[6] - m[0] * m[7]) * d,
        (m[0] * m[4] - m[1] * m[3]) * d,
    ])
}

/// Draws `doc` into `frame` where its corners land on `quad`, bilinear and
/// alpha-composited, adding `glare` on the document only.
fn warp_composite(
    frame: &mut RgbImage,
    doc: &RgbaImage,
    inv: &[f64; 9],
    quad: &Quad,
    glare: Option<Glare>,
) {
    let (dw, dh) = (doc.width() as usize, doc.height() as usize);
    // Premultiplied copy.
    let mut pm = doc.as_raw().clone();
    for px in pm.chunks_exact_mut(4) {
        let a = px[3] as u32;
        if a < 255 {
            for c in 0..3 {
                px[c] = (px[c] as u32 * a / 255) as u8;
            }
        }
    }
    // Texel (premultiplied RGBA) or transparent outside the document.
    let fetch = |x: i32, y: i32| -> [u32; 4] {
        if x < 0 || y < 0 || x >= dw as i32 || y >= dh as i32 {
            [0; 4]
        } else {
            let i = (y as usize * dw + x as usize) * 4;
            [
                pm[i] as u32,
                pm[i + 1] as u32,
                pm[i + 2] as u32,
                pm[i + 3] as u32,
            ]
        }
    };
    let edges = quad_edges(quad);
    let b = quad_bounds(quad);
    let (fw, fh) = (frame.width(), frame.height());
    let y0 = b[1].floor().clamp(0.0, fh as f32) as u32;
    let y1 = b[3].ceil().clamp(0.0, fh as f32) as u32;
    let m = inv.map(|v| v as f32);
    let stride = fw as usize * 3;
    let buf: &mut [u8] = frame.as_mut();
    let (dwf, dhf) = (dw as f32, dh as f32);
    for y in y0..y1 {
        let fy = y as f32 + 0.5;
        let (x0, x1) = row_span(&edges, fy, 1.5, fw);
        let row = &mut buf[y as usize * stride..(y as usize + 1) * stride];
        for x in x0..x1 {
            let fx = x as f32 + 0.5;
            let rden = 1.0 / (m[6] * fx + m[7] * fy + m[8]);
            let u = (m[0] * fx + m[1] * fy + m[2]) * rden - 0.5;
            let v = (m[3] * fx + m[4] * fy + m[5]) * rden - 0.5;
            if !(u > -1.0 && v > -1.0 && u < dwf && v < dhf) {
                continue;
            }
            // u, v > -1 here, so truncation after +1 is floor.
            let (iu, iv) = ((u + 1.0) as i32 - 1, (v + 1.0) as i32 - 1);
            let wu = ((u - iu as f32) * 256.0) as i32 as u32;
            let wv = ((v - iv as f32) * 256.0) as i32 as u32;
            let mut s = [0u32; 4];
            if iu >= 0 && iv >= 0 && (iu as usize) + 1 < dw && (iv as usize) + 1 < dh {
                let i = (iv as usize * dw + iu as usize) * 4;
                let j = i + dw * 4;
                let top = &pm[i..i + 8];
                let bot = &pm[j..j + 8];
                for k in 0..4 {
                    let t = top[k] as u32 * (256 - wu) + top[k + 4] as u32 * wu;
                    let b = bot[k] as u32 * (256 - wu) + bot[k + 4] as u32 * wu;
                    s[k] = (t * (256 - wv) + b * wv + 32768) >> 16;
                }
            } else {
                let (a, bq, c, d) = (
                    fetch(iu, iv),
                    fetch(iu + 1, iv),
                    fetch(iu, iv + 1),
                    fetch(iu + 1, iv + 1),
                );
                for k in 0..4 {
                    let t = a[k] * (256 - wu) + bq[k] * wu;
                    let b = c[k] * (256 - wu) + d[k] * wu;
                    s[k] = (t * (256 - wv) + b * wv + 32768) >> 16;
                }
            }
            let alpha = s[3].min(255);
            if alpha == 0 {
                continue;
            }
            let px = &mut row[x as usize * 3..x as usize * 3 + 3];
            match glare {
                None if alpha == 255 => {
                    for k in 0..3 {
                        px[k] = s[k].min(255) as u8;
                    }
                }
                _ => {
                    let g = glare.map_or(0.0, |g| g.at(fx, fy)) * alpha as f32 / 255.0;
                    for k in 0..3 {
                        let under = (px[k] as u32 * (255 - alpha) + 127) / 255;
                        px[k] = ((under + s[k]) as f32 + g).min(255.0) as u8;
                    }
                }
            }
        }
    }
}

/// A phone photo of the document.
pub fn photograph(doc: &RgbaImage, p: &PhotoParams, rng: &mut impl Rng) -> Degraded {
    let (dw, dh) = (doc.width() as f32, doc.height() as f32);
    let long = rng.gen_range(p.long_side.0..=p.long_side.1.max(p.long_side.0));
    let aspect = if rng.gen_bool(0.75) {
        4.0 / 3.0
    } else {
        16.0 / 9.0
    };
    // The frame is held the way the document lies: landscape for a card,
    // portrait for a page.
    let short = (long as f32 / aspect).round() as u32;
    let (fw, fh) = if dh > dw {
        (short, long)
    } else {
        (long, short)
    };
    let (fwf, fhf) = (fw as f32, fh as f32);
    let mut frame = background(fw, fh, rng);

    // Where the document goes.
    let quad = place(dw, dh, fwf, fhf, p, rng);
    let src = [(0.0, 0.0), (dw, 0.0), (dw, dh), (0.0, dh)];
    let dst = quad.map(|[x, y]| (x, y));
    let (h, quad) = match homography(src, dst).and_then(|h| invert3(&h).map(|i| (h, i))) {
        Some(pair) => (pair, quad),
        None => {
            // Degenerate placement (not expected): centred and upright.
            let (x0, y0) = ((fwf - dw) / 2.0, (fhf - dh) / 2.0);
            let h = [1.0, 0.0, x0 as f64, 0.0, 1.0, y0 as f64, 0.0, 0.0, 1.0];
            let i = [1.0, 0.0, -x0 as f64, 0.0, 1.0, -y0 as f64, 0.0, 0.0, 1.0];
            (
                (h, i),
                [[x0, y0], [x0 + dw, y0], [x0 + dw, y0 + dh], [x0, y0 + dh]],
            )
        }
    };
    let (hom, inv) = h;
    let proj = Projection::from_matrix(hom.map(|v| v as f32))
        .unwrap_or_else(|| Projection::translate(0.0, 0.0));

    // Drop shadow, then the document (with glare on it).
    let shadow_r = (0.018 * fwf).max(2.0);
    let (sx, sy) = (
        rng.gen_range(-0.6..0.6f32) * shadow_r,
        rng.gen_range(0.2..0.8f32) * shadow_r,
    );
    let shadow_quad = quad.map(|[x, y]| [x + sx, y + sy]);
    let corner = 0.037 * (quad[1][0] - quad[0][0]).hypot(quad[1][1] - quad[0][1]);
    soft_shadow(
        &mut frame,
        &shadow_quad,
        &quad,
        corner,
        shadow_r,
        rng.gen_range(0.15..0.4),
    );
    let glare = if rng.gen_bool(p.glare_prob) {
        let (u, v) = (rng.gen_range(0.1..0.9f32), rng.gen_range(0.1..0.9f32));
        let rx = rng.gen_range(0.04..0.14f32) * fwf;
        Some(Glare::new(
            proj * (u * dw, v * dh),
            (rx, rx * rng.gen_range(0.3..0.8f32)),
            rng.gen_range(0.0..PI),
            range_f(rng, p.glare_strength),
        ))
    } else {
        None
    };
    warp_composite(&mut frame, doc, &inv, &quad, glare);

    // Optics.
    let sigma = range_f(rng, p.blur_sigma);
    if sigma > 0.05 {
        frame = gaussian_blur(&frame, sigma);
    }

    // Lighting and noise in one pass.
    let diag = (fwf * fwf + fhf * fhf).sqrt();
    let shading = range_f(rng, p.shading);
    let vignette = range_f(rng, p.vignette);
    let ang = rng.gen_range(0.0..2.0 * PI);
    let (gs, gc) = ang.sin_cos();
    let exposure = rng.gen_range(0.9..1.08f32);
    let wb = [
        rng.gen_range(0.95..1.06f32),
        1.0,
        rng.gen_range(0.93..1.05f32),
    ];
    let (vcx, vcy) = (
        fwf * rng.gen_range(0.35..0.65f32),
        fhf * rng.gen_range(0.35..0.65f32),
    );
    let noise_sigma = range_f(rng, p.noise_sigma);
    let chroma = noise_sigma * 0.35;
    let mut pr = PixelRng::new(rng);
    let lin_k = 2.0 * shading / diag;
    let r2_k = vignette * 4.0 / (diag * diag);
    for (y, row) in frame.as_mut().chunks_exact_mut(fw as usize * 3).enumerate() {
        let yf = y as f32;
        let lin_y = (yf - fhf / 2.0) * gs;
        let r2_y = (yf - vcy) * (yf - vcy);
        for (x, px) in row.chunks_exact_mut(3).enumerate() {
            let xf = x as f32;
            let lin = ((xf - fwf / 2.0) * gc + lin_y) * lin_k;
            let r2 = ((xf - vcx) * (xf - vcx) + r2_y) * r2_k;
            let gain = exposure * (1.0 + lin) * (1.0 - r2);
            let n = pixel_noise(pr.next(), noise_sigma, chroma);
            for k in 0..3 {
                px[k] = (px[k] as f32 * gain * wb[k] + n[k]).clamp(0.0, 255.0) as u8;
            }
        }
    }

    let rotation = if rng.gen_bool(p.quarter_turn_prob) {
        [90, 180, 270][rng.gen_range(0..3)]
    } else {
        0
    };
    let image = rotate_quarter(&frame, rotation);
    let transform = quarter_turn(rotation, fwf, fhf) * proj;
    Degraded {
        image,
        transform,
        rotation,
        encoding: Encoding::Jpeg(range_u8(rng, p.jpeg_quality)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::Rgba;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    fn doc() -> RgbaImage {
        RgbaImage::from_fn(200, 126, |x, _| {
            if x < 100 {
                Rgba([250, 10, 10, 255])
            } else {
                Rgba([10, 10, 250, 255])
            }
        })
    }

    #[test]
    fn quarter_turn_maps_like_the_image_rotation() {
        let mut img = RgbImage::new(40, 30);
        img.put_pixel(5, 7, Rgb([255, 0, 0]));
        for rot in [0, 90, 180, 270] {
            let r = rotate_quarter(&img, rot);
            let p = quarter_turn(rot, 40.0, 30.0) * (5.5, 7.5);
            let (x, y) = (p.0.floor() as u32, p.1.floor() as u32);
            assert_eq!(r.get_pixel(x, y).0, [255, 0, 0], "rotation {rot}");
        }
    }

    #[test]
    fn photo_maps_document_points() {
        let d = doc();
        for seed in 0..3 {
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            let out = photograph(&d, &PhotoParams::photo(), &mut rng);
            let long = out.image.width().max(out.image.height());
            assert!((1280..=1600).contains(&long));
            // The centre of the red half is reddish in the output.
            let [x, y] = out.map_point(50.0, 63.0);
            let px = out.image.get_pixel(x as u32, y as u32).0;
            assert!(px[0] > px[2] + 60, "{px:?} rotation {}", out.rotation);
            let [x, y] = out.map_point(150.0, 63.0);
            let px = out.image.get_pixel(x as u32, y as u32).0;
            assert!(px[2] > px[0] + 60, "{px:?}");
        }
    }

    #[test]
    fn uploads_keep_the_document_legible() {
        // A document 1000 pixels wide in a frame of 4000.
        let captured = Degraded {
            image: RgbImage::new(4000, 2000),
            transform: Projection::translate(1500.0, 700.0),
            rotation: 0,
            encoding: Encoding::Png,
        };
        let params = UploadParams {
            png_prob: 0.0,
            jpeg_quality: (60, 90),
            least_document_width: 300,
        };
        let mut rng = ChaCha8Rng::seed_from_u64(5);
        let mut at_the_floor = 0;
        for _ in 0..40 {
            let out = upload(captured.clone(), (1000.0, 630.0), &params, &mut rng);
            let shown = shown_width(&out, (1000.0, 630.0));
            assert!(shown >= 299.5, "{shown}");
            at_the_floor += usize::from(out.image.width() == 1200);
        }
        assert!(at_the_floor >= 2, "{at_the_floor} of 40 at the floor");
    }

    #[test]
    fn upload_resizes_and_maps_points() {
        let d = doc();
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let scanned = scan(&d, &ScanParams::default(), &mut rng);
        let params = UploadParams {
            png_prob: 0.0,
            jpeg_quality: (60, 90),
            least_document_width: 0,
        };
        let mut small = 0;
        for _ in 0..40 {
            let out = upload(scanned.clone(), (200.0, 126.0), &params, &mut rng);
            let w = out.image.width();
            assert!((300..=4000).contains(&w), "{w}");
            small += usize::from(w <= 500);
            assert!(matches!(out.encoding, Encoding::Jpeg(60..=90)));
            let [x, y] = out.map_point(150.0, 63.0);
            let px = out.image.get_pixel(x as u32, y as u32).0;
            assert!(px[2] > px[0] + 60, "{px:?} at width {w}");
        }
        assert!(small >= 2, "{small} small of 40");
    }

    #[test]
    fn scan_keeps_document_upright() {
        let d = doc();
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let out = scan(&d, &ScanParams::default(), &mut rng);
        assert_eq!(out.rotation, 0);
        let [x, y] = out.map_point(10.0, 60.0);
        assert!(out.image.get_pixel(x as u32, y as u32).0[0] > 200);
        let bytes = out.encoding.encode(&out.image).unwrap();
        let back = image::load_from_memory(&bytes).unwrap();
        assert_eq!(back.width(), out.image.width());
    }
}
