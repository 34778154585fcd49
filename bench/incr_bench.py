#!/usr/bin/env python3
# Vendored from the shared bench folder, with an `opsbook` mode added; the method (in-place
# write, poll every 5 ms until the marker is served) is unchanged.
"""Edit-to-served latency of a dev server (hugo server / zola serve / opsbook serve), loopback only.

    python3 incr_bench.py --tool hugo --bin hugo --site DIR [--edits 10] [--port 1313] [-- EXTRA ARGS]
    python3 incr_bench.py --tool zola --bin zola --site DIR [--edits 10] [--port 1111] [-- EXTRA ARGS]
    python3 incr_bench.py --tool opsbook --bin target/release/opsbook --site DIR [--page PATH]

Starts the server bound to 127.0.0.1, waits for the first full build, then
--edits times: appends a unique marker paragraph to one content page (a plain
in-place write, as an editor does), and polls that page's URL over HTTP every
5 ms until the served HTML contains the marker.  Reports per-edit latency
(write -> first response containing the marker) and the tool's own rebuild
times parsed from its log.  Restores the page and stops the server (by PID,
SIGTERM then SIGKILL) at the end.
"""
import argparse
import os
import tempfile
import re
import signal
import statistics
import subprocess
import sys
import time
import urllib.request


def get(url, timeout=5):
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return r.status, r.read().decode("utf-8", "replace")
    except Exception as e:  # noqa: BLE001
        return None, str(e)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tool", choices=["hugo", "zola", "opsbook"], required=True)
    ap.add_argument("--bin", required=True)
    ap.add_argument("--site", required=True)
    ap.add_argument("--edits", type=int, default=10)
    ap.add_argument("--port", type=int)
    ap.add_argument("--page", help="content file to edit, relative to SITE/content "
                    "(default: first page of the 'on-call' section)")
    ap.add_argument("--gap", type=float, default=2.0, help="seconds between edits")
    ap.add_argument("--log", default=None)
    ap.add_argument("extra", nargs="*")
    a = ap.parse_args()

    site = os.path.abspath(a.site)
    if os.path.exists(a.bin):
        a.bin = os.path.abspath(a.bin)
    content = os.path.join(site, "content")
    if a.page:
        page_rel = a.page
    else:
        sec = os.path.join(content, "on-call")
        page_rel = os.path.join("on-call", sorted(f for f in os.listdir(sec) if f != "_index.md")[0])
    page_path = os.path.join(content, page_rel)
    slug = os.path.splitext(os.path.basename(page_rel))[0]
    section = os.path.dirname(page_rel)
    port = a.port or {"hugo": 1313, "zola": 1111, "opsbook": 1112}[a.tool]
    base = f"http://127.0.0.1:{port}"
    url = f"{base}/{section}/{slug}/".replace("//", "/").replace("http:/", "http://")

    if a.tool == "hugo":
        cmd = [a.bin, "server", "--bind", "127.0.0.1", "--port", str(port),
               "--baseURL", base + "/", "--disableLiveReload", "--source", site] + a.extra
    elif a.tool == "opsbook":
        cmd = [a.bin, "serve", "--root", site, "--bind", "127.0.0.1", "--port", str(port)] + a.extra
    else:
        cmd = [a.bin, "--root", site, "serve", "--interface", "127.0.0.1", "--port", str(port),
               "--base-url", "127.0.0.1"] + a.extra
    logpath = a.log or os.path.join(tempfile.gettempdir(), f"incr-{a.tool}-{os.getpid()}.log")
    logf = open(logpath, "w")
    original = open(page_path, encoding="utf-8").read()
    t_start = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=logf, stderr=subprocess.STDOUT, cwd=site,
                            stdin=subprocess.DEVNULL)
    lat = []
    try:
        # wait for first build
        deadline = time.monotonic() + 300
        while True:
            st, body = get(url, timeout=2)
            if st == 200:
                break
            if proc.poll() is not None:
                sys.exit(f"server exited early rc={proc.returncode}; see {logpath}")
            if time.monotonic() > deadline:
                sys.exit(f"server not ready after 300 s; see {logpath}")
            time.sleep(0.05)
        t_ready = time.monotonic() - t_start
        time.sleep(a.gap)
        for i in range(a.edits):
            marker = f"EDITMARKER{i:03d}x{os.getpid()}"
            new = original + f"\n\nEdited paragraph {marker}.\n"
            t0 = time.monotonic()
            with open(page_path, "w", encoding="utf-8") as f:
                f.write(new)
            while True:
                st, body = get(url, timeout=5)
                if st == 200 and marker in body:
                    lat.append(time.monotonic() - t0)
                    break
                if time.monotonic() - t0 > 60:
                    lat.append(float("nan"))
                    print(f"edit {i}: marker not served within 60 s", file=sys.stderr)
                    break
                time.sleep(0.005)
            time.sleep(a.gap)
    finally:
        with open(page_path, "w", encoding="utf-8") as f:
            f.write(original)
        time.sleep(0.5)
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        logf.close()

    log = open(logpath, encoding="utf-8", errors="replace").read()
    if a.tool == "opsbook":
        def ms(v, unit):
            return float(v) * (1000 if unit == "s" else 1)
        own = [ms(*m) for m in re.findall(r"Built [\d,]+ pages in (\d+(?:\.\d+)?) (ms|s)\b", log)[:1]]
        own += [ms(*m) for m in re.findall(r"Rebuilt in (\d+(?:\.\d+)?) (ms|s)\b", log)]
    elif a.tool == "hugo":
        own = [float(x) for x in re.findall(r"Built in (\d+(?:\.\d+)?) ms", log)[:1]]
        own += [float(x) for x in re.findall(r"Total in (\d+(?:\.\d+)?) ms", log)]
    else:
        own = []
        for m in re.finditer(r"Done in (\d+(?:\.\d+)?)(ms|s)\b", log):
            v = float(m.group(1))
            own.append(v if m.group(2) == "ms" else v * 1000)
    ok = [x for x in lat if x == x]
    print(f"tool={a.tool} bin={a.bin} extra={' '.join(a.extra) or '-'} site={site}")
    print(f"initial build+ready_s={t_ready:.2f}  edited={page_rel}")
    if ok:
        print("edit->served latency ms: median=%.0f min=%.0f max=%.0f n=%d (all: %s)" % (
            statistics.median(ok) * 1000, min(ok) * 1000, max(ok) * 1000, len(ok),
            " ".join(f"{x * 1000:.0f}" for x in lat)))
    if own:
        # first = initial build; then one rebuild per edit (a final one for the restore is dropped)
        first, rest = own[0], own[1:1 + a.edits]
        print(f"tool-reported build times ms: initial={first:.0f} rebuilds={' '.join(f'{x:.0f}' for x in rest)}"
              + (f" median_rebuild={statistics.median(rest):.0f}" if rest else ""))
    print(f"log: {logpath}")


if __name__ == "__main__":
    main()
