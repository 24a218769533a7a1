//! appKeys: bootstrap, creation in a project, secret verification,
//! enabled services.

use std::time::{SystemTime, UNIX_EPOCH};

use sqlx::{Any, Transaction};

use crate::secret::{self, SALT_LEN};
use crate::{Service, ServiceState, Store, StoreError, DEFAULT_PROJECT_ID};

/// How many freshly drawn appKeys may collide before [`Store::create_app_key`]
/// gives up. With 62^20 keys a single collision is already never expected.
const CREATE_ATTEMPTS: usize = 4;

/// The salt and hash checked when the appKey is unknown, so that an unknown
/// appKey costs the same HMAC and comparison as a known one.
pub(crate) const DUMMY_SALT: [u8; SALT_LEN] = [0x5a; SALT_LEN];
pub(crate) const DUMMY_HASH: [u8; 32] = [0xa5; 32];

impl Store {
    /// Makes sure `app_key` exists with `secret_key` as its secret (only its
    /// hash is stored) and every [`Service`] enabled; a new key belongs to
    /// the default project ([`DEFAULT_PROJECT_ID`], made again if deleted).
    ///
    /// Meant for the key an operator configures at start-up: creates it when
    /// missing; when it exists with another secret, replaces the hash (with
    /// a fresh salt); when the secret is already right, leaves the key row
    /// alone. Services are (re-)enabled every time, including one an
    /// administrator disabled since: the configured key is the operator's
    /// full-access key.
    pub async fn ensure_app_key(&self, app_key: &str, secret_key: &str) -> Result<(), StoreError> {
        let stored: Option<(Vec<u8>, Vec<u8>)> =
            sqlx::query_as("SELECT secret_salt, secret_hash FROM app_keys WHERE app_key = $1")
                .bind(app_key)
                .fetch_optional(&self.pool)
                .await?;
        let secret_is_current = stored
            .as_ref()
            .is_some_and(|(salt, hash)| secret::secret_matches(salt, hash, secret_key));

        let mut tx = self.pool.begin().await?;
        if !secret_is_current {
            ensure_default_project(&mut tx).await?;
            let salt = secret::new_salt();
            let hash = secret::hash_secret(&salt, secret_key);
            sqlx::query(
                "INSERT INTO app_keys (app_key, secret_salt, secret_hash, created_at, project_id) \
                 VALUES ($1, $2, $3, $4, $5) \
                 ON CONFLICT (app_key) DO UPDATE SET secret_salt = excluded.secret_salt, secret_hash = excluded.secret_hash",
            )
            .bind(app_key)
            .bind(&salt[..])
            .bind(&hash[..])
            .bind(unix_now())
            .bind(DEFAULT_PROJECT_ID)
            .execute(&mut *tx)
            .await?;
        }
        set_services(&mut tx, app_key, |_| ServiceState::Enabled).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Creates a fresh appKey (20 alphanumeric characters) and secretKey (32
    /// URL-safe characters, 192 bits), both from the OS CSPRNG, in the
    /// project `project_id` (which must exist; the default project is made
    /// again if deleted), with every service enabled but the gated ones
    /// ([`Service::is_gated`]), which need a use request. Returns `(app_key,
    /// secret_key)`: this is the only time the secret exists in plaintext,
    /// so the caller shows it once.
    pub async fn create_app_key(&self, project_id: &str) -> Result<(String, String), StoreError> {
        for _ in 0..CREATE_ATTEMPTS {
            let app_key = secret::new_app_key();
            let secret_key = secret::new_secret_key();
            let salt = secret::new_salt();
            let hash = secret::hash_secret(&salt, &secret_key);

            let mut tx = self.pool.begin().await?;
            if project_id == DEFAULT_PROJECT_ID {
                ensure_default_project(&mut tx).await?;
            }
            let inserted = sqlx::query(
                "INSERT INTO app_keys (app_key, secret_salt, secret_hash, created_at, project_id) \
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT (app_key) DO NOTHING",
            )
            .bind(&app_key)
            .bind(&salt[..])
            .bind(&hash[..])
            .bind(unix_now())
            .bind(project_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if inserted != 1 {
                tx.rollback().await?;
                continue;
            }
            set_services(&mut tx, &app_key, initial_state).await?;
            tx.commit().await?;
            return Ok((app_key, secret_key));
        }
        Err(StoreError::AppKeyCollision)
    }

    /// Replaces the secretKey of `app_key` with a fresh one (and a fresh
    /// salt); gives it, the only time it exists in plaintext. `None` when
    /// the appKey is unknown. The old secret stops working at once.
    pub async fn regenerate_secret(&self, app_key: &str) -> Result<Option<String>, StoreError> {
        let secret_key = secret::new_secret_key();
        let salt = secret::new_salt();
        let hash = secret::hash_secret(&salt, &secret_key);
        let changed = sqlx::query(
            "UPDATE app_keys SET secret_salt = $1, secret_hash = $2 WHERE app_key = $3",
        )
        .bind(&salt[..])
        .bind(&hash[..])
        .bind(app_key)
        .execute(&self.pool)
        .await?
        .rows_affected();
        Ok((changed == 1).then_some(secret_key))
    }

    /// How many appKeys exist.
    pub async fn app_key_count(&self) -> Result<i64, StoreError> {
        let count = sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM app_keys")
            .fetch_one(&self.pool)
            .await?;
        Ok(count)
    }

    /// Whether `app_key` exists.
    pub async fn app_key_exists(&self, app_key: &str) -> Result<bool, StoreError> {
        let found: Option<String> =
            sqlx::query_scalar("SELECT app_key FROM app_keys WHERE app_key = $1")
                .bind(app_key)
                .fetch_optional(&self.pool)
                .await?;
        Ok(found.is_some())
    }

    /// Whether `secret_key` is the secret of `app_key`.
    ///
    /// An unknown appKey and a wrong secret both answer `Ok(false)` and take
    /// the same work: one lookup, one HMAC (of the dummy salt when the key is
    /// unknown) and one constant-time comparison. Only a database failure is
    /// an `Err`.
    pub async fn verify_secret(&self, app_key: &str, secret_key: &str) -> Result<bool, StoreError> {
        let stored: Option<(Vec<u8>, Vec<u8>)> =
            sqlx::query_as("SELECT secret_salt, secret_hash FROM app_keys WHERE app_key = $1")
                .bind(app_key)
                .fetch_optional(&self.pool)
                .await?;
        Ok(match stored {
            Some((salt, hash)) => secret::secret_matches(&salt, &hash, secret_key),
            None => {
                let matched = secret::secret_matches(&DUMMY_SALT, &DUMMY_HASH, secret_key);
                // Keep the work from being optimised away; the answer is no.
                let _ = std::hint::black_box(matched);
                false
            }
        })
    }

    /// Whether `app_key` may call `service`: its state is
    /// [`ServiceState::Enabled`]. An unknown appKey may not.
    pub async fn service_enabled(
        &self,
        app_key: &str,
        service: Service,
    ) -> Result<bool, StoreError> {
        Ok(self.service_state(app_key, service).await? == Some(ServiceState::Enabled))
    }

    /// Where the appKey's `service` is in the service-use workflow; `None`
    /// for an unknown appKey.
    pub async fn service_state(
        &self,
        app_key: &str,
        service: Service,
    ) -> Result<Option<ServiceState>, StoreError> {
        let row: Option<(Option<String>,)> = sqlx::query_as(
            "SELECT s.state FROM app_keys k LEFT JOIN app_key_services s \
             ON s.app_key = k.app_key AND s.service = $2 WHERE k.app_key = $1",
        )
        .bind(app_key)
        .bind(service.as_str())
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|(state,)| {
            state
                .as_deref()
                .and_then(ServiceState::from_name)
                .unwrap_or(ServiceState::NotEnabled)
        }))
    }

    /// Moves the appKey's `service` from `from` to `to` at `now`, if it is
    /// in `from`; `false` when it is not (or the appKey is unknown). The
    /// check and the change are one conditional update, so two operators
    /// acting at once cannot both move it.
    pub async fn change_service_state(
        &self,
        app_key: &str,
        service: Service,
        from: ServiceState,
        to: ServiceState,
        now: i64,
    ) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await?;
        // A key made before its service existed has no row: NOT_ENABLED.
        sqlx::query(
            "INSERT INTO app_key_services (app_key, service, state, state_changed_at) \
             SELECT app_key, $2, 'NOT_ENABLED', $3 FROM app_keys WHERE app_key = $1 \
             ON CONFLICT (app_key, service) DO NOTHING",
        )
        .bind(app_key)
        .bind(service.as_str())
        .bind(now)
        .execute(&mut *tx)
        .await?;
        let changed = sqlx::query(
            "UPDATE app_key_services SET state = $1, state_changed_at = $2 \
             WHERE app_key = $3 AND service = $4 AND state = $5",
        )
        .bind(to.as_str())
        .bind(now)
        .bind(app_key)
        .bind(service.as_str())
        .bind(from.as_str())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        tx.commit().await?;
        Ok(changed == 1)
    }

