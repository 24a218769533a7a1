//! Low-level drawing: coverage masks (text, shapes), blending, gradients.
//!
//! Takes: fonts, positions and colours from the document renderers.
//! Gives: [`Mask`]s (anti-aliased coverage in 0..=1 over a bounding box) and
//! functions that blend a mask or a per-pixel colour into an [`RgbImage`].
//! Everything is deterministic and single-threaded.

// Pixel code indexes colour channels of several arrays in step.
#![allow(clippy::needless_range_loop)]

use ab_glyph::{Font, FontArc, PxScale, ScaleFont};
use image::RgbImage;

/// An RGB colour with f32 channels in 0..=255.
pub type Rgbf = [f32; 3];

pub fn rgb(r: u8, g: u8, b: u8) -> Rgbf {
    [r as f32, g as f32, b as f32]
}

pub fn mix(a: Rgbf, b: Rgbf, t: f32) -> Rgbf {
    [
        a[0] + (b[0] - a[0]) * t,
        a[1] + (b[1] - a[1]) * t,
        a[2] + (b[2] - a[2]) * t,
    ]
}

/// Relative luminance-ish brightness, 0..=255.
pub fn luma(c: Rgbf) -> f32 {
    0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2]
}

/// Blends `color` over the pixel at (x, y) with opacity `a` (0..=1); ignores
/// pixels outside the image.
#[inline]
pub fn blend_px(img: &mut RgbImage, x: i32, y: i32, color: Rgbf, a: f32) {
    if a <= 0.0 || x < 0 || y < 0 || x >= img.width() as i32 || y >= img.height() as i32 {
        return;
    }
    let a = a.min(1.0);
    let p = img.get_pixel_mut(x as u32, y as u32);
    for c in 0..3 {
        let v = p.0[c] as f32 * (1.0 - a) + color[c] * a + 0.5;
        p.0[c] = v.clamp(0.0, 255.0) as u8;
    }
}

/// An anti-aliased coverage mask placed at (x0, y0) in canvas coordinates.
#[derive(Debug, Clone)]
pub struct Mask {
    pub x0: i32,
    pub y0: i32,
    pub w: usize,
    pub h: usize,
    pub data: Vec<f32>,
}

/// A glyph to place: character, pen x, baseline y.
#[derive(Debug, Clone, Copy)]
pub struct Placed {
    pub ch: char,
    pub x: f32,
    pub baseline: f32,
}

/// An axis-aligned box in canvas pixels: (x0, y0, x1, y1).
pub type BoxF = [f32; 4];

pub fn union_box(a: Option<BoxF>, b: BoxF) -> BoxF {
    match a {
        None => b,
        Some(a) => [
            a[0].min(b[0]),
            a[1].min(b[1]),
            a[2].max(b[2]),
            a[3].max(b[3]),
        ],
    }
}

impl Mask {
    pub fn empty(x0: i32, y0: i32, w: usize, h: usize) -> Mask {
        Mask {
            x0,
            y0,
            w,
            h,
            data: vec![0.0; w * h],
        }
    }

    /// Coverage at integer canvas coordinates (0 outside).
    #[inline]
    pub fn at(&self, x: i32, y: i32) -> f32 {
        let (lx, ly) = (x - self.x0, y - self.y0);
        if lx < 0 || ly < 0 || lx >= self.w as i32 || ly >= self.h as i32 {
            0.0
        } else {
            self.data[ly as usize * self.w + lx as usize]
        }
    }

    /// Bilinear coverage at fractional canvas coordinates.
    #[inline]
    pub fn sample(&self, x: f32, y: f32) -> f32 {
        // Floor without a libm call (coordinates are far above -1e6).
        let ix = (x + 1e6) as i32 - 1_000_000;
        let iy = (y + 1e6) as i32 - 1_000_000;
        let (tx, ty) = (x - ix as f32, y - iy as f32);
        let a = self.at(ix, iy);
        let b = self.at(ix + 1, iy);
        let c = self.at(ix, iy + 1);
        let d = self.at(ix + 1, iy + 1);
        (a * (1.0 - tx) + b * tx) * (1.0 - ty) + (c * (1.0 - tx) + d * tx) * ty
    }

