//! `docrec recognize credit-card|business|id-card FILE... [--json]
//! [--masked-to DIR]`: for each file, the envelope the API would answer
//! for it, one line per file in the order given. Values are printed in
//! plaintext: the command line is the operator's own tool. With
//! `--masked-to`, each ID card's answer has its `maskingPolys` and its
//! masked copy is written to DIR (`NAME-masked.EXT`).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;
use docrec_errors::{Envelope, ErrorCode};
use docrec_recognize::api::KeyValueResult;
use docrec_recognize::business::BusinessResult;
use docrec_recognize::credit_card::CreditCardResult;
use docrec_recognize::id_card::IdCardResult;
use serde::Serialize;

use super::progress_bar;
use crate::failure::Failure;
use crate::recognition::Kind;

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
    /// ID cards: write a copy of each with the last six digits of its
    /// resident number blacked out to this folder (NAME-masked.EXT).
    #[arg(long, value_name = "DIR")]
    masked_to: Option<PathBuf>,
}

/// One file's line: the envelope JSON, or the file name and `summary` of
/// the result (or the error).
fn answer_line<R: Serialize>(
    file: &Path,
    answer: &Result<R, ErrorCode>,
    json: bool,
    summary: impl Fn(&R) -> String,
) -> anyhow::Result<String> {
    Ok(if json {
        match answer {
            Ok(result) => serde_json::to_string(&Envelope::success(result))?,
            Err(code) => serde_json::to_string(&Envelope::<()>::failure(*code))?,
        }
    } else {
        match answer {
            Ok(result) => format!("{}\t{}", file.display(), summary(result)),
            Err(code) => format!("{}\t{}", file.display(), code),
        }
    })
}

/// `key=value (conf)` for each key, tab-separated.
fn key_values_summary(key_values: &[KeyValueResult]) -> String {
    key_values
        .iter()
        .map(|kv| format!("{}={} ({:.2})", kv.key, kv.value, kv.conf))
        .collect::<Vec<_>>()
        .join("\t")
}

/// Where the masked copy of `file` goes: `DIR/NAME-masked.EXT`, EXT the
/// type the upload was read as (`jpg`, `png`).
fn masked_path(dir: &Path, file: &Path, file_type: &str) -> PathBuf {
    let stem = file
        .file_stem()
        .map_or_else(|| "document".into(), |s| s.to_string_lossy());
    dir.join(format!("{stem}-masked.{file_type}"))
}

pub fn run(args: RecognizeArgs) -> anyhow::Result<ExitCode> {
    if let Some(dir) = &args.masked_to {
        if !matches!(args.kind, Kind::IdCard) {
            anyhow::bail!("--masked-to is for ID cards");
        }
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    let recognizer = super::recognizer(Some(1))?;
    let bar = progress_bar(args.files.len());
    let mut failures = 0;
    for file in &args.files {
        let bytes = std::fs::read(file).map_err(|_| ErrorCode::FileReadFail);
        let (failed, line) = match args.kind {
            Kind::CreditCard => {
                let answer =
                    bytes.and_then(|b| recognizer.credit_card(&b).map_err(Failure::logged));
                let summary = |r: &CreditCardResult| {
                    format!(
                        "{}\t{}\t{}",
                        r.card_nums
                            .iter()
                            .map(|g| g.value.as_str())
                            .collect::<Vec<_>>()
                            .join(" "),
                        r.valid_thru.value,
                        r.card_nums.iter().map(|g| g.conf).fold(1.0f32, f32::min)
                    )
                };
                (
                    answer.is_err(),
                    answer_line(file, &answer, args.json, summary)?,
                )
            }
            Kind::Business => {
                let answer = bytes.and_then(|b| recognizer.business(&b).map_err(Failure::logged));
                let summary = |r: &BusinessResult| key_values_summary(&r.key_values);
                (
                    answer.is_err(),
                    answer_line(file, &answer, args.json, summary)?,
                )
            }
            Kind::IdCard => {
                let answer = match &args.masked_to {
                    None => bytes.and_then(|b| recognizer.id_card(&b).map_err(Failure::logged)),
                    Some(dir) => match bytes
                        .and_then(|b| recognizer.id_card_masked(&b).map_err(Failure::logged))
                    {
                        Ok(masked) => {
                            let path = masked_path(dir, file, &masked.result.file_type);
                            std::fs::write(&path, &*masked.file)
                                .with_context(|| format!("writing {}", path.display()))?;
                            Ok(masked.result)
                        }
                        Err(code) => Err(code),
                    },
                };
                let summary = |r: &IdCardResult| {
                    format!(
                        "{}\t{}",
                        r.id_type.api_name(),
                        key_values_summary(&r.key_values)
                    )
                };
                (
                    answer.is_err(),
                    answer_line(file, &answer, args.json, summary)?,
                )
            }
        };
        if failed {
            failures += 1;
        }
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
