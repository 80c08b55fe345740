"""Batch mode: directories mirrored, JSON Lines corpora, parallel workers, failures, atomic writes, resume."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cleaner import batch
from cleaner.core import Cleaner
from cleaner.fixtures import iter_docs, parse_tsv
from cleaner.render import render

from .conftest import FIXTURES, REPO

# Enough documents that a -j 1 run lasts about a second: the kill lands midway, not after the end.
KILL_TEST_DOCS = 400


@pytest.fixture(scope="module")
def texts() -> list[str]:
    return [doc.text for doc in iter_docs(FIXTURES)]


@pytest.fixture(scope="module")
def cleaner() -> Cleaner:
    return Cleaner()


def run(*args, stdin: bytes = b"", check_exit=None, timeout=120):
    proc = subprocess.run([sys.executable, "-m", "cleaner", *map(str, args)], input=stdin, capture_output=True,
                          timeout=timeout, cwd=REPO)
    if check_exit is not None:
        assert proc.returncode == check_exit, proc.stderr.decode()
    return proc


def write_tree(root: Path, files: dict[str, str | bytes]) -> None:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")


def tree(root: Path) -> dict[str, bytes]:
    """Every file under root (hidden ones included) by relative path."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def jsonl(records) -> bytes:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode()


def temp_files(root: Path) -> list[str]:
    return [name for name in tree(root) if name.endswith(batch.TEMP_SUFFIX)]


# --- directory mode ----------------------------------------------------------------------------


def test_directory_mirrors_nested_folders(tmp_path, texts, cleaner):
    files = {"a/b/one.html": texts[0], "a/two.txt": texts[1], "three": texts[2], "a/b/c/d/four.htm": texts[3],
             ".hidden.txt": texts[4], ".git/config.txt": texts[5]}
    write_tree(tmp_path / "in", files)
    proc = run("--input-dir", tmp_path / "in", "--output-dir", tmp_path / "out", check_exit=0)
    out = tree(tmp_path / "out")
    assert sorted(out) == ["a/b/c/d/four.txt", "a/b/one.txt", "a/two.txt", "three.txt"]
    assert out["a/b/one.txt"] == render(cleaner.clean(texts[0]), "text").encode()
    assert out["three.txt"] == render(cleaner.clean(texts[2]), "text").encode()
    assert "4 documents done, 0 failed, 0 skipped" in proc.stderr.decode()


@pytest.mark.parametrize("fmt", ["json", "tsv"])
def test_formats_choose_the_extension_and_content(tmp_path, texts, cleaner, fmt):
    write_tree(tmp_path / "in", {"site/page.html": texts[6]})
    run("--input-dir", tmp_path / "in", "--output-dir", tmp_path / "out", "--format", fmt, "--explain",
        check_exit=0)
    out = tree(tmp_path / "out")
    assert list(out) == [f"site/page.{fmt}"]
    content = out[f"site/page.{fmt}"].decode()
    assert content == render(cleaner.clean(texts[6]), fmt, explain=True)
    if fmt == "json":
        assert "lines" in json.loads(content)
    else:
        assert parse_tsv(content).text.rstrip("\n") == texts[6].rstrip("\n")


def test_output_names_keep_the_full_name_when_two_inputs_would_collide():
    names = batch.output_names(["b", "b.html", "b.txt", "c.html", "x.html.md", "x.html", "x.txt", "D.txt", "d.html"],
                               ["sub.txt", "sub"], ".txt")
    assert names == {
        "b": "b.txt", "b.html": "b.html.txt", "b.txt": "b.txt.txt",  # b.txt is b's own full name plus suffix
        "c.html": "c.txt",
        "x.html": "x.html.txt", "x.txt": "x.txt.txt",
        "x.html.md": "x.html.md.txt",  # second round: it wanted x.html.txt, now x.html's
        "D.txt": "D.txt.txt", "d.html": "d.html.txt",  # case-folded: one name on macOS and Windows
    }
    assert len(set(names.values())) == len(names)
    assert batch.output_names(["sub.html"], ["sub.txt"], ".txt") == {"sub.html": "sub.html.txt"}