    /// Rasterises glyphs into a mask; also returns the tight box of each glyph.
    pub fn text(font: &FontArc, scale: PxScale, glyphs: &[Placed]) -> (Mask, Vec<BoxF>) {
        let mut outlined = Vec::with_capacity(glyphs.len());
        let mut boxes = Vec::with_capacity(glyphs.len());
        let mut total: Option<BoxF> = None;
        for g in glyphs {
            debug_assert!(
                g.ch.is_whitespace() || crate::fonts::draws(font, g.ch),
                "the face does not draw {:?} (.notdef or blank)",
                g.ch
            );
            let glyph = font
                .glyph_id(g.ch)
                .with_scale_and_position(scale, ab_glyph::point(g.x, g.baseline));
            if let Some(o) = font.outline_glyph(glyph) {
                let b = o.px_bounds();
                let bx = [b.min.x, b.min.y, b.max.x, b.max.y];
                total = Some(union_box(total, bx));
                boxes.push(bx);
                outlined.push(o);
            } else {
                boxes.push([g.x, g.baseline, g.x, g.baseline]);
            }
        }
        let Some(t) = total else {
            return (Mask::empty(0, 0, 0, 0), boxes);
        };
        let x0 = t[0].floor() as i32 - 1;
        let y0 = t[1].floor() as i32 - 1;
        let w = (t[2].ceil() as i32 - x0 + 2).max(1) as usize;
        let h = (t[3].ceil() as i32 - y0 + 2).max(1) as usize;
        let mut m = Mask::empty(x0, y0, w, h);
        for o in outlined {
            let b = o.px_bounds();
            let ox = b.min.x as i32 - x0;
            let oy = b.min.y as i32 - y0;
            o.draw(|gx, gy, v| {
                let x = ox + gx as i32;
                let y = oy + gy as i32;
                if x >= 0 && y >= 0 && (x as usize) < w && (y as usize) < h {
                    let cell = &mut m.data[y as usize * w + x as usize];
                    *cell = (*cell + v).min(1.0);
                }
            });
        }
        (m, boxes)
    }

    /// Grows the strokes by `r` pixels (separable max filter), then the
    /// result is slightly softened; used to make thin fonts look embossed.
    pub fn dilate(&self, r: usize) -> Mask {
        if r == 0 {
            return self.clone();
        }
        let (w, h) = (self.w + 2 * r, self.h + 2 * r);
        let mut grown = Mask::empty(self.x0 - r as i32, self.y0 - r as i32, w, h);
        for y in 0..self.h {
            for x in 0..self.w {
                grown.data[(y + r) * w + x + r] = self.data[y * self.w + x];
            }
        }
        let mut tmp = vec![0.0f32; w * h];
        for y in 0..h {
            for x in 0..w {
                let lo = x.saturating_sub(r);
                let hi = (x + r).min(w - 1);
                let row = &grown.data[y * w..(y + 1) * w];
                tmp[y * w + x] = row[lo..=hi].iter().cloned().fold(0.0, f32::max);
            }
        }
        for y in 0..h {
            let lo = y.saturating_sub(r);
            let hi = (y + r).min(h - 1);
            for x in 0..w {
                let mut m = 0.0f32;
                for yy in lo..=hi {
                    m = m.max(tmp[yy * w + x]);
                }
                grown.data[y * w + x] = m;
            }
        }
        grown
    }

