"""The command line: `cleaner [FILE|-]...` filters scraped text; `cleaner train` and `cleaner evaluate`.

Data goes to stdout, messages to stderr.  Exit 0: all went well; 1: some input failed (the others
were still written); 2: usage error.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import datetime
from pathlib import Path

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
COMMANDS = ("train", "evaluate")

FILTER_EPILOG = """\
commands:
  cleaner train [DIR...]      learn a model from fixtures/ plus labelled corpus folders
  cleaner evaluate DIR...     score a model (or leave-one-site-out training) on labelled folders
  (see `cleaner train --help`, `cleaner evaluate --help`)

examples:
  cleaner < scraped.txt > clean.txt
  cleaner --format json a.txt b.txt > articles.jsonl
  cleaner --format tsv page.txt > fixtures/site/page.tsv   # then correct the labels

batch:
  cleaner --input-dir crawl --output-dir clean -j 2        # crawl/a/b.html -> clean/a/b.txt
  cleaner --input-dir crawl --output-dir clean --resume    # after a kill: finish the rest
  cleaner --jsonl corpus.jsonl -j 2 > cleaned.jsonl        # {url, id, text} -> {url, id, title, body, ...}
  cleaner --jsonl --input-dir corpus --output-dir cleaned  # every *.jsonl, same relative paths
  cleaner --input-dir crawl --output-dir clean --timeout 10  # a document past 10 s is reported, the rest goes on
  cleaner --jsonl --input-dir corpus --output-dir cleaned --scheduler tcp://host:8786   # on a Dask cluster

  Every regular file under --input-dir (recursively, sorted; hidden files and folders skipped) is
  written to --output-dir at the same relative path, the format's extension (.txt, .json, .tsv)
  replacing the input's; when two inputs of a folder would get the same name, each keeps its full
  name plus the extension (b.html -> b.html.txt, b.txt -> b.txt.txt).  With --jsonl each record
  needs a "text" (or "html") string; its other fields pass through, the cleaner's fields are added
  (the document itself is not repeated), one output record per cleaned record, in input order;
  a bad record is named on stderr (file:line) and skipped.  --max-bytes bounds each file, or each
  JSON Lines record.  Outputs are written to a hidden temporary file and renamed into place: a
  killed run leaves no partial output, and --resume skips inputs whose output exists.  A progress
  line shows on stderr when it is a terminal; a summary closes the run (both off with -q).
  Site-level chrome (default on): a first pass counts each site's lines (per folder, or per url
  host with --jsonl); body lines found in at least half of at least 5 of a site's documents are
  dropped as chrome (not for stdin, which cannot be read twice).

