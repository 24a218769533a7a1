//! Request-Keys and authenticity checks (API.md §4.4, §4.5).
//!
//! Takes: the store, the [`Keys`] that seal what it keeps, recognised
//! ID-card fields (to issue a Request-Key) and a client's claim with its
//! Request-Key (to check it). Gives [`Authenticity`]: the Request-Key, and
//! whether the claimed document was issued, from a [`Verifier`]. Every
//! failure is an [`AuthenticityError`]: its code of the table, and the
//! failure underneath (the store's, the key ring's, the gateway client's)
//! kept as its source.
//!
//! - A Request-Key is 256 random bits, shown once as 64 hex digits and
//!   stored only as its SHA-256; the recognised fields behind it are sealed
//!   with the key ring. It is valid for `DOCREC_REQUEST_KEY_TTL_SECONDS`
//!   (an hour), for the appKey and `idType` it was issued to, once: a
//!   completed check deletes it (one whose verifier did not answer leaves
//!   it for a retry), and a sweeper deletes the expired ones every minute
//!   (`DOCREC_SWEEP_SECONDS`).
//! - Five checks of one person for one appKey (a resident card's resident
//!   number, a licence's number) that did not pass lock the person for
//!   that appKey (4000123) until a day (`DOCREC_AUTH_LOCK_SECONDS`) after
//!   the last; a check that passes clears the count. Each check is counted
//!   before its verifier is asked, in one statement that refuses it when
//!   the count is reached, so checks sent at once cannot get past the
//!   limit. Every failed check counts: a self-hosted registry cannot tell
//!   a wrong issue date from a wrong name.
//! - The built-in verifier ([`RegistryVerifier`]) looks the claim up in a
//!   registry of issued documents (`docrec admin import-id-registry`),
//!   kept as HMAC-SHA256 hashes under a random key sealed with the key
//!   ring: a copy of the database does not give the documents away.
//! - The HTTP verifier ([`HttpVerifier`], `DOCREC_VERIFIER=http`) forwards
//!   each check to an operator's gateway (`DOCREC_VERIFIER_URL`), which
//!   answers `{"isAuthenticity": bool}`; no answer within
//!   `DOCREC_VERIFIER_TIMEOUT_MS`, or another answer, is 5000001. The
//!   gateway is `https://` (rustls; its certificate checked against the
//!   system's CAs, or the PEM bundle of `DOCREC_VERIFIER_CA_FILE`): name,
//!   resident number and issue date never cross a network in clear, and a
//!   forged answer needs the gateway's key. A plain `http://` gateway is
//!   refused unless the operator opts in (`DOCREC_VERIFIER_ALLOW_HTTP`,
//!   for a gateway on loopback).

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use docrec_errors::{ErrorCode, ToErrorCode};
use docrec_store::{RegistryRecord, Store, StoreError, TakenRequestKey};
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::key_ring::{unix_now, KeyRingError, Keys};

