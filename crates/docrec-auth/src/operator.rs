//! The operator's token of the admin HTTP API (`DOCREC_ADMIN_TOKEN`),
//! sent as `Authorization: Bearer <token>`.

use docrec_errors::ErrorCode;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

/// The shortest operator token accepted: 128 bits as hex or Base64 are
/// 32 and 24 characters; a shorter one is a password, not a token.
pub const MIN_OPERATOR_TOKEN_LEN: usize = 24;

/// The operator's token, kept only as its SHA-256.
#[derive(Clone)]
pub struct OperatorToken {
    hash: [u8; 32],
}

/// Shows that a token is set, never the token or its hash.
impl std::fmt::Debug for OperatorToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("OperatorToken(..)")
    }
}

impl OperatorToken {
    /// The token `token`, or `None` when it is shorter than
    /// [`MIN_OPERATOR_TOKEN_LEN`].
    pub fn new(token: &str) -> Option<OperatorToken> {
        let token = Zeroizing::new(token.trim().to_owned());
        (token.len() >= MIN_OPERATOR_TOKEN_LEN).then(|| OperatorToken {
            hash: Sha256::digest(token.as_bytes()).into(),
        })
    }

    /// Passes when `authorization` is `Bearer <the token>`: a missing
    /// header is 4000005, anything else 401. The hashes are compared in
    /// constant time.
    pub fn check(&self, authorization: Option<&[u8]>) -> Result<(), ErrorCode> {
        let header = authorization.ok_or(ErrorCode::MissingRequiredHeader)?;
        let token = std::str::from_utf8(header)
            .ok()
            .and_then(|h| h.trim().strip_prefix("Bearer "))
            .ok_or(ErrorCode::Unauthorized)?;
        let hash: [u8; 32] = Sha256::digest(token.trim().as_bytes()).into();
        if bool::from(hash.ct_eq(&self.hash)) {
            Ok(())
        } else {
            Err(ErrorCode::Unauthorized)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_bearer_of_the_token_passes() {
        let token = OperatorToken::new("operator-token-0123456789abcdef").unwrap();
        assert_eq!(
            token.check(Some(b"Bearer operator-token-0123456789abcdef")),
            Ok(())
        );
        assert_eq!(token.check(None), Err(ErrorCode::MissingRequiredHeader));
        for wrong in [
            &b"Bearer operator-token-0123456789abcdeF"[..],
            b"operator-token-0123456789abcdef",
            b"Basic operator-token-0123456789abcdef",
            b"",
        ] {
            assert_eq!(token.check(Some(wrong)), Err(ErrorCode::Unauthorized));
        }
        assert!(OperatorToken::new("short").is_none());
    }
}
