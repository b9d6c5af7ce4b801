"""Minimum-density reconstruction (Anand, Craig & von Peter 2015): a sparse matrix with few links
that still matches the totals, by their stochastic link-by-link heuristic, with augmenting paths
and cycle cancelling where the greedy step gets stuck.
"""
from __future__ import annotations

import math

import jax
import jax.numpy as jnp
from jax import lax

from .._types import Status
from ..solvers import effective_tol, iterate, worst
from .totals import SELECTIONS, ReconstructionResult, _balance, _errors, _prepare


def _reach(adj):
    """Transitive closure of a directed graph, [M, M] bool: ``reach[u, v]`` = a path u -> v.

    ``ceil(log2(M))`` squarings of ``I + adj`` (0/1 entries, clipped after each product).
    """
    m = adj.shape[0]
    a = jnp.minimum(adj.astype(jnp.float32) + jnp.eye(m, dtype=jnp.float32), 1.0)
    # Not a fixed-point loop: a fixed number of squarings, known at trace time (unrolled).
    for _ in range(max(1, math.ceil(math.log2(m)))):
        a = jnp.minimum(a @ a, 1.0)
    return a > 0


def _bipartite(links, extra=None):
    """Adjacency on 2N nodes (borrowers 0..N-1, lenders N..2N-1) of ``links`` [N, N] bool, both
    ways, plus ``extra`` [N, N] bool one way (borrower -> lender)."""
    n = links.shape[0]
    out = links if extra is None else links | extra
    zero = jnp.zeros((n, n), bool)
    return jnp.block([[zero, out], [links.T, zero]])


def _two_core(links):
    """Links on cycles or on paths between cycles, [N, N] bool: the 2-core of the bipartite
    borrower/lender graph, found by pruning nodes with fewer than two links. Empty iff the links
    form a forest. Returns ``(core, status)``."""
    n = links.shape[0]

    def step(state):
        rows, cols, _ = state
        live = links & rows[:, None] & cols[None, :]
        new_rows = rows & (live.sum(1) >= 2)
        new_cols = cols & (live.sum(0) >= 2)
        return new_rows, new_cols, jnp.any(new_rows != rows) | jnp.any(new_cols != cols)

    ones = jnp.ones(n, bool)
    # Each pass that changes something prunes one of the 2N nodes; one more pass sees no change.
    sol = iterate(step, (ones, ones, jnp.asarray(True)), max_steps=2 * n + 1,
                  done=lambda old, new: ~new[2])
    rows, cols, _ = sol.value
    return links & rows[:, None] & cols[None, :], sol.status


def _cycle(core, key):
    """One cycle of the 2-core ``core`` [N, N] bool (non-empty), as signs [N, N] in {-1, 0, 1}:
    alternately +1 and -1 round the cycle, so that adding ``t * signs`` changes no total.

    A walk through the 2-core that never turns straight back (every node there has two links or
    more) must revisit a node within 2N steps; the part of the walk from that node on is the
    cycle. Ties between next nodes are broken by a random priority per node. Returns
    ``(signs, status)``.
    """
    n = core.shape[0]
    m = 2 * n
    zero = jnp.zeros((n, n), bool)
    adj = jnp.block([[zero, core], [core.T, zero]])
    prio = jax.random.uniform(key, (m,))
    nodes = jnp.arange(m)
    start = jnp.argmax(jnp.any(core, 1)).astype(jnp.int32)
    seq = jnp.full(m + 1, -1, jnp.int32).at[0].set(start)
    pos = jnp.full(m, -1, jnp.int32).at[start].set(0)

    def walk(state):
        t, cur, prev, seq, pos, _, _ = state
        nxt = jnp.argmax(jnp.where(adj[cur] & (nodes != prev), prio, -1.0)).astype(jnp.int32)
        hit = pos[nxt]
        step = hit < 0
        seq = jnp.where(step, seq.at[t + 1].set(nxt), seq)
        pos = jnp.where(step, pos.at[nxt].set(t + 1), pos)
        return (jnp.where(step, t + 1, t), jnp.where(step, nxt, cur), jnp.where(step, cur, prev),
                seq, pos, hit, nxt)

    init = (jnp.asarray(0, jnp.int32), start, jnp.asarray(-1, jnp.int32), seq, pos,
            jnp.asarray(-1, jnp.int32), start)
    # Ends when the walk meets a node it has visited (hit >= 0): within m steps, as above.
    sol = iterate(walk, init, max_steps=m, done=lambda old, new: new[5] >= 0)
    t_end, _, _, seq, _, hit, closing = sol.value
    # Edges seq[k] - seq[k+1] for hit <= k < t_end, then seq[t_end] - closing (= seq[hit]).
    k = jnp.arange(m + 1)
    a = jnp.where(k < t_end, seq, seq[t_end])
    b = jnp.where(k < t_end, jnp.roll(seq, -1), closing)
    valid = (k >= hit) & (k <= t_end) & (hit >= 0)
    sign = jnp.where(valid, jnp.where((k - hit) % 2 == 0, 1, -1), 0)
    lo, hi = jnp.minimum(a, b), jnp.maximum(a, b)
    rows = jnp.where(valid, lo, 0)
    cols = jnp.where(valid, hi - n, 0)
    return jnp.zeros((n, n), jnp.int32).at[rows, cols].add(sign), sol.status


