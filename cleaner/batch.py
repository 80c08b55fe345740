"""Batch mode: run the cleaner over many documents, a directory tree or JSON Lines corpora.

The parent process lists or reads the input lazily, in chunks of `CHUNK_DOCS` documents; each chunk
is one task for a worker (in-process with one job, joblib's loky processes with more), and results
come back in input order with a bounded number of tasks in flight, so memory stays flat however
large the corpus.  Every output file is written to a hidden temporary file beside it and renamed
into place, so a killed run never leaves a partial file under a final name.

Directory mode: workers read each input and write its output themselves (only a status comes
back).  JSON Lines mode: the parent reads records and writes the cleaned records, in input order,
to stdout or to one output file per input file.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import sys
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from cleaner.config import Config
from cleaner.core import Cleaner, InputTooLargeError
from cleaner.decode import NotTextError
from cleaner.render import render

# Documents per task: a round trip to a worker costs about a millisecond of pickling and IPC, a
# document about three of cleaning, so 64 documents make the overhead noise while results still come
# back every fraction of a second and a task's data stays small.
CHUNK_DOCS = 64
# Tasks in flight per worker: enough that a worker never waits while the parent writes results or
# reads input, few enough to bound memory at jobs * 4 * 64 documents whatever the corpus size.
TASKS_PER_WORKER = 4
# The redraw interval of the progress line: often enough to look live, rarely enough to cost nothing.
PROGRESS_SECONDS = 0.1
# Output extension per format; it replaces the input's own extension.
SUFFIXES = {"text": ".txt", "json": ".json", "tsv": ".tsv"}
# Temporary files are hidden (a leading dot, so a later batch over the folder skips them) and named
# after their output rather than randomly: a rerun after a kill overwrites a leftover instead of
# adding another one.
TEMP_SUFFIX = ".cleaner-tmp"
# JSON Lines keys that hold the document, in order of preference; `html` is cleaned as text for now.
SOURCE_KEYS = ("text", "html")
# Blocks in which the rest of an oversized JSON Lines record is skipped, never held whole.
SKIP_BLOCK = 1 << 20

DONE, FAILED, SKIPPED = "done", "failed", "skipped"
# A whole JSON Lines input that could not be finished: counted as failed, its output discarded.
LOST = "lost"


class Outcome(NamedTuple):
    """What became of one input: `where` names it (path, or path:line); `detail` is the reason of a
    failure, or for a cleaned JSON Lines record its output line (UTF-8 bytes)."""

    status: str
    where: str
    detail: str | bytes = ""


@dataclass(frozen=True)
class Settings:
    """Everything a worker needs besides its documents; small and picklable."""

    config: Config = field(default_factory=Config)
    model_dir: str | None = None
    fmt: str = "text"
    explain: bool = False
    resume: bool = False


class FileJob(NamedTuple):
    """One input file of directory mode; `error` is set for a folder that could not be listed."""

    src: str
    dst: str
    where: str
    error: str = ""


class Chunk(NamedTuple):
    """Consecutive records of one JSON Lines input: (line number, raw line, reason it was refused)."""

    where: str
    dst: str | None
    records: tuple[tuple[int, bytes, str], ...]
    last: bool
    error: str = ""
    skipped: bool = False


class Source(NamedTuple):
    """One JSON Lines input: `path` None is stdin; `dst` None writes to stdout; `error` is set for a
    folder that could not be listed."""

    where: str
    path: str | None
    dst: str | None = None
    error: str = ""


@dataclass
class Summary:
    done: int = 0
    failed: int = 0
    skipped: int = 0
    seconds: float = 0.0

    def count(self, status: str) -> None:
        if status == DONE:
            self.done += 1
        elif status == SKIPPED:
            self.skipped += 1
        else:
            self.failed += 1

    @property
    def rate(self) -> float:
        return self.done / self.seconds if self.seconds > 0 else 0.0

    def line(self) -> str:
        return (f"{self.done} documents done, {self.failed} failed, {self.skipped} skipped "
                f"in {self.seconds:.2f} s ({self.rate:.1f} documents/s)")


# --- the worker side ---------------------------------------------------------------------------


@lru_cache(maxsize=4)
def worker_cleaner(model_dir: str | None, config: Config) -> Cleaner:
    """One Cleaner per process and settings: the model is loaded once per worker, not per document."""
    from cleaner.model import load

    return Cleaner(model=load(model_dir) if model_dir else None, config=config)


def _reason(err: BaseException) -> str:
    if isinstance(err, OSError) and err.strerror:
        return err.strerror
    return str(err)


def _internal(err: Exception) -> str:
    return f"internal error: {type(err).__name__}: {err}"


def _read_bounded(path: str, max_bytes: int) -> bytes:
    """The file's bytes, refused before reading when it is above the limit."""
    with open(path, "rb") as fh:
        size = os.fstat(fh.fileno()).st_size
        if size > max_bytes:
            raise InputTooLargeError(f"input of {size} bytes is above the limit of {max_bytes} bytes")
        # Read one byte past the limit: a file that grew since fstat is still caught by the cleaner.
        return fh.read(max_bytes + 1)