def test_colliding_inputs_are_all_written(tmp_path, texts):
    write_tree(tmp_path / "in", {"a/b.html": texts[0], "a/b.txt": texts[1], "a/c.html": texts[2]})
    run("--input-dir", tmp_path / "in", "--output-dir", tmp_path / "out", "--format", "json", check_exit=0)
    out = tree(tmp_path / "out")
    assert sorted(out) == ["a/b.html.json", "a/b.txt.json", "a/c.json"]
    assert out["a/b.html.json"] != out["a/b.txt.json"]


def test_a_bad_file_costs_that_file_only(tmp_path, texts):
    files = {f"ok/{i}.txt": texts[i] for i in range(3)}
    files.update({"bad/binary.bin": b"\x00\x01\x02" * 200, "bad/huge.txt": "Isi berita. " * 2000})
    write_tree(tmp_path / "in", files)
    proc = run("--input-dir", tmp_path / "in", "--output-dir", tmp_path / "out", "--max-bytes", 10_000,
               check_exit=1)
    err = proc.stderr.decode()
    assert f"{tmp_path / 'in' / 'bad' / 'binary.bin'}: not text" in err
    assert f"{tmp_path / 'in' / 'bad' / 'huge.txt'}: input of 24000 bytes is above the limit" in err
    assert "Traceback" not in err and "3 documents done, 2 failed" in err
    assert sorted(tree(tmp_path / "out")) == ["ok/0.txt", "ok/1.txt", "ok/2.txt"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_an_unreadable_file_is_named(tmp_path, texts):
    write_tree(tmp_path / "in", {"a.txt": texts[0], "b.txt": texts[1]})
    (tmp_path / "in" / "a.txt").chmod(0)
    proc = run("--input-dir", tmp_path / "in", "--output-dir", tmp_path / "out", check_exit=1)
    assert "a.txt: Permission denied" in proc.stderr.decode()
    assert list(tree(tmp_path / "out")) == ["b.txt"]


def test_resume_skips_existing_outputs(tmp_path, texts):
    write_tree(tmp_path / "in", {f"{i}.txt": texts[i] for i in range(4)})
    write_tree(tmp_path / "out", {"1.txt": "kept as it was\n"})
    proc = run("--input-dir", tmp_path / "in", "--output-dir", tmp_path / "out", "--resume", check_exit=0)
    out = tree(tmp_path / "out")
    assert sorted(out) == ["0.txt", "1.txt", "2.txt", "3.txt"]
    assert out["1.txt"] == b"kept as it was\n"
    assert "3 documents done, 0 failed, 1 skipped" in proc.stderr.decode()


def test_without_resume_outputs_are_rewritten(tmp_path, texts):
    write_tree(tmp_path / "in", {"1.txt": texts[1]})
    write_tree(tmp_path / "out", {"1.txt": "stale\n"})
    run("--input-dir", tmp_path / "in", "--output-dir", tmp_path / "out", check_exit=0)
    assert (tmp_path / "out" / "1.txt").read_text(encoding="utf-8") != "stale\n"


def test_atomic_writes_leave_no_temporary_files(tmp_path, texts):
    write_tree(tmp_path / "in", {f"d{i % 3}/{i}.txt": texts[i] for i in range(12)})
    write_tree(tmp_path / "in", {"c.jsonl": jsonl({"id": i, "text": t} for i, t in enumerate(texts[:5]))})
    run("--input-dir", tmp_path / "in", "--output-dir", tmp_path / "out", check_exit=0)
    run("--jsonl", "--input-dir", tmp_path / "in", "--output-dir", tmp_path / "out-jsonl", check_exit=0)
    assert temp_files(tmp_path / "out") == [] and temp_files(tmp_path / "out-jsonl") == []
    assert list(tree(tmp_path / "out-jsonl")) == ["c.jsonl"]


def test_a_failed_write_removes_its_temporary_file(tmp_path):
    (tmp_path / "taken").mkdir()  # the output name is a folder: the rename fails
    with pytest.raises(OSError):
        batch.write_atomic(str(tmp_path / "taken"), b"x")
    assert sorted(os.listdir(tmp_path)) == ["taken"]


def test_output_dir_inside_input_dir_is_not_read_back(tmp_path, texts):
    write_tree(tmp_path / "in", {"a.txt": texts[0]})
    run("--input-dir", tmp_path / "in", "--output-dir", tmp_path / "in" / "clean", check_exit=0)
    run("--input-dir", tmp_path / "in", "--output-dir", tmp_path / "in" / "clean", check_exit=0)
    assert sorted(tree(tmp_path / "in")) == ["a.txt", "clean/a.txt"]


# --- JSON Lines --------------------------------------------------------------------------------


def test_jsonl_passes_fields_through_and_adds_the_cleaners(texts, cleaner):
    records = [{"id": i, "url": f"https://example.com/{i}", "text": t} for i, t in enumerate(texts[:3])]
    records.append({"id": "h", "html": texts[3], "lang": "id"})
    out = run("--jsonl", "--explain", stdin=jsonl(records), check_exit=0).stdout.decode().splitlines()
    assert len(out) == 4
    for record, line in zip(records, out):
        got = json.loads(line)
        source = record.get("text", record.get("html"))
        expected = {k: v for k, v in record.items() if k not in ("text", "html")}
        expected.update(cleaner.clean(source).as_dict(explain=True))
        assert got == expected
        assert list(got)[: len(record) - 1] == [k for k in record if k not in ("text", "html")]


def test_malformed_records_are_reported_and_the_rest_goes_on(tmp_path, texts):
    good = [json.dumps({"id": i, "text": t}) for i, t in enumerate(texts[:3])]
    limit = max(len(line.encode()) for line in good) + 10
    lines = [good[0], "{not json", "", good[1], "[1, 2]", json.dumps({"id": 9}),
             json.dumps({"id": 10, "text": 5}), json.dumps({"id": 11, "text": "x" * limit}), good[2]]
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text("\n".join(lines) + "\n", encoding="utf-8")
    proc = run("--jsonl", corpus, "--max-bytes", limit, check_exit=1)
    err = proc.stderr.decode()
    assert f"{corpus}:2: bad JSON" in err
    assert f"{corpus}:5: not a JSON object" in err
    assert f"{corpus}:6: no text" in err and f"{corpus}:7: no text" in err
    assert f"{corpus}:8: record above the limit of {limit} bytes" in err
    assert ":3:" not in err, "a blank line is no record"
    assert "Traceback" not in err and "3 documents done, 5 failed" in err
    assert [json.loads(line)["id"] for line in proc.stdout.decode().splitlines()] == [0, 1, 2]


def test_jsonl_stdin_and_files_and_a_missing_file(tmp_path, texts):
    a = tmp_path / "a.jsonl"
    a.write_bytes(jsonl([{"id": "a", "text": texts[0]}]))
    proc = run("--jsonl", a, tmp_path / "missing.jsonl", "-", stdin=jsonl([{"id": "s", "text": texts[1]}]),
               check_exit=1)
    assert [json.loads(x)["id"] for x in proc.stdout.decode().splitlines()] == ["a", "s"]
    assert "missing.jsonl: No such file or directory" in proc.stderr.decode()


def test_jsonl_directory_mirrors_and_resumes(tmp_path, texts):
    write_tree(tmp_path / "in", {
        "2024/a.jsonl": jsonl({"id": i, "text": t} for i, t in enumerate(texts[:4])),
        "2025/b.jsonl": jsonl([{"id": "b", "text": texts[5]}]),
        "2025/empty.jsonl": b"",
        "2025/notes.txt": "not a corpus file",
    })
    proc = run("--jsonl", "--input-dir", tmp_path / "in", "--output-dir", tmp_path / "out", check_exit=0)
    out = tree(tmp_path / "out")
    assert sorted(out) == ["2024/a.jsonl", "2025/b.jsonl", "2025/empty.jsonl"]
    assert [json.loads(x)["id"] for x in out["2024/a.jsonl"].decode().splitlines()] == [0, 1, 2, 3]
    assert out["2025/empty.jsonl"] == b""
    assert "5 documents done" in proc.stderr.decode()
    (tmp_path / "out" / "2025" / "b.jsonl").unlink()
    proc = run("--jsonl", "--input-dir", tmp_path / "in", "--output-dir", tmp_path / "out", "--resume", check_exit=0)
    assert tree(tmp_path / "out") == out
    assert "1 documents done, 0 failed, 2 skipped" in proc.stderr.decode()


def test_jsonl_to_stdout_from_a_folder(tmp_path, texts):
    write_tree(tmp_path / "in", {"x/a.jsonl": jsonl([{"id": 1, "text": texts[0]}]),
                                 "b.jsonl": jsonl([{"id": 2, "text": texts[1]}])})
    proc = run("--jsonl", "--input-dir", tmp_path / "in", check_exit=0)
    assert [json.loads(x)["id"] for x in proc.stdout.decode().splitlines()] == [2, 1]  # files first, then folders


# --- parallel ----------------------------------------------------------------------------------


def test_two_jobs_give_the_same_bytes_as_one(tmp_path, texts):
    docs = {f"site{i % 4}/{i:03d}.html": texts[i % len(texts)] for i in range(150)}
    docs["site0/broken.bin"] = b"\x00" * 500
    write_tree(tmp_path / "in", docs)
    corpus = tmp_path / "c.jsonl"
    corpus.write_bytes(jsonl({"id": i, "text": texts[i % len(texts)]} for i in range(150)))
    one = run("--input-dir", tmp_path / "in", "--output-dir", tmp_path / "one", "-j", 1, "-f", "json", check_exit=1)
    two = run("--input-dir", tmp_path / "in", "--output-dir", tmp_path / "two", "-j", 2, "-f", "json", check_exit=1)
    one_out, two_out = tree(tmp_path / "one"), tree(tmp_path / "two")
    assert len(one_out) == 150 and sorted(one_out) == sorted(two_out)
    assert [name for name in one_out if one_out[name] != two_out[name]] == []
    assert "broken.bin: not text" in two.stderr.decode() and "broken.bin" in one.stderr.decode()
    jsonl_one = run("--jsonl", corpus, "-j", 1, check_exit=0).stdout
    jsonl_two = run("--jsonl", corpus, "-j", 2, check_exit=0).stdout
    assert jsonl_one == jsonl_two and len(jsonl_one.splitlines()) == 150


def test_the_model_is_loaded_once_per_worker_process():
    config = batch.Settings().config
    assert batch.worker_cleaner(None, config) is batch.worker_cleaner(None, config)


def test_ordered_map_keeps_input_order_and_bounds_the_tasks_in_flight():
    taken = []

    def tasks():
        for i in range(40):
            taken.append(i)
            yield i

    out = []
    for task, result in batch.ordered_map(_square, batch.Settings(), tasks(), 2, lambda t, r: r):
        # Read lazily: never more than jobs * TASKS_PER_WORKER tasks ahead of what was consumed.
        assert len(taken) - len(out) <= 2 * batch.TASKS_PER_WORKER
        out.append((task, result))
    assert out == [(i, i * i) for i in range(40)]


def _square(settings, task):
    return task * task


# --- progress, summary, usage ------------------------------------------------------------------


def test_progress_only_on_a_terminal_and_quiet_means_no_summary(tmp_path, texts):
    write_tree(tmp_path / "in", {"a.txt": texts[0]})
    err = run("--input-dir", tmp_path / "in", "--output-dir", tmp_path / "o1", check_exit=0).stderr.decode()
    assert "\r" not in err and "documents/s" in err
    assert run("--input-dir", tmp_path / "in", "--output-dir", tmp_path / "o2", "-q", check_exit=0).stderr == b""


def test_the_progress_line_is_redrawn_in_place():
    class Terminal:
        def __init__(self):
            self.text = ""

        def write(self, text):
            self.text += text

        def flush(self):
            pass

        def isatty(self):
            return True

    term = Terminal()
    reporter = batch.Reporter(stream=term)
    reporter.add(batch.Outcome(batch.DONE, "a"))
    reporter.add(batch.Outcome(batch.FAILED, "b", "not text"))
    summary = reporter.finish()
    assert (summary.done, summary.failed, summary.skipped) == (1, 1, 0)
    assert term.text.startswith("\r1 done, 0 failed, 0 skipped")
    assert "cleaner: b: not text\n" in term.text and term.text.endswith("documents/s)\n")


@pytest.mark.parametrize("args", [
    ["--output-dir", "{tmp}/out"],
    ["--input-dir", "{tmp}/nowhere", "--output-dir", "{tmp}/out"],
    ["--input-dir", "{tmp}/in"],
    ["--input-dir", "{tmp}/in", "--output-dir", "{tmp}/in"],
    ["--input-dir", "{tmp}/in", "--output-dir", "{tmp}/in/a.txt"],
    ["--input-dir", "{tmp}/in", "--output-dir", "{tmp}/out", "{tmp}/in/a.txt"],
    ["--jsonl", "--format", "tsv", "-"],
    ["--jsonl", "--output-dir", "{tmp}/out", "-"],
    ["--jsonl", "--resume", "-"],
    ["--jsonl", "-j", "0", "-"],
    ["-j", "2", "{tmp}/in/a.txt"],
])
def test_usage_errors_exit_2(tmp_path, args):
    write_tree(tmp_path / "in", {"a.txt": "Isi berita."})
    proc = run(*[a.format(tmp=tmp_path) for a in args])
    assert proc.returncode == 2, proc.stderr.decode()
    assert "Traceback" not in proc.stderr.decode()
    assert not (tmp_path / "out").exists()


def test_help_documents_batch_mode():
    out = run("--help", check_exit=0).stdout.decode()
    for option in ("--input-dir", "--output-dir", "--jsonl", "--jobs", "--resume", "--timeout", "--site-chrome",
                   "--no-site-chrome", "--scheduler"):
        assert option in out


# --- a killed run, resumed ---------------------------------------------------------------------


def _visible(root: Path) -> list[str]:
    """Outputs under their final names (temporary files are hidden); names only, nothing read."""
    return [p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file() and not p.name.startswith(".")]


def test_a_killed_run_resumed_gives_every_output_once_and_whole(tmp_path, texts):
    write_tree(tmp_path / "in", {f"s{i % 8}/{i:04d}.html": texts[i % len(texts)] for i in range(KILL_TEST_DOCS)})
    run("--input-dir", tmp_path / "in", "--output-dir", tmp_path / "ref", "-q", check_exit=0)
    reference = tree(tmp_path / "ref")
    assert len(reference) == KILL_TEST_DOCS

    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "cleaner", "--input-dir", str(tmp_path / "in"), "--output-dir",
                             str(out), "-j", "1", "-q"], cwd=REPO, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while not (out.is_dir() and _visible(out)) and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.005)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL, "the run ended before it was killed: give it more documents"

    written = _visible(out)
    assert 0 < len(written) < KILL_TEST_DOCS
    killed = tree(out)
    for name in written:  # whatever carries a final name is complete
        assert killed[name] == reference[name], name

    proc = run("--input-dir", tmp_path / "in", "--output-dir", out, "-j", 1, "--resume", check_exit=0)
    assert f"{len(written)} skipped" in proc.stderr.decode()
    assert tree(out) == reference  # all present, complete, none twice, no temporary file left


