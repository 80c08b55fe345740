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
    if atheris is None:
        _fallback(test_one_input, seeds, sys.argv)
        return
    argv = list(sys.argv)
    corpus = [a for a in argv[1:] if not a.startswith("-")]
    if corpus and Path(corpus[0]).is_dir() and not any(Path(corpus[0]).iterdir()):
        for i, seed in enumerate(seeds):  # an empty corpus folder starts from the fixtures
            (Path(corpus[0]) / f"seed-{i:03d}").write_bytes(seed)
    atheris.Setup(argv, test_one_input)
    atheris.Fuzz()
