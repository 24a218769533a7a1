/// Limits small enough to keep each run fast; the checks are the ones the
/// server makes, at a smaller scale.
pub const LIMITS: docrec_upload::UploadLimits = docrec_upload::UploadLimits {
    max_bytes: 1024 * 1024,
    max_pixels: 4_000_000,
    max_side: 4000,
};