# --- site-level chrome -------------------------------------------------------------------------

PROMO = "Dapatkan kabar terbaru dari redaksi kami setiap pagi lewat kanal WhatsApp."


def _with_promo(doc) -> str:
    """The document with a promo line after its second body line, where a page's own look says body."""
    body = [i for i, label in enumerate(doc.labels) if label == "body"]
    lines = list(doc.lines)
    lines.insert(body[1] + 1, PROMO)
    return "\n".join(lines)


@pytest.fixture(scope="module")
def promoted() -> list[str]:
    return [_with_promo(doc) for doc in iter_docs(FIXTURES) if doc.labels.count("body") >= 3][:8]


def test_a_line_repeated_across_a_sites_documents_is_dropped(tmp_path, promoted):
    files = {f"kabar/{i}.txt": text for i, text in enumerate(promoted[:6])}
    files.update({f"lain/{i}.txt": text for i, text in enumerate(promoted[6:8])})  # too few to judge
    write_tree(tmp_path / "in", files)
    run("--input-dir", tmp_path / "in", "--output-dir", tmp_path / "off", "--no-site-chrome", check_exit=0)
    run("--input-dir", tmp_path / "in", "--output-dir", tmp_path / "on", check_exit=0)  # the default
    off, on = tree(tmp_path / "off"), tree(tmp_path / "on")
    assert all(PROMO.encode() in body for body in off.values()), "the model keeps the promo: nothing to test"
    for name in off:
        if name.startswith("kabar/"):
            assert on[name] == off[name].replace(PROMO.encode() + b"\n", b""), name
        else:
            assert on[name] == off[name], name


