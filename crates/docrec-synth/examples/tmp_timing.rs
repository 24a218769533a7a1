use docrec_synth::{credit_card, Level};
use std::time::Instant;
fn main() {
    let level: Level = std::env::args().nth(1).unwrap().parse().unwrap();
    let n: u64 = std::env::args().nth(2).unwrap().parse().unwrap();
    let _ = credit_card(1000, level).unwrap();
    let t = Instant::now();
    for s in 0..n {
        let _ = credit_card(s, level).unwrap();
    }
    println!(
        "{level}: {:.1} ms/card wall",
        t.elapsed().as_secs_f64() * 1000.0 / n as f64
    );
}
