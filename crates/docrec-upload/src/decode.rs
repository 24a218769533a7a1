//! Bounded decoding: type check, header dimensions, memory limits, EXIF orientation.

use std::io::Cursor;

use image::metadata::Orientation;
use image::{DynamicImage, ImageBuffer, ImageDecoder, ImageError, ImageReader};

use crate::{sniff, FileType, UploadError, UploadLimits};

/// An upright image, ready for recognition.
#[derive(Debug, Clone)]
pub struct DecodedImage {
    /// The pixels, with the EXIF orientation already applied.
    pub image: DynamicImage,
    /// The type sniffed from the bytes.
    pub file_type: FileType,
    /// Width after orientation (what boxes are measured against).
    pub width: u32,
    /// Height after orientation.
    pub height: u32,
}

/// The sniffed type of `bytes` if it is one of `allowed`, else
/// [`UploadError::InvalidType`] (also for bytes of no known type).
///
/// A caller that accepts PDF calls this first and routes [`FileType::Pdf`]
/// to the PDF reader; [`decode_image`] decodes raster types only.
pub fn check_type(bytes: &[u8], allowed: &[FileType]) -> Result<FileType, UploadError> {
    match sniff(bytes) {
        Some(file_type) if allowed.contains(&file_type) => Ok(file_type),
        _ => Err(UploadError::InvalidType),
    }
}

/// Decodes an uploaded image safely.
///
/// 1. The sniffed type must be in `allowed` and be a raster type this build
///    decodes (JPEG, PNG, TIFF; see [`FileType::is_raster`]), else
///    [`UploadError::InvalidType`]. So PDF, GIF, BMP and WebP are
///    `InvalidType` here even when listed in `allowed`.
/// 2. The dimensions are read from the header before any pixel is decoded
///    (for PNG straight from the IHDR chunk, before a decoder exists);
///    a side over `max_side`, more than `max_pixels` pixels, or an output
///    buffer over `max_pixels × 8` bytes is [`UploadError::TooManyPixels`].
/// 3. The image is decoded with `image`'s [`image::Limits`] set to the same
///    bounds (`max_image_width`/`height` and `max_alloc`); a PNG is decoded
///    by `png` to 8 bits per channel as its rows are read.
/// 4. The EXIF orientation is applied, so `width`/`height` are those of the
///    upright image. An unreadable EXIF block is ignored (the image is kept
///    as stored) rather than failing the upload.
///
/// Bytes of an accepted type that do not decode (truncated, corrupt, zero
/// width) are [`UploadError::Undecodable`]. A JPEG counts as truncated when
/// its markers do not run from SOI to EOI (the decoder itself would accept
/// it and fill the missing rows with grey).
pub fn decode_image(
    bytes: &[u8],
    allowed: &[FileType],
    limits: &UploadLimits,
) -> Result<DecodedImage, UploadError> {
    if bytes.is_empty() {
        return Err(UploadError::Empty);
    }
    let file_type = check_type(bytes, allowed)?;
    let format = file_type.image_format().ok_or(UploadError::InvalidType)?;

    match file_type {
        FileType::Png => {
            let (width, height) = png_header_dimensions(bytes).ok_or(UploadError::Undecodable)?;
            check_dimensions(width, height, limits)?;
            return decode_png(bytes, limits);
        }
        // The JPEG decoder is lenient and fills a truncated scan with grey,
        // so a cut-off upload is caught here from its marker structure.
        FileType::Jpeg if !crate::jpeg::is_complete(bytes) => return Err(UploadError::Undecodable),
        _ => {}
    }

    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    reader.limits(image_limits(limits));
    let mut decoder = reader.into_decoder().map_err(from_image_error)?;
    let (width, height) = decoder.dimensions();
    check_dimensions(width, height, limits)?;
    if decoder.total_bytes() > limits.max_alloc() {
        return Err(UploadError::TooManyPixels);
    }
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);

    let mut image = DynamicImage::from_decoder(decoder).map_err(from_image_error)?;
    image.apply_orientation(orientation);
    Ok(DecodedImage {
        width: image.width(),
        height: image.height(),
        image,
        file_type,
    })
}