/// Why a Request-Key could not be issued, a check did not complete, or the
/// verifier or the registry's key could not be set up. No variant carries
/// a claim's value or a key.
#[derive(Debug, thiserror::Error)]
pub enum AuthenticityError {
    /// The code alone, with no failure underneath to log: a Request-Key
    /// that is not valid for the check (`AUTHENTICITY_REQUEST_KEY_INVALID`),
    /// a locked person (4000123), a gateway that did not answer
    /// (`INTERNAL_API_FAIL`), fields that could not be sealed
    /// (`ENCRYPT_FAIL`).
    #[error("failed with {}", .0.code())]
    Code(ErrorCode),
    /// The store failed (`DATABASE_FAIL`).
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Sealing or opening with the key ring failed (its code).
    #[error(transparent)]
    Keys(#[from] KeyRingError),
    /// The OS gave no random bytes for the registry's key (`ENCRYPT_FAIL`).
    #[error("the system random number generator failed")]
    Random(getrandom::Error),
    /// The registry's new key could not be sealed (its code).
    #[error("sealing the registry key: {}", .0.error_code())]
    SealRegistryKey(#[source] KeyRingError),
    /// The registry's key does not open (its code).
    #[error("opening the registry key: {}", .0.error_code())]
    OpenRegistryKey(#[source] KeyRingError),
    /// `DOCREC_VERIFIER_URL` is not `https://` and plain HTTP was not
    /// allowed (`FAIL`).
    #[error("DOCREC_VERIFIER_URL must be an https:// URL, not {url:?} (a plain http:// gateway sees names and resident numbers in clear: set DOCREC_VERIFIER_ALLOW_HTTP=true to accept one, e.g. on loopback)")]
    PlainHttpGateway { url: String },
    /// `DOCREC_VERIFIER_CA_FILE` could not be read (`FAIL`).
    #[error("DOCREC_VERIFIER_CA_FILE {}", .path.display())]
    CaFileUnreadable {
        path: std::path::PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// `DOCREC_VERIFIER_CA_FILE` is not a PEM bundle (`FAIL`).
    #[error("DOCREC_VERIFIER_CA_FILE {}", .path.display())]
    CaFileMalformed {
        path: std::path::PathBuf,
        #[source]
        source: reqwest::Error,
    },
    /// `DOCREC_VERIFIER_CA_FILE` holds no certificate (`FAIL`).
    #[error("DOCREC_VERIFIER_CA_FILE {} holds no PEM certificate", .path.display())]
    CaFileEmpty { path: std::path::PathBuf },
    /// The gateway's HTTP client could not be built (`FAIL`).
    #[error(transparent)]
    Client(reqwest::Error),
}

impl From<ErrorCode> for AuthenticityError {
    fn from(code: ErrorCode) -> Self {
        AuthenticityError::Code(code)
    }
}

impl ToErrorCode for AuthenticityError {
    fn error_code(&self) -> ErrorCode {
        match self {
            AuthenticityError::Code(code) => *code,
            AuthenticityError::Store(error) => error.error_code(),
            AuthenticityError::Keys(error)
            | AuthenticityError::SealRegistryKey(error)
            | AuthenticityError::OpenRegistryKey(error) => error.error_code(),
            AuthenticityError::Random(_) => ErrorCode::EncryptFail,
            AuthenticityError::PlainHttpGateway { .. }
            | AuthenticityError::CaFileUnreadable { .. }
            | AuthenticityError::CaFileMalformed { .. }
            | AuthenticityError::CaFileEmpty { .. }
            | AuthenticityError::Client(_) => ErrorCode::Fail,
        }
    }
}

/// How many failed checks lock a resident number.
const LOCK_AFTER_FAILURES: i64 = 5;

/// The name of the registry's hash key among the sealed secrets.
const REGISTRY_KEY_NAME: &str = "id-registry-key";

/// Which document a claim is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClaimType {
    Resident,
    Driver,
}

impl ClaimType {
    /// The API's `idType`.
    pub fn from_api(name: &str) -> Option<ClaimType> {
        match name {
            "resident" => Some(ClaimType::Resident),
            "driver" => Some(ClaimType::Driver),
            _ => None,
        }
    }

    pub fn api_name(self) -> &'static str {
        match self {
            ClaimType::Resident => "resident",
            ClaimType::Driver => "driver",
        }
    }
}

/// What a client claims about a document (API.md §4.5), values in
/// plaintext (decrypted), wiped when dropped. Not `Debug`: it must never
/// reach a log.
pub struct Claim {
    pub id_type: ClaimType,
    pub name: Zeroizing<String>,
    /// Resident: 13 digits; driver: the first 7.
    pub resident_number: Zeroizing<String>,
    /// Resident: `YYYYMMDD`.
    pub issue_date: Option<Zeroizing<String>>,
    /// Driver: 12 digits.
    pub driver_license_number: Option<Zeroizing<String>>,
    /// Driver, optional.
    pub serial_num: Option<Zeroizing<String>>,
}

impl Claim {
    /// The fields that identify the document, one string, separated by a
    /// unit separator. Numbers and dates keep their digits only.
    fn canonical(&self) -> Zeroizing<String> {
        let digits = |s: &str| s.chars().filter(char::is_ascii_digit).collect::<String>();
        Zeroizing::new(match self.id_type {
            ClaimType::Resident => format!(
                "resident\u{1f}{}\u{1f}{}\u{1f}{}",
                self.name.trim(),
                digits(&self.resident_number),
                digits(self.issue_date.as_deref().map_or("", |s| s.as_str()))
            ),
            ClaimType::Driver => format!(
                "driver\u{1f}{}\u{1f}{}\u{1f}{}",
                self.name.trim(),
                digits(&self.resident_number)
                    .chars()
                    .take(7)
                    .collect::<String>(),
                digits(
                    self.driver_license_number
                        .as_deref()
                        .map_or("", |s| s.as_str())
                )
            ),
        })
    }
}

/// Reads a registry import file: a header row, then one document per row,
/// `id_type,name,resident_number,issue_date,driver_license_number,serial_num`.
/// A resident card needs its issue date (`YYYY.MM.DD` or `YYYYMMDD`), a
/// licence its number (hyphens allowed); a licence's resident number may be
/// whole (its first seven digits are kept) and its serial may be empty. Any
/// bad row makes the whole file an error naming its line, so that nothing
/// of a bad file is imported.
pub fn parse_registry_csv(text: &str) -> Result<Vec<Claim>, String> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let digits = |s: &str| s.chars().filter(char::is_ascii_digit).collect::<String>();
    let mut claims = Vec::new();
    for (index, record) in reader.records().enumerate() {
        let line = index + 2;
        let record = record.map_err(|e| format!("line {line}: {e}"))?;
        if record.iter().all(str::is_empty) {
            continue;
        }
        let cell = |i: usize| record.get(i).unwrap_or_default();
        let present = |i: usize| Some(cell(i)).filter(|v| !v.is_empty());
        let id_type = ClaimType::from_api(cell(0))
            .ok_or_else(|| format!("line {line}: id_type must be resident or driver"))?;
        let resident_number = digits(cell(2));
        let (issue_date, licence) = (present(3).map(digits), present(4).map(digits));
        let well_formed = match id_type {
            ClaimType::Resident => {
                resident_number.len() == 13 && issue_date.as_ref().is_some_and(|d| d.len() == 8)
            }
            ClaimType::Driver => {
                resident_number.len() >= 7 && licence.as_ref().is_some_and(|l| l.len() == 12)
            }
        };
        if cell(1).is_empty() || !well_formed {
            return Err(format!(
                "line {line}: a {} needs a name, {}",
                id_type.api_name(),
                match id_type {
                    ClaimType::Resident => "a 13-digit resident number and an 8-digit issue date",
                    ClaimType::Driver => "a resident number and a 12-digit licence number",
                }
            ));
        }
        claims.push(Claim {
            id_type,
            name: Zeroizing::new(cell(1).to_owned()),
            resident_number: Zeroizing::new(resident_number),
            issue_date: issue_date.map(Zeroizing::new),
            driver_license_number: licence.map(Zeroizing::new),
            serial_num: present(5).map(|s| Zeroizing::new(s.to_owned())),
        });
    }
    Ok(claims)
}

/// A verifier's answer to come: whether the claimed document was issued.
pub type Verdict<'a> = Pin<Box<dyn Future<Output = Result<bool, AuthenticityError>> + Send + 'a>>;

/// Says whether a claimed document was issued.
pub trait Verifier: Send + Sync {
    fn verify<'a>(&'a self, claim: &'a Claim) -> Verdict<'a>;
}

/// The HMAC-SHA256 of `text` under `key`.
fn keyed_hash(key: &[u8], text: &str) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(text.as_bytes());
    mac.finalize().into_bytes().to_vec()
}

