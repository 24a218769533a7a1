//! The file type, from the magic bytes alone.

/// A file type docrec recognises by its magic bytes.
///
/// Only JPEG, PNG and TIFF can be decoded by this build ([`FileType::is_raster`]);
/// PDF is handed to the PDF reader; GIF, BMP and WebP are recognised only so
/// that they are refused with `INVALID_FILE_TYPE` rather than "unknown".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FileType {
    Jpeg,
    Png,
    Pdf,
    Gif,
    Bmp,
    Tiff,
    Webp,
}

impl FileType {
    /// Every type, in declaration order.
    pub const ALL: [FileType; 7] = [
        FileType::Jpeg,
        FileType::Png,
        FileType::Pdf,
        FileType::Gif,
        FileType::Bmp,
        FileType::Tiff,
        FileType::Webp,
    ];

    /// The name the API reports in `fileType` (JPEG is `jpg`, as the hosted
    /// service reports it).
    pub fn api_name(self) -> &'static str {
        match self {
            FileType::Jpeg => "jpg",
            FileType::Png => "png",
            FileType::Pdf => "pdf",
            FileType::Gif => "gif",
            FileType::Bmp => "bmp",
            FileType::Tiff => "tiff",
            FileType::Webp => "webp",
        }
    }

    /// Whether [`crate::decode_image`] can decode this type into pixels.
    pub fn is_raster(self) -> bool {
        self.image_format().is_some()
    }

    /// The `image` crate's format for the types this build decodes.
    pub(crate) fn image_format(self) -> Option<image::ImageFormat> {
        match self {
            FileType::Jpeg => Some(image::ImageFormat::Jpeg),
            FileType::Png => Some(image::ImageFormat::Png),
            FileType::Tiff => Some(image::ImageFormat::Tiff),
            FileType::Pdf | FileType::Gif | FileType::Bmp | FileType::Webp => None,
        }
    }
}

impl std::fmt::Display for FileType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.api_name())
    }
}

/// How far into a file PDF readers look for `%PDF-` (the PDF reference lets
/// the header sit anywhere in the first 1024 bytes).
const PDF_HEADER_WINDOW: usize = 1024;

/// The type announced by the first bytes of `bytes`, or `None` if they match
/// no type we know.
///
/// Only the bytes count: the filename and the part's `Content-Type` are never
/// consulted, since a client controls both. Sniffing is cheap (a few byte
/// comparisons) and never decodes anything.
pub fn sniff(bytes: &[u8]) -> Option<FileType> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Some(FileType::Jpeg);
    }
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Some(FileType::Png);
    }
    if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        return Some(FileType::Gif);
    }
    // Classic TIFF and BigTIFF, little- and big-endian.
    if [b"II*\0", b"MM\0*", b"II+\0", b"MM\0+"]
        .iter()
        .any(|magic| bytes.starts_with(*magic))
    {
        return Some(FileType::Tiff);
    }
    if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        return Some(FileType::Webp);
    }
    if is_bmp(bytes) {
        return Some(FileType::Bmp);
    }
    let window = &bytes[..bytes.len().min(PDF_HEADER_WINDOW)];
    if window.windows(5).any(|w| w == b"%PDF-") {
        return Some(FileType::Pdf);
    }
    None
}

/// `BM` is only two bytes, so a BMP also needs one of the known DIB header
/// sizes at offset 14 before we call it one.
fn is_bmp(bytes: &[u8]) -> bool {
    if bytes.len() < 18 || !bytes.starts_with(b"BM") {
        return false;
    }
    let dib_header_size = u32::from_le_bytes([bytes[14], bytes[15], bytes[16], bytes[17]]);
    matches!(dib_header_size, 12 | 16 | 40 | 52 | 56 | 64 | 108 | 124)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_each_type_from_its_magic_bytes() {
        let mut bmp = b"BM".to_vec();
        bmp.extend_from_slice(&[0; 12]);
        bmp.extend_from_slice(&40u32.to_le_bytes());
        let cases: [(&[u8], FileType); 11] = [
            (b"\xFF\xD8\xFF\xE0\0\x10JFIF\0", FileType::Jpeg),
            (b"\xFF\xD8\xFF\xE1\0\x22Exif\0\0", FileType::Jpeg),
            (b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", FileType::Png),
            (b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n", FileType::Pdf),
            (b"GIF89a\x01\0\x01\0", FileType::Gif),
            (b"GIF87a\x01\0\x01\0", FileType::Gif),
            (&bmp, FileType::Bmp),
            (b"II*\0\x08\0\0\0", FileType::Tiff),
            (b"MM\0*\0\0\0\x08", FileType::Tiff),
            (b"RIFF\x24\0\0\0WEBPVP8 ", FileType::Webp),
            // Junk before the PDF header is tolerated, as PDF readers do.
            (b"\xEF\xBB\xBF\r\n%PDF-1.4\n", FileType::Pdf),
        ];
        for (bytes, expected) in cases {
            assert_eq!(sniff(bytes), Some(expected), "{bytes:?}");
        }
    }

    #[test]
    fn unknown_or_too_short_bytes_are_no_type() {
        for bytes in [
            &b""[..],
            b"\xFF\xD8",
            b"hello, world",
            b"BM not really a bitmap",
            b"RIFF\0\0\0\0WAVEfmt ",
            b"<svg xmlns='http://www.w3.org/2000/svg'/>",
        ] {
            assert_eq!(sniff(bytes), None, "{bytes:?}");
        }
    }

    #[test]
    fn api_names_report_jpeg_as_jpg() {
        assert_eq!(FileType::Jpeg.api_name(), "jpg");
        assert_eq!(FileType::Png.api_name(), "png");
        assert_eq!(FileType::Pdf.api_name(), "pdf");
        assert_eq!(FileType::Tiff.to_string(), "tiff");
    }

    #[test]
    fn only_jpeg_png_and_tiff_are_raster() {
        let raster: Vec<_> = FileType::ALL
            .into_iter()
            .filter(|t| t.is_raster())
            .collect();
        assert_eq!(raster, [FileType::Jpeg, FileType::Png, FileType::Tiff]);
    }
}
