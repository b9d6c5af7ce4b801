"""DebtRank channel (docs/model.md §5.5): classic (Battiston et al. 2012) on the capped impact
matrix W[i, j] = min(1, exposures[i, j] / equity[i]) and linear (Bardoscia et al. 2015) on the
uncapped leverage matrix Λ[i, j] = exposures[i, j] / equity[i] (h capped at 1). Hand-worked
arithmetic is in the comments; properties are checked on random small networks.

Conventions: an unbatched h0 [N] gives h [N] and scalars per scenario; h0 [B, N] gives [B, ...];
every result carries ``status`` (stressgpu.Status) and ``converged == (status == OK)``."""
import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stressgpu.channels.debtrank import (
    DebtRankResult,
    EntityDebtRank,
    debtrank,
    debtrank_by_entity,
    impact_matrix,
    leverage_matrix,
)
from stressgpu._types import Status

METHODS = ("classic", "linear")
N_RANDOM = 5  # one network size for the property tests: one compilation per method
PROPERTY = settings(max_examples=25, deadline=None)


def _chain():
    # 0 <- 1 <- 2: entity 1 lends 2.5 to 0, entity 2 lends 2 to 1.
    # W[1,0] = 2.5/5 = 0.5, W[2,1] = 2/4 = 0.5.
    x = np.zeros((3, 3))
    x[1, 0] = 2.5
    x[2, 1] = 2.0
    return x, np.array([10.0, 5.0, 4.0])


def _cycle(claim):
    # 0 -> 1 -> 2 -> 0: 1 lends to 0, 2 lends to 1, 0 lends to 2, each `claim`; equities 10.
    x = np.zeros((3, 3))
    x[1, 0] = x[2, 1] = x[0, 2] = claim
    return x, np.full(3, 10.0)


def _random_network(rng, n=N_RANDOM):
    """Sparse non-negative claims, some larger than the creditor's equity (W capped at 1, Λ not)."""
    mask = rng.random((n, n)) < 0.5
    x = np.where(mask, rng.uniform(0.0, 6.0, (n, n)), 0.0)
    np.fill_diagonal(x, 0.0)
    return x, rng.uniform(1.0, 10.0, n)


def _random_h0(rng, b, n=N_RANDOM):
    """Initial losses: zero for about half the entities, otherwise in [0.01, 1]."""
    return np.where(rng.random((b, n)) < 0.5, 0.0, rng.uniform(0.01, 1.0, (b, n)))


# --------------------------------------------------------------------------- hand-worked


@pytest.mark.parametrize("method", METHODS)
def test_chain_hand_worked(method):
    # h0 = (1, 0, 0). Round 1: 0 passes on 1 -> h1 = 0.5 * 1 = 0.5.
    # Round 2: 1 passes on 0.5 -> h2 = 0.5 * 0.5 = 0.25. Round 3: 2 has no creditor, nothing
    # moves (classic: no Distressed entity left; linear: all increments zero).
    # On a chain every entity gets a single increment, so both methods agree.
    x, e = _chain()
    res = debtrank(x, e, np.array([1.0, 0.0, 0.0]), method=method)
    assert isinstance(res, DebtRankResult)
    np.testing.assert_allclose(res.h, [1.0, 0.5, 0.25], rtol=0, atol=1e-15)
    # v = (10, 5, 4) / 19; system = (5 * 0.5 + 4 * 0.25) / 19 = 3.5 / 19.
    np.testing.assert_allclose(res.system, 3.5 / 19, rtol=1e-14)
    assert res.system.shape == () and int(res.rounds) == 3
    assert bool(res.converged) and int(res.status) == Status.OK