/// The built-in verifier: the registry of issued documents.
pub struct RegistryVerifier {
    store: Store,
    hash_key: Arc<Zeroizing<Vec<u8>>>,
}

impl RegistryVerifier {
    /// The registry's record of a claim: its hash, and its hash with the
    /// serial when the claim has one.
    pub fn record(&self, claim: &Claim) -> RegistryRecord {
        let canonical = claim.canonical();
        RegistryRecord {
            record_hash: keyed_hash(&self.hash_key, &canonical),
            serial_hash: claim.serial_num.as_ref().map(|serial| {
                keyed_hash(
                    &self.hash_key,
                    &format!("{}\u{1f}{}", *canonical, serial.trim()),
                )
            }),
        }
    }

    /// Adds documents to the registry; gives how many.
    pub async fn import(&self, claims: &[Claim]) -> Result<usize, AuthenticityError> {
        let records: Vec<RegistryRecord> = claims.iter().map(|c| self.record(c)).collect();
        Ok(self.store.import_id_registry(&records, unix_now()).await?)
    }
}

impl Verifier for RegistryVerifier {
    fn verify<'a>(&'a self, claim: &'a Claim) -> Verdict<'a> {
        Box::pin(async move {
            let wanted = self.record(claim);
            let Some(found) = self.store.registry_record(&wanted.record_hash).await? else {
                return Ok(false);
            };
            // A serial, when the client sends one and the registry knows it,
            // must match too.
            Ok(match (&wanted.serial_hash, &found.serial_hash) {
                (Some(claimed), Some(issued)) => claimed == issued,
                _ => true,
            })
        })
    }
}

