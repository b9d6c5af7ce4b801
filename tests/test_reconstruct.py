"""Reconstruction of bilateral amounts from totals (docs/model.md §2, reconstructed links): maximum entropy / RAS
(Upper & Worms 2004), minimum density (Anand, Craig & von Peter 2015), random ensembles, and
partly published matrices. Expected matrices come from hand arithmetic or an independent NumPy
IPF loop; properties are checked on random feasible totals (the sums of a random matrix)."""
import itertools

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stressgpu.reconstruct import (
    ReconstructionResult,
    max_entropy,
    min_density,
    reconstruct_block,
    sample_networks,
)

N_RANDOM = 7  # one size for the random cases (and the ACvP example): one compilation each
PROPERTY = settings(max_examples=15, deadline=None)

# Anand, Craig & von Peter (2015, p. 628) example of seven banks, as reproduced in the R package
# NetworkRiskMeasures: liabilities (what each owes) and assets (what each has lent), sum 20.
ACVP_OWES = np.array([4.0, 5.0, 5.0, 0.0, 0.0, 2.0, 4.0])
ACVP_LENT = np.array([7.0, 5.0, 3.0, 1.0, 3.0, 0.0, 1.0])


def _ipf(prior, r, c, iters=20_000):
    """Plain NumPy RAS: scale rows, then columns, a fixed number of times."""
    x = prior.astype(float).copy()
    for _ in range(iters):
        rs = x.sum(1)
        x *= np.divide(r, rs, out=np.zeros_like(r), where=rs > 0)[:, None]
        cs = x.sum(0)
        x *= np.divide(c, cs, out=np.zeros_like(c), where=cs > 0)[None, :]
    return x


def _random_feasible(rng, n=N_RANDOM, p_zero=0.0):
    """Totals that some non-negative zero-diagonal matrix matches (its own row/column sums)."""
    x = rng.uniform(0.5, 10.0, (n, n)) * (rng.random((n, n)) >= p_zero)
    np.fill_diagonal(x, 0.0)
    return x, x.sum(1), x.sum(0)


def _pad(v, n=N_RANDOM):
    """Totals padded with entities that owe and lend nothing (they take no part)."""
    return np.concatenate([np.asarray(v, float), np.zeros(n - len(v))])


def _entropy(x):
    p = np.asarray(x)[np.asarray(x) > 0]
    p = p / p.sum()
    return -np.sum(p * np.log(p))


def _assert_matches(res, r, c, rtol):
    x = np.asarray(res.matrix)
    scale = r.sum()
    np.testing.assert_allclose(x.sum(-1), np.broadcast_to(r, x.shape[:-1]), rtol=0,
                               atol=rtol * scale)
    np.testing.assert_allclose(x.sum(-2), np.broadcast_to(c, x.shape[:-1]), rtol=0,
                               atol=rtol * scale)
    assert np.all(x >= 0)
    assert np.all(np.diagonal(x, axis1=-2, axis2=-1) == 0)


def _n_components(links):
    """Connected components of the bipartite borrower/lender graph over nodes with a link."""
    n = links.shape[0]
    parent = list(range(2 * n))

    def find(u):
        while parent[u] != u:
            parent[u] = parent[parent[u]]
            u = parent[u]
        return u

    for i, j in zip(*np.nonzero(links)):
        parent[find(i)] = find(n + j)
    used = set(np.nonzero(links)[0]) | {n + j for j in np.nonzero(links)[1]}
    return len({find(u) for u in used})


def _is_forest(links):
    """No cycle: links = nodes touched - components (a forest of trees)."""
    used = np.count_nonzero(links.any(1)) + np.count_nonzero(links.any(0))
    return np.count_nonzero(links) == used - _n_components(links)


# --------------------------------------------------------------------------- max entropy


def test_equal_totals_hand_worked():
    # r = c = (1, 1, 1) with a zero diagonal: by symmetry every off-diagonal entry is equal, and
    # each row holds two of them, so x_ij = 1/2 (the prior r_i c_j / S = 1/3, RAS rescales it).
    res = max_entropy(np.ones(3), np.ones(3))
    assert isinstance(res, ReconstructionResult)
    assert bool(res.converged)
    np.testing.assert_allclose(res.matrix, 0.5 * (1 - np.eye(3)), atol=1e-14)