def test_jsonl_groups_sites_by_url_host(tmp_path, promoted):
    records = [{"id": i, "url": f"https://www.kabar.example/berita/{i}", "text": t} for i, t in enumerate(promoted[:6])]
    records += [{"id": 6, "url": "https://lain.example/1", "text": promoted[6]}]
    corpus = tmp_path / "c.jsonl"
    corpus.write_bytes(jsonl(records))
    out = [json.loads(x) for x in run("--jsonl", corpus, check_exit=0).stdout.decode().splitlines()]
    assert [PROMO in r["body"] for r in out] == [False] * 6 + [True]
    out = [json.loads(x) for x in run("--jsonl", corpus, "--no-site-chrome", check_exit=0).stdout.decode().splitlines()]
    assert all(PROMO in r["body"] for r in out)
    # stdin cannot be read twice: no first pass, the records are cleaned as they are.
    out = run("--jsonl", stdin=jsonl(records), check_exit=0).stdout.decode().splitlines()
    assert all(PROMO in json.loads(x)["body"] for x in out)


# --- per-document timeout ----------------------------------------------------------------------

# A document the cleaner takes seconds over (about 1.7 s unloaded: tens of thousands of lines),
# against a timeout that normal documents (a few milliseconds) stay far below even on a loaded machine.
SLOW_DOC_LINES = 50_000
TIMEOUT = 0.5


