//! Small PDF files of synthetic pages, written by hand (a page, its fonts
//! and a content stream need no library).
//!
//! Takes a page's text runs or its picture; gives the bytes of a one-page
//! PDF:
//! * [`text_layer_pdf`]: born digital, every run as text in a Type 0 font
//!   (Identity-H, glyph ids of the Nanum face, a `ToUnicode` map and the
//!   glyphs' widths), so that a reader extracts the words and their boxes.
//!   The faces are named, not embedded: the file is for reading its text,
//!   not for printing, and stays a few kilobytes.
//! * [`image_pdf`]: a scan, the page's picture as a JPEG and no text.
//! * [`password_protected_image_pdf`]: the same, encrypted with the PDF
//!   standard security handler (revision 3, RC4 with a 128-bit key) under
//!   a user password, as a reader must ask for it. RC4 is written out here
//!   (a dozen lines) rather than taken from a crate: it only makes test
//!   files, and the key lengths the handler derives vary by object.
//!
//! Page pixels are drawn at [`PIXELS_PER_INCH`], so a pixel is 72/150 of a
//! point.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use ab_glyph::{Font, FontArc};

use crate::business::TextRun;
use crate::fonts::{self, Face};
use crate::SynthError;

/// The resolution pages are drawn at.
pub const PIXELS_PER_INCH: f32 = 150.0;
const POINTS_PER_PIXEL: f32 = 72.0 / PIXELS_PER_INCH;

/// Objects written in order of their numbers, then the cross-reference
/// table and the trailer.
struct Writer {
    out: Vec<u8>,
    offsets: Vec<usize>,
    /// The file key streams are encrypted with, for an encrypted file.
    file_key: Option<[u8; 16]>,
}

impl Writer {
    fn new() -> Writer {
        Writer {
            out: b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n".to_vec(),
            offsets: Vec::new(),
            file_key: None,
        }
    }

    /// Writes object number `offsets.len() + 1`.
    fn object(&mut self, body: &[u8]) {
        self.offsets.push(self.out.len());
        let id = self.offsets.len();
        self.out
            .extend_from_slice(format!("{id} 0 obj\n").as_bytes());
        self.out.extend_from_slice(body);
        self.out.extend_from_slice(b"\nendobj\n");
    }

    fn stream(&mut self, dictionary: &str, data: &[u8]) {
        let data = match self.file_key {
            Some(key) => rc4(&object_key(&key, self.offsets.len() + 1), data),
            None => data.to_vec(),
        };
        let mut body = format!("<< /Length {} {dictionary} >>\nstream\n", data.len()).into_bytes();
        body.extend_from_slice(&data);
        body.extend_from_slice(b"\nendstream");
        self.object(&body);
    }

    fn finish(mut self, trailer: &str) -> Vec<u8> {
        let xref = self.out.len();
        let count = self.offsets.len() + 1;
        let mut table = format!("xref\n0 {count}\n0000000000 65535 f \n");
        for offset in &self.offsets {
            let _ = writeln!(table, "{offset:010} 00000 n ");
        }
        let _ = write!(
            table,
            "trailer\n<< /Size {count} /Root 1 0 R {trailer} >>\nstartxref\n{xref}\n%%EOF\n"
        );
        self.out.extend_from_slice(table.as_bytes());
        self.out
    }
}

/// One face's glyphs as the page uses them.
struct FaceUse {
    face: Face,
    font: FontArc,
    /// Glyph id → the character it shows.
    glyphs: BTreeMap<u16, char>,
}

impl FaceUse {
    fn units_per_em(&self) -> f32 {
        self.font.units_per_em().unwrap_or(1000.0)
    }

    /// The PDF font size (an em, in points) of a run drawn at `scale`
    /// (ab_glyph's scale is the ascent-to-descent height in pixels).
    fn size_points(&self, scale: f32) -> f32 {
        scale * self.units_per_em() / self.font.height_unscaled() * POINTS_PER_PIXEL
    }

    /// A length in font units as thousandths of an em.
    fn thousandths(&self, units: f32) -> i32 {
        (units * 1000.0 / self.units_per_em()).round() as i32
    }
}

