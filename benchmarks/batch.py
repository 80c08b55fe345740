"""Batch mode: throughput of -j 2 against -j 1, and peak memory for small and large JSON Lines inputs.

    python benchmarks/batch.py [--docs 2000,10000] [--rounds 5] [--sizes 1000,100000] [--mem-jobs 1,2]
                               [--source corpus|fixtures]

Inputs are made by repeating documents, in a temporary folder: the corpus's scraped texts
(../shared/corpus pages, text and seeds; read from there, never copied into the repo), or the
fixture documents (`fixtures/`) where the corpus is absent.  Runs use batch mode's defaults (site-
level chrome on: its first pass is part of every run's cost); throughput also shows -j 1 without it.

Throughput: wall time of whole `cleaner` runs (start-up included) on the same input, -j 1 and -j 2
back to back, median of `--rounds`, for a directory of files and for one JSON Lines file.  Each
round also measures what two processes get done against one on pure CPU work (the "ceiling"): on a
virtual machine the two cores may be hyperthreads of one core or shared with other guests, and
the cleaner's speed-up can only be read against that figure taken at the same moment.

Memory: peak resident memory of `cleaner --jsonl` over N records, two ways: the largest single
process (`ru_maxrss`, what `/usr/bin/time -v` reports as "Maximum resident set size"), and the
largest sum over the whole process tree (the parent plus its workers), sampled from /proc.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from cleaner.fixtures import iter_docs  # noqa: E402

CORPUS = Path(os.environ.get("CLEANER_CORPUS", REPO.parent / "shared" / "corpus"))

# Sampling interval of the process tree's memory: short enough to catch the peak of a run that
# lasts seconds, long enough that the sampler costs nothing measurable.
SAMPLE_SECONDS = 0.02
PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024


def cleaner_cmd(*args) -> list[str]:
    return [sys.executable, "-m", "cleaner", *map(str, args)]


def make_dir(root: Path, texts: list[str], n: int) -> Path:
    for i in range(n):
        path = root / f"site{i % 20:02d}" / f"{i:06d}.html"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(texts[i % len(texts)], encoding="utf-8")
    return root


def make_jsonl(path: Path, texts: list[str], n: int) -> Path:
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(n):
            record = {"id": i, "url": f"https://example.com/{i}", "text": texts[i % len(texts)]}
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(cmd: list[str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the run and its workers) of one whole run."""
    cpu, start = _children_cpu(), time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, cwd=REPO)
    return time.perf_counter() - start, _children_cpu() - cpu


def _spin(n: int) -> float:
    start = time.perf_counter()
    total = 0
    for i in range(n):
        total += i
    return time.perf_counter() - start


def ceiling(n: int = 10_000_000) -> float:
    """What two processes get done against one on this machine, for pure CPU work: a virtual
    machine's two cores may be one physical core's two hyperthreads, or shared with other guests,
    so 2.0 is not a given.  The cleaner's speed-up is read against this figure."""
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(2) as pool:
        list(pool.map(_spin, [1000, 1000]))  # start both workers before timing
        one = pool.submit(_spin, n).result()
        start = time.perf_counter()
        list(pool.map(_spin, [n, n]))
        two = time.perf_counter() - start
    return 2 * one / two


def load() -> str:
    """The load average: other work on the machine skews a parallel speed-up, so it is printed."""
    return f"load {os.getloadavg()[0]:.2f}"


def throughput(name: str, make_cmd, n: int, rounds: int) -> None:
    """Each round runs -j 1, -j 2 and the pure-CPU ceiling back to back, so that each speed-up is
    read against what the machine gave two processes at that moment; the figures are medians over
    the rounds.  CPU time shows what the workers cost beyond the cleaning itself (start-up, pickling;
    on shared hyperthreads, also the slower cores)."""
    rows = []  # (wall -j 1, CPU -j 1, wall -j 2, CPU -j 2, ceiling, wall -j 1 without site chrome) per round
    before = load()
    for r in range(rounds):
        rows.append((*timed(make_cmd(1, r)), *timed(make_cmd(2, r)), ceiling(),
                     timed(make_cmd(1, r) + ["--no-site-chrome"])[0]))
    one, cpu_one, two, cpu_two, ceilings, plain = (list(column) for column in zip(*rows))
    ratios = [w1 / w2 for w1, w2 in zip(one, two)]
    med = statistics.median
    print(f"{name}: {n} documents, median of {rounds} rounds: -j 1 {med(one):.2f} s ({n / med(one):.0f} docs/s, "
          f"CPU {med(cpu_one):.1f} s), -j 2 {med(two):.2f} s ({n / med(two):.0f} docs/s, CPU {med(cpu_two):.1f} s); "
          f"speed-up {med(ratios):.2f}x (rounds {min(ratios):.2f}-{max(ratios):.2f}), machine's two-process "
          f"ceiling {med(ceilings):.2f}x (rounds {min(ceilings):.2f}-{max(ceilings):.2f}); -j 1 without site "
          f"chrome's first pass {med(plain):.2f} s  [{before} -> {load()}]")