    /// 3x3 box blur (one pass), growing the mask by one pixel.
    pub fn soften(&self) -> Mask {
        let (w, h) = (self.w + 2, self.h + 2);
        let mut out = Mask::empty(self.x0 - 1, self.y0 - 1, w, h);
        for y in 0..h as i32 {
            for x in 0..w as i32 {
                let cx = out.x0 + x;
                let cy = out.y0 + y;
                let mut s = 0.0;
                for dy in -1..=1 {
                    for dx in -1..=1 {
                        s += self.at(cx + dx, cy + dy);
                    }
                }
                out.data[y as usize * w + x as usize] = s / 9.0;
            }
        }
        out
    }

    /// Blends the mask shifted by (dx, dy) into `img`; the colour of each
    /// pixel comes from `color(x, y, current colour)`, the opacity is
    /// coverage × `opacity`.
    pub fn paint_with(
        &self,
        img: &mut RgbImage,
        dx: f32,
        dy: f32,
        opacity: f32,
        color: impl Fn(i32, i32, Rgbf) -> Rgbf,
    ) {
        if self.w == 0 {
            return;
        }
        let x_lo = (self.x0 as f32 + dx).floor() as i32 - 1;
        let y_lo = (self.y0 as f32 + dy).floor() as i32 - 1;
        let x_hi = x_lo + self.w as i32 + 3;
        let y_hi = y_lo + self.h as i32 + 3;
        let integral = dx.fract() == 0.0 && dy.fract() == 0.0;
        for y in y_lo.max(0)..y_hi.min(img.height() as i32) {
            for x in x_lo.max(0)..x_hi.min(img.width() as i32) {
                let cov = if integral {
                    self.at(x - dx as i32, y - dy as i32)
                } else {
                    self.sample(x as f32 - dx, y as f32 - dy)
                };
                if cov > 0.002 {
                    let old = img.get_pixel(x as u32, y as u32).0;
                    let old = [old[0] as f32, old[1] as f32, old[2] as f32];
                    blend_px(img, x, y, color(x, y, old), cov * opacity);
                }
            }
        }
    }

    /// [`Mask::paint_with`] with one colour.
    pub fn paint(&self, img: &mut RgbImage, dx: f32, dy: f32, opacity: f32, color: Rgbf) {
        self.paint_with(img, dx, dy, opacity, |_, _, _| color);
    }
}

/// Lays out a line of text with the font's advances and kerning, plus
/// `tracking` extra pixels between characters. Returns the glyphs and the
/// advance width.
pub fn layout_line(
    font: &FontArc,
    scale: PxScale,
    text: &str,
    x: f32,
    baseline: f32,
    tracking: f32,
) -> (Vec<Placed>, f32) {
    let sf = font.as_scaled(scale);
    let mut pen = x;
    let mut prev = None;
    let mut out = Vec::new();
    for ch in text.chars() {
        let id = sf.glyph_id(ch);
        if let Some(p) = prev {
            pen += sf.kern(p, id);
        }
        out.push(Placed {
            ch,
            x: pen,
            baseline,
        });
        pen += sf.h_advance(id) + tracking;
        prev = Some(id);
    }
    (out, pen - tracking - x)
}

/// Draws `text` at pixel size `size` with its baseline at `(x, baseline)`
/// in `color`; gives the advance width and the box of the ink.
pub fn paint_text(
    page: &mut RgbImage,
    font: &FontArc,
    size: f32,
    text: &str,
    x: f32,
    baseline: f32,
    color: Rgbf,
) -> (f32, BoxF) {
    let scale = PxScale::from(size);
    let (glyphs, width) = layout_line(font, scale, text, x, baseline, 0.0);
    let (mask, boxes) = Mask::text(font, scale, &glyphs);
    mask.paint(page, 0.0, 0.0, 0.95, color);
    let ink = boxes
        .into_iter()
        .fold(None, |total, b| Some(union_box(total, b)))
        .unwrap_or([x, baseline, x, baseline]);
    (width, ink)
}

/// Advance width of a single character at a scale.
pub fn advance(font: &FontArc, scale: PxScale, ch: char) -> f32 {
    let sf = font.as_scaled(scale);
    sf.h_advance(sf.glyph_id(ch))
}