/// A PNG decoded by `png` straight to 8 bits per channel (palettes and
/// low bit depths expanded, 16-bit samples stripped as rows are read), so
/// that a 16-bit upload takes no more memory than an 8-bit one; its
/// dimensions were checked from the header.
fn decode_png(bytes: &[u8], limits: &UploadLimits) -> Result<DecodedImage, UploadError> {
    let decoder_limits = png::Limits {
        bytes: usize::try_from(limits.max_alloc()).unwrap_or(usize::MAX),
    };
    let mut decoder = png::Decoder::new_with_limits(Cursor::new(bytes), decoder_limits);
    decoder.set_transformations(png::Transformations::normalize_to_color8());
    let mut reader = decoder.read_info().map_err(from_png_error)?;
    let (width, height) = (reader.info().width, reader.info().height);
    let orientation = reader
        .info()
        .exif_metadata
        .as_deref()
        .and_then(Orientation::from_exif_chunk)
        .unwrap_or(Orientation::NoTransforms);
    let size = reader
        .output_buffer_size()
        .ok_or(UploadError::TooManyPixels)?;
    let mut pixels = vec![0; size];
    let frame = reader.next_frame(&mut pixels).map_err(from_png_error)?;
    pixels.truncate(frame.buffer_size());
    let image = match frame.color_type {
        png::ColorType::Grayscale => {
            ImageBuffer::from_raw(width, height, pixels).map(DynamicImage::ImageLuma8)
        }
        png::ColorType::GrayscaleAlpha => {
            ImageBuffer::from_raw(width, height, pixels).map(DynamicImage::ImageLumaA8)
        }
        png::ColorType::Rgb => {
            ImageBuffer::from_raw(width, height, pixels).map(DynamicImage::ImageRgb8)
        }
        png::ColorType::Rgba => {
            ImageBuffer::from_raw(width, height, pixels).map(DynamicImage::ImageRgba8)
        }
        // Expanded by `normalize_to_color8`.
        png::ColorType::Indexed => None,
    };
    let mut image = image.ok_or(UploadError::Undecodable)?;
    image.apply_orientation(orientation);
    Ok(DecodedImage {
        width: image.width(),
        height: image.height(),
        image,
        file_type: FileType::Png,
    })
}

fn from_png_error(error: png::DecodingError) -> UploadError {
    match error {
        png::DecodingError::LimitsExceeded => UploadError::TooManyPixels,
        _ => UploadError::Undecodable,
    }
}

/// Refuses a zero side ([`UploadError::Undecodable`]) or dimensions over the limits.
fn check_dimensions(width: u32, height: u32, limits: &UploadLimits) -> Result<(), UploadError> {
    if width == 0 || height == 0 {
        return Err(UploadError::Undecodable);
    }
    if width > limits.max_side
        || height > limits.max_side
        || u64::from(width) * u64::from(height) > limits.max_pixels
    {
        return Err(UploadError::TooManyPixels);
    }
    Ok(())
}

/// `image`'s limits for our bounds: both sides and the total allocation.
fn image_limits(limits: &UploadLimits) -> image::Limits {
    // `image::Limits` is non-exhaustive: start from its defaults.
    let mut image_limits = image::Limits::default();
    image_limits.max_image_width = Some(limits.max_side);
    image_limits.max_image_height = Some(limits.max_side);
    image_limits.max_alloc = Some(limits.max_alloc());
    image_limits
}

fn from_image_error(error: ImageError) -> UploadError {
    match error {
        ImageError::Limits(_) => UploadError::TooManyPixels,
        _ => UploadError::Undecodable,
    }
}

/// Width and height from a PNG's IHDR chunk, which the format requires to be
/// the first chunk: signature (8) + length (4) + `IHDR` (4) + width (4) + height (4).
fn png_header_dimensions(bytes: &[u8]) -> Option<(u32, u32)> {
    let ihdr = bytes.get(8..24)?;
    if &ihdr[4..8] != b"IHDR" {
        return None;
    }
    let width = u32::from_be_bytes(ihdr[8..12].try_into().ok()?);
    let height = u32::from_be_bytes(ihdr[12..16].try_into().ok()?);
    Some((width, height))
}