def test_cycle_classic_transmits_once():
    # W = 0.5 on each link (5 / 10). h0 = (0.4, 0, 0).
    # Round 1: D = {0}: h1 = 0.5 * 0.4 = 0.2.           0 turns Inactive.
    # Round 2: D = {1}: h2 = 0.5 * 0.2 = 0.1.           1 turns Inactive.
    # Round 3: D = {2}: h0 = 0.4 + 0.5 * 0.1 = 0.45.    0 is Inactive: it keeps the 0.05.
    x, e = _cycle(5.0)
    res = debtrank(x, e, np.array([0.4, 0.0, 0.0]), method="classic")
    np.testing.assert_allclose(res.h, [0.45, 0.2, 0.1], rtol=0, atol=1e-15)
    # v = 1/3 each; system = (0.05 + 0.2 + 0.1) / 3.
    np.testing.assert_allclose(res.system, 0.35 / 3, rtol=1e-14)
    assert int(res.rounds) == 3
    assert bool(res.converged) and int(res.status) == Status.OK


def test_cycle_linear_goes_round():
    # Same cycle; linear passes every increment on, so the loss goes round the cycle with gain
    # 0.5^3 = 0.125 per turn and h converges to the fixed point of h = h0 + Λ h (Λ = W = 0.5
    # here: no claim exceeds its creditor's equity):
    # h1 = h0'/2, h2 = h0'/4, h0' = 0.4 + h2/2 = 0.4 + h0'/8  ->  h0' = 0.4 / 0.875 = 16/35,
    # h1 = 8/35, h2 = 4/35; system = (16/35 - 0.4 + 8/35 + 4/35) / 3 = (0.8 - 0.4) / 3 = 2/15.
    x, e = _cycle(5.0)
    res = debtrank(x, e, np.array([0.4, 0.0, 0.0]), method="linear")
    np.testing.assert_allclose(res.h, [16 / 35, 8 / 35, 4 / 35], rtol=1e-11)
    np.testing.assert_allclose(res.system, 2 / 15, rtol=1e-11)
    assert bool(res.converged) and int(res.status) == Status.OK
    # Each turn of three rounds shrinks the increment by 8: 0.4 * 0.125^k <= 1e-12 at k = 13,
    # hence some 39 rounds.
    assert 30 <= int(res.rounds) <= 45


def test_two_cycle_linear_converges_to_the_exact_fixed_point():
    # The example of issue 9: Λ = [[0, .9], [.9, 0]], h0 = (0.1, 0). Fixed point of
    # h = h0 + Λ h:  h0' = 0.1 + 0.9 h1,  h1 = 0.9 h0'  ->  h0' = 0.1 / (1 - 0.81) = 0.1 / 0.19
    # = 0.5263157894736842,  h1 = 0.9 * 0.1 / 0.19 = 0.4736842105263158. The gain per turn is
    # 0.81, so a fixed cap of 100 rounds stopped 1e-5 short; the cap now grows with N.
    res = debtrank([[0, 0.9], [0.9, 0]], [1, 1], [0.1, 0], method="linear")
    np.testing.assert_allclose(res.h, [0.1 / 0.19, 0.09 / 0.19], rtol=0, atol=1e-9)
    assert abs(float(res.h[0]) - 0.5263157894736842) <= 1e-9
    assert abs(float(res.h[1]) - 0.4736842105263158) <= 1e-9
    assert int(res.status) == Status.OK and bool(res.converged)
    # v = (1/2, 1/2): system = (h0' - 0.1 + h1) / 2 = (0.1/0.19 + 0.09/0.19 - 0.1) / 2 = 0.45
    np.testing.assert_allclose(res.system, 0.45, rtol=1e-9)


