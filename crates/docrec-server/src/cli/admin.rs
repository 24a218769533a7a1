//! `docrec admin ...`: an operator's commands on the data directory
//! (`DOCREC_DATA_DIR`).
//!
//! - `import-business-status FILE.csv`: loads the business status table
//!   (API.md §4.6) from a CSV file (see [`parse_status_csv`]); all rows or
//!   none.
//! - `rotate-keys [--app-key K] [--service S]`: a new envelope key pair
//!   version for each appKey and service; the previous version keeps
//!   working for `DOCREC_KEY_GRACE_SECONDS`.
//! - `import-id-registry FILE.csv`: adds issued documents to the registry
//!   the built-in authenticity verifier checks (see
//!   [`docrec_auth::parse_registry_csv`]), as keyed hashes; all
//!   rows or none.
//! - `rotate-master-key`: re-wraps the at-rest key ring under a new
//!   master key (see [`docrec_auth::rotate_master_key`]).
//! - `project`, `user`, `member`, `app-key`, `access-key`, `service`,
//!   `limits`, `usage`: projects, users, roles, appKeys, users' access
//!   keys, the service-use workflow, rate limits and usage statistics (see
//!   [`crate::cli::accounts`]).

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use clap::Subcommand;
use docrec_auth::{
    parse_registry_csv, registry_key, rotate_master_key, Auth, Authenticity, Keys, MasterKeySource,
    ENVELOPE_SERVICES,
};
use docrec_store::{Service, Store};

use super::accounts::{
    self, AccessKeyCommand, AppKeyCommand, LimitsCommand, MemberCommand, ProjectCommand,
    ServiceCommand, UserCommand,
};
use crate::business_status::parse_status_csv;
use crate::config::Config;
use crate::failure::Failure;

#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Load the business status table from a CSV file: business_number,
    /// status_code[, status_message] per row (API.md §4.6).
    ImportBusinessStatus {
        /// The CSV file.
        file: PathBuf,
    },
    /// Add issued ID cards to the registry the authenticity check uses:
    /// id_type,name,resident_number,issue_date,driver_license_number,serial_num
    /// per row after a header. Stored as keyed hashes only.
    ImportIdRegistry {
        /// The CSV file.
        file: PathBuf,
    },
    /// Add a new envelope key pair version (API.md §4.3) for every appKey
    /// and service, or the ones named; clients fetch the new public key,
    /// and the previous version works for DOCREC_KEY_GRACE_SECONDS more.
    RotateKeys {
        /// Only this appKey.
        #[arg(long)]
        app_key: Option<String>,
        /// Only this service: credit-card or id-card.
        #[arg(long)]
        service: Option<String>,
    },
    /// Re-wrap the at-rest key ring under a new master key. With the key in
    /// a file, a new random key replaces the file; with DOCREC_MASTER_KEY,
    /// the new key is DOCREC_NEW_MASTER_KEY (set it as DOCREC_MASTER_KEY
    /// afterwards). Sealed data is not touched.
    RotateMasterKey,
    /// Projects: create, list, show, delete.
    #[command(subcommand)]
    Project(ProjectCommand),
    /// Users: create.
    #[command(subcommand)]
    User(UserCommand),
    /// Members of projects and their roles: set, remove.
    #[command(subcommand)]
    Member(MemberCommand),
    /// appKeys: create one in a project, regenerate a secretKey.
    #[command(subcommand)]
    AppKey(AppKeyCommand),
    /// Users' access keys (for access tokens): create, delete.
    #[command(subcommand)]
    AccessKey(AccessKeyCommand),
    /// The service-use workflow (id-card): status, submit, cancel, approve,
    /// reject.
    #[command(subcommand)]
    Service(ServiceCommand),
    /// Rate limits and quotas per appKey and service: set, show.
    #[command(subcommand)]
    Limits(LimitsCommand),
    /// An appKey's answered requests per day (KST), service and result
    /// code: `day service code count` lines.
    Usage {
        #[arg(long)]
        app_key: String,
        /// First day, yyyy-mm-dd (default: today in KST).
        #[arg(long)]
        from: Option<String>,
        /// Last day, yyyy-mm-dd (default: today in KST).
        #[arg(long)]
        to: Option<String>,
    },
}