exit status: 0 ok, 1 some input failed (the rest was written), 2 usage error
"""


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def _filter_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="cleaner",
        description="Strip site chrome from scraped Indonesian news: print each article's own lines.",
        epilog=FILTER_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("files", nargs="*", metavar="FILE", help="scraped text files; '-' or none reads stdin")
    p.add_argument("-f", "--format", choices=("text", "json", "tsv"), default="text",
                   help="text: the body; json: one object per document per line; tsv: every line labelled "
                        "(the fixture format of LABELS.md, one document only)")
    p.add_argument("--explain", action="store_true", help="with --format json, add every line's label and score")
    p.add_argument("--strip-dateline", action="store_true",
                   help="remove the 'JAKARTA, KOMPAS.com - ' lead from the body's first line")
    p.add_argument("--now", metavar="ISO", help="reference time for relative dates such as '2 jam yang lalu'")
    p.add_argument("--glued", action=argparse.BooleanOptionalAction, default=None,
                   help="split lines that hold a whole article (CSV cells) and cut their chrome spans "
                        "(default: when a document looks glued; --glued: always; --no-glued: never)")
    p.add_argument("--model", metavar="DIR", help="a model folder (default: the shipped model)")
    p.add_argument("--max-bytes", type=int, metavar="N", help="refuse inputs larger than N bytes (default 50 MiB)")
    p.add_argument("--input-format", choices=("auto", "text", "html"), default="auto",
                   help="auto (default): an HTML page is told from scraped text by its start; text or html: "
                        "say which it is")
    p.add_argument("-q", "--quiet", action="store_true", help="no messages except errors")
    g = p.add_argument_group("batch", "many documents: a folder tree mirrored, or JSON Lines corpora (see below)")
    g.add_argument("--input-dir", type=Path, metavar="IN",
                   help="clean every file under IN (with --jsonl: every *.jsonl)")
    g.add_argument("--output-dir", type=Path, metavar="OUT",
                   help="write each output to OUT at its input's relative path (created if missing)")
    g.add_argument("--jsonl", action="store_true",
                   help="inputs are JSON Lines records with a 'text' (or 'html') field; output is JSON Lines")
    g.add_argument("-j", "--jobs", type=int, default=1, metavar="N",
                   help="parallel worker processes for --input-dir or --jsonl (default 1; more needs joblib)")
    g.add_argument("--resume", action="store_true", help="with --output-dir, skip inputs whose output exists")
    g.add_argument("--timeout", type=float, metavar="SECONDS",
                   help="give up on a document after SECONDS: it is reported, the run goes on (exit status 1)")
    g.add_argument("--site-chrome", action=argparse.BooleanOptionalAction, default=None,
                   help="first count each site's lines (folder, or url host with --jsonl) and drop body lines "
                        "repeated in most of its documents (default: on; not for stdin)")
    g.add_argument("--scheduler", metavar="ADDRESS",
                   help="run on a Dask cluster, e.g. tcp://10.0.0.5:8786 (needs: pip install 'cleaner[dask]')")
    p.add_argument("--version", action="version", version=f"cleaner {_version()}")
    return p


def _version() -> str:
    from cleaner import __version__

    return __version__


def _train_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="cleaner train", description="Learn a model from labelled documents (needs scikit-learn: "
                "pip install 'cleaner[train]').")
    p.add_argument("corpus", nargs="*", type=Path, help="folders of labelled .tsv documents (e.g. ../shared/corpus)")
    p.add_argument("--fixtures", type=Path, default=Path("fixtures"), help="the project's own labelled documents")
    p.add_argument("--no-fixtures", action="store_true", help="train without the fixtures")
    p.add_argument("-o", "--output", type=Path, default=Path("models"), help="model folder to write (default models/)")
    p.add_argument("-j", "--jobs", type=int, default=1, help="parallel workers for the cross-validated scores")
    p.add_argument("--no-scores", action="store_true", help="skip leave-one-site-out scores in the manifest")
    return p


def _evaluate_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="cleaner evaluate", description="Score the cleaner on labelled documents: body token P/R/F1, "
                "line accuracy, perfect documents and header fields, overall and per site.")
    p.add_argument("corpus", nargs="+", type=Path, help="folders or files of labelled documents")
    p.add_argument("--model", metavar="DIR", help="a model folder (default: the shipped model)")
    p.add_argument("--loso", action="store_true", help="leave one site out: train without each site, score on it")
    p.add_argument("--fixtures", type=Path, default=Path("fixtures"), help="extra training documents for --loso")
    p.add_argument("--glued", action="store_true", help="include glued documents (<id>.gold.txt)")
    p.add_argument("-j", "--jobs", type=int, default=1, help="parallel workers for --loso")
    p.add_argument("--json", action="store_true", help="print the scores as JSON instead of a table")
    p.add_argument("--html", action="store_true",
                   help="score on the HTML pages (<id>.html beside its labelled <id>.tsv) with the HTML model")
    return p


def _message(text: str) -> None:
    print(f"cleaner: {text}", file=sys.stderr)


def _read(name: str, limit: int) -> bytes:
    """The input's bytes; an input above `limit` is refused after reading one byte past it, not all of it."""
    from cleaner.core import InputTooLargeError

    if name == "-":
        data = sys.stdin.buffer.read(limit + 1)
    else:
        with open(name, "rb") as fh:
            data = fh.read(limit + 1)
    if len(data) > limit:
        raise InputTooLargeError(f"input is above the limit of {limit} bytes (--max-bytes)")
    return data


