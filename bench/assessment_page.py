#!/usr/bin/env python3
"""Benchmark of the /assessment/ page in headless Chromium (Python 3 stdlib only).

    python3 bench/assessment_page.py [--opsbook PATH] [--changes 80] [--questions 1000]
                                     [--chromium PATH] [--chromedriver PATH] [--keep]

Two sites are built with the given opsbook binary (default target/release/opsbook, else
target/debug/opsbook) into a temporary folder:

  (a) the repository's sample site (opsbook.toml and content/, 35 questions);
  (b) a generated site whose questionnaire has --questions questions (default 1,000) in ten
      dimensions: all four kinds (choice, multi, scale, number), every tenth question behind
      a show_if on an earlier choice or multi question, and a capping option on every
      twentieth choice question.

Each is served over loopback by a stdlib HTTP server and opened in headless Chromium, driven
through chromedriver's HTTP WebDriver API with urllib. About half the questions are answered
first (untimed, so the report has caps, recommendations and questions left), a few warm-up
changes run, and then --changes answer changes are timed, each on a visible question and each
one that changes the answer (a choice moves to another option, a box toggles, a scale or a
number gets another value). The page updates synchronously on the bubbling `change` event, so
one change costs:

  dispatch   performance.now() around el.dispatchEvent(new Event("change", {bubbles: true})):
             reading the answer, show_if, progress, autosave, scoring and the report's HTML;
  +layout    the same plus a forced layout (document.body.offsetHeight): style and layout of
             everything the change touched, i.e. the full cost before the next paint.

Reported per site: median and max of both. The page's own JavaScript (assessment.js,
assessment-io.js and assessment-score.js as the build ships them, without their comment
lines, concatenated) is measured with `gzip -9` (Python's
zlib at level 9 when the gzip program is missing), as tests/js/assessment-page.test.mjs does.

Budgets: one change <= 16 ms on the sample, <= 100 ms at 1,000 questions (judged on the max of
the full cost, +layout); the three scripts <= 15,000 bytes gzipped. The exit status is 1 when a
budget is missed, so CI may run it.
"""
from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SCRIPTS = ["assessment.js", "assessment-io.js", "assessment-score.js"]
BUDGET_SAMPLE_MS = 16.0
BUDGET_BIG_MS = 100.0
BUDGET_GZIP_BYTES = 15_000
# 2026-11-26T00:00:00Z, as the tests use: the builds do not depend on today.
SOURCE_DATE_EPOCH = "1795651200"


# --------------------------------------------------------------------------
# Sites


def generated_questionnaire(count: int) -> str:
    """A valid questionnaire of `count` questions: ten dimensions, the four kinds in turn,
    show_if on every tenth question, a cap on every twentieth choice question."""
    out = [
        'id = "generated"',
        'title = "Generated readiness assessment"',
        'intro = "A generated questionnaire for the page benchmark."',
        "",
    ]
    for tid, title, low in [("starting", "Starting", 0), ("growing", "Growing", 40), ("scaling", "Scaling", 70)]:
        out += ["[[tiers]]", f'id = "{tid}"', f'title = "{title}"', f"min = {low}",
                f'summary = "The **{title.lower()}** tier."', ""]
    dimensions = 10
    for d in range(dimensions):
        out += ["[[dimensions]]", f'id = "dim-{d}"', f'title = "Dimension {d}: area {d} of the operation"',
                f"weight = {1 + d % 3}", f'description = "What dimension {d} measures."', ""]
    kinds = ["choice", "multi", "scale", "number"]
    last_parent: tuple[str, str] | None = None  # (id, kind) of the latest choice or multi
    choices = 0
    for i in range(count):
        kind = kinds[i % 4]
        qid = f"q{i:04d}"
        out += ["[[questions]]", f'id = "{qid}"', f'dimension = "dim-{i * dimensions // count}"',
                f'kind = "{kind}"', f"weight = {1 + i % 2}",
                f'text = "Question {i}: how does the operation handle case {i}?"',
                f'advice = "Work on case {i}: write it down and give it an owner."']
        if i % 10 == 9 and last_parent:
            parent, parent_kind = last_parent
            rule = "equals" if parent_kind == "choice" else "includes"
            out.append(f'show_if = {{ question = "{parent}", {rule} = "o2" }}')
        if kind == "scale":
            out += ["min = 1", "max = 5", 'labels = { "1" = "Never", "3" = "Half the time", "5" = "Always" }']
        if kind == "number":
            out.append('unit = "%"')
        out.append("")
        if kind == "choice":
            choices += 1
            for k, score in enumerate([0, 35, 70, 100]):
                out += ["[[questions.options]]", f'id = "o{k}"', f'label = "Option {k} of question {i}"',
                        f"score = {score}"]
                if k == 0 and choices % 20 == 0:
                    out.append('cap = "starting"')
                out.append("")
        elif kind == "multi":
            for k, score in enumerate([10, 20, 30, 40, 50]):
                out += ["[[questions.options]]", f'id = "o{k}"', f'label = "Practice {k} of question {i}"',
                        f"score = {score}", ""]
        elif kind == "number":
            for limit, score in [(50.0, 0), (80.0, 50), (95.0, 80), (None, 100)]:
                out += ["[[questions.bands]]"] + ([f"max = {limit}"] if limit is not None else []) + [f"score = {score}", ""]
        if kind in ("choice", "multi") and i % 10 != 9:
            last_parent = (qid, kind)
    return "\n".join(out)