pub fn run(command: AdminCommand) -> anyhow::Result<ExitCode> {
    let config = Config::from_env()?;
    match command {
        AdminCommand::ImportBusinessStatus { file } => {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("reading {}", file.display()))?;
            let rows = parse_status_csv(&text)
                .map_err(|e| anyhow::anyhow!("{}: {e}; nothing imported", file.display()))?;
            let written = with_store(&config, |store| async move {
                Ok(store.import_business_status(&rows).await?)
            })?;
            println!("imported {written} business status rows");
        }
        AdminCommand::ImportIdRegistry { file } => {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("reading {}", file.display()))?;
            let claims = parse_registry_csv(&text)
                .map_err(|e| anyhow::anyhow!("{}: {e}; nothing imported", file.display()))?;
            let source = MasterKeySource::of(&config.data_dir);
            let grace = config.key_grace;
            let written = with_store(&config, |store| async move {
                let keys = Keys::open(&store, &source, grace).await?;
                let hash_key = Arc::new(registry_key(&store, &keys).await?);
                Authenticity::registry_verifier(&store, &hash_key)
                    .import(&claims)
                    .await
                    .map_err(|e| anyhow::anyhow!("importing the registry: {}", Failure::from(e)))
            })?;
            println!("imported {written} documents into the ID registry");
        }
        AdminCommand::RotateKeys { app_key, service } => {
            let services = match service.as_deref() {
                None => ENVELOPE_SERVICES.to_vec(),
                Some(name) => vec![Service::from_name(name)
                    .filter(|s| ENVELOPE_SERVICES.contains(s))
                    .ok_or_else(|| anyhow::anyhow!("--service must be credit-card or id-card"))?],
            };
            let source = MasterKeySource::of(&config.data_dir);
            let grace = config.key_grace;
            with_store(&config, |store| async move {
                let keys = Keys::open(&store, &source, grace).await?;
                let app_keys = match app_key {
                    Some(key) => vec![key],
                    None => store.app_keys().await?,
                };
                for app_key in &app_keys {
                    for service in &services {
                        let version = keys.rotate(app_key, *service).await.map_err(|e| {
                            anyhow::anyhow!("{app_key} {service}: {}", Failure::from(e))
                        })?;
                        println!("{app_key} {service}: version {version}");
                    }
                }
                Ok(())
            })?;
        }
        AdminCommand::RotateMasterKey => {
            let source = MasterKeySource::of(&config.data_dir);
            let count = with_store(&config, |store| async move {
                Ok(rotate_master_key(&store, &source).await?)
            })?;
            let hint = match MasterKeySource::of(&config.data_dir) {
                MasterKeySource::Environment => {
                    "; set DOCREC_MASTER_KEY to DOCREC_NEW_MASTER_KEY's value before the next start"
                }
                MasterKeySource::File(_) => "",
            };
            println!("re-wrapped {count} data keys under the new master key{hint}");
        }
        AdminCommand::Project(command) => with_auth(&config, |auth| async move {
            accounts::project(&auth, command).await
        })?,
        AdminCommand::User(command) => with_auth(&config, |auth| async move {
            accounts::user(&auth, command).await
        })?,
        AdminCommand::Member(command) => with_auth(&config, |auth| async move {
            accounts::member(&auth, command).await
        })?,
        AdminCommand::AppKey(command) => with_auth(&config, |auth| async move {
            accounts::app_key(&auth, command).await
        })?,
        AdminCommand::AccessKey(command) => with_auth(&config, |auth| async move {
            accounts::access_key(&auth, command).await
        })?,
        AdminCommand::Service(command) => with_auth(&config, |auth| async move {
            accounts::service(&auth, command).await
        })?,
        AdminCommand::Limits(command) => with_auth(&config, |auth| async move {
            accounts::limits(&auth, command).await
        })?,
        AdminCommand::Usage { app_key, from, to } => with_auth(&config, |auth| async move {
            accounts::usage(&auth, &app_key, from, to).await
        })?,
    }
    Ok(ExitCode::SUCCESS)
}

/// Runs `work` with docrec-auth over the open store, then closes it.
fn with_auth<F, Fut>(config: &Config, work: F) -> anyhow::Result<()>
where
    F: FnOnce(Auth) -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<()>>,
{
    let token_ttl = config.token_ttl;
    with_store(config, |store| async move {
        work(Auth::new(&store, token_ttl)).await
    })
}

/// Runs `work` with the store open, then closes it.
fn with_store<T, F, Fut>(config: &Config, work: F) -> anyhow::Result<T>
where
    F: FnOnce(Store) -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<T>>,
{
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let store = Store::open(&config.database).await?;
        let result = work(store.clone()).await;
        store.close().await;
        result
    })
}