def throughputs(tmp: Path, texts: list[str], n: int, rounds: int) -> None:
    folder = make_dir(tmp / f"in-{n}", texts, n)
    throughput("directory", lambda j, r: cleaner_cmd("--input-dir", folder, "--output-dir", tmp / f"out-{n}-{j}-{r}",
                                                     "-j", j), n, rounds)
    corpus = make_jsonl(tmp / f"corpus-{n}.jsonl", texts, n)
    throughput("jsonl", lambda j, r: cleaner_cmd("--jsonl", corpus, "-j", j), n, rounds)


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            tree.setdefault(ppid, []).append(int(entry))
    return tree


def tree_rss_kb(pid: int) -> int:
    """Resident memory of the process's descendants (the cleaner and its workers, not the wrapper)."""
    children, total = _children(), 0
    todo = list(children.get(pid, []))
    while todo:
        p = todo.pop()
        try:
            total += int(Path(f"/proc/{p}/statm").read_text().split()[1]) * PAGE_KB
        except (OSError, IndexError, ValueError):
            pass
        todo.extend(children.get(p, []))
    return total


def peak_memory(cmd: list[str]) -> tuple[int, int, float]:
    """(largest process KB, largest tree sum KB, seconds) of one run, in a fresh wrapper process
    so that ru_maxrss of the children covers this run only."""
    wrapper = (
        "import resource, subprocess, sys; subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, check=True); "
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", wrapper, *cmd], stdout=subprocess.PIPE, cwd=REPO)
    peak_tree = 0
    while proc.poll() is None:
        peak_tree = max(peak_tree, tree_rss_kb(proc.pid))
        time.sleep(SAMPLE_SECONDS)
    seconds = time.perf_counter() - start
    largest = int(proc.stdout.read().decode().strip() or 0)
    return largest, peak_tree, seconds


def memory(tmp: Path, texts: list[str], sizes: list[int], jobs_list: list[int]) -> None:
    for jobs in jobs_list:
        peaks = {}
        for n in sizes:
            corpus = make_jsonl(tmp / f"corpus-{n}.jsonl", texts, n)
            largest, total, seconds = peak_memory(cleaner_cmd("--jsonl", corpus, "-j", jobs, "-q"))
            peaks[n] = (largest, total)
            print(f"memory -j {jobs}: {n} records ({corpus.stat().st_size / 1e6:.1f} MB) in {seconds:.1f} s: "
                  f"largest process {largest / 1024:.1f} MB, process tree {total / 1024:.1f} MB  [{load()}]")
            corpus.unlink()
        small, large = min(sizes), max(sizes)
        print(f"memory -j {jobs}: {large} / {small} records: largest process "
              f"{peaks[large][0] / peaks[small][0]:.2f}x, process tree {peaks[large][1] / peaks[small][1]:.2f}x")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", default="2000", help="documents for the throughput runs (a comma list: one run each)")
    ap.add_argument("--rounds", type=int, default=5, help="runs per setting (the median is shown)")
    ap.add_argument("--sizes", default="1000,100000", help="JSON Lines records for the memory runs")
    ap.add_argument("--source", choices=("corpus", "fixtures"), default="corpus" if (CORPUS / "pages").is_dir()
                    else "fixtures", help="documents to repeat (default: the corpus where present)")
    ap.add_argument("--mem-jobs", default="1,2", help="worker counts for the memory runs")
    ap.add_argument("--skip-throughput", action="store_true")
    ap.add_argument("--skip-memory", action="store_true")
    args = ap.parse_args()

    roots = [CORPUS / part for part in ("pages", "text", "seeds")] if args.source == "corpus" else [REPO / "fixtures"]
    texts = [doc.text for doc in iter_docs(*roots)]
    print(f"{os.cpu_count()} cores, {len(texts)} {args.source} texts repeated; "
          f"two processes against one on pure CPU work: {ceiling():.2f}x  [{load()}]")
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        for n in [] if args.skip_throughput else [int(n) for n in args.docs.split(",")]:
            throughputs(tmp, texts, n, args.rounds)
        if not args.skip_memory:
            memory(tmp, texts, [int(n) for n in args.sizes.split(",")], [int(j) for j in args.mem_jobs.split(",")])
    # The benchmark's own peak, for the record: it holds no corpus in memory either.
    print(f"(benchmark process itself: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
