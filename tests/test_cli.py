"""The filter as a user runs it: a separate process, stdin/stdout, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from cleaner.fixtures import parse_tsv

from .conftest import FIXTURES

SAMPLE = FIXTURES / "kompas.com" / "rob-semarang-pompa.tsv"


def run(*args, stdin: bytes = b"", check_exit=None):
    proc = subprocess.run([sys.executable, "-m", "cleaner", *args], input=stdin, capture_output=True, timeout=120)
    if check_exit is not None:
        assert proc.returncode == check_exit, proc.stderr.decode()
    return proc


@pytest.fixture(scope="module")
def sample_text() -> str:
    return parse_tsv(SAMPLE.read_text(encoding="utf-8")).text


def test_stdin_to_stdout_prints_only_input_lines(sample_text):
    out = run(stdin=sample_text.encode(), check_exit=0).stdout.decode()
    body = out.splitlines()
    assert body, "no body printed"
    inputs = sample_text.split("\n")
    assert all(line in inputs for line in body)
    assert not any(line.startswith("Baca juga") for line in body)


def test_dash_means_stdin(sample_text):
    assert run("-", stdin=sample_text.encode(), check_exit=0).stdout == run(stdin=sample_text.encode()).stdout


def test_json_has_the_documented_keys(tmp_path, sample_text):
    a = tmp_path / "a.txt"
    a.write_text(sample_text, encoding="utf-8")
    out = run("--format", "json", "--explain", str(a), str(a), check_exit=0).stdout.decode().splitlines()
    assert len(out) == 2
    record = json.loads(out[0])
    for key in ("title", "published", "authors", "editors", "source", "location", "captions", "body", "lines"):
        assert key in record
    assert {ln["label"] for ln in record["lines"]} <= {"title", "meta", "body", "caption", "chrome"}


def test_tsv_output_is_the_fixture_format(sample_text):
    out = run("--format", "tsv", stdin=sample_text.encode(), check_exit=0).stdout.decode()
    doc = parse_tsv(out)
    assert doc.text == sample_text.rstrip("\n") or doc.text == sample_text


def test_a_failed_input_costs_that_input_only(tmp_path, sample_text):
    good = tmp_path / "good.txt"
    good.write_text(sample_text, encoding="utf-8")
    binary = tmp_path / "binary.bin"
    binary.write_bytes(b"\x00\x01\x02" * 100)
    proc = run(str(tmp_path / "missing.txt"), str(binary), str(good), check_exit=1)
    err = proc.stderr.decode()
    assert "missing.txt" in err and "binary.bin" in err and "not text" in err
    assert "Traceback" not in err
    assert proc.stdout == run(str(good)).stdout and proc.stdout


def test_usage_errors_exit_2():
    assert run("--format", "xml").returncode == 2
    assert run("--now", "yesterday", stdin=b"x").returncode == 2


def test_tsv_with_several_inputs_is_a_usage_error(tmp_path):
    a = tmp_path / "a.txt"
    a.write_text("x", encoding="utf-8")
    assert run("--format", "tsv", str(a), str(a)).returncode == 2


def test_help_documents_commands():
    out = run("--help", check_exit=0).stdout.decode()
    assert "train" in out and "evaluate" in out and "--format" in out
    assert "--loso" in run("evaluate", "--help", check_exit=0).stdout.decode()
    assert "--output" in run("train", "--help", check_exit=0).stdout.decode()


def test_closed_pipe_ends_quietly(sample_text, tmp_path):
    big = tmp_path / "big.txt"
    big.write_text(sample_text, encoding="utf-8")
    cmd = f'"{sys.executable}" -m cleaner {" ".join([str(big)] * 200)} | head -n 1'
    proc = subprocess.run(cmd, shell=True, capture_output=True, timeout=300)
    assert b"Traceback" not in proc.stderr and b"BrokenPipe" not in proc.stderr


def test_filter_does_not_import_training_libraries():
    code = (
        "import sys, cleaner.cli as c; c.main(['-']); "
        "print(sorted(m for m in ('sklearn', 'scipy') if m in sys.modules))"
    )
    proc = subprocess.run([sys.executable, "-c", code], input=b"Isi berita.", capture_output=True, timeout=60)
    assert proc.stdout.decode().strip().endswith("[]"), proc.stdout + proc.stderr


def test_the_command_sets_blas_threads_before_numpy_is_imported():
    # `import cleaner` must not import numpy, or the filter's one-thread BLAS setting comes too late
    # (a thread per core started at numpy's import: some 70 ms of CPU per `cleaner` process).
    code = (
        "import os, sys, cleaner.cli\n"
        "assert 'numpy' not in sys.modules, 'numpy imported with cleaner.cli'\n"
        "os.environ.pop('OPENBLAS_NUM_THREADS', None)\n"
        "sys.argv = ['cleaner', '-']\n"
        "code = cleaner.cli.main()\n"
        "assert 'numpy' in sys.modules and os.environ['OPENBLAS_NUM_THREADS'] == '1'\n"
        "sys.exit(code)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], input=b"Judul\n\nIsi berita.", capture_output=True, timeout=60)
    assert proc.returncode == 0, proc.stderr.decode()


def test_public_names_come_from_the_package_on_first_use():
    import cleaner

    assert cleaner.clean is __import__("cleaner.core").core.clean
    assert {"clean", "Cleaner", "Config"} <= set(dir(cleaner))
    with pytest.raises(AttributeError):
        cleaner.no_such_name  # noqa: B018