def test_rank_one_totals_three_by_three():
    # r = c = (2, 3, 4), S = 9. Without the zero diagonal the answer would be the rank-one
    # r_i c_j / S. With it, 3x3 has 6 unknowns and 5 independent totals: the matrices with these
    # totals form a line. Totals equal to their transpose make the maximum-entropy matrix
    # symmetric (it is unique), and the only symmetric point on the line solves
    # a + b = 2, a + d = 3, b + d = 4 (a = x01, b = x02, d = x12): a = 0.5, b = 1.5, d = 2.5.
    r = np.array([2.0, 3.0, 4.0])
    by_hand = np.array([[0.0, 0.5, 1.5], [0.5, 0.0, 2.5], [1.5, 2.5, 0.0]])
    res = max_entropy(r, r, tol=1e-14)
    assert bool(res.converged)
    np.testing.assert_allclose(res.matrix, by_hand, rtol=0, atol=1e-10)
    # The same from an independent NumPy IPF loop started at the zero-diagonal prior.
    expected = _ipf(np.outer(r, r) / r.sum() * (1 - np.eye(3)), r, r)
    np.testing.assert_allclose(res.matrix, expected, rtol=0, atol=1e-10)


def test_asymmetric_three_by_three_against_numpy():
    r = np.array([3.0, 1.0, 2.0])
    c = np.array([1.0, 2.5, 2.5])
    res = max_entropy(r, c, tol=1e-14)
    expected = _ipf(np.outer(r, c) / 6.0 * (1 - np.eye(3)), r, c)
    np.testing.assert_allclose(res.matrix, expected, rtol=0, atol=1e-10)
    _assert_matches(res, r, c, 1e-12)
    x = np.asarray(res.matrix)
    # Maximum entropy means x_ij = a_i b_j on the allowed entries; for 3x3 with a zero diagonal
    # that is the single cycle condition x01 x12 x20 = x02 x10 x21 (both = a0 a1 a2 b0 b1 b2).
    np.testing.assert_allclose(x[0, 1] * x[1, 2] * x[2, 0], x[0, 2] * x[1, 0] * x[2, 1],
                               rtol=1e-10)


@PROPERTY
@given(seed=st.integers(0, 2**31 - 1))
def test_max_entropy_matches_random_totals(seed):
    rng = np.random.default_rng(seed)
    _, r, c = _random_feasible(rng)
    res = max_entropy(r, c)
    assert bool(res.converged)
    assert int(res.iterations) >= 1
    assert float(res.row_error) <= 1e-12 * r.sum() and float(res.col_error) <= 1e-12 * r.sum()
    _assert_matches(res, r, c, 1e-12)


def test_max_entropy_respects_support_and_matches_numpy():
    rng = np.random.default_rng(3)
    x0, r, c = _random_feasible(rng, p_zero=0.4)
    support = x0 > 0  # a pattern that can carry the totals (x0 does)
    res = max_entropy(r, c, support)
    assert bool(res.converged)
    x = np.asarray(res.matrix)
    assert np.all(x[~support] == 0)
    expected = _ipf(np.where(support, np.outer(r, c) / r.sum(), 0.0), r, c)
    np.testing.assert_allclose(x, expected, rtol=0, atol=1e-9)


def test_max_entropy_has_maximal_entropy():
    rng = np.random.default_rng(7)
    _, r, c = _random_feasible(rng)
    me = np.asarray(max_entropy(r, c).matrix)
    h_me = _entropy(me)
    off = 1 - np.eye(N_RANDOM)
    # Other matrices with the same totals and zero diagonal: RAS from random priors ...
    others = [_ipf(rng.uniform(0.01, 1.0, (N_RANDOM, N_RANDOM)) * off, r, c, 3000)
              for _ in range(4)]
    # ... and the ME matrix moved round 4-cycles: +t on (i, j), (k, l), -t on (i, l), (k, j).
    for i, k, j, l in [(0, 1, 2, 3), (1, 3, 0, 2), (2, 5, 4, 1), (4, 0, 5, 3)]:
        y = me.copy()
        t = 0.3 * min(me[i, l], me[k, j])
        y[i, j] += t
        y[k, l] += t
        y[i, l] -= t
        y[k, j] -= t
        others.append(y)
    for y in others:
        np.testing.assert_allclose(y.sum(1), r, atol=1e-8)
        np.testing.assert_allclose(y.sum(0), c, atol=1e-8)
        assert _entropy(y) < h_me


def test_unbalanced_totals_raise_with_both_sums():
    r = np.array([1.0, 2.0, 3.0])  # sum 6
    c = np.array([2.0, 2.0, 3.0])  # sum 7
    for call in (lambda: max_entropy(r, c),
                 lambda: min_density(r, c, key=jax.random.key(0)),
                 lambda: sample_networks(r, c, jax.random.key(0), 8)):
        with pytest.raises(ValueError, match=r"(?s)sum of row_totals.*= 6 USD bn.*= 7 USD bn"):
            call()
    with pytest.raises(ValueError, match=r"(?s)unknown_rows.*= 6 USD bn.*unknown_cols.*= 7"):
        reconstruct_block(np.zeros((3, 3)), r, c)