/// The verifier that asks an operator's gateway.
pub struct HttpVerifier {
    client: reqwest::Client,
    url: String,
}

/// What the gateway is sent: the claim as API.md §4.5 names its fields,
/// decrypted.
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct GatewayRequest<'a> {
    id_type: &'a str,
    name: &'a str,
    resident_number: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    issue_date: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    driver_license_number: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    serial_num: Option<&'a str>,
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct GatewayAnswer {
    is_authenticity: bool,
}

impl HttpVerifier {
    /// A verifier that POSTs to `url` and waits at most `timeout`: an
    /// `https://` URL, its certificate checked against the system's CAs
    /// and those of the PEM file `ca_file`; an `http://` one only when
    /// `allow_http`.
    pub fn new(
        url: &str,
        timeout: Duration,
        ca_file: Option<&std::path::Path>,
        allow_http: bool,
    ) -> Result<HttpVerifier, AuthenticityError> {
        let scheme_ok = url.starts_with("https://") || (allow_http && url.starts_with("http://"));
        if !scheme_ok {
            return Err(AuthenticityError::PlainHttpGateway {
                url: url.to_owned(),
            });
        }
        let mut client = reqwest::Client::builder()
            .timeout(timeout)
            .https_only(!allow_http);
        if let Some(path) = ca_file {
            let pem =
                std::fs::read(path).map_err(|source| AuthenticityError::CaFileUnreadable {
                    path: path.to_owned(),
                    source,
                })?;
            let certificates = reqwest::Certificate::from_pem_bundle(&pem).map_err(|source| {
                AuthenticityError::CaFileMalformed {
                    path: path.to_owned(),
                    source,
                }
            })?;
            if certificates.is_empty() {
                return Err(AuthenticityError::CaFileEmpty {
                    path: path.to_owned(),
                });
            }
            for certificate in certificates {
                client = client.add_root_certificate(certificate);
            }
        }
        Ok(HttpVerifier {
            client: client.build().map_err(AuthenticityError::Client)?,
            url: url.to_owned(),
        })
    }
}

impl Verifier for HttpVerifier {
    fn verify<'a>(&'a self, claim: &'a Claim) -> Verdict<'a> {
        Box::pin(async move {
            let body = GatewayRequest {
                id_type: claim.id_type.api_name(),
                name: &claim.name,
                resident_number: &claim.resident_number,
                issue_date: claim.issue_date.as_deref().map(|s| s.as_str()),
                driver_license_number: claim.driver_license_number.as_deref().map(|s| s.as_str()),
                serial_num: claim.serial_num.as_deref().map(|s| s.as_str()),
            };
            let response = self
                .client
                .post(&self.url)
                .json(&body)
                .send()
                .await
                .and_then(reqwest::Response::error_for_status)
                .map_err(|_| ErrorCode::InternalApiFail)?;
            let answer: GatewayAnswer = response
                .json()
                .await
                .map_err(|_| ErrorCode::InternalApiFail)?;
            Ok(answer.is_authenticity)
        })
    }
}

