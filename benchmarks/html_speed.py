"""Pages per second on raw HTML: the cleaner's library beside trafilatura, in the same run.

    benchmarks/.venv-peers/bin/python benchmarks/html_speed.py [--corpus ../shared/corpus] [--seconds 10]

Both get the same bytes of every ../shared/corpus/pages/*.html (trafilatura as the text it is
usually handed, decoded as UTF-8), one process, one core, warm (the cleaner's model loaded and
trafilatura imported before timing), in alternating rounds so that load on the machine falls on
both alike.  The cleaner is timed twice: one Cleaner for every pass, and a new Cleaner for each
pass over the pages, so that no page is ever seen twice by the Cleaner that cleans it (its memos
of class names and lines still serve the other pages of a site, as in a crawl).
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def rate(fn, docs: list, seconds: float) -> tuple[float, float]:
    """Pages per second (wall clock) and CPU milliseconds per page (this process's own time, which
    load from other processes on the machine does not inflate)."""
    done, start, cpu = 0, time.perf_counter(), time.process_time()
    while time.perf_counter() - start < seconds:
        for doc in docs:
            fn(doc)
        done += len(docs)
    return done / (time.perf_counter() - start), (time.process_time() - cpu) * 1000 / done


class FreshPerPass:
    """Cleans with a Cleaner that is replaced after every `per_pass` documents (one pass)."""

    def __init__(self, make, per_pass: int):
        self.make, self.per_pass, self.done, self.cleaner = make, per_pass, 0, make()

    def __call__(self, doc):
        if self.done == self.per_pass:
            self.cleaner, self.done = self.make(), 0
        self.done += 1
        return self.cleaner.clean(doc)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus")
    ap.add_argument("--seconds", type=float, default=10.0, help="seconds per engine per round")
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    logging.disable(logging.WARNING)  # trafilatura logs a warning per odd page

    from cleaner import Cleaner, Config

    pages = [p.read_bytes() for p in sorted((args.corpus / "pages").glob("*.html"))]
    if not pages:
        print(f"no pages under {args.corpus / 'pages'}", file=sys.stderr)
        return 2
    cleaner = Cleaner(config=Config(input_format="auto"))
    engines = {"cleaner (library, HTML in)": cleaner.clean,
               "cleaner, a new Cleaner per pass": FreshPerPass(lambda: Cleaner(config=Config(input_format="auto")),
                                                               len(pages))}
    try:
        import trafilatura

        texts = [p.decode("utf-8", errors="replace") for p in pages]
        engines["trafilatura.extract"] = lambda i, texts=texts: trafilatura.extract(texts[i])
    except ImportError:
        print("trafilatura is not installed: run in benchmarks/.venv-peers", file=sys.stderr)
    inputs = {"cleaner (library, HTML in)": pages, "cleaner, a new Cleaner per pass": pages,
              "trafilatura.extract": list(range(len(pages)))}
    for name, fn in engines.items():  # warm up: imports, model, caches of the first pass
        if isinstance(fn, FreshPerPass):
            continue  # its passes start with a new Cleaner, from the first page
        for doc in inputs[name][:3]:
            fn(doc)
    best: dict[str, list[float]] = {name: [] for name in engines}
    cpu: dict[str, list[float]] = {name: [] for name in engines}
    for _ in range(args.rounds):
        for name, fn in engines.items():
            pages_per_second, cpu_ms = rate(fn, inputs[name], args.seconds)
            best[name].append(pages_per_second)
            cpu[name].append(cpu_ms)
    base = max(best.get("trafilatura.extract", [0.0]))
    base_cpu = min(cpu.get("trafilatura.extract", [0.0]))
    print(f"| throughput, the {len(pages)} corpus pages, one core (best of {args.rounds} rounds) "
          "| pages/s | ratio | CPU ms/page | CPU ratio |")
    print("|---|---:|---:|---:|---:|")
    for name, rates in best.items():
        ratio = f"{max(rates) / base:.2f}" if base else "-"
        cpu_ratio = f"{base_cpu / min(cpu[name]):.2f}" if base_cpu else "-"
        print(f"| {name} | {max(rates):.1f} | {ratio} | {min(cpu[name]):.2f} | {cpu_ratio} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