def test_invalid_inputs_raise():
    with pytest.raises(ValueError, match=">= 0"):
        max_entropy(np.array([-1.0, 1.0, 0.0]), np.array([0.0, 0.0, 0.0]))
    with pytest.raises(ValueError, match="support"):
        max_entropy(np.ones(3), np.ones(3), np.ones((2, 2), bool))
    with pytest.raises(ValueError, match=r"\(N,\)"):
        max_entropy(np.ones(3), np.ones(4))
    with pytest.raises(ValueError, match="selection"):
        min_density(np.ones(3), np.ones(3), key=jax.random.key(0), selection="largest")
    with pytest.raises(ValueError, match="method"):
        sample_networks(np.ones(3), np.ones(3), jax.random.key(0), 2, method="bootstrap")


def test_infeasible_support_is_not_converged():
    # Only link 0 -> 1 allowed, but entity 0 also lends: the totals cannot be carried.
    r = _pad([1.0, 1.0])
    support = np.zeros((N_RANDOM, N_RANDOM), bool)
    support[0, 1] = True
    assert not bool(max_entropy(r, r, support, max_iter=50).converged)
    md = min_density(r, r, support, key=jax.random.key(0))
    # The augmenting-path search finds no way round: the loop stops early.
    assert not bool(md.converged)
    assert int(md.iterations) <= 3
    md = min_density(r, r, np.zeros((N_RANDOM, N_RANDOM), bool), key=jax.random.key(0))
    assert not bool(md.converged)
    assert int(md.iterations) == 1


def test_jit_and_vmap_max_entropy():
    rng = np.random.default_rng(11)
    batch = [_random_feasible(rng)[1:] for _ in range(3)]
    rs = np.stack([b[0] for b in batch])
    cs = np.stack([b[1] for b in batch])
    eager = [max_entropy(r, c) for r, c in batch]
    jitted = jax.jit(max_entropy)(rs[0], cs[0])
    np.testing.assert_allclose(jitted.matrix, eager[0].matrix, rtol=1e-13, atol=1e-13)
    batched = jax.vmap(max_entropy)(rs, cs)
    assert batched.matrix.shape == (3, N_RANDOM, N_RANDOM)
    assert bool(jnp.all(batched.converged))
    for b, e in enumerate(eager):
        np.testing.assert_allclose(batched.matrix[b], e.matrix, rtol=1e-12, atol=1e-12)


def test_traced_unbalanced_totals_do_not_converge():
    # Under jit the ValueError cannot be raised; the imbalance shows as converged=False.
    res = jax.jit(max_entropy)(jnp.array([1.0, 2.0, 3.0]), jnp.array([2.0, 2.0, 3.0]))
    assert not bool(res.converged)
    assert float(jnp.maximum(res.row_error, res.col_error)) > 0.1


def test_float32_survives():
    r = np.array([2.0, 3.0, 4.0], np.float32)
    res = max_entropy(r, r)
    assert res.matrix.dtype == jnp.float32
    assert bool(res.converged)
    np.testing.assert_allclose(res.matrix.sum(1), r, rtol=1e-5)


# --------------------------------------------------------------------------- min density


def test_min_density_acvp_example():
    res = min_density(ACVP_OWES, ACVP_LENT, key=jax.random.key(0))
    assert bool(res.converged)
    _assert_matches(res, ACVP_OWES, ACVP_LENT, 1e-12)
    links = np.asarray(res.matrix) > 0
    me_links = np.asarray(max_entropy(ACVP_OWES, ACVP_LENT).matrix) > 0
    # 5 borrowers and 6 lenders with nonzero totals: a forest has at most 5 + 6 - 1 links.
    assert np.count_nonzero(links) <= 10 < np.count_nonzero(me_links)
    assert _is_forest(links)


@PROPERTY
@given(seed=st.integers(0, 2**31 - 1), selection=st.sampled_from(["size", "ratio"]))
def test_min_density_sparse_and_matches_totals(seed, selection):
    rng = np.random.default_rng(seed)
    x0, r, c = _random_feasible(rng, p_zero=0.3)
    support = x0 > 0
    res = min_density(r, c, support, key=jax.random.key(seed), selection=selection)
    assert bool(res.converged)
    _assert_matches(res, r, c, 1e-12)
    links = np.asarray(res.matrix) > 0
    assert not np.any(links & ~support)
    assert np.count_nonzero(links) <= 2 * N_RANDOM - 1
    assert _is_forest(links)
    me = np.asarray(max_entropy(r, c, support).matrix)
    assert np.count_nonzero(links) < np.count_nonzero(me > 0)


def test_min_density_key_determinism():
    rng = np.random.default_rng(5)
    _, r, c = _random_feasible(rng)
    a = min_density(r, c, key=jax.random.key(1))
    b = min_density(r, c, key=jax.random.key(1))
    np.testing.assert_array_equal(a.matrix, b.matrix)
    draws = [np.asarray(min_density(r, c, key=jax.random.key(k)).matrix) for k in range(6)]
    assert any(not np.array_equal(draws[0], d) for d in draws[1:])
    # (Under an outer jit the wrapper skips its checks as max_entropy's does; batching over keys
    # is what sample_networks does with the same loop.)


