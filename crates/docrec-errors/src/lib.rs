//! The error table of docrec and the response envelope.
//!
//! Every answer docrec gives, over HTTP or on the command line, is an
//! [`Envelope`]: a header with `isSuccessful`, `resultCode` and
//! `resultMessage`, and on success a `result`. The codes, keys and messages
//! come from one exhaustive list, [`ErrorCode`], which mirrors
//! `shared/spec/error-codes.md` row for row (a test checks it), the two
//! codes of the hosted service's current table that `shared/spec/API.md`
//! adopts, and the extension codes it names. Nothing else in the
//! workspace defines a code or a message: every crate's error converts into
//! an [`ErrorCode`] through [`ToErrorCode`].

use serde::Serialize;

mod envelope;
pub use envelope::{Envelope, Header};

/// Builds [`ErrorCode`] with its code, key, message and natural HTTP status
/// from one list, so that the four can never drift apart.
macro_rules! error_codes {
    ($( $(#[$doc:meta])* $variant:ident = ($code:expr, $key:literal, $message:literal, $status:expr, $origin:ident); )*) => {
        /// Every result code docrec answers with.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum ErrorCode {
            $( $(#[$doc])* $variant, )*
        }

        impl ErrorCode {
            /// Every code, in the order of the table.
            pub const ALL: &'static [ErrorCode] = &[ $( ErrorCode::$variant, )* ];

            /// The numeric `resultCode`.
            pub const fn code(self) -> i64 {
                match self { $( ErrorCode::$variant => $code, )* }
            }

            /// The `resultKey`, e.g. `INVALID_PARAMETER`.
            pub const fn key(self) -> &'static str {
                match self { $( ErrorCode::$variant => $key, )* }
            }

            /// The `resultMessage`, byte for byte as the table has it.
            pub const fn message(self) -> &'static str {
                match self { $( ErrorCode::$variant => $message, )* }
            }

            /// The HTTP status the error maps to when an operator asks for
            /// natural statuses instead of the hosted service's constant 200.
            pub const fn natural_http_status(self) -> u16 {
                match self { $( ErrorCode::$variant => $status, )* }
            }

            /// Where the code is defined: the table, the hosted service's
            /// current table, or an extension documented in `API.md`.
            pub const fn origin(self) -> Origin {
                match self { $( ErrorCode::$variant => Origin::$origin, )* }
            }
        }
    };
}

/// Where a code comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Origin {
    /// A row of `shared/spec/error-codes.md`.
    Table,
    /// A code of the hosted service's current table that
    /// `shared/spec/error-codes.md` does not list, adopted as it is
    /// (`shared/spec/API.md` §1).
    Hosted,
    /// An extension code named in `shared/spec/API.md` or documented in the README.
    Extension,
}

