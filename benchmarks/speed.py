"""Speed of the cleaner beside a peer, measured in the same run.

    python benchmarks/speed.py [--corpus ../shared/corpus] [--seconds 5]

Start-up: median wall time of `cleaner < seed` as a whole process (and of trafilatura's CLI on
the same text, when installed).  Throughput: documents per second through the library on the
corpus page texts, one core, cold (a fresh Cleaner per pass is not needed: the cleaner keeps no
per-document state), beside trafilatura's `extract` on the same texts wrapped as <p> paragraphs.
"""

from __future__ import annotations

import argparse
import html
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from cleaner.fixtures import iter_docs  # noqa: E402


def median_wall(cmd: list[str], stdin: bytes, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, input=stdin, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def rate(fn, texts: list[str], seconds: float) -> float:
    done, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        for text in texts:
            fn(text)
        done += len(texts)
    return done / (time.perf_counter() - start)


def as_paragraphs(text: str) -> str:
    paras = "".join(f"<p>{html.escape(line)}</p>" for line in text.split("\n") if line.strip())
    return f"<html><body>{paras}</body></html>"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus")
    ap.add_argument("--seconds", type=float, default=5.0)
    ap.add_argument("--runs", type=int, default=21)
    args = ap.parse_args()

    seed = sorted((args.corpus / "seeds").glob("*.txt"))[0].read_bytes()
    exe = shutil.which("cleaner")
    cleaner_cmd = [exe] if exe else [sys.executable, "-m", "cleaner"]
    rows = [("cleaner < seed", median_wall(cleaner_cmd, seed, args.runs))]
    rows.append(("python -c pass", median_wall([sys.executable, "-c", "pass"], b"", args.runs)))
    traf = shutil.which("trafilatura")
    if traf:
        rows.append(("trafilatura CLI < seed", median_wall([traf], seed, args.runs)))
    print(f"| start-up (median wall, {args.runs} runs) | seconds |\n|---|---:|")
    for name, secs in rows:
        print(f"| {name} | {secs:.3f} |")

    from cleaner import Cleaner

    texts = [d.text for d in iter_docs(args.corpus / "pages")]
    cleaner = Cleaner()
    results = [("cleaner (library)", rate(cleaner.clean, texts, args.seconds))]
    try:
        import trafilatura

        pages = [as_paragraphs(t) for t in texts]
        results.append(("trafilatura.extract (<p> pages)", rate(trafilatura.extract, pages, args.seconds) ))
    except ImportError:
        pass
    lines = sum(len(t.split("\n")) for t in texts) / len(texts)
    print(f"\n| throughput, {len(texts)} page texts (~{lines:.0f} lines each), one core | docs/s | ratio |")
    print("|---|---:|---:|")
    for name, value in results:
        print(f"| {name} | {value:.0f} | {value / results[-1][1]:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
