//! Reading one upload safely.
//!
//! Takes the raw request body of an image endpoint (a stream of [`bytes::Bytes`]
//! chunks and its `Content-Type`) and gives either the image as a decoded,
//! upright [`image::DynamicImage`] or an [`UploadError`] that converts into the
//! API's result code (`shared/spec/API.md` §3) through
//! [`docrec_errors::ToErrorCode`].
//!
//! The steps, one module each:
//!
//! 1. [`boundary_from_content_type`] and [`read_image_part`] (`multipart`):
//!    the `multipart/form-data` body is read as a stream; the part named
//!    `image` is kept, every other part is drained. The size limit is enforced
//!    while streaming, so an oversized body is never buffered whole.
//! 2. [`sniff`] (`sniff`): the file type comes from the magic bytes, never from
//!    the filename or the part's `Content-Type`.
//! 3. [`check_type`] and [`decode_image`] (`decode`): the type is checked
//!    against what the endpoint accepts, the header dimensions are checked
//!    *before* any pixel is decoded (decompression bombs), the image is decoded
//!    with `image`'s memory limits and the EXIF orientation is applied.
//!
//! 4. [`read_pdf_first_page`] (`pdf`): a PDF's first page, as the words of
//!    its text layer or, for a scan, rendered to pixels.
//!
//! The limits live in [`UploadLimits`]. A caller that accepts PDF routes
//! [`FileType::Pdf`] to [`read_pdf_first_page`] instead of [`decode_image`].
//!
//! This crate knows nothing of HTTP frameworks: it takes any
//! `Stream<Item = Result<Bytes, E>>`, so axum's `Body::into_data_stream()`
//! fits as well as a test's `futures_util::stream::iter`.

mod decode;
mod error;
mod jpeg;
mod limits;
mod multipart;
mod pdf;
mod sniff;

pub use decode::{check_type, decode_image, DecodedImage};
pub use error::UploadError;
pub use limits::UploadLimits;
pub use multipart::{boundary_from_content_type, read_image_part, Upload, MULTIPART_OVERHEAD};
pub use pdf::{read_pdf_first_page, PdfFirstPage, PdfSandbox, PdfTools, PdfWord, SandboxChoice};
pub use sniff::{sniff, FileType};