def run(binary: Path, root: Path, *args: str) -> None:
    env = {"PATH": os.environ.get("PATH", ""), "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH, "NO_COLOR": "1"}
    proc = subprocess.run([str(binary), *args], cwd=root, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"{binary} {' '.join(args)} failed in {root}:\n{proc.stdout}{proc.stderr}")


def build_sites(binary: Path, work: Path, questions: int) -> dict[str, tuple[Path, int]]:
    sample = work / "sample"
    sample.mkdir()
    shutil.copy(REPO / "opsbook.toml", sample / "opsbook.toml")
    shutil.copytree(REPO / "content", sample / "content")
    run(binary, sample, "build")

    big = work / "generated"
    (big / "content" / "assessment").mkdir(parents=True)
    (big / "opsbook.toml").write_text(
        'title = "Generated handbook"\ndescription = "The assessment page benchmark."\n'
        'base_url = "/"\nlanguage = "en"\n')
    (big / "content" / "_index.md").write_text("---\ntitle: Generated handbook\n---\nA generated site.\n")
    (big / "content" / "assessment" / "questionnaire.toml").write_text(generated_questionnaire(questions))
    run(binary, big, "build")
    # The binary ships the theme's scripts without their comment lines (theme.rs): what a
    # reader downloads, and what the budget measures. Their code must be static/assets's.
    stale = [f for f in SCRIPTS
             if not set((sample / "public/assets" / f).read_text().splitlines())
             <= set((REPO / "static/assets" / f).read_text().splitlines())]
    if stale:
        print(f"warning: {binary} serves other {', '.join(stale)} than static/assets/: rebuild it to measure these",
              file=sys.stderr)
    sample_count = (REPO / "content/assessment/questionnaire.toml").read_text().count("[[questions]]")
    return {"sample": (sample / "public", sample_count), "generated": (big / "public", questions)}


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # noqa: D102
        pass


def serve(folder: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


# --------------------------------------------------------------------------
# WebDriver over HTTP


class WebDriver:
    def __init__(self, chromium: str, chromedriver: str, width: int = 1280, height: int = 900):
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        sock.close()
        self.profile = tempfile.mkdtemp(prefix="opsbook-bench-chromium-")
        self.driver = subprocess.Popen([chromedriver, f"--port={port}"], stdout=subprocess.DEVNULL,
                                       stderr=subprocess.DEVNULL, start_new_session=True)
        self.base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 20
        while True:
            try:
                urllib.request.urlopen(self.base + "/status", timeout=1).read()
                break
            except (urllib.error.URLError, ConnectionError, OSError):
                if time.monotonic() > deadline:
                    self.close()
                    sys.exit("chromedriver did not start")
                time.sleep(0.1)
        args = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--hide-scrollbars", f"--window-size={width},{height}",
                f"--user-data-dir={self.profile}"]
        caps = {"capabilities": {"alwaysMatch": {"browserName": "chrome", "goog:chromeOptions":
                                                 {"binary": chromium, "args": args}}}}
        self.session = self._request("POST", "/session", caps)["sessionId"]

    def _request(self, method: str, path: str, body=None):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base + path, data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=300) as response:
                return json.load(response)["value"]
        except urllib.error.HTTPError as err:
            raise RuntimeError(f"{method} {path}: {err.read().decode(errors='replace')[:1000]}") from None

    def cmd(self, method: str, path: str, body=None):
        return self._request(method, f"/session/{self.session}{path}", body)

    def goto(self, url: str) -> None:
        self.cmd("POST", "/url", {"url": url})

    def js(self, script: str, *args):
        return self.cmd("POST", "/execute/sync", {"script": script, "args": list(args)})

    def wait_for(self, script: str, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while not self.js(script):
            if time.monotonic() > deadline:
                raise RuntimeError(f"timed out waiting for: {script}")
            time.sleep(0.05)

    def close(self) -> None:
        try:
            if getattr(self, "session", None):
                self.cmd("DELETE", "")
        except Exception:  # noqa: BLE001 - closing anyway
            pass
        self.driver.kill()
        self.driver.wait()
        shutil.rmtree(self.profile, ignore_errors=True)


# --------------------------------------------------------------------------
# The measurement

# Answers about half the visible questions (untimed), deterministically.
PREFILL_JS = r"""
let n = 0;
for (const f of document.querySelectorAll("fieldset[data-question]")) {
  n += 1;
  if (f.hidden || n % 2) continue;
  const id = f.dataset.question;
  const inputs = [...f.querySelectorAll("input")].filter((el) => el.name === id);
  const kind = f.dataset.kind;
  if (kind === "choice" || kind === "multi") inputs[n % inputs.length].checked = true;
  else inputs[0].value = String(kind === "scale" ? 1 + (n % 5) : (n * 7.3) % 100);
  inputs[0].dispatchEvent(new Event("change", { bubbles: true }));
}
return document.querySelectorAll("[data-answered]").length;
"""

# Change number `arguments[0]`: a visible question picked by stride, its answer changed, and
# the dispatch timed; then a forced layout timed on top.
CHANGE_JS = r"""
const step = arguments[0];
const shown = [...document.querySelectorAll("fieldset[data-question]")].filter((f) => !f.hidden);
const f = shown[(step * 37) % shown.length];
const id = f.dataset.question;
const inputs = [...f.querySelectorAll("input")].filter((el) => el.name === id);
const kind = f.dataset.kind;
let el;
if (kind === "choice") {
  const at = inputs.findIndex((x) => x.checked);
  el = inputs[(at + 1 + (step % (inputs.length - 1))) % inputs.length];
  el.checked = true;
} else if (kind === "multi") {
  el = inputs[step % inputs.length];
  el.checked = !el.checked;
} else if (kind === "scale") {
  el = inputs[0];
  const min = Number(el.min), max = Number(el.max), now = Number(el.value);
  el.value = String(now >= max ? min : now + 1);
} else {
  el = inputs[0];
  el.value = String(((Number(el.value) || 0) + 13.7 + step) % 120);
}
const t0 = performance.now();
el.dispatchEvent(new Event("change", { bubbles: true }));
const t1 = performance.now();
void document.body.offsetHeight;
const t2 = performance.now();
return [t1 - t0, t2 - t0, kind, !!document.querySelector("[data-overall]")];
"""


def measure(driver: WebDriver, url: str, changes: int, warmup: int = 5) -> dict:
    driver.goto(url)
    driver.wait_for("return document.querySelector('[data-assessment]')?.classList.contains('is-interactive') === true")
    driver.js("localStorage.clear()")
    driver.goto(url)
    driver.wait_for("return document.querySelector('[data-assessment]')?.classList.contains('is-interactive') === true")
    answered = driver.js(PREFILL_JS)
    for step in range(warmup):
        driver.js(CHANGE_JS, 10_000 + step)
    dispatch, full, kinds = [], [], {}
    for step in range(changes):
        t_dispatch, t_full, kind, has_report = driver.js(CHANGE_JS, step)
        if not has_report:
            raise RuntimeError(f"{url}: no report after change {step}")
        dispatch.append(t_dispatch)
        full.append(t_full)
        kinds[kind] = kinds.get(kind, 0) + 1
    questions = driver.js("return document.querySelectorAll('fieldset[data-question]').length")
    return {"questions": questions, "prefilled": answered, "kinds": kinds,
            "dispatch_median": statistics.median(dispatch), "dispatch_max": max(dispatch),
            "full_median": statistics.median(full), "full_max": max(full)}


def gzip_size(data: bytes) -> tuple[int, str]:
    if shutil.which("gzip"):
        out = subprocess.run(["gzip", "-9"], input=data, capture_output=True, check=True).stdout
        return len(out), "gzip -9"
    return len(gzip.compress(data, 9, mtime=0)), "zlib level 9"


def find(names: list[str], extra: list[str]) -> str | None:
    for name in names:
        path = shutil.which(name)
        if path:
            return path
    for path in extra:
        if os.path.isfile(path):
            return path
    return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--opsbook", type=Path, help="the binary (default: target/release/opsbook, else target/debug/opsbook)")
    parser.add_argument("--changes", type=int, default=80, help="timed answer changes per site (default 80)")
    parser.add_argument("--questions", type=int, default=1000, help="questions of the generated site (default 1000)")
    parser.add_argument("--chromium", help="the Chromium binary (default: chromium on PATH)")
    parser.add_argument("--chromedriver", help="chromedriver (default: on PATH)")
    parser.add_argument("--keep", action="store_true", help="keep the built sites and print where")
    options = parser.parse_args()

    binary = options.opsbook
    if binary is None:
        release, debug = REPO / "target/release/opsbook", REPO / "target/debug/opsbook"
        binary = release if release.is_file() else debug
    if not binary.is_file():
        sys.exit(f"no opsbook binary at {binary}: run `cargo build --release` or pass --opsbook")
    chromium = options.chromium or find(["chromium", "chromium-browser", "google-chrome"], ["/usr/lib/chromium/chromium"])
    chromedriver = options.chromedriver or find(["chromedriver"], ["/usr/lib/chromium/chromedriver"])
    if not chromium or not chromedriver:
        sys.exit("chromium and chromedriver are needed (Debian: apt install chromium chromium-driver)")

    work = Path(tempfile.mkdtemp(prefix="opsbook-assessment-bench-"))
    servers = []
    driver = None
    try:
        sites = build_sites(binary.resolve(), work, options.questions)
        driver = WebDriver(chromium, chromedriver)
        results = {}
        for name, (public, _) in sites.items():
            server, base = serve(public)
            servers.append(server)
            results[name] = measure(driver, f"{base}/assessment/", options.changes)
        scripts = b"".join((sites["sample"][0] / "assets" / f).read_bytes() for f in SCRIPTS)
        size, how = gzip_size(scripts)
    finally:
        if driver:
            driver.close()
        for server in servers:
            server.shutdown()
        if options.keep:
            print(f"sites kept in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)

    print(f"opsbook: {binary}   Chromium: {chromium}   {options.changes} timed changes per site\n")
    header = f"{'site':<10} {'questions':>9} {'dispatch median':>16} {'dispatch max':>13} {'+layout median':>15} {'+layout max':>12} {'budget':>7}  verdict"
    print(header)
    print("-" * len(header))
    failed = False
    for name, budget in [("sample", BUDGET_SAMPLE_MS), ("generated", BUDGET_BIG_MS)]:
        r = results[name]
        ok = r["full_max"] <= budget
        failed |= not ok
        print(f"{name:<10} {r['questions']:>9} {r['dispatch_median']:>13.2f} ms {r['dispatch_max']:>10.2f} ms "
              f"{r['full_median']:>12.2f} ms {r['full_max']:>9.2f} ms {budget:>4.0f} ms  {'ok' if ok else 'OVER BUDGET'}")
    for name in results:
        r = results[name]
        print(f"  {name}: {r['prefilled']} answered before timing; changes by kind {r['kinds']}")
    ok = size <= BUDGET_GZIP_BYTES
    failed |= not ok
    print(f"\npage JS ({' + '.join(SCRIPTS)}): {len(scripts):,} bytes, {size:,} bytes {how} "
          f"(budget {BUDGET_GZIP_BYTES:,})  {'ok' if ok else 'OVER BUDGET'}")
    print("budgets: one change (+layout, max) <= 16 ms on the sample, <= 100 ms at 1,000 questions; JS <= 15 KB gzipped")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