/// Request-Keys and checks, as the endpoints use them. Cheap to clone.
#[derive(Clone)]
pub struct Authenticity {
    store: Store,
    keys: Keys,
    verifier: Arc<dyn Verifier>,
    hash_key: Arc<Zeroizing<Vec<u8>>>,
    request_key_ttl: Duration,
    lock_window: Duration,
}

/// The registry's hash key: made and sealed on first need.
pub async fn registry_key(
    store: &Store,
    keys: &Keys,
) -> Result<Zeroizing<Vec<u8>>, AuthenticityError> {
    let context = format!("sealed-secret/{REGISTRY_KEY_NAME}");
    let sealed = match store.sealed_secret(REGISTRY_KEY_NAME).await? {
        Some(sealed) => sealed,
        None => {
            let mut key = Zeroizing::new([0u8; 32]);
            getrandom::fill(key.as_mut_slice()).map_err(AuthenticityError::Random)?;
            let sealed = keys
                .seal(key.as_slice(), &context)
                .map_err(AuthenticityError::SealRegistryKey)?;
            store.add_sealed_secret(REGISTRY_KEY_NAME, &sealed).await?
        }
    };
    keys.open_sealed(&sealed, &context)
        .map_err(AuthenticityError::OpenRegistryKey)
}

impl Authenticity {
    /// The registry verifier over `store`, with its hash key.
    pub fn registry_verifier(
        store: &Store,
        hash_key: &Arc<Zeroizing<Vec<u8>>>,
    ) -> RegistryVerifier {
        RegistryVerifier {
            store: store.clone(),
            hash_key: hash_key.clone(),
        }
    }

    pub fn new(
        store: &Store,
        keys: &Keys,
        verifier: Arc<dyn Verifier>,
        hash_key: Arc<Zeroizing<Vec<u8>>>,
        request_key_ttl: Duration,
        lock_window: Duration,
    ) -> Authenticity {
        Authenticity {
            store: store.clone(),
            keys: keys.clone(),
            verifier,
            hash_key,
            request_key_ttl,
            lock_window,
        }
    }

    /// Issues a Request-Key for recognised fields (`key`, `value` pairs,
    /// kept sealed until the key is used or expires).
    pub async fn issue_request_key(
        &self,
        app_key: &str,
        id_type: &str,
        fields: &[(String, String)],
    ) -> Result<String, AuthenticityError> {
        let mut raw = Zeroizing::new([0u8; 32]);
        getrandom::fill(raw.as_mut_slice()).map_err(|_| ErrorCode::EncryptFail)?;
        let token: String = raw.iter().map(|b| format!("{b:02x}")).collect();
        let hash = Sha256::digest(token.as_bytes()).to_vec();
        let plain = Zeroizing::new(serde_json::to_vec(fields).map_err(|_| ErrorCode::EncryptFail)?);
        let sealed = self.keys.seal(&plain, &request_key_context(&hash))?;
        let expires_at = unix_now().saturating_add(self.request_key_ttl.as_secs() as i64);
        self.store
            .add_request_key(&hash, app_key, id_type, &sealed, expires_at)
            .await?;
        Ok(token)
    }

