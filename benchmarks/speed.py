"""Speed of the cleaner beside a peer, measured in the same run.

    python benchmarks/speed.py [--corpus ../shared/corpus] [--seconds 5]

Start-up: median wall time of `cleaner < seed` as a whole process (and of trafilatura's CLI on
the same text, when installed), with the median CPU time (user + system) of the process beside it:
on a loaded machine wall time includes waiting for a core, CPU time does not.  Throughput:
documents per second through the library on the corpus page texts, one core (a fresh Cleaner per
pass is not needed: the cleaner keeps no per-document state), beside trafilatura's `extract` on
the same texts wrapped as <p> paragraphs; by wall time and by this process's CPU time.
"""

from __future__ import annotations

import argparse
import html
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from cleaner.fixtures import iter_docs  # noqa: E402


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def median_times(cmd: list[str], stdin: bytes, runs: int) -> tuple[float, float]:
    """Median wall and median CPU seconds of running `cmd` as a whole process."""
    walls, cpus = [], []
    for _ in range(runs):
        cpu, start = _children_cpu(), time.perf_counter()
        subprocess.run(cmd, input=stdin, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False,
                       cwd=tempfile.gettempdir())
        walls.append(time.perf_counter() - start)
        cpus.append(_children_cpu() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def rate(fn, texts: list[str], seconds: float) -> tuple[float, float]:
    """Documents per second of wall time and of this process's CPU time."""
    fn(texts[0])  # warm: lazy tables are built on first use, once per process
    done, start, cpu = 0, time.perf_counter(), time.process_time()
    while time.perf_counter() - start < seconds:
        for text in texts:
            fn(text)
        done += len(texts)
    return done / (time.perf_counter() - start), done / (time.process_time() - cpu)


def fresh_rate(make, texts: list[str], seconds: float) -> tuple[float, float]:
    """As `rate`, with a new cleaner for every pass over the texts: each text is new to the cleaner
    that cleans it (lines that pages of one site share still come from its line cache, as in a crawl)."""
    make().clean(texts[0])
    done, start, cpu = 0, time.perf_counter(), time.process_time()
    while time.perf_counter() - start < seconds:
        cleaner = make()
        for text in texts:
            cleaner.clean(text)
        done += len(texts)
    return done / (time.perf_counter() - start), done / (time.process_time() - cpu)


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
    # The installed command: the one beside this interpreter (a venv's bin/, whether or not the venv
    # is activated), else the one on PATH.  Run from outside the checkout (see median_times), so
    # that `-m cleaner` cannot pick up the source tree, whose bytecode may be stale or missing.
    beside = Path(sys.executable).with_name("cleaner")
    exe = str(beside) if beside.is_file() else shutil.which("cleaner")
    cleaner_cmd = [exe] if exe else [sys.executable, "-m", "cleaner"]
    rows = [("cleaner < seed", *median_times(cleaner_cmd, seed, args.runs))]
    rows.append(("python -c pass", *median_times([sys.executable, "-c", "pass"], b"", args.runs)))
    rows.append(("python -c 'import numpy'", *median_times([sys.executable, "-c", "import numpy"], b"", args.runs)))
    beside = Path(sys.executable).with_name("trafilatura")
    traf = str(beside) if beside.is_file() else shutil.which("trafilatura")
    if traf:
        rows.append(("trafilatura CLI < seed", *median_times([traf], seed, args.runs)))
    print(f"| start-up ({args.runs} runs) | median wall s | median CPU s |\n|---|---:|---:|")
    for name, wall, cpu in rows:
        print(f"| {name} | {wall:.3f} | {cpu:.3f} |")

    from cleaner import Cleaner

    texts = [d.text for d in iter_docs(args.corpus / "pages")]
    cleaner = Cleaner()
    results = [("cleaner (library)", *rate(cleaner.clean, texts, args.seconds))]
    results.append(("cleaner (library), a new cleaner per pass", *fresh_rate(Cleaner, texts, args.seconds)))
    try:
        import trafilatura

        pages = [as_paragraphs(t) for t in texts]
        results.append(("trafilatura.extract (<p> pages)", *rate(trafilatura.extract, pages, args.seconds)))
        peer = results[-1][2]
    except ImportError:
        peer = results[0][2]  # no peer installed: ratios to the cleaner itself
    lines = sum(len(t.split("\n")) for t in texts) / len(texts)
    print(f"\n| throughput, {len(texts)} page texts (~{lines:.0f} lines each), one core "
          "| docs/s (wall) | docs/s (CPU) | ratio (CPU) |")
    print("|---|---:|---:|---:|")
    for name, wall, cpu in results:
        print(f"| {name} | {wall:.0f} | {cpu:.0f} | {cpu / peer:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
