//! The `multipart/form-data` body, read as a stream with a size limit.

use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::{Bytes, BytesMut};
use futures_util::{Stream, StreamExt};
use multer::{Constraints, Multipart, SizeLimit};

use crate::{sniff, FileType, UploadError, UploadLimits};

/// The name of the part that carries the file (`shared/spec/API.md` §3).
const IMAGE_PART: &str = "image";

/// How many bytes the whole body may carry beyond [`UploadLimits::max_bytes`]:
/// room for the boundaries, the part headers and a few small other fields, so
/// that an `image` of exactly `max_bytes` is accepted. Past
/// `max_bytes + MULTIPART_OVERHEAD` the body is refused whatever it holds.
pub const MULTIPART_OVERHEAD: usize = 64 * 1024;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The `image` part of an upload, not yet decoded.
#[derive(Clone)]
pub struct Upload {
    /// The part's bytes, at most [`UploadLimits::max_bytes`] and never empty.
    pub bytes: Bytes,
    /// The type sniffed from the bytes (`None`: no type we know).
    pub file_type: Option<FileType>,
}

impl std::fmt::Debug for Upload {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the bytes themselves: they may be an ID card.
        f.debug_struct("Upload")
            .field("len", &self.bytes.len())
            .field("file_type", &self.file_type)
            .finish()
    }
}

/// The boundary of a `multipart/form-data` content type, or `None` when the
/// content type is anything else or has no boundary (the caller answers
/// [`UploadError::NotMultipart`], 415).
pub fn boundary_from_content_type(content_type: &str) -> Option<String> {
    multer::parse_boundary(content_type).ok()
}

/// Reads a `multipart/form-data` body as a stream and returns the part named
/// `image`.
///
/// * The size limit holds while streaming: the moment the `image` part (or
///   any other part) passes `limits.max_bytes`, or the whole body passes
///   `limits.max_bytes + MULTIPART_OVERHEAD`, the read stops with
///   [`UploadError::TooLarge`] and nothing more of the body is polled.
///   The body is pulled one chunk at a time, so at most one chunk beyond the
///   limit is ever held.
/// * Other parts are drained without being kept (still bounded by the limit).
///   When several parts are named `image`, the first one counts.
/// * No `image` part → [`UploadError::MissingImagePart`]; an empty one →
///   [`UploadError::Empty`].
/// * A body that does not parse (wrong boundary, broken part headers,
///   truncated, or a failing stream) → [`UploadError::Malformed`].
///
/// A server framework's own body limit must be at least
/// `max_bytes + MULTIPART_OVERHEAD` (or off), or its error surfaces here as
/// a failing stream, i.e. `Malformed` rather than `TooLarge`.
pub async fn read_image_part<S, E>(
    body: S,
    boundary: &str,
    limits: &UploadLimits,
) -> Result<Upload, UploadError>
where
    S: Stream<Item = Result<Bytes, E>> + Send + Unpin + 'static,
    E: Into<BoxError>,
{
    let max_part = limits.max_bytes as u64;
    let max_body = limits.max_bytes.saturating_add(MULTIPART_OVERHEAD) as u64;
    let constraints =
        Constraints::new().size_limit(SizeLimit::new().whole_stream(max_body).per_field(max_part));
    let mut multipart =
        Multipart::with_constraints(OneChunkAtATime::new(body), boundary, constraints);

    let mut image: Option<Bytes> = None;
    while let Some(mut field) = multipart.next_field().await.map_err(from_multer)? {
        if image.is_none() && field.name() == Some(IMAGE_PART) {
            let mut buf = BytesMut::new();
            while let Some(chunk) = field.chunk().await.map_err(from_multer)? {
                // Our own count, so the limit is exact whatever multer does.
                if buf.len().saturating_add(chunk.len()) > limits.max_bytes {
                    return Err(UploadError::TooLarge);
                }
                buf.extend_from_slice(&chunk);
            }
            image = Some(buf.freeze());
        } else {
            while field.chunk().await.map_err(from_multer)?.is_some() {}
        }
    }

    let bytes = image.ok_or(UploadError::MissingImagePart)?;
    if bytes.is_empty() {
        return Err(UploadError::Empty);
    }
    let file_type = sniff(&bytes);
    Ok(Upload { bytes, file_type })
}

/// The [`UploadError`] a multer failure stands for.
fn from_multer(error: multer::Error) -> UploadError {
    match error {
        multer::Error::FieldSizeExceeded { .. } | multer::Error::StreamSizeExceeded { .. } => {
            UploadError::TooLarge
        }
        multer::Error::NoMultipart
        | multer::Error::NoBoundary
        | multer::Error::DecodeContentType(_) => UploadError::NotMultipart,
        _ => UploadError::Malformed,
    }
}

/// Hands the body to multer one chunk per poll.
///
/// multer's buffer pulls chunks for as long as the stream has them ready,
/// checking only the whole-body limit; a client fast enough to keep the
/// socket full would be buffered up to that limit before the per-part count
/// runs. Answering `Pending` (with an immediate wake-up) after each chunk
/// makes multer hand every chunk to the part reader first, so the `image`
/// part's own limit stops the read within one chunk.
struct OneChunkAtATime<S> {
    inner: S,
    just_yielded: bool,
}