#[cfg(test)]
pub(crate) mod tests {
    use image::codecs::jpeg::JpegEncoder;
    use image::{ImageFormat, Rgb, RgbImage};

    use super::*;

    const RASTER: &[FileType] = &[FileType::Jpeg, FileType::Png];

    /// 48×24: the left half red, the right half blue.
    fn two_halves() -> RgbImage {
        RgbImage::from_fn(48, 24, |x, _| {
            if x < 24 {
                Rgb([255, 0, 0])
            } else {
                Rgb([0, 0, 255])
            }
        })
    }

    fn encode_png(image: &RgbImage) -> Vec<u8> {
        let mut out = Cursor::new(Vec::new());
        image.write_to(&mut out, ImageFormat::Png).unwrap();
        out.into_inner()
    }

    fn encode_jpeg(image: &RgbImage) -> Vec<u8> {
        let mut out = Vec::new();
        JpegEncoder::new_with_quality(&mut out, 95)
            .encode_image(image)
            .unwrap();
        out
    }

    /// A PNG whose IHDR claims `width`×`height`, with no pixel data at all.
    pub(crate) fn png_bomb(width: u32, height: u32) -> Vec<u8> {
        let mut ihdr = b"IHDR".to_vec();
        ihdr.extend_from_slice(&width.to_be_bytes());
        ihdr.extend_from_slice(&height.to_be_bytes());
        ihdr.extend_from_slice(&[8, 2, 0, 0, 0]); // 8-bit RGB, deflate, no filter, no interlace
        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        png.extend_from_slice(&13u32.to_be_bytes());
        png.extend_from_slice(&ihdr);
        png.extend_from_slice(&crc32fast::hash(&ihdr).to_be_bytes());
        png
    }

    /// An APP1 segment holding EXIF with a single Orientation tag
    /// (0x0112, SHORT) in a big-endian TIFF structure.
    fn exif_app1(orientation: u16) -> Vec<u8> {
        let mut tiff = Vec::new();
        tiff.extend_from_slice(b"MM\0\x2A"); // big-endian TIFF header
        tiff.extend_from_slice(&8u32.to_be_bytes()); // first IFD right after the header
        tiff.extend_from_slice(&1u16.to_be_bytes()); // one entry
        tiff.extend_from_slice(&0x0112u16.to_be_bytes()); // Orientation
        tiff.extend_from_slice(&3u16.to_be_bytes()); // SHORT
        tiff.extend_from_slice(&1u32.to_be_bytes()); // one value
        tiff.extend_from_slice(&orientation.to_be_bytes());
        tiff.extend_from_slice(&[0, 0]); // value padding to 4 bytes
        tiff.extend_from_slice(&0u32.to_be_bytes()); // no next IFD
        let mut payload = b"Exif\0\0".to_vec();
        payload.extend_from_slice(&tiff);
        let mut segment = vec![0xFF, 0xE1];
        segment.extend_from_slice(&(payload.len() as u16 + 2).to_be_bytes());
        segment.extend_from_slice(&payload);
        segment
    }

    /// `jpeg` with an EXIF segment inserted right after SOI.
    fn with_exif(jpeg: &[u8], orientation: u16) -> Vec<u8> {
        assert_eq!(&jpeg[..2], &[0xFF, 0xD8]);
        let mut out = jpeg[..2].to_vec();
        out.extend_from_slice(&exif_app1(orientation));
        out.extend_from_slice(&jpeg[2..]);
        out
    }

    fn is_red(p: &image::Rgb<u8>) -> bool {
        p[0] > 200 && p[1] < 60 && p[2] < 60
    }

    fn is_blue(p: &image::Rgb<u8>) -> bool {
        p[0] < 60 && p[1] < 60 && p[2] > 200
    }