def test_linear_uses_the_uncapped_leverage_matrix():
    # Chain 0 <- 1: entity 1 lends 7.5 to entity 0 and has equity 5: Λ[1, 0] = 7.5 / 5 = 1.5,
    # W[1, 0] = min(1, 1.5) = 1. h0 = (0.5, 0).
    # Linear (Bardoscia et al. 2015, as NetworkRiskMeasures): h1 = min(1, 1.5 * 0.5) = 0.75.
    # Classic (Battiston et al. 2012): h1 = 1 * 0.5 = 0.5.
    x = np.array([[0.0, 0.0], [7.5, 0.0]])
    e = np.array([10.0, 5.0])
    np.testing.assert_allclose(leverage_matrix(x, e), [[0.0, 0.0], [1.5, 0.0]], rtol=1e-15)
    np.testing.assert_allclose(impact_matrix(x, e), [[0.0, 0.0], [1.0, 0.0]], rtol=1e-15)
    h0 = np.array([0.5, 0.0])
    lin = debtrank(x, e, h0, method="linear")
    np.testing.assert_allclose(lin.h, [0.5, 0.75], rtol=0, atol=1e-15)
    classic = debtrank(x, e, h0, method="classic")
    np.testing.assert_allclose(classic.h, [0.5, 0.5], rtol=0, atol=1e-15)
    # v = (10, 5) / 15: system = 5 * 0.75 / 15 = 0.25 (linear), 5 * 0.5 / 15 = 1/6 (classic).
    np.testing.assert_allclose(lin.system, 0.25, rtol=1e-14)
    np.testing.assert_allclose(classic.system, 1 / 6, rtol=1e-14)
    # h is still capped at 1: h0 = (1, 0) gives min(1, 1.5) = 1 for entity 1.
    np.testing.assert_allclose(debtrank(x, e, np.array([1.0, 0.0]), method="linear").h, [1.0, 1.0],
                               rtol=0, atol=0)


def test_cycle_linear_amplifies_to_saturation():
    # Claims 15 > equity 10: Λ = 1.5 on each link (uncapped; W = min(1, 1.5) = 1), a cycle with
    # gain 1.5^3 > 1. h0 = (0.4, 0, 0); each round h <- min(1, h0 + Λ h) (entity 1 lends to 0,
    # 2 to 1, 0 to 2):
    #  1: h1 = 1.5 * 0.4 = 0.6                         -> (0.4, 0.6, 0.0)
    #  2: h2 = 1.5 * 0.6 = 0.9                         -> (0.4, 0.6, 0.9)
    #  3: h0 = min(1, 0.4 + 1.5 * 0.9 = 1.75) = 1      -> (1.0, 0.6, 0.9)
    #  4: h1 = min(1, 1.5 * 1) = 1                     -> (1.0, 1.0, 0.9)
    #  5: h2 = min(1, 1.5 * 1) = 1                     -> (1.0, 1.0, 1.0)
    #  6: nothing moves -> converged after 6 rounds.
    x, e = _cycle(15.0)
    np.testing.assert_array_equal(impact_matrix(x, e), (x > 0).astype(float))
    np.testing.assert_allclose(leverage_matrix(x, e), 1.5 * (x > 0), rtol=1e-15)
    h0 = np.array([0.4, 0.0, 0.0])
    expected = {1: [0.4, 0.6, 0.0], 2: [0.4, 0.6, 0.9], 3: [1.0, 0.6, 0.9], 5: [1.0, 1.0, 1.0]}
    for rounds, h in expected.items():
        res = debtrank(x, e, h0, method="linear", max_rounds=rounds)
        np.testing.assert_allclose(res.h, h, rtol=0, atol=1e-15)
        # stopped at the cap while still moving
        assert not bool(res.converged) and int(res.status) == Status.MAX_STEPS
        assert int(res.rounds) == rounds
    res = debtrank(x, e, h0, method="linear")
    np.testing.assert_array_equal(res.h, [1.0, 1.0, 1.0])
    assert int(res.rounds) == 6 and bool(res.converged) and int(res.status) == Status.OK
    # Classic on the same cycle (W = 1) stops after one turn: (0.4 + 0.4, 0.4, 0.4).
    classic = debtrank(x, e, h0, method="classic")
    np.testing.assert_allclose(classic.h, [0.8, 0.4, 0.4], rtol=0, atol=1e-15)


def test_classic_is_not_monotone_in_h0_when_the_distressed_set_grows():
    # Chain of _chain(); h0' = (1, 0.1, 0) >= h0 = (1, 0, 0) but entity 1 now starts Distressed
    # and passes on only its 0.1: round 1: h1 = 0.1 + 0.5 = 0.6, h2 = 0.5 * 0.1 = 0.05; then
    # 1 is Inactive and never passes on its 0.6. So h2 falls from 0.25 to 0.05 (a known
    # feature of the classic rule, which Bardoscia et al. 2015 remove).
    x, e = _chain()
    res = debtrank(x, e, np.array([1.0, 0.1, 0.0]), method="classic")
    np.testing.assert_allclose(res.h, [1.0, 0.6, 0.05], rtol=0, atol=1e-15)
    # Linear (Λ = W = 0.5 on this chain): round 2 passes on 1's later increment 0.5 as well:
    # h2 = 0.05 + 0.25 = 0.3.
    lin = debtrank(x, e, np.array([1.0, 0.1, 0.0]), method="linear")
    np.testing.assert_allclose(lin.h, [1.0, 0.6, 0.3], rtol=0, atol=1e-15)


