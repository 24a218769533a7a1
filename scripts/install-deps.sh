#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages docrec builds and runs with: the C
# toolchain and libclang (for the Tesseract bindings), Tesseract with its
# English and Korean data, Poppler's PDF tools (pdftotext, pdftoppm: PDF
# uploads) and bubblewrap (their sandbox), the fonts the synthetic
# generator draws with, and, for the tests, PostgreSQL (the black-box
# suite runs on it too; docrec itself needs only a server to connect to)
# and Python (a fake HTTPS verification gateway).
# Idempotent: does nothing when every package is already installed.
set -euo pipefail

packages=(
  build-essential pkg-config libclang-dev
  libtesseract-dev libleptonica-dev tesseract-ocr tesseract-ocr-eng tesseract-ocr-kor
  fonts-dejavu-core fonts-dejavu-extra fonts-liberation2 fonts-freefont-ttf fonts-ocr-a fonts-ocr-b
  fonts-nanum fonts-nanum-extra fonts-nanum-coding fonts-unfonts-core fonts-unfonts-extra
  fonts-baekmuk fonts-noto-cjk fonts-noto-cjk-extra fonts-lexi-gulim fonts-lexi-saebom
  poppler-utils bubblewrap sqlite3 curl ca-certificates openssl python3 postgresql
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
