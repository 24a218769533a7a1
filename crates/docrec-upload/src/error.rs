//! Why an upload was refused, and the result code each reason answers with.

use docrec_errors::{ErrorCode, ToErrorCode};

/// Why an upload could not be read.
///
/// The variants carry no detail of the upload on purpose: the answer a
/// client gets is the code of [`ToErrorCode`], and nothing of the upload's
/// bytes should reach a log line through an error message. The one detail
/// kept is why the PDF tools could not be run (the system's error), for
/// the server's log.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UploadError {
    /// The request's `Content-Type` is not `multipart/form-data` with a boundary.
    #[error("the request is not multipart/form-data with a boundary")]
    NotMultipart,
    /// The multipart body could not be parsed: wrong boundary, broken part
    /// headers, truncated body, or the body stream itself failed.
    #[error("the multipart body is malformed or truncated")]
    Malformed,
    /// The body has no part named `image`.
    #[error("the multipart body has no part named `image`")]
    MissingImagePart,
    /// The `image` part has no bytes.
    #[error("the `image` part is empty")]
    Empty,
    /// The `image` part, or the whole body, is over the size limit.
    #[error("the upload exceeds the size limit")]
    TooLarge,
    /// The bytes are not of a type the endpoint accepts (or of no known type).
    #[error("the file type is not accepted by this endpoint")]
    InvalidType,
    /// The header announces more pixels, or a longer side, than the limits allow.
    #[error("the image dimensions exceed the pixel limits")]
    TooManyPixels,
    /// The bytes claim an accepted type but do not decode (truncated or corrupt).
    #[error("the image could not be decoded")]
    Undecodable,
    /// The PDF cannot be opened without a password.
    #[error("the PDF is password protected")]
    PdfPasswordProtected,
    /// The PDF tools (Poppler's `pdftotext`, `pdftoppm`) could not be run:
    /// `reason` says why (the system's error, never the upload's bytes).
    #[error("the PDF reader could not be started: {reason}")]
    PdfReaderUnavailable { reason: String },
}

impl ToErrorCode for UploadError {
    /// The mapping of `shared/spec/API.md` §3, with two decisions:
    ///
    /// * [`UploadError::Malformed`] → `INVALID_PARAMETER` (4000001), not
    ///   `BAD_REQUEST` (400). The request did reach the upload endpoint with
    ///   the right media type and a boundary, so the HTTP layer did not fail;
    ///   what failed is reading the parameters the body carries. §3 names
    ///   exactly two codes for "anything else" about an upload, 415 and
    ///   4000001, and a client cannot tell a truncated body from one whose
    ///   `image` part went missing: both mean "the `image` parameter could not
    ///   be read", so both answer 4000001.
    /// * [`UploadError::TooManyPixels`] → `FILE_READ_FAIL` (5000005), not
    ///   `INVALID_FILE_TYPE` or `MAX_UPLOAD_SIZE_EXCEEDED`. A decompression
    ///   bomb is a file of an accepted type and of an accepted size in bytes;
    ///   what is wrong is that it cannot be read safely. §3 says bytes that
    ///   claim a type but cannot be decoded are 5000005, and a file we refuse
    ///   to decode is, to the client, a file we could not read.
    fn error_code(&self) -> ErrorCode {
        match self {
            UploadError::NotMultipart => ErrorCode::UnsupportedMediaType,
            UploadError::Malformed | UploadError::MissingImagePart => ErrorCode::InvalidParameter,
            UploadError::Empty => ErrorCode::UploadedFileIsEmpty,
            UploadError::TooLarge => ErrorCode::MaxUploadSizeExceeded,
            UploadError::InvalidType => ErrorCode::InvalidFileType,
            UploadError::TooManyPixels | UploadError::Undecodable => ErrorCode::FileReadFail,
            UploadError::PdfPasswordProtected => ErrorCode::PdfPasswordProtected,
            UploadError::PdfReaderUnavailable { .. } => ErrorCode::InternalApiFail,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_error_has_the_code_of_the_spec() {
        let expected = [
            (UploadError::NotMultipart, 415),
            (UploadError::Malformed, 4000001),
            (UploadError::MissingImagePart, 4000001),
            (UploadError::Empty, 4000004),
            (UploadError::TooLarge, 4000002),
            (UploadError::InvalidType, 4000003),
            (UploadError::TooManyPixels, 5000005),
            (UploadError::Undecodable, 5000005),
            (UploadError::PdfPasswordProtected, 4000103),
            (
                UploadError::PdfReaderUnavailable {
                    reason: "starting the tool: No such file or directory".to_owned(),
                },
                5000001,
            ),
        ];
        for (error, code) in expected {
            assert_eq!(error.error_code().code(), code, "{error:?}");
        }
    }
}