def _cancel_cycles(x, key, max_iter):
    """Shift amounts round cycles of links until none is left (every total unchanged).

    Each shift empties the smallest link of the cycle (the cheaper of the two directions), so
    small links are dropped and large ones kept. Returns ``(x, status)``: ``OK`` once the links
    form a forest, ``MAX_STEPS`` if cycles are left after ``max_iter`` shifts.
    """

    def step(state):
        x, core, key, _ = state
        key, sub = jax.random.split(key)
        signs, found = _cycle(core, sub)
        low_minus = jnp.min(jnp.where(signs < 0, x, jnp.inf))
        low_plus = jnp.min(jnp.where(signs > 0, x, jnp.inf))
        shift = jnp.where(low_minus <= low_plus, low_minus, -low_plus)
        x = jnp.maximum(x + shift * signs.astype(x.dtype), 0.0)
        core, pruned = _two_core(x > 0)
        return x, core, key, worst(found, pruned)

    core, pruned = _two_core(x > 0)
    # the state's last entry: the status of this step's own loops (finding the cycle, pruning)
    sol = iterate(step, (x, core, key, pruned), max_steps=max_iter,
                  done=lambda old, new: ~jnp.any(new[1]), check=lambda state: state[3])
    return sol.value[0], worst(sol.status, pruned)


