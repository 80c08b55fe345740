"""Shared runner for the fuzz targets: atheris (libFuzzer) when installed, else plain random bytes.

A target module defines `test_one_input(data: bytes) -> None`, which raises only on a real defect,
and calls `run(test_one_input, seeds)` under `if __name__ == "__main__"`.

With atheris the command line is libFuzzer's (`-max_total_time=600`, `-timeout=10`, a corpus
folder, a crash file to replay).  Without it the same `-max_total_time=N`, `-runs=N`, `-seed=N`
and `-artifact_prefix=P` flags drive a loop of random byte strings and mutations of the fixtures
and of the corpus folders given; files given are replayed; a failing input is written to
`<prefix>crash-<sha1>`, as libFuzzer does.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import random
import sys
import time
import traceback
from collections.abc import Callable, Iterable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

try:
    import atheris
except ImportError:  # the fallback below needs nothing but the standard library
    atheris = None
if os.environ.get("FUZZ_NO_ATHERIS") == "1":  # the plain loop even where atheris is installed
    atheris = None

# Inputs longer than this are not generated (libFuzzer's default -max_len is 4096 too).
MAX_LEN = 4096


def instrumented():
    """Context manager for importing the code under test: coverage-instrumented under atheris."""
    return atheris.instrument_imports() if atheris is not None else contextlib.nullcontext()


def fixture_seeds(limit: int = 40) -> list[bytes]:
    """Scraped text of the labelled fixtures: realistic starting points for mutation."""
    from cleaner.fixtures import iter_docs

    docs = list(iter_docs(REPO / "fixtures"))[:limit]
    return [d.text.encode("utf-8")[:MAX_LEN] for d in docs]


def _rss_mb() -> float:
    """Resident memory now (not the peak): what a growth over the run shows in."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def with_memory_log(test_one_input: Callable[[bytes], None]) -> Callable[[bytes], None]:
    """With FUZZ_MEMLOG=SECONDS set, print executions, resident MB and (with FUZZ_TRACEMALLOC=1) the
    MB Python itself holds, every SECONDS: a growth in resident memory that Python's own allocations
    do not show is native (libFuzzer's bookkeeping, lxml's name dictionary), not the cleaner's caches."""
    every = float(os.environ.get("FUZZ_MEMLOG", "0"))
    if every <= 0:
        return test_one_input
    traced = os.environ.get("FUZZ_TRACEMALLOC") == "1"
    if traced:
        import tracemalloc

        tracemalloc.start()
    start = last = time.monotonic()
    count = 0

    def logged(data: bytes) -> None:
        nonlocal last, count
        count += 1
        now = time.monotonic()
        if now - last >= every:
            last = now
            python = f" python {tracemalloc.get_traced_memory()[0] / 2**20:.0f} MB" if traced else ""
            print(f"memlog {now - start:.0f} s: {count} execs, rss {_rss_mb():.0f} MB{python}",
                  file=sys.stderr, flush=True)
            if traced:  # where Python's memory is: the largest holders by line of code
                for stat in tracemalloc.take_snapshot().statistics("lineno")[:5]:
                    print(f"memlog   {stat}", file=sys.stderr, flush=True)
        test_one_input(data)

    return logged


# Operand types whose comparisons atheris' native tracer may see (libFuzzer learns from them):
# comparing anything else (numpy arrays) gives a new object, which that tracer never releases.
_TRACED_TYPES = (int, float, str, bytes, bool, type(None))


def _leak_free_compare_tracing() -> None:
    """Route comparisons of other operands past atheris' native `_trace_cmp`.

    The instrumented bytecode calls `atheris._trace_cmp(obj1, obj2, op, counter, is_const)` for
    every `==`/`<`/...; the native function keeps a reference to the result, so each comparison of
    numpy arrays leaks the boolean array it makes (measured: 10 KB a call for 10,000 elements, without
    end; the clean target's resident memory grew past 1 GB in 10 minutes that way, while the same
    inputs replayed without atheris stay flat).  `atheris.Fuzz()` installs the native function when
    it starts, so this runs on the first input."""
    import dis
    import operator

    from atheris.version_dependent import CMP_OP_SHIFT_AMOUNT

    native = atheris._trace_cmp
    by_op = [{"<": operator.lt, "<=": operator.le, "==": operator.eq, "!=": operator.ne,
              ">": operator.gt, ">=": operator.ge}[name] for name in dis.cmp_op]

    def trace_cmp(obj1, obj2, op, counter, is_const):
        if type(obj1) in _TRACED_TYPES and type(obj2) in _TRACED_TYPES:
            return native(obj1, obj2, op, counter, is_const)
        return by_op[op >> CMP_OP_SHIFT_AMOUNT](obj1, obj2)

    atheris._trace_cmp = trace_cmp


