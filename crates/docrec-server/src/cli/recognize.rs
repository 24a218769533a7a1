//! `docrec recognize credit-card FILE... [--json]`: for each file, the
//! envelope the API would answer for it, one line per file in the order
//! given. Values are printed in plaintext: the command line is the
//! operator's own tool.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use docrec_errors::{Envelope, ErrorCode};

use super::progress_bar;

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Kind {
    CreditCard,
}

#[derive(Debug, Args)]
pub struct RecognizeArgs {
    /// The kind of document.
    kind: Kind,
    /// Image files.
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Print each answer as the API's envelope JSON (default: a short summary).
    #[arg(long)]
    json: bool,
}

pub fn run(args: RecognizeArgs) -> anyhow::Result<ExitCode> {
    let recognizer = super::recognizer(Some(1))?;
    let bar = progress_bar(args.files.len());
    let mut failures = 0;
    for file in &args.files {
        let answer = match std::fs::read(file) {
            Ok(bytes) => match args.kind {
                Kind::CreditCard => recognizer.credit_card(&bytes),
            },
            Err(_) => Err(ErrorCode::FileReadFail),
        };
        if answer.is_err() {
            failures += 1;
        }
        let line = if args.json {
            match &answer {
                Ok(result) => serde_json::to_string(&Envelope::success(result))?,
                Err(code) => serde_json::to_string(&Envelope::<()>::failure(*code))?,
            }
        } else {
            match &answer {
                Ok(r) => format!(
                    "{}\t{}\t{}\t{}",
                    file.display(),
                    r.card_nums
                        .iter()
                        .map(|g| g.value.as_str())
                        .collect::<Vec<_>>()
                        .join(" "),
                    r.valid_thru.value,
                    r.card_nums.iter().map(|g| g.conf).fold(1.0f32, f32::min)
                ),
                Err(code) => format!("{}\t{}", file.display(), code),
            }
        };
        bar.suspend(|| println!("{line}"));
        bar.inc(1);
    }
    bar.finish_and_clear();
    Ok(if failures == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
