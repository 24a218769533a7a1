//! Writes 6 synthetic credit cards (2 per level) and their truth.jsonl.
//!
//! Usage: `cargo run --release -p docrec-synth --example render_cards -- OUT_DIR [N] [SEED]`

use std::path::PathBuf;
use std::time::Instant;

use docrec_synth::{write_credit_cards, FaceGroup, Level};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let out = PathBuf::from(
        args.next()
            .ok_or("usage: render_cards OUT_DIR [N] [SEED]")?,
    );
    let n: usize = args.next().map(|s| s.parse()).transpose()?.unwrap_or(6);
    let seed: u64 = args.next().map(|s| s.parse()).transpose()?.unwrap_or(1);
    let start = Instant::now();
    let truths = write_credit_cards(&out, n, seed, &Level::ALL, FaceGroup::Development)?;
    let elapsed = start.elapsed();
    for t in &truths {
        println!(
            "{} {:5} {:10} {:8} {:22} {} {} rot={}",
            t.file,
            t.level,
            t.brand,
            t.style,
            t.font,
            t.card_nums.join(" "),
            t.valid_thru,
            t.rotation
        );
    }
    println!(
        "{} cards in {:.2?} ({:.1} ms/card wall clock) -> {}",
        truths.len(),
        elapsed,
        elapsed.as_secs_f64() * 1000.0 / truths.len().max(1) as f64,
        out.join("truth.jsonl").display()
    );
    Ok(())
}
