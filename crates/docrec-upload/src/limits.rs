//! The limits one upload is held to.

/// How big an upload may be, in bytes on the wire and in pixels once decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UploadLimits {
    /// The largest `image` part accepted, in bytes (default 5 MiB). The whole
    /// request body may exceed it by [`crate::MULTIPART_OVERHEAD`] for the
    /// multipart headers and small other parts.
    pub max_bytes: usize,
    /// The most pixels (width × height, read from the header before decoding)
    /// an image may have (default 40 000 000).
    pub max_pixels: u64,
    /// The longest side an image may have, in pixels (default 12 000).
    pub max_side: u32,
}

impl UploadLimits {
    /// 5 MiB, the hosted service's upload limit.
    pub const DEFAULT_MAX_BYTES: usize = 5 * 1024 * 1024;
    /// 40 megapixels: a 12 000 × 3 333 scan or a large phone photo.
    pub const DEFAULT_MAX_PIXELS: u64 = 40_000_000;
    /// 12 000 pixels on the longest side.
    pub const DEFAULT_MAX_SIDE: u32 = 12_000;

    /// The most bytes a decoder may allocate: every pixel at the widest
    /// colour type we decode (RGBA, 16 bits per channel = 8 bytes).
    pub(crate) fn max_alloc(&self) -> u64 {
        self.max_pixels.saturating_mul(8)
    }
}

impl Default for UploadLimits {
    fn default() -> Self {
        UploadLimits {
            max_bytes: Self::DEFAULT_MAX_BYTES,
            max_pixels: Self::DEFAULT_MAX_PIXELS,
            max_side: Self::DEFAULT_MAX_SIDE,
        }
    }
}