def test_debtrank_by_entity_chain():
    # R_0: the chain result above, 3.5/19. R_1: only 2 is hit, h2 = 0.5 -> 4 * 0.5 / 19.
    # R_2: 2 has no creditor -> 0.
    x, e = _chain()
    for method in METHODS:
        res = debtrank_by_entity(x, e, method=method)
        assert isinstance(res, EntityDebtRank)
        np.testing.assert_allclose(res.debtrank, [3.5 / 19, 2.0 / 19, 0.0], rtol=1e-14, atol=0)
        assert res.converged.all() and res.status.shape == (3,) and np.all(res.status == Status.OK)
        one_by_one = debtrank(x, e, np.eye(3), method=method).system
        np.testing.assert_allclose(res.debtrank, one_by_one, rtol=1e-14)


@pytest.mark.parametrize("method", [
    "classic",
    "linear",
])
def test_non_positive_equity_is_defaulted_before_the_shock(method):
    # Entity 1 has equity 0: h1 = 1 from the start, but it passes nothing on to 2 (its
    # creditors' equity already reflects it) and it carries no weight in v.
    x, e = _chain()
    e[1] = 0.0
    res = debtrank(x, e, np.zeros(3), method=method)
    np.testing.assert_array_equal(res.h, [0.0, 1.0, 0.0])
    np.testing.assert_array_equal(res.system, 0.0)
    shocked = debtrank(x, e, np.array([1.0, 0.0, 0.0]), method=method)
    np.testing.assert_array_equal(shocked.h, [1.0, 1.0, 0.0])
    assert debtrank_by_entity(x, e, method=method).debtrank[1] == 0.0


def test_classic_round_cap_is_reported():
    x, e = _chain()
    res = debtrank(x, e, np.array([1.0, 0.0, 0.0]), method="classic", max_rounds=2)
    np.testing.assert_allclose(res.h, [1.0, 0.5, 0.25], rtol=0, atol=1e-15)
    # entity 2 still Distressed at the cap
    assert not bool(res.converged) and int(res.status) == Status.MAX_STEPS
    assert int(res.rounds) == 2


def test_unbatched_h0_gives_unbatched_results_and_bad_method_raises():
    x, e = _chain()
    res = debtrank(x, e, np.array([1.0, 0.0, 0.0]))
    assert res.h.shape == (3,) and res.system.shape == () and res.rounds.shape == ()
    assert res.converged.shape == () and res.status.shape == () and res.status.dtype == np.int32
    batched = debtrank(x, e, np.array([[1.0, 0.0, 0.0]]))
    assert batched.h.shape == (1, 3) and batched.system.shape == (1,) and batched.status.shape == (1,)
    with pytest.raises(ValueError, match="method"):
        debtrank(x, e, np.zeros(3), method="nonlinear")
    with pytest.raises(ValueError, match="self-loop"):
        debtrank(x + np.eye(3), e, np.zeros(3))


# --------------------------------------------------------------------------- properties


@pytest.mark.parametrize("method", METHODS)
def test_zero_exposures_leave_h0(method):
    rng = np.random.default_rng(0)
    h0 = _random_h0(rng, 4)
    res = debtrank(np.zeros((N_RANDOM, N_RANDOM)), rng.uniform(1, 5, N_RANDOM), h0, method=method)
    np.testing.assert_array_equal(res.h, h0)
    np.testing.assert_array_equal(res.system, np.zeros(4))
    assert res.converged.all()


