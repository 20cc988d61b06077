"""Lint's config readers against an older checkout's: the same ``ConfigFacts`` for every text.

    python -m bench.reader_parity --base /path/to/old/checkout [--devices 10000]
        [--damaged 3000] [--work DIR]

The corpus: the configs ``egress render`` writes for a generated inventory
(bench.gen_inventory), the ones it writes for the example inventory with each of the lint
cases' edits (tests/fixtures/lint), and ``--damaged`` copies of those with random damage
(lines deleted, duplicated, re-indented or cut, words changed or dropped, ``end``/``exit``/
``next`` lines removed, sections left open). Each reader runs in its own process (this tree's
and ``--base``'s, ``PYTHONPATH``), dumps ``repr`` of every ``ConfigFacts`` (or of the error it
raised) and, for IOS, the remediation planner's tree (``load``: texts, first lines, children
in order, and the syntax problems), and the two dumps must be equal. Exit 1 on the first
difference, printed.

With ``--lint``, also ``egress lint --format json`` of both trees on the generated inventory
and on a findings-rich variant of it (every lint case that edits only templates/ applied at
once to a copy of templates/; a case whose text an earlier one already replaced is left out):
the two reports must be byte-identical.
"""

from __future__ import annotations

import argparse
import pickle
import random
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PLATFORMS = ("ios", "junos", "fortios")


def _render(inventory: Path, out: Path, templates: Path | None = None) -> list[tuple[str, str]]:
    texts: list[tuple[str, str]] = []
    for platform in PLATFORMS:
        target = out / platform
        command = [sys.executable, "-m", "bench.big_inventory", "render", "-q"]
        command += ["-i", str(inventory), "--out", str(target), "--platform", platform]
        if templates is not None:
            command += ["--templates", str(templates)]
        subprocess.run(command, cwd=REPO, check=False, capture_output=True)
        if target.is_dir():
            texts += [(platform, p.read_text()) for p in sorted(target.glob("*.cfg"))]
    return texts


def _case_configs(work: Path) -> list[tuple[str, str]]:
    sys.path.insert(0, str(REPO))
    from tests.unit.lint.cases import build_tree, load_cases

    texts: list[tuple[str, str]] = []
    for n, case in enumerate(load_cases()):
        root = work / f"case{n}"
        try:
            inventory, templates = build_tree(root, case.edits)
        except AssertionError:
            continue
        texts += _render(inventory, root / "out", templates)
    return texts


_WORDS = (
    "exit",
    "next",
    "end",
    "}",
    "{",
    "set",
    "edit",
    "config",
    "interface",
    "vrrp",
    "!",
    "ip",
    "address",
    "track",
    "1",
    "0.0.0.0",
    "policy",
    "bfd",
    "group",
    ";",
)


def damage(text: str, rng: random.Random) -> str:
    lines = text.splitlines()
    for _ in range(rng.randint(1, 6)):
        if not lines:
            break
        i = rng.randrange(len(lines))
        op = rng.randrange(8)
        if op == 0:
            del lines[i]
        elif op == 1:
            lines.insert(i, lines[i])
        elif op == 2:
            lines[i] = " " * rng.choice((0, 1, 2, 3, 4, 8)) + lines[i].lstrip()
        elif op == 3:
            words = lines[i].split(" ")
            words[rng.randrange(len(words))] = rng.choice(_WORDS)
            lines[i] = " ".join(words)
        elif op == 4:
            words = lines[i].split(" ")
            del words[rng.randrange(len(words))]
            lines[i] = " ".join(words)
        elif op == 5:
            closing = [
                j
                for j, line in enumerate(lines)
                if line.strip()
                in ("exit", "next", "end", "}", "exit-vrrp", "exit-address-family", "!")
            ]
            if closing:
                del lines[rng.choice(closing)]
        elif op == 6:
            lines[i] = lines[i][: rng.randrange(len(lines[i]) + 1)]
        else:
            lines.insert(i, rng.choice(_WORDS) + " " + rng.choice(_WORDS))
    return "\n".join(lines) + rng.choice(("\n", "", "\n\n"))


