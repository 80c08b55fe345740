"""Batch mode: run the cleaner over many documents, a directory tree or JSON Lines corpora.

The parent process lists or reads the input lazily, in chunks of `CHUNK_DOCS` documents; each chunk
is one task for a worker (in-process with one job, joblib's loky processes with more), and results
come back in input order with a bounded number of tasks in flight, so memory stays flat however
large the corpus.  Every output file is written to a hidden temporary file beside it and renamed
into place, so a killed run never leaves a partial file under a final name.

Directory mode: workers read each input and write its output themselves (only a status comes
back).  JSON Lines mode: the parent reads records and writes the cleaned records, in input order,
to stdout or to one output file per input file.

Site-level chrome (`cleaner.sitechrome`): a first pass over the same inputs counts, per site (the
folder in directory mode, the `url` host in JSON Lines), in how many documents each line occurs;
the second pass, the cleaning, turns body lines that most of the site's documents share into chrome.

A per-document `timeout`: inside the worker an alarm ends a document that runs too long (Python
code and regular expressions see it); a document stuck where the alarm cannot reach (C code that
does not return to the interpreter) is caught by the parent, which watches each task's progress
on a small shared board: it kills that worker, and every task the dead pool held is sent again to
a fresh one, the stuck document marked as timed out, so no other document is lost.

Workers are joblib's loky processes on one machine, or a Dask cluster (`DaskPool`).
"""

from __future__ import annotations

import contextlib
import itertools
import json
import mmap
import os
import signal
import struct
import sys
import tempfile
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from cleaner import sitechrome
from cleaner.config import BLAS_THREAD_VARIABLES, Config
from cleaner.core import Cleaner, InputTooLargeError
from cleaner.decode import NotTextError, decode
from cleaner.render import render
from cleaner.segment import split_lines

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
# How often the parent looks at the progress board for a document past its timeout: a tenth of a
# second makes a stuck worker's kill late by at most that, at no measurable cost.
WATCH_SECONDS = 0.1
# Seconds past the timeout before the parent kills a worker: the worker's own alarm ends a document
# at the timeout, so a document still running after this is stuck where the alarm cannot reach it.
HARD_GRACE = 2.0
# One slot of the progress board: the ticket of the task's current sending (a task sent again gets a
# new one, so a late write of an old worker is not mistaken for it), the worker's pid, the index of
# the document it is on in its task (-1 between documents), and when that document started
# (time.monotonic, the same clock in every process of the machine; 0.0 while the slot is written).
SLOT = struct.Struct("=dddd")
# Times a task is sent again after a pool it was in broke because a stuck worker was killed: one
# per stuck document among the tasks in flight at most; past this, something else is wrong and the
# task is reported lost rather than sent forever.
MAX_SENDS = 8

# Site-level chrome is on by default in batch mode.  A crawl is where its evidence is; on
# ../shared/corpus (at most 13 documents a site, from different scrapers and years) it changes
# nothing at the shipped constants and never removed a gold body line at any share >= 0.2
# (benchmarks/sitechrome.py); its first pass costs a second read of the input and line hashing
# (about an eighth of the cleaning's CPU: 0.35 against 2.8 ms a corpus document), and copies of one
# page count once, so a folder of duplicates keeps its text.  --no-site-chrome makes each output
# depend on its own input only.
SITE_CHROME = True

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
    # Seconds a document may take; None: no limit.
    timeout: float | None = None
    # The first pass's chrome lines per site; None: site-level chrome is off.
    site_chrome: sitechrome.SiteChrome | None = None


class FileJob(NamedTuple):
    """One input file of directory mode; `error` is set for a folder that could not be listed;
    `site` is its folder relative to the input folder (the group of site-level chrome)."""

    src: str
    dst: str
    where: str
    error: str = ""
    site: str = ""


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


def _site_chrome(settings: Settings, article, site: str):
    if settings.site_chrome is None:
        return article
    return sitechrome.apply(article, settings.site_chrome.keys(site), settings.config.strip_dateline)