def _utf8_stdout() -> None:
    """Write UTF-8 whatever the locale says: the body is the input's text, and any character of it
    must come out (a latin-1 locale would otherwise stop the filter at the first character it lacks)."""
    reconfigure = getattr(sys.stdout, "reconfigure", None)
    if reconfigure is not None:
        reconfigure(encoding="utf-8")


def _run_filter(args) -> int:
    from cleaner.config import DEFAULT_MAX_BYTES, Config
    from cleaner.core import Cleaner, InputTooLargeError
    from cleaner.decode import NotTextError
    from cleaner.model import ModelError, load
    from cleaner.render import render

    files = args.files or ["-"]
    if args.format == "tsv" and len(files) > 1:
        _message("--format tsv writes one labelled document; give one input")
        return EXIT_USAGE
    try:
        now = datetime.fromisoformat(args.now) if args.now else None
    except ValueError:
        _message(f"--now: not an ISO 8601 time: {args.now!r}")
        return EXIT_USAGE
    if args.max_bytes is not None and args.max_bytes < 1:
        _message("--max-bytes needs a number of bytes of 1 or more")
        return EXIT_USAGE
    config = Config(strip_dateline=args.strip_dateline, now=now,
                    max_bytes=DEFAULT_MAX_BYTES if args.max_bytes is None else args.max_bytes,
                    input_format=args.input_format, glued=args.glued)
    _utf8_stdout()
    if (args.input_dir or args.jsonl or args.output_dir or args.resume or args.jobs != 1 or args.timeout is not None
            or args.scheduler or args.site_chrome is not None):
        return _run_batch(args, config)
    try:
        cleaner = Cleaner(model=load(args.model) if args.model else None, config=config)
    except ModelError as err:
        _message(str(err))
        return EXIT_FAILED
    failed = 0
    out = sys.stdout
    for name in files:
        label = "<stdin>" if name == "-" else name
        try:
            article = cleaner.clean(_read(name, config.max_bytes))
        except (OSError, NotTextError, InputTooLargeError, ModelError) as err:
            failed += 1
            reason = err.strerror if isinstance(err, OSError) and err.strerror else str(err)
            _message(f"{label}: {reason}")
            continue
        out.write(render(article, args.format, args.explain))
    out.flush()
    if failed and not args.quiet:
        _message(f"{failed} of {len(files)} inputs failed")
    return EXIT_FAILED if failed else EXIT_OK


def _batch_usage_error(args) -> str | None:
    """Why these batch options cannot run together, or None."""
    if args.jobs < 1:
        return "-j/--jobs needs a number of workers of 1 or more"
    if args.timeout is not None and not 0 < args.timeout < float("inf"):
        return "--timeout needs a number of seconds above 0"
    if not (args.input_dir or args.jsonl):
        return "-j, --output-dir, --resume, --timeout, --site-chrome, --scheduler apply to --input-dir or --jsonl runs"
    if args.scheduler and args.timeout is not None:
        return "--timeout is not enforced on a Dask cluster (its workers run documents in threads)"
    if args.output_dir and not args.input_dir:
        return "--output-dir needs --input-dir (a JSON Lines FILE goes to stdout)"
    if args.resume and not args.output_dir:
        return "--resume needs --output-dir: it skips inputs whose output file exists"
    if args.jsonl and args.format == "tsv":
        return "--format tsv is one labelled document; --jsonl writes JSON Lines"
    if args.input_dir is None:
        return None
    if args.files:
        return "give either --input-dir or FILE arguments, not both"
    if not args.input_dir.is_dir():
        return f"--input-dir: not a folder: {args.input_dir}"
    if not args.jsonl and not args.output_dir:
        return "--input-dir needs --output-dir (or --jsonl, to write all records to stdout)"
    if args.output_dir and args.output_dir.exists() and not args.output_dir.is_dir():
        return f"--output-dir: not a folder: {args.output_dir}"
    if args.output_dir and args.output_dir.resolve() == args.input_dir.resolve():
        return "--output-dir must not be --input-dir: outputs would overwrite or mix with the inputs"
    return None


