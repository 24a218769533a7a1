//! Whether a JPEG is whole: its markers run from SOI to EOI.

/// Whether `bytes` is a JPEG whose marker structure runs from SOI (`FF D8`)
/// to EOI (`FF D9`).
///
/// Segments are skipped by their length (so an EXIF thumbnail's own EOI
/// inside APP1 does not count), entropy-coded data after each SOS is
/// scanned to the next real marker (`FF 00` stuffing and `RSTn` are data),
/// and anything after EOI is ignored (camera trailers, motion photos).
/// A file that ends before EOI is truncated.
pub(crate) fn is_complete(bytes: &[u8]) -> bool {
    if !bytes.starts_with(&[0xFF, 0xD8]) {
        return false;
    }
    let mut i = 2;
    loop {
        // A marker: 0xFF, any number of 0xFF fill bytes, then its code.
        if bytes.get(i) != Some(&0xFF) {
            return false;
        }
        while bytes.get(i) == Some(&0xFF) {
            i += 1;
        }
        let Some(&code) = bytes.get(i) else {
            return false;
        };
        i += 1;
        match code {
            0xD9 => return true,
            0x00 | 0xD8 => return false,
            // TEM and RSTn stand alone, without a length.
            0x01 | 0xD0..=0xD7 => continue,
            _ => {
                let Some(length) = bytes.get(i..i + 2) else {
                    return false;
                };
                let length = usize::from(u16::from_be_bytes([length[0], length[1]]));
                if length < 2 || i + length > bytes.len() {
                    return false;
                }
                i += length;
                if code == 0xDA {
                    match end_of_entropy_data(bytes, i) {
                        Some(next_marker) => i = next_marker,
                        None => return false,
                    }
                }
            }
        }
    }
}

/// The index of the `FF` that starts the first marker at or after `from`
/// that is not part of entropy-coded data, or `None` if the data runs out.
fn end_of_entropy_data(bytes: &[u8], from: usize) -> Option<usize> {
    let mut i = from;
    loop {
        i += bytes.get(i..)?.iter().position(|&b| b == 0xFF)?;
        match bytes.get(i + 1)? {
            // Stuffed 0xFF and restart markers belong to the data.
            0x00 | 0xD0..=0xD7 => i += 2,
            // Fill byte: the marker code comes later.
            0xFF => i += 1,
            _ => return Some(i),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jpeg() -> Vec<u8> {
        let image = image::RgbImage::from_fn(64, 64, |x, y| {
            image::Rgb([(x * 4) as u8, (y * 4) as u8, (x ^ y) as u8])
        });
        let mut out = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90)
            .encode_image(&image)
            .unwrap();
        out
    }

    #[test]
    fn a_whole_jpeg_is_complete() {
        assert!(is_complete(&jpeg()));
    }

    #[test]
    fn every_truncation_is_incomplete() {
        let jpeg = jpeg();
        for cut in 0..jpeg.len() {
            assert!(!is_complete(&jpeg[..cut]), "cut at {cut} of {}", jpeg.len());
        }
    }

    #[test]
    fn trailing_bytes_after_eoi_are_ignored() {
        let mut jpeg = jpeg();
        jpeg.extend_from_slice(b"\0\0ftypmp42 motion photo trailer");
        assert!(is_complete(&jpeg));
    }

    #[test]
    fn an_eoi_inside_a_segment_does_not_count() {
        // SOI, an APP1 holding a thumbnail's FF D9, then the real image cut short.
        let jpeg = jpeg();
        let mut with_thumbnail = vec![0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x06, 0xFF, 0xD8, 0xFF, 0xD9];
        with_thumbnail.extend_from_slice(&jpeg[2..]);
        assert!(is_complete(&with_thumbnail));
        let cut = with_thumbnail.len() - 100;
        assert!(!is_complete(&with_thumbnail[..cut]));
    }
}
