#!/usr/bin/env python3
"""Bringing an existing wiki (issue 15): how long a build takes for the two shapes of wiki
teams bring, generated here so the figures can be compared from build to build.

    python3 bench/wiki_bench.py --opsbook target/release/opsbook [--pages 900] [--notes 170] [--runs 7]

- A GitHub-style handbook of `--pages` pages (default 900): folders with README.md or
  index.md, `name.md` beside some folders, and relative links written against the folder
  names on disk (`../style_guide/`, `./#anchor`, `../people/benefits.md`), about 6 per page.
  Goal: well under a second.
- An Obsidian vault of `--notes` notes (default 170) used in place (`content_dir = "."`),
  with an `attachments/` folder, `.obsidian/`, wikilinks by name (some names in two
  folders), heading chains, block ids, embeds of notes and sections, sized images, callouts,
  comments and highlights.

Each site is written to target/bench/wiki-handbook and target/bench/wiki-vault and built
`--runs` times (`opsbook build --output ...`); the median, minimum and maximum wall time are
printed, with the time of each stage of the median run (OPSBOOK_TIMINGS=1).
"""

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

WORDS = ["returns", "refunds", "carriers", "inventory", "suppliers", "onboarding", "payroll",
         "benefits", "support", "escalations", "pricing", "catalog", "warehouse", "shipping",
         "security", "hiring", "style_guide", "engineering", "finance", "legal"]
TEXT = ("Every order is picked, packed and shipped the same day when it arrives before the "
        "cut-off. The owner reviews this page every quarter and keeps the steps current. ")


def handbook(root: Path, pages: int, rng: random.Random) -> None:
    content = root / "handbook"
    folders = []
    for i in range(max(pages // 12, 2)):
        parent = rng.choice(folders) if folders and rng.random() < 0.5 else ""
        name = f"{rng.choice(WORDS)}_{i}"
        folders.append(f"{parent}/{name}".strip("/"))
    files = []
    for i, folder in enumerate(folders):
        kind = i % 3
        if kind == 0:
            files.append(f"{folder}/README.md")
        elif kind == 1:
            files.append(f"{folder}/index.md")
        else:
            parent, _, name = folder.rpartition("/")
            files.append(f"{parent}/{name}.md".strip("/"))
    while len(files) < pages:
        folder = rng.choice(folders)
        files.append(f"{folder}/{rng.choice(WORDS)}-{len(files)}.md")
    files = files[:pages]
    for i, rel in enumerate(files):
        here = rel.rpartition("/")[0]
        links = []
        for _ in range(6):
            kind = rng.random()
            if kind < 0.4:
                target = rng.choice(files)
                links.append(f"[page]({os.path.relpath(target, here or '.')})")
            elif kind < 0.7:
                target = rng.choice(folders)
                links.append(f"[folder]({os.path.relpath(target, here or '.')}/)")
            elif kind < 0.85:
                # On a folder's own page `./#steps` is this page; elsewhere `#steps` is.
                own = rel.endswith(("/README.md", "/index.md"))
                links.append("[top](./#steps)" if own else "[top](#steps)")
            else:
                target = rng.choice(files)
                links.append(f"[steps]({os.path.relpath(target, here or '.')}#steps)")
        body = f"# Page {i}\n\n{TEXT * 3}\n\n{' '.join(links)}\n\n## Steps\n\n1. {TEXT}\n2. {TEXT}\n"
        path = content / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(body)
    (root / "opsbook.toml").write_text('title = "Handbook bench"\ncontent_dir = "handbook"\n')


def vault(root: Path, notes: int, rng: random.Random) -> None:
    (root / ".obsidian").mkdir(parents=True, exist_ok=True)
    (root / ".obsidian" / "app.json").write_text('{"attachmentFolderPath": "attachments"}\n')
    (root / "attachments").mkdir(exist_ok=True)
    png = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                        "1f15c4890000000d49444154789c63f8cfc0f00f0004850180"
                        "84a98c210000000049454e44ae426082")
    images = [f"diagram {i}.png" for i in range(20)]
    for name in images:
        (root / "attachments" / name).write_bytes(png)
    folders = ["Fulfillment", "Returns", "Inventory", "People", "Suppliers", "Daily notes"]
    names = []
    for i in range(notes):
        # One name in ten is used in two folders: Obsidian's shortest-path rule picks.
        name = f"{rng.choice(WORDS).replace('_', ' ').title()} {i if i % 10 else i + 1}"
        names.append((rng.choice(folders), name))
    for i, (folder, name) in enumerate(names):
        others = rng.sample(names, 5)
        lines = [f"---\ndescription:\ntags: [ops]\n---\n# {name}\n", TEXT,
                 f"See [[{others[0][1]}]], [[{others[1][1]}#Steps]], "
                 f"[[{others[2][1]}#Steps#Exceptions]] and [[{others[3][1]}#^key-rule|the rule]].",
                 f"![[{rng.choice(images)}|300]] %%a comment%% and ==highlighted== words.\n",
                 f"> [!tip]- Shortcut\n> {TEXT}\n",
                 f"The key rule is this one. ^key-rule\n",
                 "## Steps\n", f"1. {TEXT}\n", "### Exceptions\n", f"{TEXT}\n"]
        if i % 5 == 0:
            lines.append(f"![[{others[4][1]}#Exceptions]]\n")
        path = root / folder / f"{name}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(lines))
    (root / "opsbook.toml").write_text('title = "Vault bench"\ncontent_dir = "."\n')


def build(opsbook: str, root: Path, runs: int) -> None:
    out = root.parent / f"{root.name}-out"
    times, stages = [], []
    for _ in range(runs):
        start = time.perf_counter()
        run = subprocess.run([opsbook, "build", "--output", str(out)], cwd=root,
                             env={**os.environ, "OPSBOOK_TIMINGS": "1"},
                             capture_output=True, text=True)
        times.append(time.perf_counter() - start)
        if run.returncode != 0:
            sys.exit(f"{root.name}: build failed\n{run.stderr[-3000:]}")
        stages.append(run.stderr)
    median = statistics.median(times)
    pages = run.stdout.strip().splitlines()[-1] if run.stdout.strip() else ""
    warnings = run.stderr.count(": warning:")
    print(f"{root.name}: median {median * 1000:.0f} ms (min {min(times) * 1000:.0f}, "
          f"max {max(times) * 1000:.0f}) over {runs} runs; {pages}; {warnings} warnings")
    timing = [line for line in stages[times.index(sorted(times)[len(times) // 2])].splitlines()
              if "ms" in line and ":" not in line.split("ms")[0][-3:]]
    for line in timing[-12:]:
        print(f"    {line.strip()}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--opsbook", required=True)
    parser.add_argument("--pages", type=int, default=900)
    parser.add_argument("--notes", type=int, default=170)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    opsbook = str(Path(args.opsbook).resolve())
    base = Path("target/bench")
    for name, make, size in [("wiki-handbook", handbook, args.pages), ("wiki-vault", vault, args.notes)]:
        root = base / name
        shutil.rmtree(root, ignore_errors=True)
        root.mkdir(parents=True)
        make(root, size, random.Random(15))
        build(opsbook, root, args.runs)


if __name__ == "__main__":
    main()