    /// Enables every service of `app_key`, the gated ones too (the demo
    /// appKey, which is the operator's).
    pub async fn enable_every_service(&self, app_key: &str) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        set_services(&mut tx, app_key, |_| ServiceState::Enabled).await?;
        tx.commit().await?;
        Ok(())
    }
}

/// Makes the default project again if it was deleted.
async fn ensure_default_project(tx: &mut Transaction<'_, Any>) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO projects (project_id, name, created_at) VALUES ($1, 'default', $2) \
         ON CONFLICT (project_id) DO NOTHING",
    )
    .bind(DEFAULT_PROJECT_ID)
    .bind(unix_now())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Sets each service of `app_key` to the state `state_of` gives it
/// (inserting missing rows).
async fn set_services(
    tx: &mut Transaction<'_, Any>,
    app_key: &str,
    state_of: impl Fn(Service) -> ServiceState,
) -> Result<(), StoreError> {
    for service in Service::ALL {
        sqlx::query(
            "INSERT INTO app_key_services (app_key, service, state, state_changed_at) \
             VALUES ($1, $2, $3, $4) \
             ON CONFLICT (app_key, service) DO UPDATE SET state = excluded.state, \
             state_changed_at = excluded.state_changed_at",
        )
        .bind(app_key)
        .bind(service.as_str())
        .bind(state_of(service).as_str())
        .bind(unix_now())
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// The state of a service of a new appKey: enabled, but for the gated
/// ones, which wait for a use request.
fn initial_state(service: Service) -> ServiceState {
    if service.is_gated() {
        ServiceState::NotEnabled
    } else {
        ServiceState::Enabled
    }
}

/// Seconds since the Unix epoch (0 if the clock is before it).
pub(crate) fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}
