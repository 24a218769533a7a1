//! Reading an upload at the size a recognizer reads it at, the stage before
//! locating the document: every kind brings an upload much larger (or, for
//! certificates, smaller) than its view to a size within its range, reads
//! it there, and gives the boxes back in the upload's pixels.

use docrec_ocr::preprocess::fitted_to_long_side;
use image::GrayImage;

/// What a recognizer answers with boxes in it: the same answer with every
/// box's coordinates multiplied by a factor.
pub trait ScaledBoxes {
    fn scaled(self, factor: f32) -> Self;
}

/// Reads `image` with `read`, first brought to a long side within
/// `long_sides` when it is outside ([`fitted_to_long_side`]), and gives the
/// answer's boxes back in `image`'s pixels.
pub(crate) fn read_fitted<T: ScaledBoxes, E>(
    image: &GrayImage,
    long_sides: std::ops::Range<u32>,
    read: impl FnOnce(&GrayImage) -> Result<T, E>,
) -> Result<T, E> {
    match fitted_to_long_side(image, long_sides) {
        Some((fitted, factor)) => read(&fitted).map(|answer| answer.scaled(1.0 / factor)),
        None => read(image),
    }
}
