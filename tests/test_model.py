"""The shipped model: plain arrays + manifest, verified on load; training seeded and deterministic."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from cleaner import features
from cleaner import model as model_io
from cleaner.fixtures import iter_docs

from .conftest import FIXTURES


@pytest.fixture()
def model_copy(tmp_path) -> Path:
    src = model_io.default_folder()
    for name in (model_io.ARRAYS_FILE, model_io.MANIFEST_FILE):
        shutil.copyfile(str(src.joinpath(name)), tmp_path / name)
    return tmp_path


def test_shipped_model_loads_and_records_its_provenance():
    m = model_io.load()
    man = m.manifest
    assert man["feature_version"] == features.FEATURE_VERSION
    for key in ("labels", "training", "library_versions", "sha256", "params"):
        assert key in man
    assert man["training"]["fingerprint"] and man["training"]["documents"] >= 40


def test_tampered_arrays_are_refused(model_copy):
    path = model_copy / model_io.ARRAYS_FILE
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(model_io.ModelError, match="checksum"):
        model_io.load(model_copy)


def test_truncated_model_is_refused(model_copy):
    path = model_copy / model_io.ARRAYS_FILE
    path.write_bytes(path.read_bytes()[:100])
    with pytest.raises(model_io.ModelError):
        model_io.load(model_copy)


def test_other_feature_version_is_refused_with_a_retrain_hint(model_copy):
    man_path = model_copy / model_io.MANIFEST_FILE
    man = json.loads(man_path.read_text())
    man["feature_version"] = features.FEATURE_VERSION + 1
    man_path.write_text(json.dumps(man))
    with pytest.raises(model_io.ModelError, match="retrain"):
        model_io.load(model_copy)


def test_missing_model_folder_is_a_clear_error(tmp_path):
    with pytest.raises(model_io.ModelError, match="cannot read"):
        model_io.load(tmp_path / "nothing")


def test_training_is_deterministic(tmp_path):
    pytest.importorskip("sklearn")
    from cleaner import train

    docs = list(iter_docs(FIXTURES))
    params = train.Params(stack_folds=2)
    model_io.save(train.fit(docs, params), tmp_path / "a")
    model_io.save(train.fit(docs, params), tmp_path / "b")
    assert (tmp_path / "a" / model_io.ARRAYS_FILE).read_bytes() == (tmp_path / "b" / model_io.ARRAYS_FILE).read_bytes()


def _label_with(monkeypatch, probs: list[list[float]], lengths: list[int]) -> list[str]:
    """The shipped model's decoding of lines whose label probabilities are `probs`."""
    model = model_io.load()
    monkeypatch.setattr(model_io.Model, "probabilities", lambda self, feats: np.array(probs))
    feats = SimpleNamespace(dense=np.zeros((len(probs), 1)), lengths=np.array(lengths))
    path, _ = model.label(feats)
    return [model_io.LABELS[i] for i in path]


# title, meta, body, caption, chrome: every line likelier chrome than body, the second one the
# likeliest body of them.
_NO_BODY = [[0.01, 0.01, 0.10, 0.01, 0.87], [0.01, 0.01, 0.30, 0.01, 0.67], [0.01, 0.01, 0.20, 0.01, 0.77]]


def test_a_page_without_an_article_keeps_no_caption(monkeypatch):
    # A gallery page: the likeliest body line is one caption, and a longer caption stands beside it.
    assert "body" not in _label_with(monkeypatch, _NO_BODY, [40, 170, 250])


def test_a_one_paragraph_story_is_kept_when_it_scores_below_chrome(monkeypatch):
    assert _label_with(monkeypatch, _NO_BODY, [40, 149, 138]) == ["chrome", "body", "chrome"]
    assert _label_with(monkeypatch, _NO_BODY, [40, 5000, 138])[1] == "body"
@pytest.mark.parametrize("labels", [1, 2, 5, 7, 8, 12])
def test_softmax_gives_the_bits_of_the_textbook_formula(labels):
    import numpy as np

    rng = np.random.default_rng(labels)
    for lines in (0, 1, 3, 400):
        logits = rng.normal(scale=rng.choice([0.01, 1.0, 30.0]), size=(lines, labels))
        z = np.exp(logits - logits.max(axis=1, keepdims=True))
        want = z / z.sum(axis=1, keepdims=True)
        got = model_io.softmax(logits)
        assert got.shape == want.shape and got.flags.c_contiguous
        assert np.array_equal(got, want)


def test_main_block_skips_closed_stretches_without_changing_the_answer():
    import numpy as np

    def full_scan(body):
        best, best_span, total, start = 0.0, (0, -1), 0.0, 0
        for i, value in enumerate((body - 0.5).tolist()):
            if total <= 0:
                total, start = 0.0, i
            total += value
            if total > best:
                best, best_span = total, (start, i)
        return best_span

    rng = np.random.default_rng(11)
    near_half = [0.5, 0.5 + 2**-52, 0.5 - 2**-53, 1.0, 0.0]
    for k in range(4000):
        n = int(rng.integers(0, 60))
        body = (rng.random(n), rng.choice([0.0, 0.25, 0.5, 0.75, 1.0], size=n), rng.choice(near_half, size=n),
                np.clip(rng.normal(0.5, 0.01, size=n), 0, 1))[k % 4]
        assert model_io._main_block(body) == full_scan(body)


def test_one_title_as_the_mask_by_mask_definition():
    import numpy as np

    from cleaner.fixtures import LABELS

    title, body, chrome = LABELS.index("title"), LABELS.index("body"), LABELS.index("chrome")

    def by_masks(path, probs, lengths):
        positions = np.arange(len(path))
        body_lines = positions[path == body]
        if len(body_lines):
            near = (positions <= body_lines[0]) & (positions >= body_lines[0] - model_io.TITLE_SEARCH_LINES)
        else:
            near = positions >= 0  # no paragraph: the whole page
        p_title = np.where((lengths <= model_io.TITLE_MAX_CHARS) & near, probs[:, title], 0.0)
        best = int(p_title.argmax())
        path[(path == title) & (positions != best)] = chrome
        if p_title[best] >= model_io.TITLE_MIN_PROB and (path[best] != body or p_title[best] > probs[best, body]):
            path[best] = title

    rng = np.random.default_rng(5)
    for k in range(3000):
        n = int(rng.integers(1, 120))
        path = rng.choice(len(LABELS), size=n, p=rng.dirichlet(np.ones(len(LABELS))))
        probs = rng.dirichlet(np.ones(len(LABELS)), size=n)
        if k % 3 == 0:
            probs[:, title] = rng.choice([0.0, model_io.TITLE_MIN_PROB, 0.3], size=n)
        lengths = rng.choice([50.0, 200.0, 201.0, 500.0], size=n)
        want, got = path.copy(), path.copy()
        by_masks(want, probs, lengths)
        model_io.Model._one_title(got, probs, lengths)
        assert np.array_equal(want, got)


def test_a_caption_is_not_taken_for_the_story(monkeypatch):
    # The longest line, decoded as a caption (caption likelier than chrome): not the page's story.
    captioned = [[0.01, 0.01, 0.10, 0.01, 0.87], [0.01, 0.01, 0.30, 0.60, 0.08], [0.01, 0.01, 0.20, 0.01, 0.77]]
    assert "body" not in _label_with(monkeypatch, captioned, [40, 300, 138])
