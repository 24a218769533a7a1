//! Who may call docrec (API.md §2 and §5).
//!
//! Takes the [`Store`] and gives [`Auth`]: the check of an appKey's
//! secretKey (v1.0/v2.0); the check of a user's access key, the access
//! tokens made from it (`POST /oauth2/token/create`) and their check
//! (v1.1/v2.1); the operator's operations on projects, users, roles,
//! appKeys and access keys; the service-use workflow (the `services`
//! module); rate limits, quotas and usage statistics (the `limits`
//! module). Every failure is an [`AuthError`]: a refusal with its code of
//! the table, or the failure underneath (the store's) kept as its source. The admin
//! API's operator token is checked by [`OperatorToken`].
//!
//! The `key_ring` module takes the master key and gives [`Keys`]: the
//! at-rest key ring that seals what docrec stores, and each appKey's
//! envelope key pairs (API.md §4.3), with their rotation and the master
//! key's ([`rotate_master_key`]); its failures are [`KeyRingError`]s.
//! The `authenticity` module takes recognised ID-card fields and a
//! client's claim and gives [`Authenticity`]: Request-Keys, the check of
//! a claimed document against a [`Verifier`] (the registry of issued
//! documents, [`RegistryVerifier`], or an operator's gateway,
//! [`HttpVerifier`]) and the lockout after failed checks; its failures are
//! [`AuthenticityError`]s.
//!
//! Decisions:
//!
//! * **Tokens** are 256 random bits from the OS, Base64url (43
//!   characters). Only their SHA-256 is stored (a token is a random
//!   bearer secret, so a fast unsalted hash cannot be reversed and lets
//!   the check be one indexed lookup), with the access key that made it:
//!   deleting the access key revokes its tokens. Expired tokens answer
//!   4010006 and are deleted by the server's sweeper.
//! * **Codes** for tokens: a missing header is 4000005; a header that is
//!   not `Bearer <token>`, or an unknown or expired token, 4010006; an
//!   unknown appKey 4010001 (as with a secretKey: appKeys are not secret,
//!   they are in every URL); a user who is not a member of the appKey's
//!   project 4010007; a member whose role may not call the APIs (viewer)
//!   4010005. For `token/create`: a missing header 4000005, and a header
//!   that is not `Basic` or credentials that do not match 401
//!   (`UNAUTHORIZED`, the table's code for a failure of authentication
//!   itself).
//! * **Ids**: projects and users have UUIDs; a malformed or unknown user
//!   id is 4010002, a malformed or unknown project id 4010004.

mod authenticity;
mod error;
mod key_ring;
mod limits;
mod operator;
mod role;
mod services;

use std::time::Duration;

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine as _;
use docrec_errors::ErrorCode;
use docrec_store::{AppKeyAccess, Member, Project, Store, User};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

pub use authenticity::{
    parse_registry_csv, registry_key, Authenticity, AuthenticityError, Claim, ClaimType,
    HttpVerifier, RegistryVerifier, Verdict, Verifier,
};
pub use error::AuthError;
pub use key_ring::{
    rotate_master_key, unix_now, KeyRingError, Keys, MasterKeySource, ENVELOPE_SERVICES,
    MASTER_KEY_ENV, MASTER_KEY_FILE_ENV,
};
pub use limits::kst_date;
pub use operator::{OperatorToken, MIN_OPERATOR_TOKEN_LEN};
pub use role::Role;
pub use services::ServiceStep;

/// A freshly made access token: the only time it exists in plaintext.
pub struct AccessToken {
    /// The token, for `X-NHN-Authorization: Bearer <token>`.
    pub token: Zeroizing<String>,
    /// Seconds until it expires.
    pub expires_in: u64,
}

/// The checks and operations of this crate. Cheap to clone.
#[derive(Clone)]
pub struct Auth {
    store: Store,
    token_lifetime: Duration,
}

impl Auth {
    /// Checks against `store`; tokens live for `token_lifetime`.
    pub fn new(store: &Store, token_lifetime: Duration) -> Auth {
        Auth {
            store: store.clone(),
            token_lifetime,
        }
    }

    /// Passes when `authorization` (the `Authorization` header, raw) is
    /// the appKey's secretKey. Missing: 4000005; unknown appKey or wrong
    /// secret: 4010001, indistinguishable.
    pub async fn check_secret(
        &self,
        app_key: &str,
        authorization: Option<&[u8]>,
    ) -> Result<(), AuthError> {
        let header = authorization.ok_or(ErrorCode::MissingRequiredHeader)?;
        let secret = std::str::from_utf8(header).map_err(|_| ErrorCode::InvalidAppkeySecretkey)?;
        match self.store.verify_secret(app_key, secret.trim()).await {
            Ok(true) => Ok(()),
            Ok(false) => Err(ErrorCode::InvalidAppkeySecretkey.into()),
            Err(e) => Err(e.into()),
        }
    }