    /// Checks a claim with its Request-Key: 4000122 for a key that is
    /// unknown, expired, used, another appKey's or for another `idType`;
    /// 4000123 for a person locked for this appKey; else whether the
    /// document was issued.
    ///
    /// The key is taken (so that two checks at once cannot both use it)
    /// and put back unless a verification completed: a verifier that did
    /// not answer (5000001), a lock or a database failure leave it for the
    /// client's retry. The attempt is counted against the person before
    /// the verifier is asked, in one statement that refuses it when the
    /// person is locked; a check that passes clears the count, one whose
    /// verifier did not answer is taken back.
    pub async fn check(
        &self,
        app_key: &str,
        request_key: &str,
        claim: &Claim,
    ) -> Result<bool, AuthenticityError> {
        let hash = Sha256::digest(request_key.trim().as_bytes()).to_vec();
        let now = unix_now();
        let taken = self
            .store
            .take_request_key(&hash, app_key, now)
            .await?
            .filter(|taken| taken.id_type == claim.id_type.api_name())
            .ok_or(ErrorCode::AuthenticityRequestKeyInvalid)?;
        // The fields behind the key are deleted with it; opening them
        // shows they were sealed for this key.
        drop(
            self.keys
                .open_sealed(&taken.sealed_fields, &request_key_context(&hash))?,
        );
        let verified = self.verify_counted(app_key, claim, now).await;
        if verified.is_err() {
            self.put_back(&hash, app_key, &taken).await;
        }
        verified
    }

    /// Counts the attempt against the person, asks the verifier, and
    /// clears the count when the document was issued.
    async fn verify_counted(
        &self,
        app_key: &str,
        claim: &Claim,
        now: i64,
    ) -> Result<bool, AuthenticityError> {
        let person = person_key(&self.hash_key, app_key, claim);
        let forget_before = now.saturating_sub(self.lock_window.as_secs() as i64);
        let counted = self
            .store
            .count_authenticity_attempt(&person, now, forget_before, LOCK_AFTER_FAILURES)
            .await?;
        if !counted {
            return Err(ErrorCode::RegistrationCardAuthenticationLocked.into());
        }
        let authentic = match self.verifier.verify(claim).await {
            Ok(authentic) => authentic,
            Err(code) => {
                if self
                    .store
                    .uncount_authenticity_attempt(&person)
                    .await
                    .is_err()
                {
                    tracing::warn!("could not take back an authenticity attempt not verified");
                }
                return Err(code);
            }
        };
        if authentic {
            self.store.clear_authenticity_failures(&person).await?;
        }
        Ok(authentic)
    }

    /// Puts a taken Request-Key back, for a check that did not complete.
    async fn put_back(&self, hash: &[u8], app_key: &str, taken: &TakenRequestKey) {
        let restored = self
            .store
            .add_request_key(
                hash,
                app_key,
                &taken.id_type,
                &taken.sealed_fields,
                taken.expires_at,
            )
            .await;
        if restored.is_err() {
            tracing::warn!("could not put back a Request-Key whose check did not complete");
        }
    }

    /// Deletes the expired Request-Keys (and the fields sealed behind
    /// them); gives how many.
    pub async fn sweep_request_keys(&self) -> Result<u64, AuthenticityError> {
        Ok(self.store.sweep_request_keys(unix_now()).await?)
    }

    /// Deletes the failed checks that no longer count towards a lock;
    /// gives how many.
    pub async fn sweep_failures(&self) -> Result<u64, AuthenticityError> {
        let counted_since = unix_now().saturating_sub(self.lock_window.as_secs() as i64);
        Ok(self
            .store
            .sweep_authenticity_failures(counted_since)
            .await?)
    }
}

/// The key the attempts of a claim are counted under: the appKey and the
/// person (a resident card's resident number, a licence's number), hashed
/// with `hash_key`, so that one tenant's guesses never lock another's
/// customer and the count names nobody.
fn person_key(hash_key: &[u8], app_key: &str, claim: &Claim) -> Vec<u8> {
    let digits = |text: &str| -> Zeroizing<String> {
        Zeroizing::new(text.chars().filter(char::is_ascii_digit).collect())
    };
    let number = match claim.id_type {
        ClaimType::Resident => digits(&claim.resident_number),
        ClaimType::Driver => digits(
            claim
                .driver_license_number
                .as_deref()
                .map_or("", |s| s.as_str()),
        ),
    };
    keyed_hash(
        hash_key,
        &format!(
            "person\u{1f}{app_key}\u{1f}{}\u{1f}{}",
            claim.id_type.api_name(),
            *number
        ),
    )
}

