//! Type sniffing and safe decoding of an upload's bytes: any bytes give a
//! type or an error, an image or an error, never a panic or an allocation
//! beyond the pixel limit.
#![no_main]

use docrec_upload::{check_type, decode_image, sniff, FileType};
use libfuzzer_sys::fuzz_target;

mod limits;

fuzz_target!(|bytes: &[u8]| {
    let _ = sniff(bytes);
    let _ = check_type(bytes, &[FileType::Jpeg, FileType::Png, FileType::Pdf]);
    let _ = decode_image(bytes, &[FileType::Jpeg, FileType::Png], &limits::LIMITS);
});