error_codes! {
    Success = (0, "SUCCESS", "Success", 200, Table);
    Fail = (-1, "FAIL", "Unknown error.", 500, Table);
    BadRequest = (400, "BAD_REQUEST", "Bad Request", 400, Table);
    Unauthorized = (401, "UNAUTHORIZED", "Unauthorized", 401, Table);
    Forbidden = (403, "FORBIDDEN", "Forbidden", 403, Table);
    NotFound = (404, "NOT_FOUND", "Not Found", 404, Table);
    MethodNotAllowed = (405, "METHOD_NOT_ALLOWED", "Method Not Allowed", 405, Table);
    UnsupportedMediaType = (415, "UNSUPPORTED_MEDIA_TYPE", "Unsupported Media Type", 415, Table);
    InvalidParameter = (4000001, "INVALID_PARAMETER", "Invalid parameter.", 400, Table);
    MaxUploadSizeExceeded = (4000002, "MAX_UPLOAD_SIZE_EXCEEDED", "Max upload file size exceeded.", 413, Table);
    InvalidFileType = (4000003, "INVALID_FILE_TYPE", "Invalid file type.", 415, Table);
    UploadedFileIsEmpty = (4000004, "UPLOADED_FILE_IS_EMPTY", "Uploaded file is empty.", 400, Table);
    MissingRequiredHeader = (4000005, "MISSING_REQUIRED_HEADER", "Required headers is missing.", 400, Table);
    ApiCallLimitExceeded = (4000006, "API_CALL_LIMIT_EXCEEDED", "Api call limit exceeded, If you need to adjust the limit, please contact customer service.", 429, Table);
    InvalidBusinessRegistrationFormat = (4000101, "INVALID_BUSINESS_REGISTRATION_FORMAT", "Invalid business registration format.", 422, Table);
    /// Extension (API.md §4.6): the business number is not in the status table.
    NotExistBusinessNumber = (4000102, "NOT_EXIST_BUSINESS_NUMBER", "Business number that does not exist.", 404, Extension);
    /// Extension (API.md §4.1): the uploaded PDF needs a password.
    PdfPasswordProtected = (4000103, "PDF_PASSWORD_PROTECTED", "PDF file is password protected.", 422, Extension);
    CreditCardInfoNotFound = (4000111, "CREDIT_CARD_INFO_NOT_FOUND", "Credit card info not found.", 422, Table);
    IdCardInfoNotFound = (4000121, "ID_CARD_INFO_NOT_FOUND", "Id card info not found.", 422, Table);
    AuthenticityRequestKeyInvalid = (4000122, "AUTHENTICITY_REQUEST_KEY_INVALID", "Request Key is invalid or expired.", 400, Table);
    /// Extension (API.md §4.5): too many wrong issue dates for one resident number.
    RegistrationCardAuthenticationLocked = (4000123, "REGISTRATION_CARD_AUTHENTICATION_LOCKED", "Registration card authentication is locked.", 423, Extension);
    InvalidKeyVersion = (4000301, "INVALID_KEY_VERSION", "Invalid key version.", 400, Table);
    /// Extension (API.md §4.3): the Symmetric-Key does not decrypt to 32 bytes.
    InvalidSymmetricKey = (4000302, "INVALID_SYMMETRIC_KEY", "Invalid symmetric key.", 400, Extension);
    /// Extension (API.md §4.3): an image or field does not decrypt with K.
    InvalidEncryptedData = (4000303, "INVALID_ENCRYPTED_DATA", "Invalid encrypted data.", 400, Extension);
    ServiceNotEnabled = (4000401, "SERVICE_NOT_ENABLED", "Service not enabled. Please submit service use request.", 403, Table);
    ServiceUseRequestAlreadyInProgress = (4000402, "SERVICE_USE_REQUEST_ALREADY_IN_PROGRESS", "Service use request already in progress.", 409, Table);
    ServiceUseRequestNotInProgress = (4000403, "SERVICE_USE_REQUEST_NOT_IN_PROGRESS", "Service use request not in progress.", 409, Table);
    ServiceAlreadyEnabled = (4000404, "SERVICE_ALREADY_ENABLED", "Service already enabled.", 409, Table);
    InvalidAppkeySecretkey = (4010001, "INVALID_APPKEY_SECRETKEY", "Invalid appKey or secretKey.", 401, Table);
    InvalidUuid = (4010002, "INVALID_UUID", "Invalid uuid.", 400, Table);
    NotAllowedUser = (4010003, "NOT_ALLOWED_USER", "Not allowed user.", 403, Table);
    InvalidProject = (4010004, "INVALID_PROJECT", "Invalid project.", 404, Table);
    UnauthorizedRole = (4010005, "UNAUTHORIZED_ROLE", "Unauthorized role.", 403, Table);
    /// Extension (API.md §2): the bearer token is invalid or expired.
    InvalidToken = (4010006, "INVALID_TOKEN", "Invalid token.", 401, Extension);
    /// Extension (API.md §2): the token's user has no access to the appKey's project.
    PermissionDenied = (4010007, "PERMISSION_DENIED", "Permission denied.", 403, Extension);
    /// Hosted (API.md §1): no route has this path.
    UrlNotFound = (4041007, "URL_NOT_FOUND", "URL Not Found", 404, Hosted);
    InternalApiFail = (5000001, "INTERNAL_API_FAIL", "Internal Api fail.", 500, Table);
    ErrorParsingFail = (5000002, "ERROR_PARSING_FAIL", "Error parsing fail.", 500, Table);
    DatabaseFail = (5000003, "DATABASE_FAIL", "Database server error.", 503, Table);
    ResourceDeleteFail = (5000004, "RESOURCE_DELETE_FAIL", "All or some resource delete fail.", 500, Table);
    FileReadFail = (5000005, "FILE_READ_FAIL", "File read fail.", 422, Table);
    DecryptFail = (5000006, "DECRYPT_FAIL", "File decrypt fail.", 500, Table);
    EncryptFail = (5000007, "ENCRYPT_FAIL", "File encrypt fail.", 500, Table);
    /// Hosted (API.md §1): the node cannot take the request now (its
    /// queue is full, or the appKey has its share); sent with `Retry-After`.
    ApiTemporarilyUnavailable = (5000503, "API_TEMPORARILY_UNAVAILABLE", "The API you requested is temporarily unavailable. Please try again later.", 503, Hosted);
    OcrDocumentBusinessApiFail = (5003001, "OCR_DOCUMENT_BUSINESS_API_FAIL", "Document(business) Recognizer Api fail.", 500, Table);
    OcrDocumentBusinessApiReturnEmpty = (5003002, "OCR_DOCUMENT_BUSINESS_API_RETURN_EMPTY", "Document(business) Recognizer Api returned empty body.", 422, Table);
    OcrDocumentBusinessRecognitionFail = (5003003, "OCR_DOCUMENT_BUSINESS_RECOGNITION_FAIL", "Document(business) Recognizer failed to recognize the document.", 422, Table);
    /// Extension (API.md §4.6): the business status table could not be read.
    OcrDocumentBusinessStatusApiFail = (5003004, "OCR_DOCUMENT_BUSINESS_STATUS_API_FAIL", "Document(business) status Api fail.", 500, Extension);
    OcrDocumentCreditCardApiFail = (5003011, "OCR_DOCUMENT_CREDIT_CARD_API_FAIL", "Document(credit card) Recognizer Api fail.", 500, Table);
    OcrDocumentCreditCardApiReturnEmpty = (5003012, "OCR_DOCUMENT_CREDIT_CARD_API_RETURN_EMPTY", "Document(credit card) Recognizer Api returned empty body.", 422, Table);
    OcrDocumentCreditCardRecognitionFail = (5003013, "OCR_DOCUMENT_CREDIT_CARD_RECOGNITION_FAIL", "Document(credit card) Recognizer failed to recognize the document.", 422, Table);
    OcrDocumentIdCardApiFail = (5003021, "OCR_DOCUMENT_ID_CARD_API_FAIL", "Document(id card) Recognizer Api fail.", 500, Table);
    OcrDocumentIdCardApiReturnEmpty = (5003022, "OCR_DOCUMENT_ID_CARD_API_RETURN_EMPTY", "Document(id card) Recognizer Api returned empty body.", 422, Table);
    OcrDocumentIdCardRecognitionFail = (5003023, "OCR_DOCUMENT_ID_CARD_RECOGNITION_FAIL", "Document(id card) Recognizer failed to recognize the document.", 422, Table);
}