def test_min_density_dead_ends_are_resolved():
    # r = c = (2, 3, 4): the sparsest matrices have 5 links (t = -0.5 or 0.5 on the line of
    # test_rank_one_totals_three_by_three). Greedy filling often ends with only entity 2 short
    # on both sides (barred diagonal); the augmenting path moves money round instead.
    r = _pad([2.0, 3.0, 4.0])
    for k in range(8):
        res = min_density(r, r, key=jax.random.key(k), remove_prob=0.0)
        assert bool(res.converged)
        _assert_matches(res, r, r, 1e-12)
        assert np.count_nonzero(res.matrix) == 5


# --------------------------------------------------------------------------- ensembles


def test_samples_match_totals_and_differ():
    rng = np.random.default_rng(9)
    x0, r, c = _random_feasible(rng, p_zero=0.2)
    support = x0 > 0
    res = sample_networks(r, c, jax.random.key(4), 8, support=support, density=0.4)
    x = np.asarray(res.matrix)
    assert x.shape == (8, N_RANDOM, N_RANDOM)
    assert res.converged.shape == (8,) and bool(jnp.all(res.converged))
    _assert_matches(res, r, c, 1e-8)
    assert np.all(x[:, ~support] == 0)
    for a, b in itertools.combinations(range(8), 2):
        assert not np.allclose(x[a], x[b])
    # Sparse: fewer links than the dense maximum-entropy matrix, but at least a spanning forest.
    n_links = np.count_nonzero(x > 0, axis=(1, 2))
    assert np.all(n_links < np.count_nonzero(support))
    again = sample_networks(r, c, jax.random.key(4), 8, support=support, density=0.4)
    np.testing.assert_array_equal(again.matrix, res.matrix)


def test_sample_density_extremes():
    rng = np.random.default_rng(12)
    _, r, c = _random_feasible(rng)
    sparse = sample_networks(r, c, jax.random.key(0), 8, density=0.0)
    dense = sample_networks(r, c, jax.random.key(0), 8, density=1.0)
    for res in (sparse, dense):
        assert bool(jnp.all(res.converged))
        _assert_matches(res, r, c, 1e-8)
    # density 0: only the minimum-density backbone (a forest); density 1: every allowed link.
    assert np.all(np.count_nonzero(sparse.matrix, axis=(1, 2)) <= 2 * N_RANDOM - 1)
    assert np.all(np.count_nonzero(dense.matrix, axis=(1, 2)) == N_RANDOM * (N_RANDOM - 1))


def test_samples_with_balanced_groups_converge():
    # Equal totals: the backbone splits into trees that balance on their own; links across
    # them are kept only on cycles, so RAS still converges.
    r = np.ones(N_RANDOM)
    res = sample_networks(r, r, jax.random.key(3), 8, density=0.5)
    assert bool(jnp.all(res.converged))
    _assert_matches(res, r, r, 1e-8)


# --------------------------------------------------------------------------- partly known


def test_reconstruct_block_keeps_published_links():
    rng = np.random.default_rng(21)
    full, r, c = _random_feasible(rng)
    known = np.zeros_like(full)
    published = [(0, 1), (2, 3), (4, 0)]
    for i, j in published:
        known[i, j] = full[i, j]
    res = reconstruct_block(known, r - known.sum(1), c - known.sum(0))
    assert bool(res.converged)
    x = np.asarray(res.matrix)
    for i, j in published:
        assert x[i, j] == known[i, j]
    _assert_matches(res, r, c, 1e-12)
    # The remainder is the maximum-entropy matrix of the remainders off the published pairs.
    free = known == 0
    rest = max_entropy(r - known.sum(1), c - known.sum(0), free)
    np.testing.assert_allclose(x - known, rest.matrix, atol=1e-12)


def test_reconstruct_block_without_known_is_max_entropy():
    r = np.array([3.0, 1.0, 2.0])
    c = np.array([1.0, 2.5, 2.5])
    res = reconstruct_block(np.zeros((3, 3)), r, c)
    np.testing.assert_allclose(res.matrix, max_entropy(r, c).matrix, atol=1e-14)


def test_reconstruct_block_published_zero_stays_zero():
    r = np.full(4, 2.0)
    known_mask = np.zeros((4, 4), bool)
    known_mask[0, 1] = True  # published: 0 owes 1 nothing
    res = reconstruct_block(np.zeros((4, 4)), r, r, known_mask=known_mask)
    assert bool(res.converged)
    assert float(res.matrix[0, 1]) == 0.0
    _assert_matches(res, r, r, 1e-12)