def _clean_file(cleaner: Cleaner, settings: Settings, job: FileJob) -> Outcome:
    if job.error:
        return Outcome(FAILED, job.where, job.error)
    if settings.resume and os.path.exists(job.dst):
        return Outcome(SKIPPED, job.where)
    try:
        article = cleaner.clean(_read_bounded(job.src, settings.config.max_bytes))
        article = _site_chrome(settings, article, job.site)
        write_atomic(job.dst, render(article, settings.fmt, settings.explain).encode("utf-8"))
    except (OSError, NotTextError, InputTooLargeError) as err:
        return Outcome(FAILED, job.where, _reason(err))
    except Exception as err:  # one document that trips a bug must not cost the rest of the batch
        return Outcome(FAILED, job.where, _internal(err))
    return Outcome(DONE, job.where)


def clean_files(settings: Settings, jobs: tuple[FileJob, ...], watch: Watch | None = None) -> list[Outcome]:
    """Worker task of directory mode: clean and write each file, return what became of it."""
    cleaner = worker_cleaner(settings.model_dir, settings.config)
    return guarded(jobs, lambda job: _clean_file(cleaner, settings, job),
                   lambda job, why: Outcome(FAILED, job.where, why), watch)


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


def record_site(record: dict, where: str) -> str:
    """A record's site: its `url` host; records without one are grouped by their input file."""
    return sitechrome.site_of_url(record.get("url")) or f"file:{where}"


def _clean_record(cleaner: Cleaner, settings: Settings, source: str, record_line) -> Outcome:
    line, data, refused = record_line
    where = f"{source}:{line}"
    if refused:
        return Outcome(FAILED, where, refused)
    record, text, refused = _document(data)
    if refused:
        return Outcome(FAILED, where, refused)
    try:
        article = cleaner.clean(text)
        article = _site_chrome(settings, article, record_site(record, source))
    except (NotTextError, InputTooLargeError) as err:
        return Outcome(FAILED, where, str(err))
    except Exception as err:  # one document that trips a bug must not cost the rest of the batch
        return Outcome(FAILED, where, _internal(err))
    # The document itself is replaced by the cleaned article; the cleaner's fields win a name clash.
    out = {k: v for k, v in record.items() if k not in SOURCE_KEYS}
    out.update(article.as_dict(explain=settings.explain))
    return Outcome(DONE, where, _dumps(out))


def clean_records(settings: Settings, chunk: Chunk, watch: Watch | None = None) -> list[Outcome]:
    """Worker task of JSON Lines mode: one outcome per record, output lines included."""
    if chunk.skipped:
        return [Outcome(SKIPPED, chunk.where)]
    if chunk.error:
        return [Outcome(LOST, chunk.where, chunk.error)]
    cleaner = worker_cleaner(settings.model_dir, settings.config)
    return guarded(chunk.records, lambda rec: _clean_record(cleaner, settings, chunk.where, rec),
                   lambda rec, why: Outcome(FAILED, f"{chunk.where}:{rec[0]}", why), watch)


# --- the first pass of site-level chrome: line counts per site ----------------------------------


def _count(counts: list, site: str, text: str | bytes) -> None:
    try:
        counts.append((site, sitechrome.document_keys(split_lines(decode(text)))))
    except NotTextError:
        pass  # reported by the second pass, which reads it again


def count_files(settings: Settings, jobs: tuple[FileJob, ...]) -> list[tuple[str, frozenset]]:
    """Worker task of the first pass, directory mode: (folder, line keys) per document; the parent
    adds them up (there, copies of a page are recognised across the whole input).  An input that
    cannot be read is left out here; the second pass reports it."""
    counts: list = []
    for job in jobs:
        if job.error:
            continue
        try:
            data = _read_bounded(job.src, settings.config.max_bytes)
        except (OSError, InputTooLargeError):
            continue
        _count(counts, job.site, data)
    return counts


def count_records(settings: Settings, chunk: Chunk) -> list[tuple[str, frozenset]]:
    """Worker task of the first pass, JSON Lines mode: (`url` host, line keys) per record."""
    counts: list = []
    for _, data, refused in chunk.records:
        record, text, refused = (None, None, refused) if refused else _document(data)
        if not refused:
            _count(counts, record_site(record, chunk.where), text)
    return counts


# --- per-document timeout, inside the worker -------------------------------------------------------


class DocumentTimeout(BaseException):
    """Raised by the alarm in the middle of a document.  A BaseException, so that the broad
    `except Exception` that keeps one buggy document from costing the batch does not swallow it."""


class Watch(NamedTuple):
    """How a task is watched: its slot on the parent's progress board, the per-document timeout,
    and documents not to run again (index in the task, reason) after the worker stuck on them
    was killed."""

    board: str
    slot: int
    timeout: float
    skip: tuple[tuple[int, str], ...] = ()
    ticket: int = 0