def _remove_quietly(path: str) -> None:
    with contextlib.suppress(OSError):
        os.remove(path)


def _temp_name(path: str) -> str:
    folder, name = os.path.split(path)
    return os.path.join(folder, f".{name}{TEMP_SUFFIX}")


def write_atomic(path: str, data: bytes) -> None:
    """Write the whole file or nothing under its name.  No fsync: the promise is against a killed
    run, which the page cache survives; syncing every small file would halve throughput."""
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    tmp = _temp_name(path)
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        _remove_quietly(tmp)
        raise


def _clean_file(cleaner: Cleaner, settings: Settings, job: FileJob) -> Outcome:
    if job.error:
        return Outcome(FAILED, job.where, job.error)
    if settings.resume and os.path.exists(job.dst):
        return Outcome(SKIPPED, job.where)
    try:
        article = cleaner.clean(_read_bounded(job.src, settings.config.max_bytes))
        write_atomic(job.dst, render(article, settings.fmt, settings.explain).encode("utf-8"))
    except (OSError, NotTextError, InputTooLargeError) as err:
        return Outcome(FAILED, job.where, _reason(err))
    except Exception as err:  # one document that trips a bug must not cost the rest of the batch
        return Outcome(FAILED, job.where, _internal(err))
    return Outcome(DONE, job.where)


def clean_files(settings: Settings, jobs: tuple[FileJob, ...]) -> list[Outcome]:
    """Worker task of directory mode: clean and write each file, return what became of it."""
    cleaner = worker_cleaner(settings.model_dir, settings.config)
    return [_clean_file(cleaner, settings, job) for job in jobs]


def _dumps(record: dict) -> bytes:
    text = json.dumps(record, ensure_ascii=False)
    try:
        return (text + "\n").encode("utf-8")
    except UnicodeEncodeError:
        # Lone surrogates (from "\ud800" escapes in the input) cannot be UTF-8: escape them instead.
        return (json.dumps(record) + "\n").encode("ascii")


def _document(data: bytes) -> tuple[dict | None, str | None, str]:
    """(record, its text, '') or (None, None, why the record is refused)."""
    try:
        record = json.loads(data)
    except ValueError as err:
        return None, None, f"bad JSON: {err}"
    if not isinstance(record, dict):
        return None, None, "not a JSON object"
    text = next((record[k] for k in SOURCE_KEYS if isinstance(record.get(k), str)), None)
    if text is None:
        return None, None, "no text: a record needs a 'text' (or 'html') string"
    return record, text, ""


def _clean_record(cleaner: Cleaner, explain: bool, where: str, data: bytes, refused: str) -> Outcome:
    if refused:
        return Outcome(FAILED, where, refused)
    record, text, refused = _document(data)
    if refused:
        return Outcome(FAILED, where, refused)
    try:
        article = cleaner.clean(text)
    except (NotTextError, InputTooLargeError) as err:
        return Outcome(FAILED, where, str(err))
    except Exception as err:  # one document that trips a bug must not cost the rest of the batch
        return Outcome(FAILED, where, _internal(err))
    # The document itself is replaced by the cleaned article; the cleaner's fields win a name clash.
    out = {k: v for k, v in record.items() if k not in SOURCE_KEYS}
    out.update(article.as_dict(explain=explain))
    return Outcome(DONE, where, _dumps(out))


def clean_records(settings: Settings, chunk: Chunk) -> list[Outcome]:
    """Worker task of JSON Lines mode: one outcome per record, output lines included."""
    if chunk.skipped:
        return [Outcome(SKIPPED, chunk.where)]
    if chunk.error:
        return [Outcome(LOST, chunk.where, chunk.error)]
    cleaner = worker_cleaner(settings.model_dir, settings.config)
    return [
        _clean_record(cleaner, settings.explain, f"{chunk.where}:{line}", data, refused)
        for line, data, refused in chunk.records
    ]


