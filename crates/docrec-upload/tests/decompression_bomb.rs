//! A decompression bomb is refused from its header, before any pixel buffer
//! is allocated. A counting global allocator records the largest single
//! allocation made while `decode_image` runs; this file holds one test so
//! that no other test allocates at the same time.

use std::alloc::{GlobalAlloc, Layout, System};
use std::io::Cursor;
use std::sync::atomic::{AtomicUsize, Ordering};

use docrec_upload::{decode_image, FileType, UploadError, UploadLimits};

struct RecordLargest;

static LARGEST: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is forwarded unchanged to the system allocator.
unsafe impl GlobalAlloc for RecordLargest {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LARGEST.fetch_max(layout.size(), Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        LARGEST.fetch_max(layout.size(), Ordering::Relaxed);
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LARGEST.fetch_max(new_size, Ordering::Relaxed);
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: RecordLargest = RecordLargest;

/// A PNG whose IHDR claims `width`×`height`, followed by nothing.
fn png_bomb(width: u32, height: u32) -> Vec<u8> {
    let mut ihdr = b"IHDR".to_vec();
    ihdr.extend_from_slice(&width.to_be_bytes());
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    let crc = crc32fast::hash(&ihdr);
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend_from_slice(&13u32.to_be_bytes());
    png.extend_from_slice(&ihdr);
    png.extend_from_slice(&crc.to_be_bytes());
    png
}

/// A real small JPEG whose SOF0 header is patched to claim `width`×`height`.
fn jpeg_bomb(width: u16, height: u16) -> Vec<u8> {
    let image = image::RgbImage::from_pixel(16, 16, image::Rgb([200, 200, 200]));
    let mut jpeg = Cursor::new(Vec::new());
    image.write_to(&mut jpeg, image::ImageFormat::Jpeg).unwrap();
    let mut jpeg = jpeg.into_inner();
    let sof = jpeg
        .windows(2)
        .position(|w| w == [0xFF, 0xC0])
        .expect("baseline JPEG has SOF0");
    // FF C0, length (2), precision (1), height (2), width (2).
    jpeg[sof + 5..sof + 7].copy_from_slice(&height.to_be_bytes());
    jpeg[sof + 7..sof + 9].copy_from_slice(&width.to_be_bytes());
    jpeg
}

#[test]
fn bombs_are_refused_without_a_large_allocation() {
    let limits = UploadLimits::default();
    let allowed = [FileType::Jpeg, FileType::Png];
    let bombs = [
        ("png 50000x50000", png_bomb(50_000, 50_000)),
        ("png 10000x10000", png_bomb(10_000, 10_000)),
        ("jpeg 60000x60000", jpeg_bomb(60_000, 60_000)),
        ("jpeg 11000x11000", jpeg_bomb(11_000, 11_000)),
    ];
    for (name, bytes) in bombs {
        LARGEST.store(0, Ordering::SeqCst);
        let result = decode_image(&bytes, &allowed, &limits);
        let largest = LARGEST.load(Ordering::SeqCst);
        assert_eq!(result.unwrap_err(), UploadError::TooManyPixels, "{name}");
        assert!(
            largest < 1 << 20,
            "{name}: allocated {largest} bytes at once"
        );
    }
}
