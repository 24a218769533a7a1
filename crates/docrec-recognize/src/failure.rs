//! Why a document could not be read, for every kind, and the one table
//! that gives each kind's failure its code (API.md §6).
//!
//! A recognizer reads inside with [`ReadError`] (what went wrong, whatever
//! the kind) and answers a [`ReadFailure`]: the kind it was asked to read
//! and why, its code from [`ReadFailure::error_code`].

use docrec_errors::{ErrorCode, ToErrorCode};
use docrec_ocr::OcrError;

/// The kinds of document docrec reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentKind {
    CreditCard,
    /// Resident registration cards and driver's licences.
    IdCard,
    /// Business registration certificates.
    Business,
}

impl DocumentKind {
    /// The document, as a sentence names it.
    fn described(self) -> &'static str {
        match self {
            DocumentKind::CreditCard => "a credit card",
            DocumentKind::IdCard => "a Korean ID card",
            DocumentKind::Business => "a business registration certificate",
        }
    }

    /// The number without which it is not read.
    fn key_number(self) -> &'static str {
        match self {
            DocumentKind::CreditCard => "card number",
            DocumentKind::IdCard => "resident number",
            DocumentKind::Business => "registration number",
        }
    }
}

/// What went wrong reading a document, whatever its kind.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// Tesseract itself failed: the server's failure, not the document's.
    #[error("the OCR engine failed: {0}")]
    Engine(#[from] OcrError),
    /// No text at all.
    #[error("no text was found in the image")]
    NoText,
    /// The document is of the kind asked for, but its key number could
    /// not be read.
    #[error("the number could not be read")]
    NoNumber,
    /// The image shows text, but not a document of the kind asked for.
    #[error("the image does not show this kind of document")]
    NotThisKind,
}

/// A recognizer's failure: the kind it read and what went wrong.
#[derive(Debug)]
pub struct ReadFailure {
    pub kind: DocumentKind,
    pub error: ReadError,
}

impl ReadFailure {
    /// `error` while reading a document of `kind`.
    pub fn new(kind: DocumentKind, error: impl Into<ReadError>) -> ReadFailure {
        ReadFailure {
            kind,
            error: error.into(),
        }
    }
}

impl std::fmt::Display for ReadFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let document = self.kind.described();
        match &self.error {
            ReadError::Engine(error) => write!(f, "the OCR engine failed: {error}"),
            ReadError::NoText => write!(f, "no text was found in the image"),
            ReadError::NoNumber => write!(
                f,
                "the image shows {document} but its {} could not be read",
                self.kind.key_number()
            ),
            ReadError::NotThisKind => write!(f, "the image does not show {document}"),
        }
    }
}

impl std::error::Error for ReadFailure {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.error {
            ReadError::Engine(error) => Some(error),
            _ => None,
        }
    }
}

impl ToErrorCode for ReadFailure {
    /// The one table of every kind's failures and their codes.
    fn error_code(&self) -> ErrorCode {
        use DocumentKind::*;
        use ErrorCode::*;
        match (self.kind, &self.error) {
            (CreditCard, ReadError::Engine(_)) => OcrDocumentCreditCardApiFail,
            (CreditCard, ReadError::NoText) => OcrDocumentCreditCardApiReturnEmpty,
            (CreditCard, ReadError::NoNumber) => OcrDocumentCreditCardRecognitionFail,
            (CreditCard, ReadError::NotThisKind) => CreditCardInfoNotFound,
            (IdCard, ReadError::Engine(_)) => OcrDocumentIdCardApiFail,
            (IdCard, ReadError::NoText) => OcrDocumentIdCardApiReturnEmpty,
            (IdCard, ReadError::NoNumber) => OcrDocumentIdCardRecognitionFail,
            (IdCard, ReadError::NotThisKind) => IdCardInfoNotFound,
            (Business, ReadError::Engine(_)) => OcrDocumentBusinessApiFail,
            (Business, ReadError::NoText) => OcrDocumentBusinessApiReturnEmpty,
            (Business, ReadError::NoNumber) => OcrDocumentBusinessRecognitionFail,
            (Business, ReadError::NotThisKind) => InvalidBusinessRegistrationFormat,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kinds_failures_have_the_tables_codes() {
        let code = |kind, error| ReadFailure::new(kind, error).error_code().code();
        let engine = || ReadError::Engine(OcrError::Recognize);
        assert_eq!(code(DocumentKind::CreditCard, engine()), 5003011);
        assert_eq!(code(DocumentKind::CreditCard, ReadError::NoText), 5003012);
        assert_eq!(code(DocumentKind::CreditCard, ReadError::NoNumber), 5003013);
        assert_eq!(
            code(DocumentKind::CreditCard, ReadError::NotThisKind),
            4000111
        );
        assert_eq!(code(DocumentKind::IdCard, engine()), 5003021);
        assert_eq!(code(DocumentKind::IdCard, ReadError::NoText), 5003022);
        assert_eq!(code(DocumentKind::IdCard, ReadError::NoNumber), 5003023);
        assert_eq!(code(DocumentKind::IdCard, ReadError::NotThisKind), 4000121);
        assert_eq!(code(DocumentKind::Business, engine()), 5003001);
        assert_eq!(code(DocumentKind::Business, ReadError::NoText), 5003002);
        assert_eq!(code(DocumentKind::Business, ReadError::NoNumber), 5003003);
        assert_eq!(
            code(DocumentKind::Business, ReadError::NotThisKind),
            4000101
        );
    }

    #[test]
    fn messages_name_the_document_and_keep_the_engines_cause() {
        let failure = ReadFailure::new(DocumentKind::IdCard, ReadError::NoNumber);
        assert_eq!(
            failure.to_string(),
            "the image shows a Korean ID card but its resident number could not be read"
        );
        let failure = ReadFailure::new(DocumentKind::CreditCard, ReadError::NotThisKind);
        assert_eq!(failure.to_string(), "the image does not show a credit card");
        let failure = ReadFailure::new(DocumentKind::Business, OcrError::Recognize);
        assert!(std::error::Error::source(&failure).is_some());
    }
}