def _augment(x, ad, ld, allowed, thr):
    """Allocate along a shortest augmenting path (Edmonds-Karp), for dead ends.

    In a dead end, every pair of a borrower i still short (``ad_i > 0``) and a lender j still
    short (``ld_j > 0``) is barred (the diagonal, the support). An augmenting path
    ``i -> l1 <- k1 -> l2 <- ... -> j`` moves money round instead: +d on the new or existing
    allowed links ``i -> l1, k1 -> l2, ...``, -d on the existing links ``k1 -> l1, ...``; every
    total in between is unchanged and i and j each get d. Found by breadth-first search over
    borrower -> lender (allowed pairs) and lender -> borrower (existing links) steps. If there is
    none, no matrix on the support carries the totals (max-flow / min-cut).

    Returns ``(x, ad, ld, status)``: ``SINGULAR`` when there is no path.
    """
    n = x.shape[0]
    linked = x > 0
    source = ad > thr
    sink = ld > thr

    def search(state):
        frontier, seen_r, seen_c, par_r, par_c, _ = state
        step_c = frontier[:, None] & allowed
        new_c = jnp.any(step_c, 0) & ~seen_c
        par_c = jnp.where(new_c, jnp.argmax(step_c, 0).astype(jnp.int32), par_c)
        seen_c = seen_c | new_c
        step_r = new_c[None, :] & linked  # lender l reaches borrower k if k owes l
        new_r = jnp.any(step_r, 1) & ~seen_r
        par_r = jnp.where(new_r, jnp.argmax(step_r, 1).astype(jnp.int32), par_r)
        seen_r = seen_r | new_r
        return new_r, seen_r, seen_c, par_r, par_c, jnp.any(seen_c & sink)

    none = jnp.full(n, -1, jnp.int32)
    init = (source, source, jnp.zeros(n, bool), none, none, jnp.asarray(False))
    # Until the frontier is empty or a short lender is reached; each pass before that adds a
    # borrower to the seen set, so n + 1 passes suffice.
    bfs = iterate(search, init, max_steps=n + 1, done=lambda old, new: ~jnp.any(new[0]) | new[5])
    _, _, seen_c, par_r, par_c, found = bfs.value

    # Walk back from the reached lender to a source borrower, marking +1 / -1 on the path.
    def walk(state):
        j, signs, low, _, _ = state
        k = par_c[j]
        signs = signs.at[k, j].add(1)
        at_source = par_r[k] < 0
        back = jnp.maximum(par_r[k], 0)
        signs = jnp.where(at_source, signs, signs.at[k, back].add(-1))
        low = jnp.where(at_source, low, jnp.minimum(low, x[k, back]))
        return jnp.where(at_source, j, back), signs, low, k, at_source

    j0 = jnp.argmax(seen_c & sink).astype(jnp.int32)
    # ``low`` starts at the largest finite float, not inf: the driver stops on a non-finite
    # state; min(ad, ld, low) is the same either way.
    init = (j0, jnp.zeros((n, n), jnp.int32), jnp.asarray(jnp.finfo(x.dtype).max, x.dtype),
            jnp.asarray(0, jnp.int32), ~found)
    # A path visits each borrower at most once: n + 1 steps suffice.
    back = iterate(walk, init, max_steps=n + 1, done=lambda old, new: new[4])
    _, signs, low, i0, _ = back.value
    d = jnp.where(found, jnp.minimum(jnp.minimum(ad[i0], ld[j0]), low), 0.0)
    x = jnp.maximum(x + d * signs.astype(x.dtype), 0.0)
    # A search cut short is MAX_STEPS, not a proof that no path exists.
    status = jnp.where(bfs.status != Status.OK, bfs.status,
                       jnp.where(found, back.status, Status.SINGULAR)).astype(jnp.int32)
    return x, ad.at[i0].add(-d), ld.at[j0].add(-d), status