def _stuck_or_slow(settings, items, watch=None):
    """A worker task like clean_files: 'stuck' blocks the alarm's signal while it sleeps, as C code
    that never returns to the interpreter would; 'slow' sleeps in Python, where the alarm ends it."""

    def run(item):
        if item == "stuck":
            signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGALRM])
            time.sleep(120)
        if item == "slow":
            time.sleep(120)
        return ("done", item)

    return batch.guarded(items, run, lambda item, why: ("failed", item, why), watch)


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_stuck_document_costs_itself_only(jobs):
    items = [f"d{i}" for i in range(30)]
    items[7], items[20] = "stuck", "slow"
    settings = batch.Settings(timeout=0.5)
    start = time.monotonic()
    out = [r for _, results in batch.ordered_map(_stuck_or_slow, settings, batch.batched(items, 4), jobs,
                                                 lambda task, reason: [("lost", t, reason) for t in task])
           for r in results]
    assert time.monotonic() - start < 60
    assert [r[1] for r in out] == items  # every document once, in order
    assert [r for r in out if r[0] != "done"] == [
        ("failed", "stuck", "timed out after 0.5 s (stuck: its worker was stopped)"),
        ("failed", "slow", "timed out after 0.5 s"),
    ]


def test_timeout_from_the_command_line(tmp_path, texts):
    slow = "\n".join(f"Kalimat ke-{i} dari laporan yang sangat panjang tentang banjir di kota." for i in
                     range(SLOW_DOC_LINES))
    write_tree(tmp_path / "in", {"a.txt": texts[0], "b/slow.txt": slow, "c.txt": texts[1]})
    start = time.monotonic()
    proc = run("--input-dir", tmp_path / "in", "--output-dir", tmp_path / "out", "--timeout", TIMEOUT, check_exit=1)
    err = proc.stderr.decode()
    assert f"{tmp_path / 'in' / 'b' / 'slow.txt'}: timed out after {TIMEOUT:g} s" in err
    assert "2 documents done, 1 failed" in err and "Traceback" not in err
    assert sorted(tree(tmp_path / "out")) == ["a.txt", "c.txt"]
    assert time.monotonic() - start < 60
    records = jsonl([{"id": 0, "text": texts[0]}, {"id": 1, "text": slow}, {"id": 2, "text": texts[1]}])
    proc = run("--jsonl", "-", "--timeout", TIMEOUT, "-j", 2, stdin=records, check_exit=1)
    assert f"<stdin>:2: timed out after {TIMEOUT:g} s" in proc.stderr.decode()
    assert [json.loads(x)["id"] for x in proc.stdout.decode().splitlines()] == [0, 2]


