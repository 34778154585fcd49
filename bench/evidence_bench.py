#!/usr/bin/env python3
"""What evidence costs a build: a questionnaire of 200 questions, every one with
`[questions.evidence]` (each measure, globs over the corpus's sections, some over the whole
handbook), on the 10,000-page corpus of bench.py. Goal (issue 14): <= 20 ms added.

    python3 bench/evidence_bench.py --opsbook target/release/opsbook [--pages 10000] [--runs 7]

It copies the corpus (target/bench/c10000-opsbook, made by bench.py) to
target/bench/c10000-evidence, writes the questionnaire there, and runs `opsbook check` with
OPSBOOK_TIMINGS=1, which prints each stage's time. The `evidence` stage is what the
questionnaire's evidence adds (the `assessment` stage validates it, as any questionnaire).
Prints the median, minimum and maximum of each over the runs.
"""

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

MEASURES = ["owned", "backed_up", "fresh", "systems", "documented"]


def questionnaire(sections: list[str], n: int) -> str:
    out = ['id = "evidence-bench"', 'title = "Evidence bench"', ""]
    out += ["[[tiers]]", 'id = "low"', 'title = "Low"', "min = 0", ""]
    for d in range(4):
        out += ["[[dimensions]]", f'id = "d{d}"', f'title = "Dimension {d}"', ""]
    for i in range(n):
        measure = MEASURES[i % len(MEASURES)]
        a, b = sections[i % len(sections)], sections[(i * 7 + 3) % len(sections)]
        pages = '["**"]' if i % 10 == 0 else f'["{a}/**", "{b}/*"]'
        out += ["[[questions]]", f'id = "q{i}"', f'dimension = "d{i % 4}"', 'kind = "choice"',
                f'text = "Question {i}?"', "[questions.evidence]", f"pages = {pages}",
                f'measure = "{measure}"']
        if measure == "documented":
            out.append("expected = 400")
        if i % 3 == 0 and measure != "documented":
            out.append("prefill = true")
        for o, score in enumerate([0, 50, 100]):
            out += ["[[questions.options]]", f'id = "o{o}"', f'label = "Option {o}"', f"score = {score}"]
        out.append("")
    return "\n".join(out)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--opsbook", default="target/release/opsbook")
    ap.add_argument("--pages", type=int, default=10000)
    ap.add_argument("--questions", type=int, default=200)
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args()
    root = Path(__file__).resolve().parent.parent
    corpus = root / "target" / "bench" / f"c{args.pages}-opsbook"
    if not corpus.is_dir():
        print(f"{corpus} is missing: run bench/bench.py --pages {args.pages} first", file=sys.stderr)
        return 1
    site = root / "target" / "bench" / f"c{args.pages}-evidence"
    if not site.is_dir():
        shutil.copytree(corpus, site)
    sections = sorted(p.name for p in (site / "content").iterdir() if p.is_dir() and p.name != "assessment")
    q = site / "content" / "assessment" / "questionnaire.toml"
    q.parent.mkdir(parents=True, exist_ok=True)
    q.write_text(questionnaire(sections, args.questions))
    lap = re.compile(r"^\s+(evidence|assessment)\s+([\d.]+) ms", re.M)
    times: dict[str, list[float]] = {"evidence": [], "assessment": []}
    env = dict(os.environ, OPSBOOK_TIMINGS="1")
    for _ in range(args.runs):
        run = subprocess.run([args.opsbook, "check", "--root", str(site)], capture_output=True, text=True, env=env)
        found = dict((name, float(ms)) for name, ms in lap.findall(run.stderr))
        if "evidence" not in found:
            print(run.stderr[-2000:], file=sys.stderr)
            return 1
        for name in times:
            times[name].append(found.get(name, 0.0))
    print(f"{args.questions} questions with evidence over {args.pages:,} pages, {args.runs} runs of `opsbook check`:")
    for name, values in times.items():
        print(f"  {name:<10} median {statistics.median(values):6.1f} ms  min {min(values):6.1f}  max {max(values):6.1f}")
    ok = statistics.median(times["evidence"]) <= 20.0
    print("  => evidence within the 20 ms goal" if ok else "  => evidence OVER the 20 ms goal")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