/// A born-digital PDF of a `page_size` (pixels) page holding `runs` as text.
pub fn text_layer_pdf(runs: &[TextRun], page_size: (u32, u32)) -> Result<Vec<u8>, SynthError> {
    let (width, height) = (
        page_size.0 as f32 * POINTS_PER_PIXEL,
        page_size.1 as f32 * POINTS_PER_PIXEL,
    );
    let mut faces: Vec<FaceUse> = Vec::new();
    let mut content = String::new();
    for run in runs {
        let index = match faces.iter().position(|f| f.face == run.face) {
            Some(index) => index,
            None => {
                faces.push(FaceUse {
                    face: run.face,
                    font: fonts::load(run.face)?,
                    glyphs: BTreeMap::new(),
                });
                faces.len() - 1
            }
        };
        let face = &mut faces[index];
        let mut codes = String::new();
        for c in run.text.chars() {
            let glyph = face.font.glyph_id(c).0;
            face.glyphs.insert(glyph, c);
            let _ = write!(codes, "{glyph:04X}");
        }
        let _ = writeln!(
            content,
            "BT /F{index} {:.3} Tf {:.3} Tc 1 0 0 1 {:.3} {:.3} Tm <{codes}> Tj ET",
            face.size_points(run.scale),
            run.tracking * POINTS_PER_PIXEL,
            run.x * POINTS_PER_PIXEL,
            height - run.baseline * POINTS_PER_PIXEL,
        );
    }

    // 1 catalog, 2 pages, 3 page, 4 content, then 4 objects per face.
    let mut writer = Writer::new();
    writer.object(b"<< /Type /Catalog /Pages 2 0 R >>");
    writer.object(b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>");
    let fonts: String = (0..faces.len())
        .map(|i| format!("/F{i} {} 0 R ", 5 + 4 * i))
        .collect();
    writer.object(
        format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {width:.3} {height:.3}] \
             /Resources << /Font << {fonts}>> >> /Contents 4 0 R >>"
        )
        .as_bytes(),
    );
    writer.stream("", content.as_bytes());
    for (i, face) in faces.iter().enumerate() {
        let first = 5 + 4 * i;
        let name: String = face.face.name().chars().filter(|c| *c != ' ').collect();
        writer.object(
            format!(
                "<< /Type /Font /Subtype /Type0 /BaseFont /{name} /Encoding /Identity-H \
                 /DescendantFonts [{} 0 R] /ToUnicode {} 0 R >>",
                first + 1,
                first + 3
            )
            .as_bytes(),
        );
        let widths: String = face
            .glyphs
            .keys()
            .map(|glyph| {
                let advance = face.font.h_advance_unscaled(ab_glyph::GlyphId(*glyph));
                format!("{glyph} [{}] ", face.thousandths(advance))
            })
            .collect();
        writer.object(
            format!(
                "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /{name} \
                 /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> \
                 /FontDescriptor {} 0 R /CIDToGIDMap /Identity /DW 1000 /W [{widths}] >>",
                first + 2
            )
            .as_bytes(),
        );
        let ascent = face.thousandths(face.font.ascent_unscaled());
        let descent = face.thousandths(face.font.descent_unscaled());
        writer.object(
            format!(
                "<< /Type /FontDescriptor /FontName /{name} /Flags 4 \
                 /FontBBox [-100 {descent} 1100 {ascent}] /ItalicAngle 0 /Ascent {ascent} \
                 /Descent {descent} /CapHeight {} /StemV 80 >>",
                ascent * 3 / 4
            )
            .as_bytes(),
        );
        writer.stream("", to_unicode_cmap(&face.glyphs).as_bytes());
    }
    Ok(writer.finish(""))
}

