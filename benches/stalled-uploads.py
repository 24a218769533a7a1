#!/usr/bin/env python3
"""Stalled uploads against fair admission (docs/benchmarks.md, issue 23).

Starts `DOCREC_BINARY serve` (2 workers, default queue, SQLite in a
temporary directory), opens 12 business uploads from one appKey that send
their headers and 3 bytes of body and then stall, and sends CERTIFICATE
from a second appKey; prints how many stalled uploads the node held, the
codes it answered the others with at once, and the second appKey's answer.

    python3 benches/stalled-uploads.py DOCREC_BINARY CERTIFICATE
"""
import os, socket, subprocess, sys, tempfile, time, json, re, urllib.request
binary, cert = sys.argv[1], sys.argv[2]
data = tempfile.mkdtemp()
with socket.socket() as probe:
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
env = dict(os.environ, OMP_THREAD_LIMIT="1", DOCREC_LISTEN=f"127.0.0.1:{port}", DOCREC_DATA_DIR=data,
           DOCREC_WORKERS="2", DOCREC_LOG="warn", DOCREC_BOOTSTRAP_APPKEY="stallAppKey",
           DOCREC_BOOTSTRAP_SECRETKEY="stall-secret-0123456789abcdefghij")
server = subprocess.Popen([binary, "serve"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
try:
    for _ in range(200):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/health"); break
        except Exception:
            time.sleep(0.2)
    out = subprocess.run([binary, "admin", "app-key", "create", "--project", "00000000-0000-0000-0000-000000000000"],
                         env=env, capture_output=True, text=True).stdout
    other_key = re.search(r"appKey:\s*(\S+)", out).group(1)
    other_secret = re.search(r"secretKey:\s*(\S+)", out).group(1)
    stalled, answered = [], []
    for _ in range(12):
        s = socket.create_connection(("127.0.0.1", port))
        s.sendall(("POST /v1.0/appkeys/stallAppKey/business HTTP/1.1\r\nHost: x\r\n"
                   "Authorization: stall-secret-0123456789abcdefghij\r\n"
                   "Content-Type: multipart/form-data; boundary=b\r\nContent-Length: 100000\r\n\r\n"
                   "--b\r\nContent-Disposition: form-data; name=\"image\"; filename=\"a.png\"\r\n\r\nPNG").encode())
        s.settimeout(0.5)
        try:
            reply = s.recv(4096).decode(errors="replace")
            answered.append(re.search(r'"resultCode":(-?\d+)', reply).group(1))
        except socket.timeout:
            stalled.append(s)
    boundary = "c"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"image\"; filename=\"c.jpg\"\r\n"
            "Content-Type: image/jpeg\r\n\r\n").encode() + open(cert, "rb").read() + f"\r\n--{boundary}--\r\n".encode()
    request = urllib.request.Request(f"http://127.0.0.1:{port}/v1.0/appkeys/{other_key}/business", data=body,
        headers={"Authorization": other_secret, "Content-Type": f"multipart/form-data; boundary={boundary}"})
    started = time.time()
    answer = json.load(urllib.request.urlopen(request, timeout=120))
    print(f"stalled held open: {len(stalled)}, answered at once: {answered}; "
          f"other appKey: {answer['header']['resultCode']} in {time.time() - started:.2f} s")
finally:
    server.kill()
