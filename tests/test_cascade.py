"""Default cascade (docs/model.md §5.6, Furfine 2003): rounds of defaults with loss given default,
failing on losses >= capital (rule "ge", the default) or > capital (rule "gt", Furfine's).
Hand-worked arithmetic is in the comments; a plain-Python reference checks random networks.

Conventions: an unbatched initial set [N] gives [N] fields and scalars per scenario; [B, N]
gives [B, ...]; every result carries ``status`` and ``converged == (status == OK)``."""
import jax
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stressgpu._types import Status
from stressgpu.channels.cascade import CascadeResult, default_cascade

N_RANDOM = 8  # one network size for the property tests: one compilation
PROPERTY = settings(max_examples=25, deadline=None)


def _four():
    # Claims X[creditor, debtor] (USD bn):
    #   B(1) lends 10 to A(0);  C(2) lends 2 to A and 8 to B;  D(3) lends 6 to C and 2 to B;
    #   A lends 3 to D.        Capital: A 1, B 4, C 4.5, D 5.
    x = np.zeros((4, 4))
    x[1, 0] = 10.0
    x[2, 0], x[2, 1] = 2.0, 8.0
    x[3, 2], x[3, 1] = 6.0, 2.0
    x[0, 3] = 3.0
    return x, np.array([1.0, 4.0, 4.5, 5.0])


def _random_network(rng, n):
    """Sparse claims with capital a random share of each creditor's claims: cascades happen."""
    mask = rng.random((n, n)) < min(1.0, 4.0 / n)
    x = np.where(mask, rng.lognormal(0.0, 1.0, (n, n)), 0.0)
    np.fill_diagonal(x, 0.0)
    capital = rng.uniform(0.05, 0.8) * x.sum(axis=1) * rng.uniform(0.2, 1.0, n) + 0.01
    return x, capital, rng.uniform(0.2, 1.0, n)


def _reference_cascade(x, capital, initial, lgd, rule="ge"):
    """Furfine's rounds written out with Python sets and loops, one scenario."""
    n = len(capital)
    defaulted = {j for j in range(n) if initial[j]}
    default_round = {j: 0 for j in defaulted}
    rnd = 0
    while True:
        new = set()
        for i in range(n):
            if i in defaulted:
                continue
            loss = sum(lgd[j] * x[i][j] for j in defaulted if j != i)
            hit = loss >= capital[i] if rule == "ge" else loss > capital[i]
            if hit and loss > 0:
                new.add(i)
        if not new:
            break
        rnd += 1
        for i in new:
            default_round[i] = rnd
        defaulted |= new
    losses = [sum(lgd[j] * x[i][j] for j in defaulted if j != i) for i in range(n)]
    rounds = [default_round.get(i, -1) for i in range(n)]
    return rounds, losses, rnd


# --------------------------------------------------------------------------- hand-worked


def test_four_nodes_hand_worked():
    # A defaults in round 0; lgd = 0.5 on every claim.
    # Round 1: B loses 0.5 * 10 = 5 >= 4 -> defaults.  C loses 0.5 * 2 = 1 < 4.5.
    #          D loses 0 (A owes D nothing).
    # Round 2: C loses 1 + 0.5 * 8 = 5 >= 4.5 -> defaults.  D loses 0.5 * 2 = 1 < 5.
    # Round 3: D loses 1 + 0.5 * 6 = 4 < 5 -> survives; nothing new: the cascade stops.
    # A's claim on D is not written off (D survives): A's loss 0.
    x, k = _four()
    res = default_cascade(x, k, np.array([True, False, False, False]), lgd=0.5)
    assert isinstance(res, CascadeResult)
    assert res.default_round.tolist() == [0, 1, 2, -1]
    assert res.defaulted.tolist() == [True, True, True, False]
    np.testing.assert_allclose(res.losses, [0.0, 5.0, 5.0, 4.0], rtol=0, atol=1e-15)
    assert int(res.depth) == 2
    assert bool(res.converged) and int(res.status) == Status.OK