/// The `ToUnicode` CMap from glyph ids to the characters they show.
fn to_unicode_cmap(glyphs: &BTreeMap<u16, char>) -> String {
    let mut cmap = String::from(
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n\
         /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n\
         /CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n\
         1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n",
    );
    let pairs: Vec<(&u16, &char)> = glyphs.iter().collect();
    for chunk in pairs.chunks(100) {
        let _ = writeln!(cmap, "{} beginbfchar", chunk.len());
        for (glyph, c) in chunk {
            let mut units = [0u16; 2];
            let utf16: String = c
                .encode_utf16(&mut units)
                .iter()
                .map(|u| format!("{u:04X}"))
                .collect();
            let _ = writeln!(cmap, "<{glyph:04X}> <{utf16}>");
        }
        cmap.push_str("endbfchar\n");
    }
    cmap.push_str("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
    cmap
}

/// The long side of a scanned page, in points: an A4 page on a scanner's
/// bed, whatever the resolution it was scanned at.
pub const SCAN_LONG_SIDE_POINTS: f32 = 900.0;

/// A scanned page: the JPEG `jpeg` of `size` pixels (RGB) filling a page
/// whose long side is [`SCAN_LONG_SIDE_POINTS`].
pub fn image_pdf(jpeg: &[u8], size: (u32, u32)) -> Vec<u8> {
    let mut writer = Writer::new();
    write_image_page(&mut writer, jpeg, size);
    writer.finish("")
}

/// [`image_pdf`] encrypted under the user password `password` (and an
/// owner password of its own): a reader cannot open it without the
/// password. `id` is the file identifier the keys are derived with.
pub fn password_protected_image_pdf(
    jpeg: &[u8],
    size: (u32, u32),
    password: &str,
    id: [u8; 16],
) -> Vec<u8> {
    let owner = owner_entry(&format!("{password}-owner"), password);
    let key = file_key(password, &owner, PERMISSIONS, &id);
    let mut writer = Writer::new();
    writer.file_key = Some(key);
    write_image_page(&mut writer, jpeg, size);
    // The encryption dictionary holds no string to encrypt but its own
    // hex entries, which are never encrypted.
    writer.file_key = None;
    writer.object(
        format!(
            "<< /Filter /Standard /V 2 /R 3 /Length 128 /P {PERMISSIONS} /O <{}> /U <{}> >>",
            hex(&owner),
            hex(&user_entry(&key, &id))
        )
        .as_bytes(),
    );
    let id = hex(&id);
    writer.finish(&format!("/Encrypt 6 0 R /ID [<{id}> <{id}>]"))
}

/// Objects 1 to 5 of a scanned page.
fn write_image_page(writer: &mut Writer, jpeg: &[u8], size: (u32, u32)) {
    let points_per_pixel = SCAN_LONG_SIDE_POINTS / size.0.max(size.1).max(1) as f32;
    let (width, height) = (
        size.0 as f32 * points_per_pixel,
        size.1 as f32 * points_per_pixel,
    );
    writer.object(b"<< /Type /Catalog /Pages 2 0 R >>");
    writer.object(b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>");
    writer.object(
        format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {width:.3} {height:.3}] \
             /Resources << /XObject << /Scan 5 0 R >> >> /Contents 4 0 R >>"
        )
        .as_bytes(),
    );
    writer.stream(
        "",
        format!("q {width:.3} 0 0 {height:.3} 0 0 cm /Scan Do Q\n").as_bytes(),
    );
    writer.stream(
        &format!(
            "/Type /XObject /Subtype /Image /Width {} /Height {} /ColorSpace /DeviceRGB \
             /BitsPerComponent 8 /Filter /DCTDecode",
            size.0, size.1
        ),
        jpeg,
    );
}

/// Printing and copying allowed, the rest not (the usual value).
const PERMISSIONS: i32 = -3904;

/// The standard security handler's padding string (PDF 32000-1, 7.6.3.3).
const PASSWORD_PADDING: [u8; 32] = [
    0x28, 0xBF, 0x4E, 0x5E, 0x4E, 0x75, 0x8A, 0x41, 0x64, 0x00, 0x4E, 0x56, 0xFF, 0xFA, 0x01, 0x08,
    0x2E, 0x2E, 0x00, 0xB6, 0xD0, 0x68, 0x3E, 0x80, 0x2F, 0x0C, 0xA9, 0xFE, 0x64, 0x53, 0x69, 0x7A,
];

fn padded(password: &str) -> [u8; 32] {
    let mut out = PASSWORD_PADDING;
    let bytes = password.as_bytes();
    let n = bytes.len().min(32);
    out[..n].copy_from_slice(&bytes[..n]);
    out[n..].copy_from_slice(&PASSWORD_PADDING[..32 - n]);
    out
}

fn md5(parts: &[&[u8]]) -> [u8; 16] {
    use md5::{Digest, Md5};
    let mut hasher = Md5::new();
    for part in parts {
        hasher.update(part);
    }
    hasher.finalize().into()
}

/// RC4 of `data` under `key`.
fn rc4(key: &[u8], data: &[u8]) -> Vec<u8> {
    let mut state: [u8; 256] = std::array::from_fn(|i| i as u8);
    let mut j = 0u8;
    for i in 0..256 {
        j = j.wrapping_add(state[i]).wrapping_add(key[i % key.len()]);
        state.swap(i, j as usize);
    }
    let (mut i, mut j) = (0u8, 0u8);
    data.iter()
        .map(|byte| {
            i = i.wrapping_add(1);
            j = j.wrapping_add(state[i as usize]);
            state.swap(i as usize, j as usize);
            byte ^ state[state[i as usize].wrapping_add(state[j as usize]) as usize]
        })
        .collect()
}