def _min_density_core(r, c, allowed, key, link_cost, penalty, theta, remove_prob, tol,
                      max_iter, ratio):
    """The Anand, Craig & von Peter (2015) heuristic on one problem (see :func:`min_density`)."""
    c, scale = _balance(r, c)
    thr = tol * scale
    allowed = allowed & (r > thr)[:, None] & (c > thr)[None, :]
    n = r.shape[0]
    key, k_cycles = jax.random.split(key)

    def unallocated(ad, ld):
        return jnp.any(ad > thr) | jnp.any(ld > thr)

    def step(x, ad, ld, key):
        """One ACvP move: propose a link (Metropolis) or, rarely, remove one."""
        k_pick, k_acc, k_rm, k_rm_pick = jax.random.split(key, 4)
        linked = x > 0
        open_ = allowed & ~linked & (ad > thr)[:, None] & (ld > thr)[None, :]
        # Proposal: a link drawn with probability Q[i, j] over the candidates.
        safe_ad = jnp.where(ad > thr, ad, 1.0)
        safe_ld = jnp.where(ld > thr, ld, 1.0)
        log_ad, log_ld = jnp.log(safe_ad)[:, None], jnp.log(safe_ld)[None, :]
        logq = jnp.where(ratio, jnp.abs(log_ad - log_ld), log_ad + log_ld)
        idx = jax.random.categorical(k_pick, jnp.where(open_, logq, -jnp.inf).ravel())
        i, j = idx // n, idx % n
        amount = jnp.minimum(ad[i], ld[j])  # the largest feasible amount
        # Change in V = -c * links - penalty * sum(unallocated / S)^2 from adding the link.
        gain = (ad[i] ** 2 - (ad[i] - amount) ** 2 + ld[j] ** 2 - (ld[j] - amount) ** 2)
        dv = penalty * gain / scale**2 - link_cost
        accept = (dv > 0) | (jax.random.uniform(k_acc, dtype=r.dtype) < jnp.exp(theta * dv))
        # Removal: a link drawn uniformly, its amount returned to both totals.
        remove = jnp.any(linked) & (jax.random.uniform(k_rm, dtype=r.dtype) < remove_prob)
        ridx = jax.random.categorical(k_rm_pick, jnp.where(linked, 0.0, -jnp.inf).ravel())
        ri, rj = ridx // n, ridx % n
        back = x[ri, rj]
        add = ~remove & accept
        x = jnp.where(add, x.at[i, j].set(amount), x)
        ad = jnp.where(add, ad.at[i].add(-amount), ad)
        ld = jnp.where(add, ld.at[j].add(-amount), ld)
        x = jnp.where(remove, x.at[ri, rj].set(0.0), x)
        ad = jnp.where(remove, ad.at[ri].add(back), ad)
        ld = jnp.where(remove, ld.at[rj].add(back), ld)
        return x, ad, ld, jnp.asarray(Status.OK, jnp.int32)

    def dead_end(x, ad, ld, key):
        return _augment(x, ad, ld, allowed, thr)

    def body(state):
        x, ad, ld, key, _ = state
        key, sub = jax.random.split(key)
        stuck = ~jnp.any(allowed & (x <= 0) & (ad > thr)[:, None] & (ld > thr)[None, :])
        x, ad, ld, status = lax.cond(stuck, dead_end, step, x, ad, ld, sub)
        return x, ad, ld, key, status

    init = (jnp.zeros((n, n), r.dtype), r, c, key, jnp.asarray(Status.OK, jnp.int32))
    # Until everything is allocated (OK), or the cap (MAX_STEPS), or a dead end with no
    # augmenting path: the support cannot carry the totals (SINGULAR, a max-flow cut).
    sol = iterate(body, init, max_steps=max_iter, done=lambda old, new: ~unallocated(new[1], new[2]),
                  check=lambda state: state[4])
    x, cycles_left = _cancel_cycles(sol.value[0], k_cycles, n * n)   # MAX_STEPS when cycles are left
    status = worst(sol.status, cycles_left, jnp.where(jnp.all(jnp.isfinite(x)), Status.OK, Status.NONFINITE))
    return ReconstructionResult(x, status == Status.OK, sol.steps, *_errors(x, r, c), status)


_min_density_jit = jax.jit(_min_density_core)


def _check_choice(name, value, allowed):
    if value not in allowed:
        raise ValueError(f"{name}={value!r}: allowed values are {allowed}")


