"""The known-item relevance benchmark, small: on 200 synthetic articles the
edition's search (its real engine, in Chromium) must find what a reader remembers
at least as well as Pagefind does on the same built site, and misspelt queries
must still find their article. ``make bench`` runs the full one
(devtools/relevance.py; the figures are in docs/search.md)."""

from __future__ import annotations

import random
from typing import Any

import pytest

from devtools import relevance
from devtools.relevance import Score, misspell


def by(scores: list[Score], engine: str, kind: str) -> Score:
    (found,) = [s for s in scores if s.engine == engine and s.kind == kind]
    return found


@pytest.mark.browser
@pytest.mark.slow
def test_the_edition_finds_remembered_articles_at_least_as_well_as_pagefind(
    browser: Any,
) -> None:
    result = relevance.measure(200, 80, seed=3, browser=browser)
    kinds = {q.kind for q in result.queries}
    assert kinds == set(relevance.KINDS)
    scores = result.scores
    print(relevance.table(scores))
    ours, theirs = by(scores, "edition", "all but typo"), by(scores, "pagefind", "all but typo")
    assert ours.queries >= 150
    assert ours.success_at_10 >= theirs.success_at_10
    assert ours.mrr >= theirs.mrr
    typo = by(scores, "edition", "typo")
    assert typo.queries >= 40
    assert typo.success_at_10 >= 0.8


def test_a_misspelling_is_one_edit_away_and_not_a_word_of_the_archive() -> None:
    rng = random.Random(0)
    vocabulary = {"corbyn", "corbin", "momentum"}
    for _ in range(200):
        wrong = misspell("Corbyn", rng, vocabulary)
        assert wrong is not None and wrong[0] == "C"
        assert wrong.lower() not in vocabulary
        assert abs(len(wrong) - len("Corbyn")) <= 1
