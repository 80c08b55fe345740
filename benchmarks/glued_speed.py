"""Throughput of the glued path beside the line path, on the same bytes, in the same run.

    python benchmarks/glued_speed.py [--corpus ../shared/corpus] [--seconds 5]

The texts are the glued corpus documents (`glued/<id>.txt`).  The line path is the cleaner with the
span step off (`Config(glued=False)`); the glued path is the default (glued documents detected, their
lines split, spans labelled and cut).  Documents per second by this process's CPU time (user +
system: on a loaded machine wall time includes waiting for a core), passes alternated so that both
paths see the same load.  The target: the glued path within 2x of the line path.
"""

from __future__ import annotations

import argparse
import resource
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from cleaner import Cleaner, Config  # noqa: E402
from cleaner.fixtures import iter_docs  # noqa: E402


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _pass(cleaner: Cleaner, texts: list[str]) -> float:
    start = _cpu()
    for text in texts:
        cleaner.clean(text)
    return _cpu() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus")
    parser.add_argument("--seconds", type=float, default=5.0, help="CPU seconds per path, at least")
    args = parser.parse_args()
    texts = [d.text for d in iter_docs(args.corpus / "glued", glued=True)]
    if not texts:
        print(f"no glued documents under {args.corpus / 'glued'}", file=sys.stderr)
        return 2
    from cleaner.glued import default_model

    span_model = default_model()
    line, glued = Cleaner(config=Config(glued=False)), Cleaner(span_model=span_model)
    if span_model is None:
        print("no span model shipped (models/spans): nothing to compare", file=sys.stderr)
        return 1
    _pass(line, texts), _pass(glued, texts)  # warm-up: caches, lazy imports
    spent = {"line": 0.0, "glued": 0.0}
    passes = 0
    while min(spent.values()) < args.seconds:
        spent["line"] += _pass(line, texts)
        spent["glued"] += _pass(glued, texts)
        passes += 1
    size = sum(len(t.encode("utf-8")) for t in texts)
    rate = {k: passes * len(texts) / v for k, v in spent.items()}
    print(f"{len(texts)} glued documents, {size / 1024:.0f} KiB, {passes} passes per path (CPU time)")
    print("| path | docs/s | KiB/s |")
    print("|---|---:|---:|")
    for name in ("line", "glued"):
        print(f"| {name} | {rate[name]:.0f} | {rate[name] * size / len(texts) / 1024:.0f} |")
    print(f"glued path: {rate['line'] / rate['glued']:.2f}x the line path's time (target: at most 2x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
