import numpy as np
import pytest

from cleaner.sequence import viterbi, viterbi_full


@pytest.mark.parametrize("seed", range(40))
def test_pruned_viterbi_finds_the_textbook_path(seed):
    rng = np.random.default_rng(seed)
    n, k = int(rng.integers(1, 60)), 5
    emissions = rng.normal(0, rng.choice([0.2, 1.0, 4.0]), size=(n, k))
    emissions[rng.random(n) < 0.1, 0] = -np.inf  # masked labels, as for over-long titles
    transitions = np.log(rng.dirichlet(np.ones(k), size=k)) * rng.choice([0.1, 0.3, 1.0])
    start = np.log(rng.dirichlet(np.ones(k)))
    assert viterbi(emissions, transitions, start).tolist() == viterbi_full(emissions, transitions, start).tolist()


def test_transitions_carry_context():
    # A weak "body" line between two strong "chrome" lines follows its neighbours when staying costs.
    emissions = np.log(np.array([[0.05, 0.95], [0.55, 0.45], [0.05, 0.95]]))
    transitions = np.log(np.array([[0.5, 0.5], [0.1, 0.9]]))
    start = np.log(np.array([0.5, 0.5]))
    assert viterbi(emissions, transitions, start).tolist() == [1, 1, 1]


def test_empty_document():
    assert viterbi(np.zeros((0, 5)), np.zeros((5, 5)), np.zeros(5)).tolist() == []