    /// The access key that `authorization` names and proves
    /// (`Basic base64(accessKeyId:secretAccessKey)`): its id.
    pub async fn check_access_key(
        &self,
        authorization: Option<&[u8]>,
    ) -> Result<String, AuthError> {
        let header = authorization.ok_or(ErrorCode::MissingRequiredHeader)?;
        let credentials = basic_credentials(header).ok_or(ErrorCode::Unauthorized)?;
        let (id, secret) = credentials.split_once(':').ok_or(ErrorCode::Unauthorized)?;
        self.store
            .verify_access_key(id, secret)
            .await?
            .ok_or(ErrorCode::Unauthorized)?;
        Ok(id.to_owned())
    }

    /// Makes an access token from the access key `access_key_id` (which
    /// [`Auth::check_access_key`] passed), valid from `now` (Unix seconds)
    /// for the configured lifetime.
    pub async fn create_token(
        &self,
        access_key_id: &str,
        now: i64,
    ) -> Result<AccessToken, AuthError> {
        let mut raw = Zeroizing::new([0u8; 32]);
        getrandom::fill(raw.as_mut_slice()).map_err(AuthError::Random)?;
        let token = Zeroizing::new(URL_SAFE_NO_PAD.encode(raw.as_slice()));
        let lifetime = self.token_lifetime.as_secs();
        let expires_at = now.saturating_add(i64::try_from(lifetime).unwrap_or(i64::MAX));
        self.store
            .add_access_token(&token_hash(&token), access_key_id, expires_at)
            .await?;
        Ok(AccessToken {
            token,
            expires_in: lifetime,
        })
    }

