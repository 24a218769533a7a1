//! `docrec synth credit-card|business --n N --out DIR [--seed S] [--levels …]`:
//! labelled synthetic documents and their `truth.jsonl`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use docrec_synth::Level;

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Kind {
    CreditCard,
    /// Business registration certificates (사업자등록증).
    Business,
}

#[derive(Debug, Args)]
pub struct SynthArgs {
    kind: Kind,
    /// How many documents.
    #[arg(long, default_value_t = 30)]
    n: usize,
    /// The output folder (created if missing).
    #[arg(long)]
    out: PathBuf,
    /// The seed: the same seed gives the same documents.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Levels to cycle through: clean, photo, hard (default all three).
    #[arg(long, value_delimiter = ',')]
    levels: Vec<Level>,
}

pub fn run(args: SynthArgs) -> anyhow::Result<ExitCode> {
    match args.kind {
        Kind::CreditCard => {
            let truths =
                docrec_synth::write_credit_cards(&args.out, args.n, args.seed, &args.levels)?;
            eprintln!(
                "wrote {} cards and truth.jsonl to {}",
                truths.len(),
                args.out.display()
            );
        }
        Kind::Business => {
            let truths = docrec_synth::write_business_certificates(
                &args.out,
                args.n,
                args.seed,
                &args.levels,
            )?;
            eprintln!(
                "wrote {} certificates and truth.jsonl to {}",
                truths.len(),
                args.out.display()
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