def timeout_reason(timeout: float) -> str:
    return f"timed out after {timeout:g} s"


@lru_cache(maxsize=4)
def _board(path: str) -> mmap.mmap:
    """The parent's progress board, mapped once per worker process."""
    with open(path, "r+b") as fh:
        return mmap.mmap(fh.fileno(), 0)


def mark(board, slot: int, ticket: int, pid: int, index: int) -> None:
    """Write a slot: the start time last, so that a reader that sees it non-zero and unchanged
    around its read of the other fields has read them whole."""
    offset = slot * SLOT.size
    struct.pack_into("=d", board, offset + 24, 0.0)
    struct.pack_into("=ddd", board, offset, float(ticket), float(pid), float(index))
    struct.pack_into("=d", board, offset + 24, time.monotonic() if index >= 0 else 0.0)


def read_slot(board, slot: int) -> tuple[int, int, int, float] | None:
    """(ticket, pid, document index, start) of a slot that has a document running, or None."""
    offset = slot * SLOT.size
    started = struct.unpack_from("=d", board, offset + 24)[0]
    ticket, pid, index = struct.unpack_from("=ddd", board, offset)
    if started <= 0.0 or index < 0 or struct.unpack_from("=d", board, offset + 24)[0] != started:
        return None
    return int(ticket), int(pid), int(index), started


def _on_alarm(signum, frame):
    raise DocumentTimeout()


def guarded(items, run: Callable, fail: Callable, watch: Watch | None) -> list:
    """run(item) for each item, or fail(item, reason) for one past the watch's timeout (or marked
    to skip).  The alarm works in a process's main thread (loky workers run tasks there)."""
    if watch is None:
        return [run(item) for item in items]
    board, pid, skip = _board(watch.board), os.getpid(), dict(watch.skip)
    alarm = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGALRM, _on_alarm) if alarm else None
    out = []
    try:
        for index, item in enumerate(items):
            if index in skip:
                out.append(fail(item, skip[index]))
                continue
            mark(board, watch.slot, watch.ticket, pid, index)
            result = None
            try:
                try:
                    if alarm:
                        signal.setitimer(signal.ITIMER_REAL, watch.timeout)
                    result = run(item)
                finally:
                    if alarm:
                        signal.setitimer(signal.ITIMER_REAL, 0)
            except DocumentTimeout:
                pass
            out.append(result if result is not None else fail(item, timeout_reason(watch.timeout)))
        mark(board, watch.slot, watch.ticket, pid, -1)
    finally:
        if alarm:  # None: a handler set from C, which Python cannot put back; the default then
            signal.signal(signal.SIGALRM, previous if previous is not None else signal.SIG_DFL)
    return out


# --- running tasks in order --------------------------------------------------------------------


def _lost_files(jobs: tuple[FileJob, ...], reason: str) -> list[Outcome]:
    return [Outcome(FAILED, job.where, reason) for job in jobs]


def _lost_chunk(chunk: Chunk, reason: str) -> list[Outcome]:
    return [Outcome(LOST, chunk.where, reason)]


def worker_pool(jobs: int):
    from joblib.externals.loky import get_reusable_executor

    # One BLAS thread per worker (see config.BLAS_THREAD_VARIABLES): the workers take the cores.
    env = {name: "1" for name in BLAS_THREAD_VARIABLES}
    # Asked for on every submit: the same executor comes back, or a fresh one if a worker died.
    return get_reusable_executor(max_workers=jobs, env=env)


class LokyPool:
    """`jobs` worker processes on this machine (joblib's loky)."""

    def __init__(self, jobs: int):
        self.jobs = jobs
        self.width = jobs * TASKS_PER_WORKER

    def submit(self, fn: Callable, *args):
        return worker_pool(self.jobs).submit(fn, *args)


class DaskPool:
    """The workers of a Dask cluster (`pip install 'cleaner[dask]'`).  Each worker process loads the
    model once; in directory mode the workers read and write the files themselves, so the input and
    output folders must be at the same paths on every worker (one machine, or a shared file system)."""

    def __init__(self, address: str, connect_seconds: float = 10.0):
        from distributed import Client

        self.client = Client(address, timeout=connect_seconds, set_as_default=False)
        threads = sum(self.client.nthreads().values()) or 1
        self.width = threads * TASKS_PER_WORKER

    def submit(self, fn: Callable, *args):
        return self.client.submit(fn, *args, pure=False)

    def close(self) -> None:
        self.client.close()