impl<S> OneChunkAtATime<S> {
    fn new(inner: S) -> Self {
        OneChunkAtATime {
            inner,
            just_yielded: false,
        }
    }
}

impl<S, E> Stream for OneChunkAtATime<S>
where
    S: Stream<Item = Result<Bytes, E>> + Unpin,
    E: Into<BoxError>,
{
    type Item = Result<Bytes, BoxError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.just_yielded {
            self.just_yielded = false;
            cx.waker().wake_by_ref();
            return Poll::Pending;
        }
        match self.inner.poll_next_unpin(cx) {
            Poll::Ready(Some(Ok(chunk))) => {
                self.just_yielded = true;
                Poll::Ready(Some(Ok(chunk)))
            }
            Poll::Ready(Some(Err(error))) => Poll::Ready(Some(Err(error.into()))),
            Poll::Ready(None) => Poll::Ready(None),
            Poll::Pending => Poll::Pending,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    use futures_util::stream;

    use super::*;

    const BOUNDARY: &str = "----docrecTestBoundary7MA4YWxkTrZu0gW";

    /// A multipart body with the given `(name, filename, bytes)` parts.
    fn body(parts: &[(&str, Option<&str>, &[u8])]) -> Vec<u8> {
        let mut out = Vec::new();
        for (name, filename, bytes) in parts {
            out.extend_from_slice(format!("--{BOUNDARY}\r\n").as_bytes());
            match filename {
                Some(f) => out.extend_from_slice(
                    format!("Content-Disposition: form-data; name=\"{name}\"; filename=\"{f}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes(),
                ),
                None => out.extend_from_slice(
                    format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes(),
                ),
            }
            out.extend_from_slice(bytes);
            out.extend_from_slice(b"\r\n");
        }
        out.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
        out
    }

    /// `bytes` as a stream of `chunk`-sized pieces.
    fn chunked(
        bytes: Vec<u8>,
        chunk: usize,
    ) -> impl Stream<Item = Result<Bytes, std::io::Error>> + Send + Unpin + 'static {
        let pieces: Vec<_> = bytes
            .chunks(chunk)
            .map(|c| Ok(Bytes::copy_from_slice(c)))
            .collect();
        stream::iter(pieces)
    }

    async fn read(bytes: Vec<u8>, limits: &UploadLimits) -> Result<Upload, UploadError> {
        read_image_part(chunked(bytes, 7), BOUNDARY, limits).await
    }

    const PNG_MAGIC: &[u8] = b"\x89PNG\r\n\x1a\n rest of a png";

    #[test]
    fn boundary_comes_from_multipart_form_data_only() {
        assert_eq!(
            boundary_from_content_type("multipart/form-data; boundary=abc123").as_deref(),
            Some("abc123")
        );
        assert_eq!(
            boundary_from_content_type("Multipart/Form-Data; boundary=\"quoted b\"").as_deref(),
            Some("quoted b")
        );
        for not_multipart in [
            "application/json",
            "image/png",
            "multipart/mixed; boundary=abc",
            "multipart/form-data",
            "",
            "garbage;;;",
        ] {
            assert_eq!(
                boundary_from_content_type(not_multipart),
                None,
                "{not_multipart}"
            );
        }
    }

    #[tokio::test]
    async fn returns_the_image_part_and_sniffs_it() {
        let bytes = body(&[
            ("note", None, b"hello"),
            ("image", Some("card.bin"), PNG_MAGIC),
            ("after", None, b"world"),
        ]);
        let upload = read(bytes, &UploadLimits::default()).await.unwrap();
        assert_eq!(&upload.bytes[..], PNG_MAGIC);
        assert_eq!(upload.file_type, Some(FileType::Png));
    }

    #[tokio::test]
    async fn the_filename_does_not_decide_the_type() {
        let bytes = body(&[("image", Some("photo.png"), b"just some text")]);
        let upload = read(bytes, &UploadLimits::default()).await.unwrap();
        assert_eq!(upload.file_type, None);
    }

    #[tokio::test]
    async fn no_image_part_is_missing_image_part() {
        let bytes = body(&[("file", Some("a.png"), PNG_MAGIC), ("x", None, b"y")]);
        assert_eq!(
            read(bytes, &UploadLimits::default()).await.unwrap_err(),
            UploadError::MissingImagePart
        );
        let no_parts = format!("--{BOUNDARY}--\r\n").into_bytes();
        assert_eq!(
            read(no_parts, &UploadLimits::default()).await.unwrap_err(),
            UploadError::MissingImagePart
        );
    }

    #[tokio::test]
    async fn an_empty_image_part_is_empty() {
        let bytes = body(&[("image", Some("a.png"), b"")]);
        assert_eq!(
            read(bytes, &UploadLimits::default()).await.unwrap_err(),
            UploadError::Empty
        );
    }

    #[tokio::test]
    async fn an_image_part_of_exactly_the_limit_is_accepted() {
        let limits = UploadLimits {
            max_bytes: 1000,
            ..UploadLimits::default()
        };
        let image = vec![b'x'; 1000];
        let bytes = body(&[("image", Some("a.jpg"), &image)]);
        assert_eq!(read(bytes, &limits).await.unwrap().bytes.len(), 1000);
        let image = vec![b'x'; 1001];
        let bytes = body(&[("image", Some("a.jpg"), &image)]);
        assert_eq!(
            read(bytes, &limits).await.unwrap_err(),
            UploadError::TooLarge
        );
    }

    /// A body of `total_chunks` chunks of `chunk` bytes (a multipart head
    /// then `x` forever) that counts how many chunks were pulled and panics
    /// if pulled past `panic_after`.
    fn endless_image(
        chunk: usize,
        panic_after: usize,
        pulled: Arc<AtomicUsize>,
    ) -> impl Stream<Item = Result<Bytes, std::io::Error>> + Send + Unpin + 'static {
        let head = format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"image\"; filename=\"big.jpg\"\r\n\r\n"
        );
        stream::iter((0..).map(move |i| {
            let n = pulled.fetch_add(1, Ordering::SeqCst) + 1;
            assert!(
                n <= panic_after,
                "the body was read past chunk {panic_after}"
            );
            if i == 0 {
                Ok(Bytes::from(head.clone()))
            } else {
                Ok(Bytes::from(vec![b'x'; chunk]))
            }
        }))
    }

    #[tokio::test]
    async fn an_oversized_image_part_stops_the_read_at_the_limit() {
        // 16 KiB allowed, 1 KiB chunks: the part passes the limit at chunk 17
        // (plus the head). The whole-body limit (16 KiB + 64 KiB) would allow
        // ~80 chunks, so stopping before 20 shows the part limit acts first.
        let limits = UploadLimits {
            max_bytes: 16 * 1024,
            ..UploadLimits::default()
        };
        let pulled = Arc::new(AtomicUsize::new(0));
        let body = endless_image(1024, 20, pulled.clone());
        let result = read_image_part(body, BOUNDARY, &limits).await;
        assert_eq!(result.unwrap_err(), UploadError::TooLarge);
        assert!(pulled.load(Ordering::SeqCst) <= 20);
    }

    #[tokio::test]
    async fn an_oversized_other_part_is_too_large_too() {
        let limits = UploadLimits {
            max_bytes: 1000,
            ..UploadLimits::default()
        };
        let big = vec![b'x'; 5000];
        let bytes = body(&[("padding", None, &big), ("image", Some("a.png"), PNG_MAGIC)]);
        assert_eq!(
            read(bytes, &limits).await.unwrap_err(),
            UploadError::TooLarge
        );
    }

    #[tokio::test]
    async fn many_small_parts_past_the_body_limit_are_too_large() {
        let limits = UploadLimits {
            max_bytes: 1000,
            ..UploadLimits::default()
        };
        let small = vec![b'x'; 900];
        let parts: Vec<_> = (0..100).map(|_| ("filler", None, &small[..])).collect();
        assert_eq!(
            read(body(&parts), &limits).await.unwrap_err(),
            UploadError::TooLarge
        );
    }

    #[tokio::test]
    async fn a_truncated_body_is_malformed() {
        let bytes = body(&[("image", Some("a.png"), &[b'p'; 4000])]);
        for cut in [10, 60, 2000, bytes.len() - 5] {
            let truncated = bytes[..cut].to_vec();
            assert_eq!(
                read(truncated, &UploadLimits::default()).await.unwrap_err(),
                UploadError::Malformed,
                "cut at {cut}"
            );
        }
    }

    #[tokio::test]
    async fn a_body_with_another_boundary_is_malformed() {
        let bytes = body(&[("image", Some("a.png"), PNG_MAGIC)]);
        let result = read_image_part(
            chunked(bytes, 64),
            "someOtherBoundary",
            &UploadLimits::default(),
        )
        .await;
        assert_eq!(result.unwrap_err(), UploadError::Malformed);
        let result =
            read_image_part(chunked(Vec::new(), 64), BOUNDARY, &UploadLimits::default()).await;
        assert_eq!(result.unwrap_err(), UploadError::Malformed);
    }

    #[tokio::test]
    async fn a_failing_body_stream_is_malformed() {
        let bytes = body(&[("image", Some("a.png"), PNG_MAGIC)]);
        let mut pieces: Vec<Result<Bytes, std::io::Error>> =
            vec![Ok(Bytes::copy_from_slice(&bytes[..40]))];
        pieces.push(Err(std::io::Error::new(
            std::io::ErrorKind::ConnectionReset,
            "reset",
        )));
        let result =
            read_image_part(stream::iter(pieces), BOUNDARY, &UploadLimits::default()).await;
        assert_eq!(result.unwrap_err(), UploadError::Malformed);
    }

    #[test]
    fn upload_debug_does_not_print_the_bytes() {
        let upload = Upload {
            bytes: Bytes::from_static(b"secret-id-card"),
            file_type: None,
        };
        let debug = format!("{upload:?}");
        assert!(!debug.contains("secret"), "{debug}");
        assert!(debug.contains("len: 14"), "{debug}");
    }
}