def _run_batch(args, config) -> int:
    from cleaner import batch
    from cleaner.model import ModelError

    problem = _batch_usage_error(args)
    if problem is None and (args.jobs > 1 or args.timeout is not None) and not args.scheduler:
        try:
            import joblib  # noqa: F401
        except ImportError:
            problem = "-j above 1 and --timeout need joblib: pip install joblib"
    if problem is None and args.scheduler:
        try:
            import distributed  # noqa: F401
        except ImportError:
            problem = "--scheduler needs Dask: pip install 'cleaner[dask]'"
    if problem:
        _message(problem)
        return EXIT_USAGE
    model_dir = str(Path(args.model).resolve()) if args.model else None
    try:
        # Checked once here, so a bad model is one clear message rather than one per document.
        batch.worker_cleaner(model_dir, config)
    except ModelError as err:
        _message(str(err))
        return EXIT_FAILED
    settings = batch.Settings(config=config, model_dir=model_dir, fmt=args.format, explain=args.explain,
                              resume=args.resume, timeout=args.timeout)
    site_chrome = batch.SITE_CHROME if args.site_chrome is None else args.site_chrome
    try:
        pool = batch.DaskPool(args.scheduler) if args.scheduler else None
    except (OSError, ValueError) as err:
        _message(f"--scheduler: cannot reach {args.scheduler}: {err}")
        return EXIT_FAILED
    reporter = batch.Reporter(quiet=args.quiet)
    try:
        if not args.jsonl:
            summary = batch.run_directory(args.input_dir, args.output_dir, settings, args.jobs, reporter, site_chrome,
                                          pool)
        else:
            sources = (batch.jsonl_sources_in(args.input_dir, args.output_dir) if args.input_dir
                       else batch.jsonl_sources(args.files or ["-"]))
            if args.site_chrome and not args.input_dir and "-" in (args.files or ["-"]):
                _message("--site-chrome: records from stdin are cleaned without it (stdin cannot be read twice)")
            sys.stdout.flush()
            summary = batch.run_jsonl(sources, settings, args.jobs, sys.stdout.buffer, reporter, site_chrome, pool)
    finally:
        if pool is not None:
            pool.close()
    return EXIT_FAILED if summary.failed else EXIT_OK


def _labelled(paths, glued: bool = False) -> list:
    from cleaner.fixtures import iter_docs

    return list(iter_docs(*paths, glued=glued))


def _run_train(args) -> int:
    try:
        from cleaner import model, train
    except ImportError as err:
        _message(f"training needs scikit-learn ({err}); pip install 'cleaner[train]'")
        return EXIT_FAILED
    roots = list(args.corpus)
    if not args.no_fixtures:
        if not args.fixtures.is_dir():
            _message(f"no fixtures folder at {args.fixtures} (give --fixtures DIR or --no-fixtures)")
            return EXIT_USAGE
        roots.insert(0, args.fixtures)
    missing = [str(r) for r in roots if not r.exists()]
    if missing:
        _message(f"not found: {', '.join(missing)}")
        return EXIT_USAGE
    docs = _labelled(roots)
    if not docs:
        _message("no labelled documents found")
        return EXIT_USAGE
    _message(f"training on {len(docs)} documents from {len({d.site for d in docs})} sites")
    fitted = train.fit(docs)
    if not args.no_scores and args.corpus:
        from cleaner.evaluate import loso

        corpus_docs = _labelled(args.corpus)
        fixtures = [] if args.no_fixtures else _labelled([args.fixtures])
        _message("leave-one-site-out scores for the manifest ...")
        report = loso(corpus_docs, fixtures, jobs=args.jobs)
        fitted = train.with_scores(fitted, report.as_dict())
    model.save(fitted, args.output)
    _message(f"model written to {args.output}")
    glued_docs = [d for d in _labelled(roots, glued=True) if d.gold_body is not None]
    if glued_docs:
        _train_spans(args, fitted, docs, glued_docs)
    _train_html(args)
    return EXIT_OK


