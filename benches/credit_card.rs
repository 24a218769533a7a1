//! Time to recognise one credit card, one at a time with one engine, per
//! synthetic level (`cargo bench -p docrec-recognize --bench credit_card`;
//! run with `OMP_THREAD_LIMIT=1` in the environment, as docrec always is).
//!
//! The images are decoded before timing starts: this measures detection,
//! rectification and OCR, the recognizer's own work.

mod common;

use criterion::{criterion_group, criterion_main, Criterion};
use docrec_recognize::{credit_card, recognize_credit_card, ReadContext};
use docrec_synth::Level;

fn cards(level: Level, n: u64) -> Vec<image::GrayImage> {
    (0..n)
        .map(|seed| {
            let card = docrec_synth::credit_card(1000 + seed, level).expect("fonts installed");
            image::load_from_memory(&card.encoded)
                .expect("decodes")
                .to_luma8()
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let mut engine = common::engine();
    let mut group = c.benchmark_group("credit_card");
    group.sample_size(20);
    common::bench_levels(
        &mut group,
        &mut engine,
        |level| cards(level, 8),
        |image, engine| {
            let context = ReadContext::starting_now(credit_card::READ_BUDGET);
            recognize_credit_card(image, engine, &context)
        },
    );
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