    #[test]
    fn decodes_a_png() {
        let decoded =
            decode_image(&encode_png(&two_halves()), RASTER, &UploadLimits::default()).unwrap();
        assert_eq!(decoded.file_type, FileType::Png);
        assert_eq!((decoded.width, decoded.height), (48, 24));
        let rgb = decoded.image.to_rgb8();
        assert_eq!(rgb.get_pixel(0, 0), &Rgb([255, 0, 0]));
        assert_eq!(rgb.get_pixel(47, 23), &Rgb([0, 0, 255]));
    }

    #[test]
    fn a_16_bit_png_is_decoded_to_8_bits() {
        let deep = image::ImageBuffer::<image::Rgba<u16>, _>::from_fn(48, 24, |x, _| {
            if x < 24 {
                image::Rgba([65535, 0, 0, 65535])
            } else {
                image::Rgba([0, 0, 65535, 65535])
            }
        });
        let mut png = Cursor::new(Vec::new());
        deep.write_to(&mut png, ImageFormat::Png).unwrap();
        let decoded = decode_image(png.get_ref(), RASTER, &UploadLimits::default()).unwrap();
        let DynamicImage::ImageRgba8(rgba) = &decoded.image else {
            panic!("decoded as {:?}", decoded.image.color());
        };
        assert_eq!(rgba.get_pixel(0, 0), &image::Rgba([255, 0, 0, 255]));
        assert_eq!(rgba.get_pixel(47, 23), &image::Rgba([0, 0, 255, 255]));
    }

    #[test]
    fn a_png_is_turned_upright_by_its_exif_chunk() {
        let mut png = Vec::new();
        {
            let mut encoder = png::Encoder::new(&mut png, 48, 24);
            encoder.set_color(png::ColorType::Rgb);
            let mut info_writer = encoder.write_header().unwrap();
            let app1 = exif_app1(6);
            // The eXIf chunk holds the TIFF structure, without APP1's
            // marker, length and "Exif\0\0".
            info_writer
                .write_chunk(png::chunk::eXIf, &app1[10..])
                .unwrap();
            info_writer.write_image_data(two_halves().as_raw()).unwrap();
        }
        let decoded = decode_image(&png, RASTER, &UploadLimits::default()).unwrap();
        assert_eq!((decoded.width, decoded.height), (24, 48));
        let rgb = decoded.image.to_rgb8();
        assert_eq!(rgb.get_pixel(12, 4), &Rgb([255, 0, 0]));
    }

    #[test]
    fn decodes_a_jpeg() {
        let decoded = decode_image(
            &encode_jpeg(&two_halves()),
            RASTER,
            &UploadLimits::default(),
        )
        .unwrap();
        assert_eq!(decoded.file_type, FileType::Jpeg);
        assert_eq!((decoded.width, decoded.height), (48, 24));
        let rgb = decoded.image.to_rgb8();
        assert!(is_red(rgb.get_pixel(4, 12)));
        assert!(is_blue(rgb.get_pixel(44, 12)));
    }

    #[test]
    fn exif_orientation_6_turns_the_image_upright() {
        // Orientation 6: the stored image must be turned 90° clockwise to
        // be upright, so 48×24 becomes 24×48 and the left (red) half
        // becomes the top half.
        let jpeg = with_exif(&encode_jpeg(&two_halves()), 6);
        let decoded = decode_image(&jpeg, RASTER, &UploadLimits::default()).unwrap();
        assert_eq!((decoded.width, decoded.height), (24, 48));
        assert_eq!((decoded.image.width(), decoded.image.height()), (24, 48));
        let rgb = decoded.image.to_rgb8();
        assert!(is_red(rgb.get_pixel(12, 4)));
        assert!(is_blue(rgb.get_pixel(12, 44)));
    }

    #[test]
    fn exif_orientation_1_keeps_the_image() {
        let jpeg = with_exif(&encode_jpeg(&two_halves()), 1);
        let decoded = decode_image(&jpeg, RASTER, &UploadLimits::default()).unwrap();
        assert_eq!((decoded.width, decoded.height), (48, 24));
    }

