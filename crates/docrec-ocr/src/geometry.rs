//! Boxes: axis-aligned rectangles in one image's pixels, and quadrilaterals
//! (four corners, clockwise from top-left) as the API reports them.

/// An axis-aligned rectangle, `x`/`y` its top-left corner.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Rect {
    pub x: i32,
    pub y: i32,
    pub width: u32,
    pub height: u32,
}

impl Rect {
    pub fn new(x: i32, y: i32, width: u32, height: u32) -> Rect {
        Rect {
            x,
            y,
            width,
            height,
        }
    }

    pub fn right(&self) -> i32 {
        self.x + self.width as i32
    }

    pub fn bottom(&self) -> i32 {
        self.y + self.height as i32
    }

    pub fn center_y(&self) -> f32 {
        self.y as f32 + self.height as f32 / 2.0
    }

    /// The smallest rectangle holding both.
    pub fn union(&self, other: &Rect) -> Rect {
        let x = self.x.min(other.x);
        let y = self.y.min(other.y);
        let right = self.right().max(other.right());
        let bottom = self.bottom().max(other.bottom());
        Rect::new(x, y, (right - x) as u32, (bottom - y) as u32)
    }

    /// Grows the rectangle by `dx`/`dy` on each side and clips it to
    /// `width` × `height`.
    pub fn padded_within(&self, dx: i32, dy: i32, width: u32, height: u32) -> Rect {
        let x = (self.x - dx).max(0);
        let y = (self.y - dy).max(0);
        let right = (self.right() + dx).min(width as i32);
        let bottom = (self.bottom() + dy).min(height as i32);
        Rect::new(x, y, (right - x).max(0) as u32, (bottom - y).max(0) as u32)
    }

    /// Moves the rectangle by (`dx`, `dy`) and scales it by `1 / scale`:
    /// maps a box found in a cropped, scaled copy back to its source.
    pub fn from_crop(&self, crop_x: i32, crop_y: i32, scale: f32) -> Rect {
        Rect::new(
            crop_x + (self.x as f32 / scale).round() as i32,
            crop_y + (self.y as f32 / scale).round() as i32,
            (self.width as f32 / scale).round() as u32,
            (self.height as f32 / scale).round() as u32,
        )
    }

    /// The four corners, clockwise from top-left.
    pub fn to_quad(&self) -> Quad {
        let (x0, y0) = (self.x as f32, self.y as f32);
        let (x1, y1) = (self.right() as f32, self.bottom() as f32);
        Quad::new([(x0, y0), (x1, y0), (x1, y1), (x0, y1)])
    }
}

/// Four corners clockwise from top-left, in floating-point pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Quad {
    pub corners: [(f32, f32); 4],
}

impl Quad {
    pub fn new(corners: [(f32, f32); 4]) -> Quad {
        Quad { corners }
    }

    /// The corners rounded to whole pixels, as `[x1, y1, …, x4, y4]`.
    pub fn to_pixels(&self) -> [i32; 8] {
        let mut out = [0; 8];
        for (i, (x, y)) in self.corners.iter().enumerate() {
            out[2 * i] = x.round() as i32;
            out[2 * i + 1] = y.round() as i32;
        }
        out
    }

    /// The area (shoelace formula), whatever the winding.
    pub fn area(&self) -> f32 {
        let c = &self.corners;
        let mut twice = 0.0;
        for i in 0..4 {
            let (x0, y0) = c[i];
            let (x1, y1) = c[(i + 1) % 4];
            twice += x0 * y1 - x1 * y0;
        }
        twice.abs() / 2.0
    }

    /// The quadrilateral with every coordinate multiplied by `factor`: a box
    /// found in a scaled copy of an image, in the image's own pixels.
    pub fn scaled(&self, factor: f32) -> Quad {
        Quad::new(self.corners.map(|(x, y)| (x * factor, y * factor)))
    }

    /// The length of side `i` (from corner `i` to corner `i + 1`).
    pub fn side(&self, i: usize) -> f32 {
        let (x0, y0) = self.corners[i % 4];
        let (x1, y1) = self.corners[(i + 1) % 4];
        ((x1 - x0).powi(2) + (y1 - y0).powi(2)).sqrt()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rect_union_and_padding() {
        let a = Rect::new(10, 10, 10, 10);
        let b = Rect::new(30, 5, 5, 5);
        assert_eq!(a.union(&b), Rect::new(10, 5, 25, 15));
        assert_eq!(a.padded_within(15, 2, 100, 21), Rect::new(0, 8, 35, 13));
    }

    #[test]
    fn rect_from_crop_undoes_a_crop_and_scale() {
        let in_crop = Rect::new(20, 40, 100, 60);
        assert_eq!(in_crop.from_crop(5, 7, 2.0), Rect::new(15, 27, 50, 30));
    }

    #[test]
    fn quad_area_and_sides() {
        let q = Rect::new(0, 0, 4, 3).to_quad();
        assert_eq!(q.area(), 12.0);
        assert_eq!(q.side(0), 4.0);
        assert_eq!(q.side(1), 3.0);
        assert_eq!(q.to_pixels(), [0, 0, 4, 0, 4, 3, 0, 3]);
        assert_eq!(q.scaled(0.5).to_pixels(), [0, 0, 2, 0, 2, 2, 0, 2]);
    }
}