fn request_key_context(hash: &[u8]) -> String {
    let hex: String = hash.iter().map(|b| format!("{b:02x}")).collect();
    format!("request-key/{hex}")
}

#[cfg(test)]
mod tests {
    use super::*;

    const CSV: &str = "id_type,name,resident_number,issue_date,driver_license_number,serial_num
resident,홍길동,900101-1234568,2015.05.02,,
driver,김철수,8501011234567,,11-12-345678-90,AB12C
";

    #[test]
    fn registry_rows_are_read_and_canonical_ignoring_separators() {
        let claims = parse_registry_csv(CSV).unwrap();
        assert_eq!(claims.len(), 2);
        assert_eq!(
            claims[0].canonical().as_str(),
            "resident\u{1f}홍길동\u{1f}9001011234568\u{1f}20150502"
        );
        // A licence is checked on the resident number's first seven digits.
        assert_eq!(
            claims[1].canonical().as_str(),
            "driver\u{1f}김철수\u{1f}8501011\u{1f}111234567890"
        );
        assert_eq!(
            claims[1].serial_num.as_deref().map(|s| s.as_str()),
            Some("AB12C")
        );
    }

    #[test]
    fn attempts_are_counted_per_app_key_and_person_licences_by_their_number() {
        let claims = parse_registry_csv(CSV).unwrap();
        let (resident, licence) = (&claims[0], &claims[1]);
        let key = b"hash key";
        let of = |app_key, claim| person_key(key, app_key, claim);
        assert_eq!(of("team-a", resident), of("team-a", resident));
        assert_ne!(of("team-a", resident), of("team-b", resident));
        assert_ne!(of("team-a", resident), of("team-a", licence));
        // Two licences of one birth date (the first seven digits their
        // claims carry) are two people.
        let other_licence = Claim {
            driver_license_number: Some(Zeroizing::new("119999999990".to_owned())),
            ..parse_registry_csv(CSV).unwrap().remove(1)
        };
        assert_eq!(
            licence.resident_number.as_str(),
            other_licence.resident_number.as_str()
        );
        assert_ne!(of("team-a", licence), of("team-a", &other_licence));
    }

    #[test]
    fn each_failure_keeps_the_code_it_answered_with_in_the_server() {
        let open = || KeyRingError::Ring(docrec_crypto::SealError::Open);
        for (error, code) in [
            (
                AuthenticityError::from(ErrorCode::AuthenticityRequestKeyInvalid),
                ErrorCode::AuthenticityRequestKeyInvalid,
            ),
            (
                AuthenticityError::from(StoreError::AppKeyCollision),
                ErrorCode::DatabaseFail,
            ),
            (AuthenticityError::from(open()), ErrorCode::DecryptFail),
            (
                AuthenticityError::OpenRegistryKey(open()),
                ErrorCode::DecryptFail,
            ),
        ] {
            assert_eq!(error.error_code(), code, "{error}");
        }
        // The registry key's failure names its code, then its cause.
        let opening = AuthenticityError::OpenRegistryKey(open());
        assert_eq!(
            format!(
                "{opening}: {}",
                std::error::Error::source(&opening).unwrap()
            ),
            format!(
                "opening the registry key: {}: {}",
                ErrorCode::DecryptFail,
                docrec_crypto::SealError::Open
            )
        );
    }

    #[test]
    fn a_bad_row_rejects_the_whole_file() {
        for bad in [
            "h\npassport,A,9001011234568,20150502,,\n",
            "h\nresident,,9001011234568,20150502,,\n",
            "h\nresident,A,900101,20150502,,\n",
            "h\nresident,A,9001011234568,,,\n",
            "h\ndriver,A,9001011234568,,12-34,\n",
        ] {
            let Err(error) = parse_registry_csv(&format!("{CSV}{}", &bad[2..])) else {
                panic!("{bad:?} was accepted");
            };
            assert!(error.starts_with("line 4:"), "{error}");
        }
    }
}