def min_density(
    row_totals: jax.Array,
    col_totals: jax.Array,
    support: jax.Array | None = None,
    *,
    key: jax.Array,
    link_cost: float | jax.Array = 0.01,
    penalty: float | jax.Array = 1.0,
    theta: float | jax.Array = 100.0,
    remove_prob: float | jax.Array = 0.01,
    selection: str = "size",
    tol: float | jax.Array = 1e-12,
    max_iter: int | jax.Array = 100_000,
) -> ReconstructionResult:
    """Sparse (minimum-density) matrix with the given totals, Anand, Craig & von Peter (2015).

    Anand, Craig & von Peter (2015, Quantitative Finance 15(4), 625-636) look for the matrix with
    the fewest links that matches the totals, trading a cost ``c`` per link against penalties on
    what is left unallocated; the problem is combinatorial and they solve it with a stochastic
    heuristic. This is that heuristic, run in one loop of the engine's driver (the stochastic
    variant, not a deterministic greedy fill). Starting from ``X = 0`` with unallocated totals
    ``a = r``, ``l = c``, each iteration:

    1. draws a candidate link ``(i, j)`` among the allowed pairs with ``a_i > 0`` and ``l_j > 0``
       with probability ``Q[i, j]``: ``selection="size"`` -> ``Q ~ a_i l_j`` (links between
       entities with large unallocated totals first); ``selection="ratio"`` ->
       ``Q ~ max(a_i / l_j, l_j / a_i)`` (a large total paired with small ones: hub and spokes,
       the form used by the NetworkRiskMeasures implementation of the paper);
    2. fills it with the largest feasible amount ``min(a_i, l_j)``, which closes out i or j;
    3. accepts it if it raises the value ``V = -link_cost * links - penalty * (sum_i (a_i/S)^2 +
       sum_j (l_j/S)^2)``, otherwise with probability ``exp(theta * dV)`` (so links that
       allocate little relative to ``link_cost`` are put off, in favour of large ones);
    4. with probability ``remove_prob`` instead removes a random link and returns its amount to
       both totals (to explore other solutions).

    Dead ends -- no candidate left although some totals are not allocated, because the pairs
    still short are barred (the diagonal, the support) -- are where this version departs from
    the NetworkRiskMeasures implementation, which removes random links until the search gets
    out (slow and, without ``remove_prob``, liable to cycle): it allocates along a shortest
    augmenting path (Edmonds & Karp 1972): +d on allowed links
    ``i -> l1, k1 -> l2, ...``, -d on existing links ``k1 -> l1, ...``, which leaves every total
    in between unchanged. This always makes progress, and when no such path exists no matrix on
    the support can carry the totals (max-flow / min-cut): the loop stops, ``converged=False``.

    It stops when everything is allocated (to ``tol * S``). Then one step of ours: a cycle of
    links (i -> j, k -> j, k -> l, ..., back to i) can always be emptied at one of its links by
    shifting amounts round it (+t, -t, +t, ...) without changing any total, so a sparsest matrix
    has none. Cycles are cancelled one at a time, each time in the direction that empties the
    cycle's smallest link, until the links form a forest: at most ``(#borrowers with r > 0) +
    (#lenders with c > 0) - 1 <= 2N - 1`` links. The result is random (``key``): a sparse
    solution, not a certified minimum (finding the minimum is NP-hard).

    Args:
        row_totals: [N] USD bn, what borrower i owes in total.
        col_totals: [N] USD bn, what lender j has lent in total.
        support: optional [N, N] bool, False where no link i -> j may exist (diagonal excluded).
        key: PRNG key.
        link_cost: ``c``, cost of one link in units of the penalty (dimensionless).
        penalty: weight of unallocated totals, on squared shares of S (the paper weighs the
            deviations from each total with ``alpha_i``, ``delta_j``; here one weight for all).
        theta: inverse temperature of the acceptance rule; large values reject costly links
            more often.
        remove_prob: probability per iteration of removing a random link (exploration).
        selection: "size" or "ratio", the link-selection probabilities above.
        tol: totals matched to ``tol * S``.
        max_iter: cap on iterations (additions, rejections and removals all count).

    Returns:
        ReconstructionResult with matrix [N, N] USD bn, converged (everything allocated and no
        cycle left), iterations (of the allocation loop), row_error, col_error.

    Raises:
        ValueError: as :func:`max_entropy`, or an unknown ``selection``.
    """
    _check_choice("selection", selection, SELECTIONS)
    r, c, allowed = _prepare(row_totals, col_totals, support)
    dt = r.dtype
    return _min_density_jit(r, c, allowed, key, jnp.asarray(link_cost, dt),
                            jnp.asarray(penalty, dt), jnp.asarray(theta, dt),
                            jnp.asarray(remove_prob, dt), effective_tol(tol, dt),
                            jnp.asarray(max_iter, jnp.int32), jnp.asarray(selection == "ratio"))
