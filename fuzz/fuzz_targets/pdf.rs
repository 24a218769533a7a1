//! A PDF upload's first page through Poppler (`pdftotext`, `pdftoppm`, run
//! as child processes under time and size limits): any bytes give the
//! page's words, its rendering or an upload error, never a panic or a hang.
#![no_main]

use docrec_upload::read_pdf_first_page;
use libfuzzer_sys::fuzz_target;

mod limits;

fuzz_target!(|bytes: &[u8]| {
    let _ = read_pdf_first_page(bytes, &limits::LIMITS);
});