/// RC4 under `key`, then 19 times more under the key with each byte XORed
/// with the round's number (revision 3).
fn rc4_twenty_rounds(key: &[u8; 16], data: &[u8]) -> Vec<u8> {
    let mut out = rc4(key, data);
    for round in 1..=19u8 {
        let round_key = key.map(|b| b ^ round);
        out = rc4(&round_key, &out);
    }
    out
}

/// MD5 of `seed`, then 50 times of the digest (revision 3).
fn md5_fifty_rounds(seed: &[&[u8]]) -> [u8; 16] {
    let mut digest = md5(seed);
    for _ in 0..50 {
        digest = md5(&[&digest]);
    }
    digest
}

/// The `O` entry (algorithm 3).
fn owner_entry(owner: &str, user: &str) -> [u8; 32] {
    let key = md5_fifty_rounds(&[&padded(owner)]);
    rc4_twenty_rounds(&key, &padded(user))
        .try_into()
        .expect("32 bytes")
}

/// The file key (algorithm 2).
fn file_key(user: &str, owner_entry: &[u8; 32], permissions: i32, id: &[u8; 16]) -> [u8; 16] {
    md5_fifty_rounds(&[&padded(user), owner_entry, &permissions.to_le_bytes(), id])
}

/// The `U` entry (algorithm 5): 16 bytes that prove the key, then 16 of
/// padding.
fn user_entry(key: &[u8; 16], id: &[u8; 16]) -> [u8; 32] {
    let mut out = [0u8; 32];
    out[..16].copy_from_slice(&rc4_twenty_rounds(key, &md5(&[&PASSWORD_PADDING, id])));
    out
}

/// The key an object's strings and streams are encrypted with
/// (algorithm 1): the file key, the object's number and generation.
fn object_key(file_key: &[u8; 16], number: usize) -> [u8; 16] {
    let number = (number as u32).to_le_bytes();
    md5(&[file_key, &number[..3], &[0, 0]])
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02X}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rc4_matches_the_published_test_vector() {
        // "Key" / "Plaintext" from the RC4 article's test vectors.
        assert_eq!(hex(&rc4(b"Key", b"Plaintext")), "BBF316E8D940AF0AD3");
    }

    #[test]
    fn the_cmap_maps_glyphs_to_utf16() {
        let glyphs = BTreeMap::from([(17u16, '상'), (300u16, 'A')]);
        let cmap = to_unicode_cmap(&glyphs);
        assert!(cmap.contains("2 beginbfchar"), "{cmap}");
        assert!(cmap.contains("<0011> <C0C1>"), "{cmap}");
        assert!(cmap.contains("<012C> <0041>"), "{cmap}");
    }

    #[test]
    fn a_scan_fills_a_page_of_one_size_whatever_its_resolution() {
        for size in [(330, 465), (2640, 3720)] {
            let pdf = image_pdf(&[0xFF, 0xD8, 0xFF, 0xD9], size);
            let text = String::from_utf8_lossy(&pdf);
            assert!(text.contains("/MediaBox [0 0 638.710 900.000]"), "{text}");
        }
    }

    #[test]
    fn a_pdf_has_its_cross_reference_table_where_startxref_says() {
        let pdf = image_pdf(&[0xFF, 0xD8, 0xFF, 0xD9], (100, 141));
        assert!(pdf.starts_with(b"%PDF-1.7"));
        let at = |needle: &[u8]| pdf.windows(needle.len()).rposition(|w| w == needle);
        let tail = at(b"startxref\n").expect("startxref") + b"startxref\n".len();
        let digits: String = pdf[tail..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .map(|b| *b as char)
            .collect();
        let start: usize = digits.parse().unwrap();
        assert!(pdf[start..].starts_with(b"xref\n0 6\n"));
        // Every offset points at its object.
        let table = String::from_utf8_lossy(&pdf[start..]).into_owned();
        for (i, line) in table.lines().skip(3).take(5).enumerate() {
            let offset: usize = line[..10].parse().unwrap();
            assert!(
                pdf[offset..].starts_with(format!("{} 0 obj", i + 1).as_bytes()),
                "{i}"
            );
        }
    }
}
