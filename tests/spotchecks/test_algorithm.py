"""The pure draw: reproducible from public inputs, rates and minimums at small and large populations."""
from __future__ import annotations

import hashlib
from datetime import date
from decimal import Decimal

import pytest

from grants.services.spotchecks import canonical_inputs, draw_sample, pick_inspectors, sample_size, seed_of

DAY = date(2026, 11, 28)


def test_seed_is_sha256_of_the_printed_canonical_text():
    text = canonical_inputs(DAY, [30, 4, 4, 12], "nonce-1")
    assert text == "spotcheck-v1|2026-11-28|4,12,30|nonce-1"
    assert seed_of(DAY, [12, 30, 4], "nonce-1") == hashlib.sha256(text.encode()).hexdigest()


def test_same_inputs_same_sample_in_any_order():
    ids = list(range(1, 301))
    a = draw_sample(DAY, ids, "n1", 5, Decimal("0.5"))
    b = draw_sample(DAY, list(reversed(ids)), "n1", 5, Decimal("0.5"))
    assert a == b
    assert len(a.document) == 15 and len(a.onsite) == 2


def test_different_nonce_or_date_gives_a_different_sample():
    ids = list(range(1, 1001))
    base = draw_sample(DAY, ids, "n1", 5, Decimal("0.5")).document
    assert draw_sample(DAY, ids, "n2", 5, Decimal("0.5")).document != base
    assert draw_sample(date(2026, 11, 29), ids, "n1", 5, Decimal("0.5")).document != base


def test_the_sample_is_the_lowest_hashes_anyone_can_recompute():
    ids = list(range(1, 101))
    sample = draw_sample(DAY, ids, "open", 5, Decimal("0.5"))
    seed = hashlib.sha256(f"spotcheck-v1|2026-11-28|{','.join(map(str, ids))}|open".encode()).hexdigest()
    by_hash = sorted(ids, key=lambda i: hashlib.sha256(f"{seed}|document|{i}".encode()).hexdigest())
    assert sample.document == by_hash[:5]
    onsite = sorted(by_hash[:5], key=lambda i: hashlib.sha256(f"{seed}|onsite|{i}".encode()).hexdigest())
    assert sample.onsite == onsite[:1]
    eligible = [3, 1, 2, 9]
    assert pick_inspectors(seed, 7, eligible, 2) == sorted(
        eligible, key=lambda i: hashlib.sha256(f"{seed}|inspector|7|{i}".encode()).hexdigest())[:2]


@pytest.mark.parametrize(("n", "document", "onsite"), [
    (0, 0, 0), (1, 1, 1), (5, 1, 1), (19, 1, 1), (20, 1, 1), (21, 2, 1), (200, 10, 1), (201, 11, 2),
    (4600, 230, 23),
])
def test_rates_and_minimums(n, document, onsite):
    assert sample_size(n, Decimal("5")) == document
    assert sample_size(n, Decimal("0.5")) == onsite
    if n:
        sample = draw_sample(DAY, range(1, n + 1), "x", Decimal("5"), Decimal("0.5"))
        assert len(sample.document) == document and len(sample.onsite) == onsite
        assert set(sample.onsite) <= set(sample.document)
        assert len(sample.document) / n >= 0.05 and len(sample.onsite) / n >= 0.005


def test_higher_rates_and_never_more_than_the_population():
    assert sample_size(3, Decimal("100")) == 3
    assert sample_size(200, Decimal("12.5")) == 25
    assert sample_size(1000, Decimal("0.55")) == 6