_DUMP = """
import pickle, sys, gc
gc.disable()
from egress.lint.config import PARSERS
from egress.platforms.ios.config import load
corpus = pickle.load(open(sys.argv[1], "rb"))
out = []


def tree(node):
    return (node.text, tuple(node.lines), tuple(tree(child) for child in node.children))


def read(platform, text):
    try:
        return repr(PARSERS[platform](text))
    except Exception as exc:
        return "raised " + repr(exc)


def planned(text):
    # the IOS remediation planner's tree, from the same walk as lint's reader
    try:
        root, problems = load(text)
        return "\\ntree " + repr(tree(root)) + " " + repr(problems)
    except Exception as exc:
        return "\\ntree raised " + repr(exc)


for platform, text in corpus:
    out.append(read(platform, text) + (planned(text) if platform == "ios" else ""))
pickle.dump(out, open(sys.argv[2], "wb"))
"""


_TIME = """
import gc, pickle, sys, time
gc.disable()
from egress.lint.config import PARSERS
corpus = pickle.load(open(sys.argv[1], "rb"))[: int(sys.argv[2])]
spent = {}
for platform in ("ios", "junos", "fortios"):
    texts = [t for p, t in corpus if p == platform]
    texts = texts[: len(texts) // 2]  # half of each platform's: one worker's share
    read = PARSERS[platform]
    start = time.process_time()
    for text in texts:
        read(text)
    spent[platform] = time.process_time() - start
print(repr(spent))
"""


def timed(tree: Path, corpus: Path, configs: int) -> dict[str, float]:
    """CPU seconds of each reader over half of its platform's configs among the first
    ``configs`` of the corpus (the generated fleet), in a fresh process (every memo empty at
    the start, as in a lint worker)."""
    done = subprocess.run(
        [sys.executable, "-c", _TIME, str(corpus), str(configs)],
        cwd=tree,
        env={"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin"},
        check=True,
        capture_output=True,
        text=True,
    )
    import ast

    found: dict[str, float] = ast.literal_eval(done.stdout)
    return found


def dump(tree: Path, corpus: Path, out: Path) -> list[str]:
    subprocess.run(
        [sys.executable, "-c", _DUMP, str(corpus), str(out)],
        cwd=tree,
        env={"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin"},
        check=True,
    )
    with out.open("rb") as f:
        found: list[str] = pickle.load(f)
    return found


def _template_only_variant(work: Path) -> tuple[Path, int]:
    """A copy of templates/ with every template-only lint case's edits applied."""
    import shutil

    import yaml

    templates = work / "templates-broken"
    shutil.rmtree(templates, ignore_errors=True)
    shutil.copytree(REPO / "templates", templates)
    applied = 0
    for directory in sorted((REPO / "tests" / "fixtures" / "lint").iterdir()):
        spec_file = directory / "case.yaml"
        if not spec_file.is_file():
            continue
        edits = yaml.safe_load(spec_file.read_text(encoding="utf-8"))["edits"]
        if not all(e["file"].startswith("templates/") for e in edits):
            continue
        texts = {e["file"]: (templates / e["file"][len("templates/") :]).read_text() for e in edits}
        ok = True
        for edit in edits:
            text = texts[edit["file"]]
            if text.count(edit["replace"]) != edit.get("count", 1):
                ok = False
                break
            texts[edit["file"]] = text.replace(edit["replace"], edit["with"])
        if ok:
            for name, text in texts.items():
                (templates / name[len("templates/") :]).write_text(text)
            applied += 1
    return templates, applied


def _lint_json(tree: Path, inventory: Path, templates: Path) -> bytes:
    command = [sys.executable, "-m", "bench.big_inventory", "lint", "-i", str(inventory)]
    command += ["--templates", str(templates), "--format", "json"]
    env = {"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin", "EGRESS_CACHE_DIR": ""}
    return subprocess.run(command, cwd=tree, env=env, capture_output=True, check=False).stdout