def test_rule_ge_versus_gt_at_equality():
    # As _four() but B's capital is 5, exactly its round-1 loss 0.5 * 10 = 5.
    # "ge" (loss >= capital): B defaults in round 1; round 2: C loses 1 + 0.5 * 8 = 5 >= 4.5 ->
    #      defaults; round 3: D loses 0.5 * 2 + 0.5 * 6 = 4 < 5 -> stops. Depth 2.
    # "gt" (loss > capital, Furfine): 5 > 5 is false, B survives; C loses 0.5 * 2 = 1 < 4.5;
    #      nothing new: depth 0, losses (0, 5, 1, 0).
    x, k = _four()
    k[1] = 5.0
    start = np.array([True, False, False, False])
    ge = default_cascade(x, k, start, lgd=0.5, rule="ge")
    assert ge.default_round.tolist() == [0, 1, 2, -1] and int(ge.depth) == 2
    np.testing.assert_allclose(ge.losses, [0.0, 5.0, 5.0, 4.0], rtol=0, atol=1e-15)
    gt = default_cascade(x, k, start, lgd=0.5, rule="gt")
    assert gt.default_round.tolist() == [0, -1, -1, -1] and int(gt.depth) == 0
    np.testing.assert_allclose(gt.losses, [0.0, 5.0, 1.0, 0.0], rtol=0, atol=1e-15)
    assert int(gt.status) == Status.OK and int(ge.status) == Status.OK
    # The default rule is "ge"; an unknown rule is refused.
    assert default_cascade(x, k, start, lgd=0.5).default_round.tolist() == [0, 1, 2, -1]
    with pytest.raises(ValueError, match="rule"):
        default_cascade(x, k, start, lgd=0.5, rule="geq")


def test_four_nodes_per_debtor_lgd():
    # lgd by debtor: A 0.5, B 0.5, C 0.25, D 1. Rounds 1-2 as above; in round 3 D loses
    # 0.5 * 2 + 0.25 * 6 = 2.5. With lgd(C) = 1 D would lose 1 + 6 = 7 >= 5 and default.
    x, k = _four()
    start = np.array([True, False, False, False])
    res = default_cascade(x, k, start, lgd=np.array([0.5, 0.5, 0.25, 1.0]))
    assert res.default_round.tolist() == [0, 1, 2, -1]
    np.testing.assert_allclose(res.losses, [0.0, 5.0, 5.0, 2.5], rtol=0, atol=1e-15)
    res = default_cascade(x, k, start, lgd=np.array([0.5, 0.5, 1.0, 1.0]))
    # Round 3: D defaults; A then loses 1 * 3 = 3 on D, but A is already defaulted.
    assert res.default_round.tolist() == [0, 1, 2, 3]
    np.testing.assert_allclose(res.losses, [3.0, 5.0, 5.0, 7.0], rtol=0, atol=1e-15)
    assert int(res.depth) == 3


def test_round_cap_is_reported_exactly():
    x, k = _four()
    start = np.array([True, False, False, False])
    # Stopped after round 1 while C would default in round 2.
    capped = default_cascade(x, k, start, lgd=0.5, max_rounds=1)
    assert capped.default_round.tolist() == [0, 1, -1, -1]
    assert int(capped.depth) == 1 and not bool(capped.converged)
    assert int(capped.status) == Status.MAX_STEPS
    # A cap equal to the depth is enough: the cascade is over, and the result says so.
    exact = default_cascade(x, k, start, lgd=0.5, max_rounds=2)
    assert exact.default_round.tolist() == [0, 1, 2, -1]
    assert bool(exact.converged) and int(exact.status) == Status.OK
    # No round allowed while B would default in round 1: the cap is hit at once.
    none = default_cascade(x, k, start, lgd=0.5, max_rounds=0)
    assert none.default_round.tolist() == [0, -1, -1, -1] and int(none.status) == Status.MAX_STEPS


def test_non_positive_capital_defaults_on_first_loss_only():
    # D has capital 0: nothing hits it when nobody defaults, so it stays up; any loss topples it.
    x, k = _four()
    k[3] = 0.0
    quiet = default_cascade(x, k, np.zeros(4, bool), lgd=0.5)
    assert quiet.defaulted.tolist() == [False] * 4 and int(quiet.depth) == 0
    hit = default_cascade(x, k, np.array([False, False, True, False]), lgd=0.5)
    # Round 1: D loses 0.5 * 6 = 3 > 0 on C -> defaults.
    # Round 2: A loses 0.5 * 3 = 1.5 >= 1 on D -> defaults.
    # Round 3: B loses 0.5 * 10 = 5 >= 4 on A -> defaults.
    assert hit.default_round.tolist() == [2, 3, 0, 1]
    assert int(hit.depth) == 3 and bool(hit.converged)


def test_unbatched_input_gives_unbatched_results():
    x, k = _four()
    res = default_cascade(x, k, np.array([True, False, False, False]))
    assert res.defaulted.shape == (4,) and res.losses.shape == (4,)
    assert res.depth.shape == () and res.converged.shape == () and res.status.shape == ()
    assert res.status.dtype == np.int32
    batched = default_cascade(x, k, np.array([[True, False, False, False]]))
    assert batched.defaulted.shape == (1, 4) and batched.depth.shape == (1,)
    assert batched.status.shape == (1,)
    with pytest.raises(ValueError, match="self-loop"):
        default_cascade(x + np.eye(4), k, np.array([True, False, False, False]))


# --------------------------------------------------------------------------- properties


