//! Locating a card in its upload, the first stage of reading a credit card
//! or an ID card.
//!
//! [`card_regions`] takes a grayscale upload and gives the regions of it to
//! read, most likely first: the card's outline as [`find_quad`] traced it,
//! and the whole upload (`None`), in the order the upload's shape makes
//! likely.

use docrec_ocr::detect::find_quad;
use docrec_ocr::Quad;
use image::GrayImage;

use crate::credit_card::CARD_ASPECT;

/// How far an upload's aspect ratio may be from a card's for the upload to
/// count as a crop of the card (scans and cropped photos come within 5%;
/// photos are 4:3 or 16:9, 16% and 12% off).
const CROP_ASPECT_TOLERANCE: f32 = 0.08;

/// The least share of a card-shaped upload an outline must cover to be
/// taken for the card: a card fills its own crop, and a smaller outline
/// in it is a part of the card (the holder's photo, a box of text).
const LEAST_SHARE_OF_CROP: f32 = 0.5;

/// The regions of `image` to read a card in, most likely first: the card's
/// outline (when one was found), then the whole upload; the whole upload
/// first when the upload is itself card-shaped and the outline covers less
/// than half of it. A scanned or cropped card whose edge is faint leaves
/// only a part of the card outlined, and reading that part first costs a
/// reading, both ways up, that shows no card.
pub fn card_regions(image: &GrayImage) -> Vec<Option<Quad>> {
    let Some(outline) = find_quad(image, CARD_ASPECT) else {
        return vec![None];
    };
    if is_a_part_of_the_card(image, &outline) {
        vec![None, Some(outline)]
    } else {
        vec![Some(outline), None]
    }
}

/// Whether `outline`, found in `image`, is a part of the card rather than
/// the card: `image` has a card's shape and the outline covers less than
/// [`LEAST_SHARE_OF_CROP`] of it.
fn is_a_part_of_the_card(image: &GrayImage, outline: &Quad) -> bool {
    let (width, height) = (image.width() as f32, image.height() as f32);
    let aspect = width.max(height) / width.min(height).max(1.0);
    let card_shaped = (aspect / CARD_ASPECT - 1.0).abs() <= CROP_ASPECT_TOLERANCE;
    card_shaped && outline.area() < LEAST_SHARE_OF_CROP * width * height
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quad_of(x: f32, y: f32, width: f32, height: f32) -> Quad {
        Quad::new([
            (x, y),
            (x + width, y),
            (x + width, y + height),
            (x, y + height),
        ])
    }

    #[test]
    fn a_small_outline_in_a_card_shaped_upload_is_a_part_of_the_card() {
        let crop = GrayImage::new(500, 315);
        assert!(is_a_part_of_the_card(
            &crop,
            &quad_of(350.0, 70.0, 100.0, 130.0)
        ));
        assert!(!is_a_part_of_the_card(
            &crop,
            &quad_of(10.0, 8.0, 480.0, 300.0)
        ));
    }

    #[test]
    fn an_outline_in_a_photo_is_taken_for_the_card_whatever_its_size() {
        let photo = GrayImage::new(800, 600);
        assert!(!is_a_part_of_the_card(
            &photo,
            &quad_of(300.0, 250.0, 200.0, 126.0)
        ));
        let portrait = GrayImage::new(600, 800);
        assert!(!is_a_part_of_the_card(
            &portrait,
            &quad_of(200.0, 300.0, 200.0, 126.0)
        ));
    }

    #[test]
    fn a_blank_upload_is_read_whole() {
        assert_eq!(
            card_regions(&GrayImage::from_pixel(320, 200, image::Luma([255]))),
            vec![None]
        );
    }
}