def lint_reports(base: Path, work: Path, devices: int) -> bool:
    import json

    from bench.gen_inventory import generate

    inventory = work / "inv"
    if not inventory.is_dir():
        generate(inventory, devices=devices)
    broken, applied = _template_only_variant(work)
    same = True
    for label, templates in (("clean", REPO / "templates"), ("findings-rich", broken)):
        now, before = _lint_json(REPO, inventory, templates), _lint_json(base, inventory, templates)
        findings = json.loads(now)
        count = len(findings) if isinstance(findings, list) else len(findings.get("findings", []))
        rules = {
            f["rule"]
            for f in (findings if isinstance(findings, list) else findings.get("findings", []))
        }
        print(
            f"lint JSON, {label} ({applied} template-only cases applied)"
            if label != "clean"
            else "lint JSON, clean",
            f": {len(now):,} bytes, {count:,} findings of {len(rules)} rules,",
            f"byte-identical: {now == before}",
        )
        same = same and now == before and bool(now)
    return same


def _time_readers(base: Path, corpus: Path, runs: int, configs: int) -> None:
    import statistics

    spent: dict[str, list[dict[str, float]]] = {"now": [], "before": []}
    for _ in range(runs):  # in turn: now, before, now, before, ...
        spent["now"].append(timed(REPO, corpus, configs))
        spent["before"].append(timed(base, corpus, configs))
    print(f"readers over half of the {configs:,} generated configs (one worker's share), CPU-s:")
    for platform in ("ios", "junos", "fortios", "all"):
        now, before = (
            statistics.median(
                sum(r.values()) if platform == "all" else r[platform] for r in spent[which]
            )
            for which in ("now", "before")
        )
        print(f"  {platform:8} before {before:.3f}  now {now:.3f}  now/before {now / before:.2f}x")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", type=Path, required=True)
    parser.add_argument("--devices", type=int, default=10000)
    parser.add_argument("--damaged", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=18)
    parser.add_argument("--work", type=Path, default=None)
    parser.add_argument("--lint", action="store_true", help="compare lint's JSON reports too")
    parser.add_argument(
        "--time", type=int, default=0, help="also time the readers (fresh processes, N runs)"
    )
    args = parser.parse_args()
    from bench.gen_inventory import generate

    with tempfile.TemporaryDirectory(prefix="egress-parity-") as tmp:
        work = args.work or Path(tmp)
        corpus_file = work / "corpus.pickle"
        if corpus_file.exists():
            corpus = pickle.loads(corpus_file.read_bytes())
        else:
            work.mkdir(parents=True, exist_ok=True)
            fleet = _render(generate(work / "inv", devices=args.devices), work / "fleet")
            cases = _case_configs(work / "cases")
            rng = random.Random(args.seed)
            pool = cases + rng.sample(fleet, min(len(fleet), 300))
            damaged = [
                (p, damage(t, rng)) for p, t in (rng.choice(pool) for _ in range(args.damaged))
            ]
            corpus = fleet + cases + damaged
            corpus_file.write_bytes(pickle.dumps(corpus))
            print(f"corpus: {len(fleet)} fleet, {len(cases)} case, {len(damaged)} damaged configs")
        now = dump(REPO, corpus_file, work / "now.pickle")
        before = dump(args.base.resolve(), corpus_file, work / "before.pickle")
        bad = [i for i, (a, b) in enumerate(zip(now, before, strict=True)) if a != b]
        for i in bad[:3]:
            platform, text = corpus[i]
            print(
                f"--- config {i} ({platform}) differs\n{text}\n"
                f"--- now:\n{now[i]}\n--- before:\n{before[i]}"
            )
        raised = sum(1 for r in now if r.startswith("raised "))
        print(f"{len(corpus)} configs, {len(bad)} differ, {raised} raised (both alike)")
        if args.time:
            _time_readers(args.base.resolve(), corpus_file, args.time, args.devices)
        reports_same = lint_reports(args.base.resolve(), work, args.devices) if args.lint else True
        return 1 if bad or not reports_same else 0


if __name__ == "__main__":
    sys.exit(main())
