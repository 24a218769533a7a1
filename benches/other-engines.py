"""Times the engines a user might pick instead of docrec on the same files.

    python benches/other-engines.py OUT.json KIND=DIR [KIND=DIR ...]

For every JPEG and PNG in each DIR (one document kind each), measures

- RapidOCR (PP-OCR models on ONNX Runtime, the `rapidocr_onnxruntime`
  package), warm and in this process: the engine is made once and warmed
  on the first file, then each file is read from its path, detection,
  angle classification and recognition included;
- the `tesseract` command line, a process per file as a user of the CLI
  runs it (`tesseract FILE - -l kor+eng`, one pass, model loading
  included), with OMP_THREAD_LIMIT=1 from the environment.

Writes OUT.json: for each kind, each engine's latencies in milliseconds,
file by file. Run by benches/versus-engines.sh, which makes the virtual
environment this needs.
"""

import json
import os
import subprocess
import sys
import time

from rapidocr_onnxruntime import RapidOCR


def documents(folder):
    """The JPEG and PNG files of `folder`, in name order."""
    names = sorted(os.listdir(folder))
    return [
        os.path.join(folder, name)
        for name in names
        if name.lower().endswith((".jpg", ".jpeg", ".png"))
    ]


def milliseconds(run):
    """How long `run()` took, in milliseconds."""
    started = time.perf_counter()
    run()
    return (time.perf_counter() - started) * 1000.0


def main():
    out, kinds = sys.argv[1], sys.argv[2:]
    rapid = RapidOCR()
    report = {}
    for kind_and_dir in kinds:
        kind, folder = kind_and_dir.split("=", 1)
        files = documents(folder)
        if not files:
            sys.exit(f"{folder} holds no JPEG or PNG files")
        # Warm: the first call loads the models and allocates.
        rapid(files[0])
        rapid_ms = [milliseconds(lambda f=f: rapid(f)) for f in files]
        cli_ms = [
            milliseconds(
                lambda f=f: subprocess.run(
                    ["tesseract", f, "-", "-l", "kor+eng"],
                    check=True,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
            for f in files
        ]
        report[kind] = {"rapidocr": rapid_ms, "tesseract-cli": cli_ms}
        print(f"{kind}: {len(files)} files timed", file=sys.stderr)
    with open(out, "w", encoding="utf-8") as f:
        json.dump(report, f)


if __name__ == "__main__":
    main()
