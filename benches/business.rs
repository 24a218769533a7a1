//! Time to read one business registration certificate, one at a time with
//! one engine (`OMP_THREAD_LIMIT=1 cargo bench -p docrec-recognize --bench
//! business`): a clean scan, a phone photo, and a born-digital PDF's text
//! layer (the words as `pdftotext -bbox` gives them; Poppler's own time,
//! about 20 ms, is not in it).
//!
//! The images are decoded before timing starts: this measures detection,
//! rectification and OCR, the recognizer's own work.

mod common;

use criterion::{criterion_group, criterion_main, Criterion};
use docrec_recognize::{business, recognize_business, recognize_business_text, ReadContext};
use docrec_synth::business::render;
use docrec_synth::{FaceGroup, Level};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

fn pages(level: Level, n: u64) -> Vec<image::GrayImage> {
    (0..n)
        .map(|seed| {
            let certificate =
                docrec_synth::business_certificate(2000 + seed, level).expect("fonts installed");
            image::load_from_memory(&certificate.encoded)
                .expect("decodes")
                .to_luma8()
        })
        .collect()
}

/// A page's text runs as words with boxes in points, split at spaces (the
/// way a text layer gives them).
fn text_layer(seed: u64) -> Vec<(String, [f32; 4])> {
    let page = render(&mut ChaCha8Rng::seed_from_u64(seed), FaceGroup::Development)
        .expect("fonts installed");
    let point = 72.0 / 150.0;
    let mut words = Vec::new();
    for run in &page.text_runs {
        let (top, bottom) = (
            run.baseline - run.scale * 0.8,
            run.baseline + run.scale * 0.2,
        );
        let advance = run.scale * 0.9;
        let mut x = run.x;
        for word in run.text.split(' ') {
            let width = advance * word.chars().count() as f32;
            if !word.is_empty() {
                words.push((
                    word.to_owned(),
                    [x * point, top * point, (x + width) * point, bottom * point],
                ));
            }
            x += width + advance * 0.3;
        }
    }
    words
}

fn bench(c: &mut Criterion) {
    let mut engine = common::engine();
    let mut group = c.benchmark_group("business");
    group.sample_size(10);
    common::bench_levels(
        &mut group,
        &mut engine,
        |level| pages(level, 4),
        |image, engine| {
            let context = ReadContext::starting_now(business::READ_BUDGET);
            recognize_business(image, engine, &context)
        },
    );
    let layers: Vec<_> = (0..4).map(text_layer).collect();
    let mut next = 0;
    group.bench_function("text_layer", |b| {
        b.iter(|| {
            let words = &layers[next % layers.len()];
            next += 1;
            let _ = recognize_business_text(words);
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