@pytest.mark.parametrize("value", ["0", "-1", "nan", "inf", "soon"])
def test_a_bad_timeout_is_a_usage_error(tmp_path, value):
    write_tree(tmp_path / "in", {"a.txt": "Isi berita."})
    proc = run("--input-dir", tmp_path / "in", "--output-dir", tmp_path / "out", "--timeout", value)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr.decode()


# --- Dask --------------------------------------------------------------------------------------


def test_a_dask_cluster_gives_the_same_outputs_as_one_machine(tmp_path, texts):
    distributed = pytest.importorskip("distributed")
    write_tree(tmp_path / "in", {f"s{i % 3}/{i:03d}.txt": texts[i % len(texts)] for i in range(40)})
    corpus = tmp_path / "c.jsonl"
    corpus.write_bytes(jsonl({"id": i, "url": f"https://s{i % 2}.example/{i}", "text": texts[i % len(texts)]}
                             for i in range(40)))
    run("--input-dir", tmp_path / "in", "--output-dir", tmp_path / "local", "-f", "json", check_exit=0)
    local_jsonl = run("--jsonl", corpus, check_exit=0).stdout
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                  worker_dashboard_address=None) as cluster:
        proc = run("--input-dir", tmp_path / "in", "--output-dir", tmp_path / "dask", "-f", "json",
                   "--scheduler", cluster.scheduler_address, check_exit=0)
        assert "40 documents done, 0 failed" in proc.stderr.decode()
        dask_jsonl = run("--jsonl", corpus, "--scheduler", cluster.scheduler_address, check_exit=0).stdout
    assert tree(tmp_path / "dask") == tree(tmp_path / "local")
    assert dask_jsonl == local_jsonl and len(dask_jsonl.splitlines()) == 40


def test_scheduler_with_timeout_is_a_usage_error(tmp_path):
    write_tree(tmp_path / "in", {"a.txt": "Isi berita."})
    proc = run("--input-dir", tmp_path / "in", "--output-dir", tmp_path / "out", "--scheduler", "tcp://127.0.0.1:1",
               "--timeout", 5)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr.decode()
