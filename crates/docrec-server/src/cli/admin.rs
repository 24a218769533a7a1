//! `docrec admin ...`: an operator's commands on the data directory
//! (`DOCREC_DATA_DIR`).
//!
//! - `import-business-status FILE.csv`: loads the business status table
//!   (API.md §4.6) from a CSV file (see [`parse_status_csv`]); all rows or
//!   none.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::Subcommand;
use docrec_store::Store;

use crate::business_status::parse_status_csv;
use crate::config::Config;

#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Load the business status table from a CSV file: business_number,
    /// status_code[, status_message] per row (API.md §4.6).
    ImportBusinessStatus {
        /// The CSV file.
        file: PathBuf,
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
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            let written = runtime.block_on(async {
                let store = Store::open_sqlite(&config.data_dir).await?;
                let written = store.import_business_status(&rows).await;
                store.close().await;
                written
            })?;
            println!("imported {written} business status rows");
        }
    }
    Ok(ExitCode::SUCCESS)
}