/// Fills a rounded rectangle with anti-aliased edges, colour per pixel.
pub fn fill_rounded_rect(
    img: &mut RgbImage,
    rect: BoxF,
    radius: f32,
    opacity: f32,
    color: impl Fn(i32, i32) -> Rgbf,
) {
    let [x0, y0, x1, y1] = rect;
    let r = radius.min((x1 - x0) / 2.0).min((y1 - y0) / 2.0).max(0.0);
    for y in (y0.floor() as i32).max(0)..(y1.ceil() as i32).min(img.height() as i32) {
        for x in (x0.floor() as i32).max(0)..(x1.ceil() as i32).min(img.width() as i32) {
            let cov = rounded_rect_coverage(x as f32 + 0.5, y as f32 + 0.5, rect, r);
            if cov > 0.0 {
                blend_px(img, x, y, color(x, y), cov * opacity);
            }
        }
    }
}

/// Coverage (0..=1, one-pixel anti-aliasing) of a point by a rounded rectangle.
#[inline]
pub fn rounded_rect_coverage(px: f32, py: f32, rect: BoxF, r: f32) -> f32 {
    let [x0, y0, x1, y1] = rect;
    let cx = px.clamp(x0 + r, x1 - r);
    let cy = py.clamp(y0 + r, y1 - r);
    let (dx, dy) = (px - cx, py - cy);
    // Signed distance to the edge, negative inside.
    let d = if dx == 0.0 && dy == 0.0 {
        -((px - x0).min(x1 - px).min(py - y0).min(y1 - py))
    } else {
        (dx * dx + dy * dy).sqrt() - r
    };
    (0.5 - d).clamp(0.0, 1.0)
}

/// Fills an ellipse (centre, radii, rotation in radians) with soft edges.
pub fn fill_ellipse(
    img: &mut RgbImage,
    center: (f32, f32),
    radii: (f32, f32),
    angle: f32,
    opacity: f32,
    color: Rgbf,
) {
    let (cx, cy) = center;
    let (rx, ry) = (radii.0.max(0.5), radii.1.max(0.5));
    let rmax = rx.max(ry) + 1.0;
    let (s, c) = angle.sin_cos();
    for y in
        ((cy - rmax).floor() as i32).max(0)..((cy + rmax).ceil() as i32).min(img.height() as i32)
    {
        for x in
            ((cx - rmax).floor() as i32).max(0)..((cx + rmax).ceil() as i32).min(img.width() as i32)
        {
            let (dx, dy) = (x as f32 + 0.5 - cx, y as f32 + 0.5 - cy);
            let u = (dx * c + dy * s) / rx;
            let v = (-dx * s + dy * c) / ry;
            let rr = (u * u + v * v).sqrt();
            // Approximate distance to the edge in pixels.
            let d = (rr - 1.0) * rx.min(ry);
            let cov = (0.5 - d).clamp(0.0, 1.0);
            if cov > 0.0 {
                blend_px(img, x, y, color, cov * opacity);
            }
        }
    }
}

/// Fills a convex polygon (anti-aliased by 4x4 supersampling on the edges).
pub fn fill_polygon(img: &mut RgbImage, pts: &[(f32, f32)], opacity: f32, color: Rgbf) {
    if pts.len() < 3 {
        return;
    }
    let inside = |x: f32, y: f32| -> bool {
        let mut sign = 0i32;
        for i in 0..pts.len() {
            let (ax, ay) = pts[i];
            let (bx, by) = pts[(i + 1) % pts.len()];
            let cross = (bx - ax) * (y - ay) - (by - ay) * (x - ax);
            let s = if cross > 0.0 { 1 } else { -1 };
            if sign == 0 {
                sign = s;
            } else if s != sign {
                return false;
            }
        }
        true
    };
    let xs = pts.iter().map(|p| p.0);
    let ys = pts.iter().map(|p| p.1);
    let x0 = xs.clone().fold(f32::MAX, f32::min).floor().max(0.0) as i32;
    let x1 = xs.fold(f32::MIN, f32::max).ceil().min(img.width() as f32) as i32;
    let y0 = ys.clone().fold(f32::MAX, f32::min).floor().max(0.0) as i32;
    let y1 = ys.fold(f32::MIN, f32::max).ceil().min(img.height() as f32) as i32;
    for y in y0..y1 {
        for x in x0..x1 {
            let mut n = 0;
            for sy in 0..4 {
                for sx in 0..4 {
                    if inside(
                        x as f32 + (sx as f32 + 0.5) / 4.0,
                        y as f32 + (sy as f32 + 0.5) / 4.0,
                    ) {
                        n += 1;
                    }
                }
            }
            if n > 0 {
                blend_px(img, x, y, color, opacity * n as f32 / 16.0);
            }
        }
    }
}

