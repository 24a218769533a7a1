//! Time to read one Korean ID card, one at a time with one engine
//! (`OMP_THREAD_LIMIT=1 cargo bench -p docrec-recognize --bench id_card`):
//! clean scans and phone photos of resident cards and driver's licences.
//!
//! The images are decoded before timing starts (to the brightest channel,
//! as the server does): this measures detection, rectification and OCR,
//! the recognizer's own work.

use criterion::{criterion_group, criterion_main, Criterion};
use docrec_ocr::preprocess::brightest_channel;
use docrec_ocr::{Engine, EngineConfig};
use docrec_recognize::recognize_id_card;
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
    let config = EngineConfig {
        models: docrec_recognize::engine_models(),
        extra_languages: docrec_recognize::engine_languages(),
        ..EngineConfig::default()
    };
    let mut engine = Engine::new(&config).expect("eng and kor language data installed");
    let mut group = c.benchmark_group("id_card");
    group.sample_size(20);
    for level in [Level::Clean, Level::Photo] {
        let images = cards(level, 8);
        let mut next = 0;
        group.bench_function(level.as_str(), |b| {
            b.iter(|| {
                let image = &images[next % images.len()];
                next += 1;
                // Failures are part of the cost too; the result is not checked here.
                let _ = recognize_id_card(image, &mut engine);
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
