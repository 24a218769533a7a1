//! `docrec`: a self-hosted document recognizer.
//!
//! Subcommands: `serve` (the HTTP API), `recognize` (the same answers on the
//! command line), `synth` (labelled synthetic documents), `eval` (accuracy
//! and latency over a labelled folder), `bench` (throughput and latency
//! for sizing hardware), `admin` (an operator's commands on
//! the data directory) and `error-codes` (the error table).
//! Configuration comes from `DOCREC_*` environment variables (see
//! [`config`]).

mod business_status;
mod cli;
mod config;
mod failure;
mod http;
mod process;
mod recognition;
mod sweeper;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "docrec",
    version,
    about = "Self-hosted recognizer of credit cards, ID cards and business registrations"
)]
struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the HTTP API (DOCREC_LISTEN, default 127.0.0.1:8080).
    Serve,
    /// Recognise files and print, per file, the envelope the API would answer.
    Recognize(cli::recognize::RecognizeArgs),
    /// Write labelled synthetic documents.
    Synth(cli::synth::SynthArgs),
    /// Measure accuracy and latency over a folder with a truth.jsonl.
    Eval(cli::eval::EvalArgs),
    /// Measure throughput, latency, CPU and memory, in this process or
    /// against a running server, and write a JSON and an HTML report.
    Bench(cli::bench::BenchArgs),
    /// An operator's commands on the data directory.
    #[command(subcommand)]
    Admin(cli::admin::AdminCommand),
    /// Print the error table.
    ErrorCodes {
        /// As JSON: [{"resultCode", "resultKey", "resultMessage"}, ...].
        #[arg(long)]
        json: bool,
    },
}

fn main() -> std::process::ExitCode {
    let exec_error = run_again_with_one_openmp_thread();
    let args = Args::parse();
    cli::init_logging();
    if let Some(error) = exec_error {
        tracing::warn!("could not run again with OMP_THREAD_LIMIT=1: {error}");
    }
    let result = match args.command {
        Command::Serve => http::serve(),
        Command::Recognize(a) => cli::recognize::run(a),
        Command::Synth(a) => cli::synth::run(a),
        Command::Eval(a) => cli::eval::run(a),
        Command::Bench(a) => cli::bench::run(a),
        Command::Admin(c) => cli::admin::run(c),
        Command::ErrorCodes { json } => cli::error_codes(json),
    };
    match result {
        Ok(code) => code,
        Err(error) => {
            eprintln!("docrec: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// Runs this program again, with the same arguments, when `OMP_THREAD_LIMIT`
/// is missing from its environment, with it set to 1. OpenMP reads the
/// variable when the library loads, before `main`, and without it Tesseract
/// starts threads inside every recognition that fight with docrec's own
/// workers (several times slower; eight times on a noisy page). A value
/// the user set is kept (`serve` and `bench` warn when it is not 1).
/// Returns only when the variable was there, or with the reason the
/// program could not be run again.
fn run_again_with_one_openmp_thread() -> Option<std::io::Error> {
    use std::os::unix::process::CommandExt;
    if std::env::var_os("OMP_THREAD_LIMIT").is_some() {
        return None;
    }
    let program = match std::env::current_exe() {
        Ok(program) => program,
        Err(error) => return Some(error),
    };
    let mut arguments = std::env::args_os();
    let name = arguments.next().unwrap_or_else(|| program.clone().into());
    Some(
        std::process::Command::new(program)
            .arg0(name)
            .args(arguments)
            .env("OMP_THREAD_LIMIT", "1")
            .exec(),
    )
}
