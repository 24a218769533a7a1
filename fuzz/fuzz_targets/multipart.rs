//! The streaming multipart reader: any body, in small chunks, gives the
//! `image` part or an upload error, never a panic or more than the limit.
#![no_main]

use std::sync::LazyLock;

use bytes::Bytes;
use docrec_upload::read_image_part;
use libfuzzer_sys::fuzz_target;
use tokio::runtime::Runtime;

mod limits;

static RUNTIME: LazyLock<Runtime> = LazyLock::new(|| {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a runtime")
});

fuzz_target!(|body: &[u8]| {
    // Chunks of 7 bytes: part boundaries fall across chunks.
    let chunks: Vec<Result<Bytes, std::io::Error>> = body
        .chunks(7)
        .map(|chunk| Ok(Bytes::copy_from_slice(chunk)))
        .collect();
    let stream = futures_util::stream::iter(chunks);
    let _ = RUNTIME.block_on(read_image_part(stream, "b0undary", &limits::LIMITS));
});