def _collect(task, future, lost: Callable) -> tuple:
    try:
        return task, future.result()
    except Exception as err:  # a worker killed (out of memory, a signal) costs its task only
        return task, lost(task, f"worker failed: {type(err).__name__}: {err}")


def ordered_map(fn: Callable, settings: Settings, tasks: Iterable, jobs: int, lost: Callable,
                pool=None) -> Iterator[tuple]:
    """(task, fn(settings, task)) in task order; with jobs > 1 on joblib's loky worker processes,
    or on `pool` (a `DaskPool`) when given.

    Not joblib.Parallel: it dispatches a new task whenever one completes, not when a result is
    consumed, so a slow reader of the output (a pipe) would let results pile up in memory.  Here
    at most jobs * TASKS_PER_WORKER tasks are in flight, and the next is submitted as one is taken.
    With a timeout, tasks always run in worker processes, watched (`_watched_map`).
    """
    if settings.timeout is not None and pool is None:
        yield from _watched_map(fn, settings, tasks, jobs, lost)
        return
    tasks = iter(tasks)
    head = list(itertools.islice(tasks, 2))
    if pool is None and (jobs <= 1 or len(head) < 2):  # one task: starting workers would cost more than they save
        for task in itertools.chain(head, tasks):
            yield task, fn(settings, task)
        return
    pool = pool or LokyPool(jobs)
    window: deque = deque()
    try:
        for task in itertools.chain(head, tasks):
            window.append((task, pool.submit(fn, settings, task)))
            if len(window) >= pool.width:
                yield _collect(*window.popleft(), lost)
        while window:
            yield _collect(*window.popleft(), lost)
    finally:
        for _, future in window:
            future.cancel()


class Board:
    """The progress board: one slot per task in flight, in a small temporary file that the parent
    and the workers map into memory."""

    def __init__(self, slots: int):
        fd, self.path = tempfile.mkstemp(prefix="cleaner-board-")
        try:
            os.ftruncate(fd, slots * SLOT.size)
            self.map = mmap.mmap(fd, 0)
        finally:
            os.close(fd)

    def clear(self, slot: int) -> None:
        self.map[slot * SLOT.size:(slot + 1) * SLOT.size] = bytes(SLOT.size)

    def close(self) -> None:
        self.map.close()
        _remove_quietly(self.path)


@dataclass
class _Entry:
    """A task in flight under watch: where it was sent, and documents not to run again."""

    task: object
    slot: int
    skip: dict = field(default_factory=dict)
    ticket: int = 0
    sends: int = 0
    executor: object = None
    future: object = None


def _failed(future) -> bool:
    return future.done() and (future.cancelled() or future.exception() is not None)


def _watched_map(fn: Callable, settings: Settings, tasks: Iterable, jobs: int, lost: Callable) -> Iterator[tuple]:
    """`ordered_map` with a per-document timeout that holds even in C code.  Each task writes on its
    board slot which document it is on and since when; a document still running HARD_GRACE seconds
    after its timeout (the worker's own alarm did not end it) gets its worker killed.  That breaks
    the whole loky pool, so every task it held is sent again to a fresh pool, the stuck document
    marked to be reported as timed out: the other documents of its task, and of the other tasks,
    are not lost (they are cleaned again: the same input gives the same output)."""
    from concurrent.futures import Future, wait

    width = max(1, jobs) * TASKS_PER_WORKER
    board = Board(width)
    killed: set = set()  # executors in which a worker was killed: their failed tasks are sent again
    window: deque = deque()
    tickets = itertools.count(1)

    def submit(entry: _Entry) -> None:
        board.clear(entry.slot)
        entry.ticket = next(tickets)
        entry.sends += 1
        watch = Watch(board.path, entry.slot, settings.timeout, tuple(sorted(entry.skip.items())), entry.ticket)
        entry.executor = worker_pool(jobs)
        try:
            entry.future = entry.executor.submit(fn, settings, entry.task, watch)
        except Exception as err:  # a pool that broke since it was handed out: fail now, resend below
            entry.future = Future()
            entry.future.set_exception(err)

    def look() -> None:
        now = time.monotonic()
        for entry in window:
            if _failed(entry.future):
                if entry.executor in killed and entry.sends < MAX_SENDS:
                    submit(entry)
                continue
            slot = read_slot(board.map, entry.slot)
            if slot is None or slot[0] != entry.ticket or now - slot[3] <= settings.timeout + HARD_GRACE:
                continue
            _, pid, index, _ = slot
            entry.skip[index] = f"{timeout_reason(settings.timeout)} (stuck: its worker was stopped)"
            killed.add(entry.executor)
            board.clear(entry.slot)
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)

    def take() -> tuple:
        head = window[0]
        while True:
            look()
            resend = _failed(head.future) and head.executor in killed and head.sends < MAX_SENDS
            if head.future.done() and not resend:
                window.popleft()
                return _collect(head.task, head.future, lost)
            wait([head.future], timeout=WATCH_SECONDS)

    try:
        for number, task in enumerate(tasks):
            entry = _Entry(task, number % width)
            submit(entry)
            window.append(entry)
            if len(window) >= width:
                yield take()
        while window:
            yield take()
    finally:
        for entry in window:
            entry.future.cancel()
        board.close()