    #[test]
    fn a_truncated_png_is_undecodable() {
        let png = encode_png(&two_halves());
        for cut in [30, png.len() / 2, png.len() - 13] {
            assert_eq!(
                decode_image(&png[..cut], RASTER, &UploadLimits::default()).unwrap_err(),
                UploadError::Undecodable,
                "cut at {cut}"
            );
        }
    }

    #[test]
    fn a_truncated_jpeg_is_undecodable() {
        let jpeg = encode_jpeg(&two_halves());
        for cut in [jpeg.len() / 2, jpeg.len() - 2] {
            assert_eq!(
                decode_image(&jpeg[..cut], RASTER, &UploadLimits::default()).unwrap_err(),
                UploadError::Undecodable,
                "cut at {cut}"
            );
        }
    }

    #[test]
    fn a_corrupt_jpeg_is_undecodable() {
        let mut jpeg = encode_jpeg(&two_halves());
        jpeg.truncate(12);
        assert_eq!(
            decode_image(&jpeg, RASTER, &UploadLimits::default()).unwrap_err(),
            UploadError::Undecodable
        );
    }

    #[test]
    fn a_png_header_claiming_huge_dimensions_is_refused_before_decoding() {
        let limits = UploadLimits::default();
        // Both sides over max_side.
        assert_eq!(
            decode_image(&png_bomb(50_000, 50_000), RASTER, &limits).unwrap_err(),
            UploadError::TooManyPixels
        );
        // Sides within max_side, but 100 megapixels.
        assert_eq!(
            decode_image(&png_bomb(10_000, 10_000), RASTER, &limits).unwrap_err(),
            UploadError::TooManyPixels
        );
        // One long side only.
        assert_eq!(
            decode_image(&png_bomb(12_001, 10), RASTER, &limits).unwrap_err(),
            UploadError::TooManyPixels
        );
    }

    #[test]
    fn limits_are_the_ones_given() {
        let png = encode_png(&two_halves());
        let tight = UploadLimits {
            max_pixels: 48 * 24 - 1,
            ..UploadLimits::default()
        };
        assert_eq!(
            decode_image(&png, RASTER, &tight).unwrap_err(),
            UploadError::TooManyPixels
        );
        let narrow = UploadLimits {
            max_side: 47,
            ..UploadLimits::default()
        };
        assert_eq!(
            decode_image(&png, RASTER, &narrow).unwrap_err(),
            UploadError::TooManyPixels
        );
        let exact = UploadLimits {
            max_pixels: 48 * 24,
            max_side: 48,
            ..UploadLimits::default()
        };
        assert!(decode_image(&png, RASTER, &exact).is_ok());
    }

    #[test]
    fn types_outside_allowed_are_invalid() {
        let png = encode_png(&two_halves());
        assert_eq!(
            decode_image(&png, &[FileType::Jpeg], &UploadLimits::default()).unwrap_err(),
            UploadError::InvalidType
        );
        assert_eq!(
            decode_image(
                b"GIF89a\x01\0\x01\0\0\0\0;",
                &[FileType::Gif],
                &UploadLimits::default()
            )
            .unwrap_err(),
            UploadError::InvalidType,
            "GIF is never decoded, even when allowed"
        );
        assert_eq!(
            decode_image(b"%PDF-1.7\n", &[FileType::Pdf], &UploadLimits::default()).unwrap_err(),
            UploadError::InvalidType,
            "PDF goes to the PDF reader, not here"
        );
        assert_eq!(
            decode_image(b"plain text", RASTER, &UploadLimits::default()).unwrap_err(),
            UploadError::InvalidType
        );
        assert_eq!(
            check_type(b"%PDF-1.4", &[FileType::Png, FileType::Pdf]),
            Ok(FileType::Pdf)
        );
    }

    #[test]
    fn the_exif_segment_is_well_formed() {
        let app1 = exif_app1(6);
        assert_eq!(app1.len(), 2 + 2 + 6 + 8 + 2 + 12 + 4);
        assert_eq!(
            u16::from_be_bytes([app1[2], app1[3]]) as usize,
            app1.len() - 2
        );
        assert_eq!(
            Orientation::from_exif_chunk(&app1[10..]),
            Some(Orientation::Rotate90)
        );
    }
}
