//! The JSON envelope every answer is wrapped in.

use serde::{Deserialize, Serialize};

use crate::ErrorCode;

/// `{"isSuccessful", "resultCode", "resultMessage"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Header {
    pub is_successful: bool,
    pub result_code: i64,
    pub result_message: String,
}

impl From<ErrorCode> for Header {
    fn from(code: ErrorCode) -> Self {
        Header {
            is_successful: code.is_success(),
            result_code: code.code(),
            result_message: code.message().to_owned(),
        }
    }
}

/// An answer: the header, and the result on success only (a failed answer
/// has no `result` key at all).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Envelope<T> {
    pub header: Header,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result: Option<T>,
}

impl<T> Envelope<T> {
    /// A successful answer carrying `result`.
    pub fn success(result: T) -> Self {
        Envelope {
            header: ErrorCode::Success.into(),
            result: Some(result),
        }
    }

    /// A failed answer with the code's message and no result.
    pub fn failure(code: ErrorCode) -> Self {
        Envelope {
            header: code.into(),
            result: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failure_has_no_result_key() {
        let json =
            serde_json::to_value(Envelope::<()>::failure(ErrorCode::InvalidParameter)).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"header": {"isSuccessful": false, "resultCode": 4000001, "resultMessage": "Invalid parameter."}})
        );
    }

    #[test]
    fn success_carries_result() {
        let json = serde_json::to_value(Envelope::success(serde_json::json!({"a": 1}))).unwrap();
        assert_eq!(json["header"]["isSuccessful"], true);
        assert_eq!(json["header"]["resultCode"], 0);
        assert_eq!(json["result"]["a"], 1);
    }
}
