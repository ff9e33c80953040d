"""Properties of the pure assignment algorithm (grants.services.assignment.assign)."""
from __future__ import annotations

from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from grants.services.assignment import assign


@st.composite
def panels(draw, with_conflicts=True):
    n_p = draw(st.integers(0, 40))
    n_r = draw(st.integers(0, 12))
    k = draw(st.integers(0, 6))
    proposals = list(range(100, 100 + n_p))
    reviewers = list(range(1, 1 + n_r))
    conflicts = set()
    if with_conflicts and n_p and n_r:
        conflicts = draw(st.sets(st.tuples(st.sampled_from(proposals), st.sampled_from(reviewers)), max_size=60))
    seed = draw(st.integers(0, 2**31))
    return proposals, reviewers, k, conflicts, seed


def _check_exact_or_explained(proposals, reviewers, k, conflicts, result):
    per_proposal = Counter(p for p, _r in result.pairs)
    short = {s.proposal_id: s for s in result.shortfalls}
    for p in proposals:
        eligible = len([r for r in reviewers if (p, r) not in conflicts])
        if p in short:
            s = short[p]
            assert per_proposal[p] == s.assigned < k
            # a shortfall only when the conflict-free reviewers run out, and it says so
            assert s.assigned == eligible
            assert s.panel_size == len(reviewers)
            assert s.conflicted == len([r for r in reviewers if (p, r) in conflicts])
            assert s.missing == k - eligible
        else:
            assert per_proposal[p] == k


@settings(max_examples=150, deadline=None)
@given(panels())
def test_exactly_k_or_explained_shortfall_and_never_conflicted(data):
    proposals, reviewers, k, conflicts, seed = data
    result = assign(proposals, reviewers, k, conflicts, seed=seed)
    assert not set(result.pairs) & conflicts
    assert len(set(result.pairs)) == len(result.pairs)  # nobody twice on one proposal
    assert all(r in reviewers and p in proposals for p, r in result.pairs)
    _check_exact_or_explained(proposals, reviewers, k, conflicts, result)


@settings(max_examples=150, deadline=None)
@given(panels(with_conflicts=False))
def test_balanced_without_conflicts(data):
    proposals, reviewers, k, _conflicts, seed = data
    result = assign(proposals, reviewers, k, (), seed=seed)
    if reviewers:
        loads = Counter({r: 0 for r in reviewers})
        loads.update(r for _p, r in result.pairs)
        assert max(loads.values()) - min(loads.values()) <= 1
        assert result.loads == dict(loads)


@settings(max_examples=60, deadline=None)
@given(panels())
def test_deterministic_for_a_seed(data):
    proposals, reviewers, k, conflicts, seed = data
    first = assign(proposals, reviewers, k, conflicts, seed=seed)
    again = assign(list(proposals), list(reviewers), k, set(conflicts), seed=seed)
    assert first.pairs == again.pairs
    assert first.shortfalls == again.shortfalls


@settings(max_examples=80, deadline=None)
@given(panels(), st.data())
def test_existing_assignments_are_kept_and_only_gaps_filled(data, more):
    proposals, reviewers, k, conflicts, seed = data
    if not proposals or not reviewers:
        return
    existing = more.draw(st.sets(st.tuples(st.sampled_from(proposals), st.sampled_from(reviewers)), max_size=20))
    existing -= conflicts
    result = assign(proposals, reviewers, k, conflicts, seed=seed, existing=existing)
    assert not set(result.pairs) & existing
    assert not set(result.pairs) & conflicts
    have = Counter(p for p, _r in existing)
    new = Counter(p for p, _r in result.pairs)
    short = {s.proposal_id for s in result.shortfalls}
    for p in proposals:
        if have[p] >= k:
            assert new[p] == 0
        elif p not in short:
            assert have[p] + new[p] == k


def test_hand_example_balance_and_shortfall_message_data():
    # 4 proposals, 3 reviewers, k=2; reviewer 1 conflicts with proposal 10 and 11.
    result = assign([10, 11, 12, 13], [1, 2, 3], 2, {(10, 1), (11, 1)}, seed=7)
    assert result.complete
    assert sorted(r for p, r in result.pairs if p == 10) == [2, 3]
    assert sorted(r for p, r in result.pairs if p == 11) == [2, 3]
    # 8 slots over 3 reviewers: reviewer 1 can take only 12 and 13, so loads are 2, 3, 3
    assert sorted(result.loads.values()) == [2, 3, 3]

    short = assign([10], [1, 2, 3], 3, {(10, 1)}, seed=1)
    (s,) = short.shortfalls
    assert (s.proposal_id, s.assigned, s.needed, s.panel_size, s.conflicted) == (10, 2, 3, 3, 1)


def test_different_seeds_spread_ties_differently():
    outcomes = {tuple(assign([1], list(range(1, 11)), 1, (), seed=s).pairs) for s in range(20)}
    assert len(outcomes) > 1
