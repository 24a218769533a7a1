//! What the recognizer benchmarks share: an engine configured as the server
//! configures its pool, and the timing of one recognizer over a few
//! synthetic documents of a level, taken in turn.

use criterion::measurement::WallTime;
use criterion::BenchmarkGroup;
use docrec_ocr::{Engine, EngineConfig};
use docrec_synth::Level;
use image::GrayImage;

/// An engine with docrec's models and languages.
pub fn engine() -> Engine {
    let config = EngineConfig {
        models: docrec_recognize::engine_models(),
        extra_languages: docrec_recognize::engine_languages(),
        ..EngineConfig::default()
    };
    Engine::new(&config).expect("eng and kor language data installed")
}

/// Times `recognize` as `name` in `group`, each iteration reading the next
/// of `images` (decoded before timing starts). Failures are part of the
/// cost too; results are not checked here.
pub fn bench_images<R>(
    group: &mut BenchmarkGroup<'_, WallTime>,
    name: &str,
    images: &[GrayImage],
    engine: &mut Engine,
    recognize: impl Fn(&GrayImage, &mut Engine) -> R,
) {
    let mut next = 0;
    group.bench_function(name, |b| {
        b.iter(|| {
            let image = &images[next % images.len()];
            next += 1;
            recognize(image, engine)
        })
    });
}

/// Times `recognize` over the documents `images_of` gives for each of the
/// clean and photo levels, each named by its level.
pub fn bench_levels<R>(
    group: &mut BenchmarkGroup<'_, WallTime>,
    engine: &mut Engine,
    images_of: impl Fn(Level) -> Vec<GrayImage>,
    recognize: impl Fn(&GrayImage, &mut Engine) -> R + Copy,
) {
    for level in [Level::Clean, Level::Photo] {
        let images = images_of(level);
        bench_images(group, level.as_str(), &images, engine, recognize);
    }
}