def _flags(argv: list[str]) -> tuple[dict[str, str], list[str]]:
    """libFuzzer-style `-name=value` flags, and the other arguments (corpus folders, files to replay)."""
    flags, paths = {}, []
    for arg in argv:
        if arg.startswith("-") and "=" in arg:
            key, _, value = arg[1:].partition("=")
            flags[key] = value
        elif not arg.startswith("-"):
            paths.append(arg)
    return flags, paths


def _mutate(rng: random.Random, data: bytes) -> bytes:
    buf = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        op = rng.randrange(6)
        at = rng.randrange(len(buf) + 1)
        if op == 0 and buf:  # flip a byte
            buf[min(at, len(buf) - 1)] = rng.randrange(256)
        elif op == 1:  # insert random bytes
            buf[at:at] = rng.randbytes(rng.randint(1, 16))
        elif op == 2 and buf:  # delete a run
            del buf[at : at + rng.randint(1, 64)]
        elif op == 3 and buf:  # duplicate a run
            start = rng.randrange(len(buf))
            buf[at:at] = buf[start : start + rng.randint(1, 256)]
        elif op == 4:  # insert a byte that matters to decoding or line splitting
            buf[at:at] = rng.choice([b"\n", b"\r", b"\r\n", b"\x00", b"\xff\xfe", b"\xef\xbb\xbf", b"\xe2\x80"])
        elif op == 5:  # insert a line the cleaner has opinions about
            buf[at:at] = rng.choice(
                [b"Baca juga: ", b"ADVERTISEMENT\n", b"JAKARTA, KOMPAS.com - ", b"Rabu, 16 Oktober 2024 | 21:45 WIB\n",
                 b"Penulis: Nama Orang\n", b"(nvc/nvc)", b"\n\n"]
            )
    return bytes(buf[:MAX_LEN])


def _fallback(test_one_input: Callable[[bytes], None], seeds: Iterable[bytes], argv: list[str]) -> None:
    flags, paths = _flags(argv[1:])
    files = [Path(p) for p in paths if not Path(p).is_dir()]
    if files:  # replay given inputs (crash files), as libFuzzer does
        for path in files:
            test_one_input(path.read_bytes())
        print(f"replayed {len(files)} inputs: no failure")
        return
    corpus = [f.read_bytes() for p in paths for f in sorted(Path(p).iterdir()) if f.is_file()]
    seed = int(flags.get("seed", 0))
    rng = random.Random(seed)
    seeds = list(seeds) + corpus or [b""]
    budget = int(flags.get("max_total_time", 60))
    runs = int(flags.get("runs", -1))
    prefix = flags.get("artifact_prefix", "./")
    start = time.monotonic()
    count = 0
    print(f"atheris is not installed: {budget} s of random and mutated inputs (seed {seed})")
    while time.monotonic() - start < budget and count != runs:
        kind = rng.randrange(3)
        if kind == 0:
            data = rng.randbytes(rng.randint(0, MAX_LEN))
        elif kind == 1:
            data = bytes(rng.choice(b" \n\r\tabcABC.,:-|0123456789\x00\x01\xc3\xa9\xe2\x80\x9c")
                         for _ in range(rng.randint(0, 512)))
        else:
            data = _mutate(rng, rng.choice(seeds))
        try:
            test_one_input(data)
        except Exception:
            name = f"{prefix}crash-{hashlib.sha1(data).hexdigest()}"
            Path(name).write_bytes(data)
            traceback.print_exc()
            print(f"failing input written to {name}")
            sys.exit(1)
        count += 1
    elapsed = time.monotonic() - start
    print(f"done: {count} runs in {elapsed:.0f} s ({count / max(elapsed, 1e-9):.0f} exec/s), no failure")


def run(test_one_input: Callable[[bytes], None], seeds: Iterable[bytes] = ()) -> None:
    test_one_input = with_memory_log(test_one_input)
    if atheris is None:
        _fallback(test_one_input, seeds, sys.argv)
        return
    argv = list(sys.argv)
    corpus = [a for a in argv[1:] if not a.startswith("-")]
    if corpus and Path(corpus[0]).is_dir() and not any(Path(corpus[0]).iterdir()):
        for i, seed in enumerate(seeds):  # an empty corpus folder starts from the fixtures
            (Path(corpus[0]) / f"seed-{i:03d}").write_bytes(seed)
    target, patched = test_one_input, []

    def first_patched(data: bytes) -> None:
        if not patched:
            _leak_free_compare_tracing()
            patched.append(True)
        target(data)

    atheris.Setup(argv, first_patched)
    atheris.Fuzz()
