//! `docrec synth credit-card|business|id-card|passport --n N --out DIR [--seed S]
//! [--levels …] [--group development|validation|test]`: labelled synthetic
//! documents and their `truth.jsonl`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use docrec_synth::{CertificateFormat, FaceGroup, Level};

/// What to draw: the kinds of document docrec recognizes, and passports'
/// data pages (which the ID-card API is to read).
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum SynthKind {
    CreditCard,
    Business,
    IdCard,
    Passport,
}

#[derive(Debug, Args)]
pub struct SynthArgs {
    kind: SynthKind,
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
    /// The faces and layouts to draw from: development (tuned and trained
    /// on), validation (reported, never tuned on) or test (looked at once,
    /// at the end).
    #[arg(long, default_value_t = FaceGroup::Development)]
    group: FaceGroup,
    /// Certificates only: image (JPEG/PNG), pdf-text (born digital, a
    /// text layer), pdf-scan (a scan in a PDF) or pdf-protected (that scan
    /// under the user password `docrec-synth`).
    #[arg(long, value_enum, default_value_t = Format::Image)]
    format: Format,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Format {
    Image,
    PdfText,
    PdfScan,
    PdfProtected,
}

pub fn run(args: SynthArgs) -> anyhow::Result<ExitCode> {
    let (written, what) = match args.kind {
        SynthKind::CreditCard => {
            let truths = docrec_synth::write_credit_cards(
                &args.out,
                args.n,
                args.seed,
                &args.levels,
                args.group,
            )?;
            (truths.len(), "cards")
        }
        SynthKind::Business => {
            let format = match args.format {
                Format::Image => CertificateFormat::Image,
                Format::PdfText => CertificateFormat::TextPdf,
                Format::PdfScan => CertificateFormat::ScannedPdf,
                Format::PdfProtected => CertificateFormat::ProtectedPdf,
            };
            let truths = docrec_synth::write_business_certificates(
                &args.out,
                args.n,
                args.seed,
                &args.levels,
                args.group,
                format,
            )?;
            (truths.len(), "certificates")
        }
        SynthKind::IdCard => {
            let truths = docrec_synth::write_id_cards(
                &args.out,
                args.n,
                args.seed,
                &args.levels,
                args.group,
            )?;
            (truths.len(), "ID cards")
        }
        SynthKind::Passport => {
            let truths = docrec_synth::write_passports(
                &args.out,
                args.n,
                args.seed,
                &args.levels,
                args.group,
            )?;
            (truths.len(), "passports")
        }
    };
    eprintln!(
        "wrote {written} {} {what} and truth.jsonl to {}",
        args.group,
        args.out.display()
    );
    Ok(ExitCode::SUCCESS)
}
