# syntax=docker/dockerfile:1
#
# docrec in a container: `docker build -t docrec .` then
#   docker run -p 8080:8080 -v docrec-data:/data docrec
# The first start without DOCREC_BOOTSTRAP_APPKEY/SECRETKEY prints a demo
# appKey and secretKey to the log (`docker logs`). Other subcommands:
#   docker run --rm -v "$PWD:/in:ro" docrec recognize credit-card /in/card.jpg --json

# --- build ------------------------------------------------------------------
FROM rust:1-bookworm AS builder

# libclang for the Tesseract/Leptonica bindings (bindgen), the -dev packages
# for the headers and the libraries to link against.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      pkg-config libclang-dev libtesseract-dev libleptonica-dev \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /src
COPY . .
# The migrations are embedded into the binary at compile time; SQLite is
# compiled in (sqlx's bundled libsqlite3), so the runtime needs no sqlite.
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target \
    cargo build --release --locked -p docrec-server \
 && cp target/release/docrec /usr/local/bin/docrec

# --- run --------------------------------------------------------------------
FROM debian:bookworm-slim

# The Tesseract and Leptonica shared libraries, the English and Korean
# language data (/usr/share/tesseract-ocr/5/tessdata), Poppler's PDF
# tools (PDF uploads) and bubblewrap, their sandbox where the container
# runtime allows user namespaces (else `serve` says it runs them with
# resource limits only). No fonts: `docrec
# synth` needs the fonts of scripts/install-deps.sh and is meant for a
# development machine; `serve`, `recognize` and `eval` do not.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      libtesseract5 liblept5 tesseract-ocr-eng tesseract-ocr-kor poppler-utils bubblewrap ca-certificates \
 && rm -rf /var/lib/apt/lists/*

COPY --from=builder /usr/local/bin/docrec /usr/local/bin/docrec

RUN useradd --system --uid 10001 --user-group --home-dir /data --shell /usr/sbin/nologin docrec \
 && mkdir -p /data \
 && chown docrec:docrec /data

# OMP_THREAD_LIMIT=1 is not optional: Tesseract's OpenMP threads make every
# recognition several times slower (docrec runs one engine per worker).
ENV OMP_THREAD_LIMIT=1 \
    DOCREC_LISTEN=0.0.0.0:8080 \
    DOCREC_DATA_DIR=/data

USER docrec
VOLUME /data
EXPOSE 8080
ENTRYPOINT ["docrec"]
CMD ["serve"]