def _train_html(args) -> None:
    """The HTML model (models/html), when labelled pages (<id>.html beside <id>.tsv) are among the inputs."""
    from cleaner import train_html
    from cleaner.core import HTML_MODEL_FOLDER

    fixtures = None if args.no_fixtures else args.fixtures
    pages = train_html.iter_pages(*args.corpus, *([fixtures] if fixtures else []))
    if not pages:
        return
    _message(f"HTML model: {len(pages)} labelled pages ...")
    train_html.train_and_save(args.corpus, args.output / HTML_MODEL_FOLDER, fixtures, jobs=args.jobs,
                              scores=not args.no_scores)
    _message(f"HTML model written to {args.output / HTML_MODEL_FOLDER}")


def _train_spans(args, line_model, line_docs, glued_docs) -> None:
    """The span model of glued documents (models/spans), when glued documents are among the inputs."""
    from cleaner import train_spans

    _message(f"span model: {len(glued_docs)} glued documents and glued copies of the others ...")
    prepared = train_spans.prepare_all(glued_docs, line_docs)
    scores = None
    corpus_glued = [] if args.no_scores else [d for d in _labelled(args.corpus, glued=True) if d.gold_body is not None]
    if corpus_glued:
        _message("leave-one-site-out scores of the span model ...")
        overall, sites, _ = train_spans.loso(corpus_glued, prepared, line_model=line_model)
        scores = train_spans.scores_dict(overall, sites)
    train_spans.save(train_spans.fit(prepared), args.output / "spans", scores)
    _message(f"span model written to {args.output / 'spans'}")


def _run_evaluate(args) -> int:
    from cleaner.core import Cleaner
    from cleaner.model import ModelError, load

    missing = [str(r) for r in args.corpus if not r.exists()]
    if missing:
        _message(f"not found: {', '.join(missing)}")
        return EXIT_USAGE
    if args.html:
        return _run_evaluate_html(args)
    docs = _labelled(args.corpus, glued=args.glued)
    if not docs:
        _message("no labelled documents found")
        return EXIT_USAGE
    if args.loso:
        from cleaner.evaluate import loso

        fixtures = _labelled([args.fixtures], glued=args.glued) if args.fixtures.is_dir() else []
        report = loso(docs, fixtures, jobs=args.jobs)
    else:
        from cleaner.evaluate import evaluate

        try:
            cleaner = Cleaner(model=load(args.model) if args.model else None)
        except ModelError as err:
            _message(str(err))
            return EXIT_FAILED
        report = evaluate(docs, cleaner.clean)
    print(json.dumps(report.as_dict(), indent=2) if args.json else report.table())
    return EXIT_OK


def _run_evaluate_html(args) -> int:
    from cleaner import train_html
    from cleaner.config import Config
    from cleaner.core import Cleaner
    from cleaner.domfeatures import DENSE_WIDTH
    from cleaner.model import ModelError, load

    pages = train_html.iter_pages(*args.corpus)
    if not pages:
        _message("no labelled HTML pages found (<id>.html beside <id>.tsv)")
        return EXIT_USAGE
    if args.loso:
        try:
            import sklearn  # noqa: F401
        except ImportError as err:
            _message(f"--loso needs scikit-learn ({err}); pip install 'cleaner[train]'")
            return EXIT_FAILED
        extra = train_html.iter_pages(args.fixtures) if args.fixtures.is_dir() else []
        report = train_html.loso(pages, extra, jobs=args.jobs)
    else:
        try:
            html_model = load(args.model, dense_features=DENSE_WIDTH) if args.model else None
            cleaner = Cleaner(html_model=html_model, config=Config(input_format="html"))
        except ModelError as err:
            _message(str(err))
            return EXIT_FAILED
        report = train_html.evaluate_pages(pages, cleaner)
    print(json.dumps(report.as_dict(), indent=2) if args.json else report.table())
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    try:
        if argv and argv[0] == "train":
            return _run_train(_train_parser().parse_args(argv[1:]))
        if argv and argv[0] == "evaluate":
            return _run_evaluate(_evaluate_parser().parse_args(argv[1:]))
        from cleaner.config import BLAS_THREAD_VARIABLES

        for name in BLAS_THREAD_VARIABLES:
            os.environ.setdefault(name, "1")
        return _run_filter(_filter_parser().parse_args(argv))
    except BrokenPipeError:
        # A closed pipe (`cleaner ... | head`) is the reader's choice, not an error: end quietly.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK
    except KeyboardInterrupt:
        return 130