/// Draws a ring arc: radius `r`, thickness `t`, angles `(from, to)` in
/// radians (from +x, clockwise since y grows down).
pub fn stroke_arc(
    img: &mut RgbImage,
    center: (f32, f32),
    r: f32,
    t: f32,
    (a0, a1): (f32, f32),
    opacity: f32,
    color: Rgbf,
) {
    let (cx, cy) = center;
    let rmax = r + t;
    for y in
        ((cy - rmax).floor() as i32).max(0)..((cy + rmax).ceil() as i32).min(img.height() as i32)
    {
        for x in
            ((cx - rmax).floor() as i32).max(0)..((cx + rmax).ceil() as i32).min(img.width() as i32)
        {
            let (dx, dy) = (x as f32 + 0.5 - cx, y as f32 + 0.5 - cy);
            let a = dy.atan2(dx);
            if a < a0 || a > a1 {
                continue;
            }
            let d = ((dx * dx + dy * dy).sqrt() - r).abs() - t / 2.0;
            let cov = (0.5 - d).clamp(0.0, 1.0);
            if cov > 0.0 {
                blend_px(img, x, y, color, cov * opacity);
            }
        }
    }
}

/// Fills the whole image with a linear two-colour gradient along `angle`.
pub fn fill_linear_gradient(img: &mut RgbImage, a: Rgbf, b: Rgbf, angle: f32) {
    let (w, h) = (img.width() as f32, img.height() as f32);
    let (s, c) = angle.sin_cos();
    let half = (w * c.abs() + h * s.abs()) / 2.0;
    for (x, y, p) in img.enumerate_pixels_mut() {
        let t = ((x as f32 - w / 2.0) * c + (y as f32 - h / 2.0) * s) / (2.0 * half) + 0.5;
        let col = mix(a, b, t.clamp(0.0, 1.0));
        p.0 = [col[0] as u8, col[1] as u8, col[2] as u8];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounded_rect_coverage_inside_outside() {
        let r = [10.0, 10.0, 110.0, 70.0];
        assert_eq!(rounded_rect_coverage(60.0, 40.0, r, 8.0), 1.0);
        assert_eq!(rounded_rect_coverage(5.0, 40.0, r, 8.0), 0.0);
        // The very corner is cut off by the radius.
        assert_eq!(rounded_rect_coverage(10.5, 10.5, r, 8.0), 0.0);
    }

    #[test]
    fn text_mask_has_ink() {
        let font = crate::fonts::load(crate::fonts::Face::DejaVuSansMonoBold).unwrap();
        let (glyphs, w) = layout_line(&font, PxScale::from(40.0), "4111", 5.0, 40.0, 0.0);
        assert!(w > 60.0);
        let (m, boxes) = Mask::text(&font, PxScale::from(40.0), &glyphs);
        assert_eq!(boxes.len(), 4);
        assert!(m.data.iter().sum::<f32>() > 100.0);
        let d = m.dilate(1);
        assert!(d.data.iter().sum::<f32>() > m.data.iter().sum::<f32>());
    }
}