@PROPERTY
@given(seed=st.integers(0, 2**32 - 1))
def test_bounds_and_monotonicity(seed):
    rng = np.random.default_rng(seed)
    x, e = _random_network(rng)
    h0 = _random_h0(rng, 3)
    # A larger shock on the same initially distressed set.
    bump = np.where(h0 > 0, rng.uniform(0.0, 0.5, h0.shape), 0.0)
    h0_up = np.minimum(1.0, h0 + bump)
    # A larger shock that may also distress more entities (linear only, see the test above).
    h0_more = np.maximum(h0_up, _random_h0(rng, 3))
    classic = debtrank(x, e, h0, method="classic")
    linear = debtrank(x, e, h0, method="linear", max_rounds=2000)
    assert classic.converged.all()  # at most N rounds
    for res in (classic, linear):
        h = np.asarray(res.h)
        assert (h >= h0 - 1e-15).all() and (h <= 1.0).all()
        assert (np.asarray(res.system) >= -1e-15).all()
    # The linear loop stops at an increment <= tol, a little short of its limit.
    eps = 1e-9
    assert (np.asarray(debtrank(x, e, h0_up, method="classic").h) >= classic.h - eps).all()
    for larger in (h0_up, h0_more):
        up = debtrank(x, e, larger, method="linear", max_rounds=2000)
        assert (np.asarray(up.h) >= linear.h - eps).all()
    # Passing on every increment loses at least as much as passing on the first level only.
    assert (np.asarray(linear.h) >= classic.h - eps).all()
    assert (np.asarray(linear.system) >= classic.system - eps).all()


@PROPERTY
@given(seed=st.integers(0, 2**32 - 1))
def test_permutation_of_entities_permutes_results(seed):
    rng = np.random.default_rng(seed)
    x, e = _random_network(rng)
    h0 = _random_h0(rng, 3)
    perm = rng.permutation(N_RANDOM)
    for method in METHODS:
        base = debtrank(x, e, h0, method=method, max_rounds=2000)
        moved = debtrank(x[np.ix_(perm, perm)], e[perm], h0[:, perm], method=method,
                         max_rounds=2000)
        np.testing.assert_allclose(moved.h, np.asarray(base.h)[:, perm], rtol=0, atol=1e-12)
        np.testing.assert_allclose(moved.system, base.system, rtol=0, atol=1e-12)
        by_entity = debtrank_by_entity(x, e, method=method, max_rounds=2000).debtrank
        moved_by_entity = debtrank_by_entity(x[np.ix_(perm, perm)], e[perm], method=method,
                                             max_rounds=2000).debtrank
        np.testing.assert_allclose(moved_by_entity, np.asarray(by_entity)[perm], atol=1e-12)


@pytest.mark.parametrize("method", METHODS)
def test_jit_matches_eager(method):
    rng = np.random.default_rng(1)
    x, e = _random_network(rng)
    h0 = _random_h0(rng, 3)
    jitted = debtrank(x, e, h0, method=method)
    with jax.disable_jit():
        eager = debtrank(x, e, h0, method=method)
    for a, b in zip(jitted, eager):
        np.testing.assert_allclose(a, b, rtol=1e-13, atol=1e-15)


@pytest.mark.parametrize("method", METHODS)
def test_batched_equals_looped(method):
    rng = np.random.default_rng(2)
    x, e = _random_network(rng)
    h0 = _random_h0(rng, 6)
    batched = debtrank(x, e, h0, method=method)
    for b in range(h0.shape[0]):
        single = debtrank(x, e, h0[b], method=method)
        for field, got in zip(DebtRankResult._fields, single):
            np.testing.assert_allclose(got, getattr(batched, field)[b], rtol=1e-13,
                                       atol=1e-15, err_msg=field)


def test_dtype_follows_inputs():
    x, e = _chain()
    res = debtrank(jnp.asarray(x, jnp.float32), jnp.asarray(e, jnp.float32),
                   jnp.asarray([1.0, 0.0, 0.0], jnp.float32), method="linear")
    assert res.h.dtype == jnp.float32 and res.converged.all() and int(res.status) == Status.OK
    np.testing.assert_allclose(res.h, [1.0, 0.5, 0.25], rtol=1e-6)
