//! Time to read one Korean ID card, one at a time with one engine
//! (`OMP_THREAD_LIMIT=1 cargo bench -p docrec-recognize --bench id_card`):
//! clean scans and phone photos of resident cards and driver's licences.
//!
//! The images are decoded before timing starts (to the brightest channel,
//! as the server does): this measures detection, rectification and OCR,
//! the recognizer's own work.

mod common;

use criterion::{criterion_group, criterion_main, Criterion};
use docrec_ocr::preprocess::brightest_channel;
use docrec_recognize::{id_card, recognize_id_card, ReadContext};
use docrec_synth::Level;

fn cards(level: Level, n: u64) -> Vec<image::GrayImage> {
    (0..n)
        .map(|seed| {
            let card = docrec_synth::id_card(3000 + seed, level).expect("fonts installed");
            brightest_channel(&image::load_from_memory(&card.encoded).expect("decodes"))
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let mut engine = common::engine();
    let mut group = c.benchmark_group("id_card");
    group.sample_size(20);
    common::bench_levels(
        &mut group,
        &mut engine,
        |level| cards(level, 8),
        |image, engine| {
            let context = ReadContext::starting_now(id_card::READ_BUDGET);
            recognize_id_card(image, engine, &context)
        },
    );
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