def test_zero_lgd_means_no_contagion():
    rng = np.random.default_rng(0)
    x, k, _ = _random_network(rng, N_RANDOM)
    start = rng.random((5, N_RANDOM)) < 0.4
    res = default_cascade(x, k, start, lgd=0.0)
    np.testing.assert_array_equal(res.defaulted, start)
    np.testing.assert_array_equal(res.default_round, np.where(start, 0, -1))
    np.testing.assert_array_equal(res.losses, 0.0)
    assert res.depth.tolist() == [0] * 5 and res.converged.all() and np.all(res.status == Status.OK)


@PROPERTY
@given(seed=st.integers(0, 2**32 - 1))
def test_more_initial_defaults_never_fewer_final_defaults(seed):
    rng = np.random.default_rng(seed)
    x, k, lgd = _random_network(rng, N_RANDOM)
    start = rng.random((4, N_RANDOM)) < 0.2
    more = start | (rng.random((4, N_RANDOM)) < 0.2)
    small = default_cascade(x, k, start, lgd=lgd)
    large = default_cascade(x, k, more, lgd=lgd)
    assert small.converged.all() and large.converged.all()
    assert (np.asarray(large.defaulted) >= np.asarray(small.defaulted)).all()
    assert (np.asarray(large.losses) >= np.asarray(small.losses) - 1e-12).all()


@PROPERTY
@given(seed=st.integers(0, 2**32 - 1))
def test_no_creditor_loses_more_than_its_claims(seed):
    rng = np.random.default_rng(seed)
    x, k, lgd = _random_network(rng, N_RANDOM)
    res = default_cascade(x, k, rng.random((4, N_RANDOM)) < 0.3, lgd=lgd)
    losses = np.asarray(res.losses)
    assert (losses >= 0).all()
    # On defaulted debtors only, and at most the whole claim (lgd <= 1).
    on_defaulted = np.asarray(res.defaulted, float) @ x.T
    assert (losses <= on_defaulted + 1e-12).all()
    assert (losses <= x.sum(axis=1) + 1e-12).all()


@PROPERTY
@given(seed=st.integers(0, 2**32 - 1))
def test_order_invariance(seed):
    rng = np.random.default_rng(seed)
    x, k, lgd = _random_network(rng, N_RANDOM)
    start = rng.random((3, N_RANDOM)) < 0.3
    perm = rng.permutation(N_RANDOM)
    base = default_cascade(x, k, start, lgd=lgd)
    moved = default_cascade(x[np.ix_(perm, perm)], k[perm], start[:, perm], lgd=lgd[perm])
    np.testing.assert_array_equal(moved.default_round, np.asarray(base.default_round)[:, perm])
    np.testing.assert_allclose(moved.losses, np.asarray(base.losses)[:, perm], atol=1e-12)
    np.testing.assert_array_equal(moved.depth, base.depth)


def test_batched_equals_looped():
    rng = np.random.default_rng(3)
    x, k, lgd = _random_network(rng, N_RANDOM)
    start = rng.random((6, N_RANDOM)) < 0.25
    batched = default_cascade(x, k, start, lgd=lgd)
    for b in range(start.shape[0]):
        single = default_cascade(x, k, start[b], lgd=lgd)
        for field, got in zip(CascadeResult._fields, single):
            np.testing.assert_allclose(got, getattr(batched, field)[b], rtol=1e-14,
                                       err_msg=field)


def test_jit_matches_eager():
    rng = np.random.default_rng(4)
    x, k, lgd = _random_network(rng, N_RANDOM)
    start = rng.random((3, N_RANDOM)) < 0.25
    jitted = default_cascade(x, k, start, lgd=lgd)
    with jax.disable_jit():
        eager = default_cascade(x, k, start, lgd=lgd)
    for a, b in zip(jitted, eager):
        np.testing.assert_allclose(a, b, rtol=1e-14)


@pytest.mark.parametrize("rule", ["ge", "gt"])
@pytest.mark.parametrize("seed", range(4))
def test_matches_python_reference_on_30_nodes(seed, rule):
    rng = np.random.default_rng(100 + seed)
    n = 30
    x, k, lgd = _random_network(rng, n)
    start = np.zeros((8, n), bool)
    start[np.arange(8), rng.choice(n, 8, replace=False)] = True  # single failures, as Furfine
    start[4:] |= rng.random((4, n)) < 0.1  # and a few joint ones
    res = default_cascade(x, k, start, lgd=lgd, rule=rule)
    depths = []
    for b in range(start.shape[0]):
        rounds, losses, depth = _reference_cascade(x.tolist(), k.tolist(), start[b], lgd.tolist(),
                                                   rule)
        assert res.default_round[b].tolist() == rounds
        np.testing.assert_allclose(res.losses[b], losses, rtol=1e-12, atol=1e-12)
        assert int(res.depth[b]) == depth
        depths.append(depth)
    assert res.converged.all()
    assert max(depths) >= 2  # the networks do cascade, so the comparison means something