    /// Passes when `authorization` (the `X-NHN-Authorization` header) is
    /// `Bearer <token>` with a token valid at `now` whose user may call the
    /// appKey's APIs; gives the user's id. The codes are the crate's.
    pub async fn check_bearer(
        &self,
        app_key: &str,
        authorization: Option<&[u8]>,
        now: i64,
    ) -> Result<String, AuthError> {
        let header = authorization.ok_or(ErrorCode::MissingRequiredHeader)?;
        let token = std::str::from_utf8(header)
            .ok()
            .and_then(|h| h.trim().strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or(ErrorCode::InvalidToken)?;
        let user_id = self
            .store
            .access_token_user(&token_hash(token), now)
            .await?
            .ok_or(ErrorCode::InvalidToken)?;
        let role = self
            .role_for(app_key, &user_id, ErrorCode::PermissionDenied)
            .await?;
        if role.may_call_apis() {
            Ok(user_id)
        } else {
            Err(ErrorCode::UnauthorizedRole.into())
        }
    }

    /// The user's role in the appKey's project: 4010001 for an unknown
    /// appKey, `not_member` for a user who is not a member, 4010005 for a
    /// role docrec does not know.
    async fn role_for(
        &self,
        app_key: &str,
        user_id: &str,
        not_member: ErrorCode,
    ) -> Result<Role, AuthError> {
        let access = self.store.app_key_access(app_key, user_id).await?;
        match access {
            AppKeyAccess::UnknownAppKey => Err(ErrorCode::InvalidAppkeySecretkey.into()),
            AppKeyAccess::NotMember => Err(not_member.into()),
            AppKeyAccess::Role(name) => {
                Role::from_name(&name).ok_or(ErrorCode::UnauthorizedRole.into())
            }
        }
    }

    /// Deletes the tokens expired at `now`; gives how many.
    pub async fn sweep_tokens(&self, now: i64) -> Result<u64, AuthError> {
        self.store
            .sweep_access_tokens(now)
            .await
            .map_err(AuthError::from)
    }

    /// Creates a project.
    pub async fn create_project(&self, name: &str) -> Result<Project, AuthError> {
        self.store
            .create_project(name)
            .await
            .map_err(AuthError::from)
    }

    /// Every project.
    pub async fn projects(&self) -> Result<Vec<Project>, AuthError> {
        self.store.projects().await.map_err(AuthError::from)
    }

    /// Deletes a project with its appKeys, members and what its appKeys
    /// own, all or nothing: 4010004 when there is no such project, 5000004
    /// when the deletion failed (and nothing was deleted).
    pub async fn delete_project(&self, project_id: &str) -> Result<(), AuthError> {
        let project_id = self.project_id(project_id).await?;
        match self.store.delete_project(&project_id).await {
            Ok(true) => Ok(()),
            Ok(false) => Err(ErrorCode::InvalidProject.into()),
            Err(e) => Err(AuthError::Delete(e)),
        }
    }

    /// The project's appKeys and members.
    pub async fn project_contents(
        &self,
        project_id: &str,
    ) -> Result<(Vec<String>, Vec<Member>), AuthError> {
        let project_id = self.project_id(project_id).await?;
        let app_keys = self.store.project_app_keys(&project_id).await;
        let members = self.store.members(&project_id).await;
        Ok((app_keys?, members?))
    }

    /// A fresh secretKey for the appKey (the old one stops working);
    /// 4010001 for an unknown appKey.
    pub async fn regenerate_secret_key(&self, app_key: &str) -> Result<String, AuthError> {
        self.store
            .regenerate_secret(app_key)
            .await?
            .ok_or(ErrorCode::InvalidAppkeySecretkey.into())
    }

    /// Creates an appKey in the project; gives `(appKey, secretKey)`.
    pub async fn create_app_key(&self, project_id: &str) -> Result<(String, String), AuthError> {
        let project_id = self.project_id(project_id).await?;
        self.store
            .create_app_key(&project_id)
            .await
            .map_err(AuthError::from)
    }

    /// Creates a user.
    pub async fn create_user(&self, name: &str) -> Result<User, AuthError> {
        self.store.create_user(name).await.map_err(AuthError::from)
    }

    /// Gives the user `role` in the project (a member's role is changed).
    pub async fn set_member(
        &self,
        project_id: &str,
        user_id: &str,
        role: Role,
    ) -> Result<(), AuthError> {
        let project_id = self.project_id(project_id).await?;
        let user_id = self.user_id(user_id).await?;
        self.store
            .set_member(&project_id, &user_id, role.as_str())
            .await
            .map_err(AuthError::from)
    }

    /// Ends the user's membership of the project: 4010003 when the user
    /// is not a member.
    pub async fn remove_member(&self, project_id: &str, user_id: &str) -> Result<(), AuthError> {
        let project_id = self.project_id(project_id).await?;
        let user_id = self.user_id(user_id).await?;
        match self.store.remove_member(&project_id, &user_id).await {
            Ok(true) => Ok(()),
            Ok(false) => Err(ErrorCode::NotAllowedUser.into()),
            Err(e) => Err(e.into()),
        }
    }

    /// Creates an access key for the user; gives `(accessKeyId,
    /// secretAccessKey)`.
    pub async fn create_access_key(&self, user_id: &str) -> Result<(String, String), AuthError> {
        let user_id = self.user_id(user_id).await?;
        self.store
            .create_access_key(&user_id)
            .await
            .map_err(AuthError::from)
    }

    /// Deletes an access key and the tokens made from it: 4000001 when
    /// there is no such key.
    pub async fn delete_access_key(&self, access_key_id: &str) -> Result<(), AuthError> {
        match self.store.delete_access_key(access_key_id).await {
            Ok(true) => Ok(()),
            Ok(false) => Err(ErrorCode::InvalidParameter.into()),
            Err(e) => Err(e.into()),
        }
    }

    /// The id of an existing project, in its canonical form; 4010004 when
    /// `text` is no UUID or no project's.
    async fn project_id(&self, text: &str) -> Result<String, AuthError> {
        let id = canonical_uuid(text).ok_or(ErrorCode::InvalidProject)?;
        match self.store.project(&id).await {
            Ok(Some(_)) => Ok(id),
            Ok(None) => Err(ErrorCode::InvalidProject.into()),
            Err(e) => Err(e.into()),
        }
    }

    /// The id of an existing user, in its canonical form; 4010002 when
    /// `text` is no UUID or no user's.
    async fn user_id(&self, text: &str) -> Result<String, AuthError> {
        let id = canonical_uuid(text).ok_or(ErrorCode::InvalidUuid)?;
        match self.store.user(&id).await {
            Ok(Some(_)) => Ok(id),
            Ok(None) => Err(ErrorCode::InvalidUuid.into()),
            Err(e) => Err(e.into()),
        }
    }
}

/// `text` as a lower-case hyphenated UUID (the form ids are stored in),
/// if it is a UUID in any of the forms the `uuid` crate reads.
fn canonical_uuid(text: &str) -> Option<String> {
    uuid::Uuid::try_parse(text.trim())
        .ok()
        .map(|id| id.hyphenated().to_string())
}

/// The `id:secret` of a `Basic` authorization header.
fn basic_credentials(header: &[u8]) -> Option<Zeroizing<String>> {
    let header = std::str::from_utf8(header).ok()?.trim();
    let (scheme, encoded) = header.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = Zeroizing::new(STANDARD.decode(encoded.trim()).ok()?);
    String::from_utf8(decoded.to_vec()).ok().map(Zeroizing::new)
}

/// What is stored of a token.
fn token_hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

#[cfg(test)]
mod tests;