impl ErrorCode {
    /// Looks a code up by its numeric `resultCode`.
    pub fn from_code(code: i64) -> Option<ErrorCode> {
        Self::ALL.iter().copied().find(|c| c.code() == code)
    }

    /// Whether this is the success code.
    pub fn is_success(self) -> bool {
        self == ErrorCode::Success
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}: {}", self.code(), self.key(), self.message())
    }
}

/// One row of the table as `docrec error-codes --json` prints it.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TableRow {
    pub result_code: i64,
    pub result_key: &'static str,
    pub result_message: &'static str,
}

/// The whole table, in order, as rows ready to serialise.
pub fn table() -> Vec<TableRow> {
    ErrorCode::ALL
        .iter()
        .map(|c| TableRow {
            result_code: c.code(),
            result_key: c.key(),
            result_message: c.message(),
        })
        .collect()
}

/// Implemented by every crate's error type: the code the failure answers with.
pub trait ToErrorCode {
    fn error_code(&self) -> ErrorCode;
}

impl ToErrorCode for ErrorCode {
    fn error_code(&self) -> ErrorCode {
        *self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn codes_and_keys_are_unique() {
        let codes: HashSet<_> = ErrorCode::ALL.iter().map(|c| c.code()).collect();
        let keys: HashSet<_> = ErrorCode::ALL.iter().map(|c| c.key()).collect();
        assert_eq!(codes.len(), ErrorCode::ALL.len());
        assert_eq!(keys.len(), ErrorCode::ALL.len());
    }

    #[test]
    fn from_code_round_trips() {
        for code in ErrorCode::ALL {
            assert_eq!(ErrorCode::from_code(code.code()), Some(*code));
        }
        assert_eq!(ErrorCode::from_code(12345), None);
    }

    #[test]
    fn table_serialises_with_camel_case_keys() {
        let json = serde_json::to_value(table()).unwrap();
        assert_eq!(
            json[0],
            serde_json::json!({"resultCode": 0, "resultKey": "SUCCESS", "resultMessage": "Success"})
        );
    }
}