def batched(items: Iterable, size: int) -> Iterator[tuple]:
    it = iter(items)
    while batch := tuple(itertools.islice(it, size)):
        yield batch


def first_pass(count: Callable, settings: Settings, tasks: Iterable, jobs: int, pool=None) -> sitechrome.SiteChrome:
    """Site-level chrome's first pass: the line counts of every input, per site, added up."""
    counts = sitechrome.SiteCounts()
    plain = replace(settings, timeout=None)  # reading and hashing lines does not get stuck
    for _, documents in ordered_map(count, plain, tasks, jobs, lambda task, reason: [], pool):
        for site, keys in documents:
            counts.add(site, keys)
    return counts.chrome()


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
            # Site-level chrome groups by folder: a crawl is usually laid out one folder per site.
            yield FileJob(src, str(out_dir / rel / names[name]), src, site=rel)


def run_directory(in_dir: Path, out_dir: Path, settings: Settings, jobs: int = 1,
                  reporter: Reporter | None = None, site_chrome: bool = False, pool=None) -> Summary:
    """Clean every file under `in_dir` into `out_dir` at the same relative path; with `site_chrome`,
    after a first pass that counts each folder's lines."""
    reporter = reporter or Reporter()
    in_dir, out_dir = Path(in_dir), Path(out_dir)
    if site_chrome:
        # Every input is counted, those that --resume will skip too: the same table as the first run.
        counting = batched(file_jobs(in_dir, out_dir, settings.fmt), CHUNK_DOCS)
        if reporter.progress:
            reporter.message("site-level chrome: counting each folder's lines first ...")
        settings = replace(settings, site_chrome=first_pass(count_files, settings, counting, jobs, pool))
    tasks = batched(file_jobs(in_dir, out_dir, settings.fmt), CHUNK_DOCS)
    for _, outcomes in ordered_map(clean_files, settings, tasks, jobs, _lost_files, pool):
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


def _counted_chunks(sources: Iterable[Source], max_bytes: int) -> Iterator[Chunk]:
    """The first pass's chunks: every readable input (those --resume will skip too); not stdin,
    which cannot be read twice."""
    for source in sources:
        if source.path is not None and not source.error:
            yield from (c for c in source_chunks(source, max_bytes) if not c.error)


def run_jsonl(sources: Iterable[Source], settings: Settings, jobs: int = 1, stdout=None,
              reporter: Reporter | None = None, site_chrome: bool = False, pool=None) -> Summary:
    """Clean every record; write one record per cleaned input record, in input order, to `stdout`
    (a binary stream) or, for sources with a `dst`, to that file.  With `site_chrome`, after a
    first pass that counts the lines of each `url` host (records from stdin are not counted: it
    cannot be read twice)."""
    reporter = reporter or Reporter()
    stdout = stdout if stdout is not None else sys.stdout.buffer
    if site_chrome:
        sources = list(sources)  # one small tuple per input file, read twice
        counting = _counted_chunks(sources, settings.config.max_bytes)
        if reporter.progress:
            reporter.message("site-level chrome: counting each site's lines first ...")
        settings = replace(settings, site_chrome=first_pass(count_records, settings, counting, jobs, pool))
    files = OutputFiles(reporter)
    try:
        for chunk, outcomes in ordered_map(clean_records, settings, _chunks(sources, settings), jobs, _lost_chunk,
                                           pool):
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