# --- running tasks in order --------------------------------------------------------------------


def _lost_files(jobs: tuple[FileJob, ...], reason: str) -> list[Outcome]:
    return [Outcome(FAILED, job.where, reason) for job in jobs]


def _lost_chunk(chunk: Chunk, reason: str) -> list[Outcome]:
    return [Outcome(LOST, chunk.where, reason)]


def worker_pool(jobs: int):
    from joblib.externals.loky import get_reusable_executor

    # Workers get their share of the cores for numpy's threads, as joblib.Parallel does, rather
    # than every worker starting one thread per core.
    threads = str(max(1, (os.cpu_count() or 1) // jobs))
    env = {name: threads for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")}
    # Asked for on every submit: the same executor comes back, or a fresh one if a worker died.
    return get_reusable_executor(max_workers=jobs, env=env)


def _collect(task, future, lost: Callable) -> tuple:
    try:
        return task, future.result()
    except Exception as err:  # a worker killed (out of memory, a signal) costs its task only
        return task, lost(task, f"worker failed: {type(err).__name__}: {err}")


def ordered_map(fn: Callable, settings: Settings, tasks: Iterable, jobs: int, lost: Callable) -> Iterator[tuple]:
    """(task, fn(settings, task)) in task order; with jobs > 1 on joblib's loky worker processes.

    Not joblib.Parallel: it dispatches a new task whenever one completes, not when a result is
    consumed, so a slow reader of the output (a pipe) would let results pile up in memory.  Here
    at most jobs * TASKS_PER_WORKER tasks are in flight, and the next is submitted as one is taken.
    """
    tasks = iter(tasks)
    head = list(itertools.islice(tasks, 2))
    if jobs <= 1 or len(head) < 2:  # one task: starting workers would cost more than they save
        for task in itertools.chain(head, tasks):
            yield task, fn(settings, task)
        return
    window: deque = deque()
    try:
        for task in itertools.chain(head, tasks):
            window.append((task, worker_pool(jobs).submit(fn, settings, task)))
            if len(window) >= jobs * TASKS_PER_WORKER:
                yield _collect(*window.popleft(), lost)
        while window:
            yield _collect(*window.popleft(), lost)
    finally:
        for _, future in window:
            future.cancel()


def batched(items: Iterable, size: int) -> Iterator[tuple]:
    it = iter(items)
    while batch := tuple(itertools.islice(it, size)):
        yield batch


# --- progress and summary ----------------------------------------------------------------------


class Reporter:
    """Failures on stderr as they happen, a one-line progress counter when stderr is a terminal,
    and the closing summary (unless quiet)."""

    def __init__(self, stream=None, quiet: bool = False, progress: bool | None = None):
        self.stream = stream if stream is not None else sys.stderr
        self.quiet = quiet
        self.progress = (not quiet and self.stream.isatty()) if progress is None else progress
        self.summary = Summary()
        self._start = time.perf_counter()
        self._drawn = 0.0

    def add(self, outcome: Outcome) -> None:
        self.summary.count(outcome.status)
        if outcome.status in (FAILED, LOST):
            self.message(f"{outcome.where}: {outcome.detail}")
        if self.progress and time.perf_counter() - self._drawn >= PROGRESS_SECONDS:
            self._draw()

    def message(self, text: str) -> None:
        self._clear()
        print(f"cleaner: {text}", file=self.stream, flush=True)

    def _draw(self) -> None:
        s, seconds = self.summary, time.perf_counter() - self._start
        rate = s.done / seconds if seconds > 0 else 0.0
        self.stream.write(f"\r{s.done} done, {s.failed} failed, {s.skipped} skipped, {rate:.0f}/s")
        self.stream.flush()
        self._drawn = time.perf_counter()

    def _clear(self) -> None:
        if self.progress and self._drawn:
            self.stream.write("\r\x1b[K")

    def finish(self) -> Summary:
        self.summary.seconds = time.perf_counter() - self._start
        self._clear()
        if not self.quiet:
            self.message(self.summary.line())
        return self.summary


# --- directory mode ----------------------------------------------------------------------------


def _hidden(name: str) -> bool:
    return name.startswith(".")


def output_names(files: list[str], dirs: Iterable[str], suffix: str) -> dict[str, str]:
    """Output name per input file of one folder: the suffix replaces the extension (`b.html` ->
    `b.txt`), unless that name is wanted twice, or is a subfolder's: then each claimant keeps its
    full name plus the suffix (`b.html.txt`, `b.txt.txt`).  Full names are unique, so repeating
    until nothing collides ends.  Names compare case-folded, so the outputs are the same on
    case-insensitive file systems."""
    full = {name: name + suffix for name in files}
    names = {name: Path(name).stem + suffix if Path(name).suffix else name + suffix for name in files}
    taken = {d.casefold() for d in dirs}
    while True:
        claims: dict[str, int] = {}
        for out in names.values():
            claims[out.casefold()] = claims.get(out.casefold(), 0) + 1
        clashing = [n for n, out in names.items()
                    if out != full[n] and (claims[out.casefold()] > 1 or out.casefold() in taken)]
        if not clashing:
            return names
        for name in clashing:
            names[name] = full[name]


def _listing(folder: Path, prune: str | None) -> tuple[list[str], list[str]]:
    """Sorted visible regular files and real subfolders (symlinked folders are not followed, so
    a link loop cannot make the walk endless); the output folder is left out."""
    files, dirs = [], []
    with os.scandir(folder) as entries:
        for entry in entries:
            if _hidden(entry.name):
                continue
            if entry.is_dir(follow_symlinks=False):
                if prune is None or os.path.realpath(entry.path) != prune:
                    dirs.append(entry.name)
            elif entry.is_file():
                files.append(entry.name)
    return sorted(files), sorted(dirs)


def walk(top: Path, prune: Path | None = None) -> Iterator[tuple[str, list[str], list[str], str]]:
    """(relative folder, files, subfolders, error) for every folder under `top`, depth first, sorted;
    one folder's listing in memory at a time."""
    pruned = os.path.realpath(prune) if prune is not None else None
    stack = [""]
    while stack:
        rel = stack.pop()
        try:
            files, dirs = _listing(top / rel, pruned)
        except OSError as err:
            yield rel, [], [], f"cannot list the folder: {_reason(err)}"
            continue
        yield rel, files, dirs, ""
        stack.extend(os.path.join(rel, d) for d in reversed(dirs))


def file_jobs(in_dir: Path, out_dir: Path, fmt: str) -> Iterator[FileJob]:
    for rel, files, dirs, error in walk(in_dir, prune=out_dir):
        if error:
            yield FileJob(str(in_dir / rel), "", str(in_dir / rel), error)
            continue
        names = output_names(files, dirs, SUFFIXES[fmt])
        for name in files:
            src = str(in_dir / rel / name)
            yield FileJob(src, str(out_dir / rel / names[name]), src)


def run_directory(in_dir: Path, out_dir: Path, settings: Settings, jobs: int = 1,
                  reporter: Reporter | None = None) -> Summary:
    """Clean every file under `in_dir` into `out_dir` at the same relative path."""
    reporter = reporter or Reporter()
    tasks = batched(file_jobs(Path(in_dir), Path(out_dir), settings.fmt), CHUNK_DOCS)
    for _, outcomes in ordered_map(clean_files, settings, tasks, jobs, _lost_files):
        for outcome in outcomes:
            reporter.add(outcome)
    return reporter.finish()


# --- JSON Lines mode ---------------------------------------------------------------------------


def _skip_line(fh) -> None:
    while (block := fh.readline(SKIP_BLOCK)) and not block.endswith(b"\n"):
        pass


def read_records(fh, max_bytes: int) -> Iterator[tuple[int, bytes, str]]:
    """(line number, raw line, reason it is refused) per non-blank line; a line above `max_bytes`
    is refused without being held in memory."""
    for number in itertools.count(1):
        line = fh.readline(max_bytes + 1)
        if not line:
            return
        if len(line) > max_bytes and not line.endswith(b"\n"):
            _skip_line(fh)
            yield number, b"", f"record above the limit of {max_bytes} bytes"
        elif line.strip():
            yield number, line, ""


def _with_last(items: Iterable) -> Iterator[tuple]:
    """(item, is_last): one item of look-ahead, so an input's final chunk is known when it is sent."""
    it = iter(items)
    try:
        current = next(it)
    except StopIteration:
        return
    for item in it:
        yield current, False
        current = item
    yield current, True


def _open(source: Source):
    return contextlib.nullcontext(sys.stdin.buffer) if source.path is None else open(source.path, "rb")


def source_chunks(source: Source, max_bytes: int, resume: bool = False) -> Iterator[Chunk]:
    """An input's records in chunks, the last flagged; one chunk with `skipped` or `error` set for
    an input skipped or unreadable; an empty input gives one empty last chunk (an empty output)."""
    if source.error:
        yield Chunk(source.where, None, (), True, error=source.error)
        return
    if resume and source.dst and os.path.exists(source.dst):
        yield Chunk(source.where, source.dst, (), True, skipped=True)
        return
    sent = False
    try:
        with _open(source) as fh:
            for records, last in _with_last(batched(read_records(fh, max_bytes), CHUNK_DOCS)):
                yield Chunk(source.where, source.dst, records, last)
                sent = True
    except OSError as err:
        yield Chunk(source.where, source.dst, (), True, error=_reason(err))
        return
    if not sent:
        yield Chunk(source.where, source.dst, (), True)


class OutputFiles:
    """One atomically written output file per JSON Lines input, open while its chunks arrive."""

    def __init__(self, reporter: Reporter):
        self.reporter = reporter
        self.open: dict[str, object] = {}  # output path -> its temporary file, or None once failed

    def take(self, chunk: Chunk, outcomes: list[Outcome]) -> None:
        if chunk.skipped:
            return
        if chunk.dst not in self.open:
            self.open[chunk.dst] = self._create(chunk)
        fh = self.open[chunk.dst]
        if fh is not None and any(o.status == LOST for o in outcomes):
            self._drop(chunk.dst)
            fh = None
        if fh is not None:
            try:
                fh.writelines(o.detail for o in outcomes if o.status == DONE)
            except OSError as err:
                self.reporter.message(f"{chunk.dst}: {_reason(err)}")
                self.reporter.summary.failed += 1
                self._drop(chunk.dst)
        if chunk.last:
            self._commit(chunk.dst)

    def _create(self, chunk: Chunk):
        try:
            os.makedirs(os.path.dirname(chunk.dst) or ".", exist_ok=True)
            return open(_temp_name(chunk.dst), "wb")
        except OSError as err:
            self.reporter.message(f"{chunk.dst}: {_reason(err)}")
            self.reporter.summary.failed += 1
            return None

    def _drop(self, dst: str) -> None:
        fh = self.open.get(dst)
        self.open[dst] = None
        if fh is not None:
            fh.close()
            _remove_quietly(fh.name)

    def _commit(self, dst: str) -> None:
        fh = self.open.pop(dst)
        if fh is None:
            return
        try:
            fh.close()
            os.replace(fh.name, dst)
        except OSError as err:
            self.reporter.message(f"{dst}: {_reason(err)}")
            self.reporter.summary.failed += 1
            _remove_quietly(fh.name)

    def close(self) -> None:
        """An interrupted run: whatever is still open was not finished, so it is not kept."""
        for dst in list(self.open):
            self._drop(dst)


def jsonl_sources(names: list[str]) -> list[Source]:
    """FILE arguments ('-' is stdin), written to stdout."""
    return [Source("<stdin>", None) if n == "-" else Source(n, n) for n in names]


def jsonl_sources_in(in_dir: Path, out_dir: Path | None) -> Iterator[Source]:
    """Every visible `*.jsonl` under `in_dir`; the output keeps its relative path under `out_dir`."""
    for rel, files, _, error in walk(in_dir, prune=out_dir):
        if error:
            yield Source(str(in_dir / rel), None, None, error)
            continue
        for name in files:
            if name.endswith(".jsonl"):
                dst = str(out_dir / rel / name) if out_dir is not None else None
                yield Source(str(in_dir / rel / name), str(in_dir / rel / name), dst)


def _chunks(sources: Iterable[Source], settings: Settings) -> Iterator[Chunk]:
    for source in sources:
        yield from source_chunks(source, settings.config.max_bytes, settings.resume)


def run_jsonl(sources: Iterable[Source], settings: Settings, jobs: int = 1, stdout=None,
              reporter: Reporter | None = None) -> Summary:
    """Clean every record; write one record per cleaned input record, in input order, to `stdout`
    (a binary stream) or, for sources with a `dst`, to that file."""
    reporter = reporter or Reporter()
    stdout = stdout if stdout is not None else sys.stdout.buffer
    files = OutputFiles(reporter)
    try:
        for chunk, outcomes in ordered_map(clean_records, settings, _chunks(sources, settings), jobs, _lost_chunk):
            for outcome in outcomes:
                reporter.add(outcome)
            if chunk.dst is None:
                stdout.writelines(o.detail for o in outcomes if o.status == DONE)
            else:
                files.take(chunk, outcomes)
        stdout.flush()
    finally:
        files.close()
    return reporter.finish()
