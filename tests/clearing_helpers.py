"""Helpers shared by the clearing tests (tests/test_clearing.py, tests/test_clearing_batch.py):
random networks, the clearing map written out in NumPy, results on the host."""
import jax
import numpy as np

from stressgpu.channels.clearing_batch import solve_clearing


def _np(x):
    return np.asarray(x, dtype=np.float64)


def _host(res):
    """A ClearingResult as numpy arrays (checks run on the host: no eager jax compilations)."""
    return jax.tree_util.tree_map(np.asarray, res)


def _solve(net, e, **kw):
    return _host(solve_clearing(net, e, **kw))


def _pbar_pi(L, ext):
    L, ext = _np(L), _np(ext)
    pbar = L.sum(1) + ext
    safe = np.where(pbar > 0, pbar, 1.0)
    return pbar, L / safe[:, None]


def _random_network(rng, n, density=None, cross=False, ext_zero_share=0.0):
    """Sparse random liabilities (USD bn); every entity owes something outside unless
    ``ext_zero_share`` > 0; optional cross-holdings with column sums <= 0.6."""
    density = min(1.0, 3.0 / n) if density is None else density
    mask = rng.random((n, n)) < density
    np.fill_diagonal(mask, False)
    L = np.where(mask, rng.lognormal(1.5, 1.0, (n, n)), 0.0)
    ext = 0.1 * L.sum(1) + rng.uniform(0.5, 5.0, n) + L.sum(1) * rng.uniform(0.0, 1.0, n)
    if ext_zero_share:
        ext = np.where(rng.random(n) < ext_zero_share, 0.0, ext)
    C = np.zeros((n, n))
    if cross:
        cmask = rng.random((n, n)) < min(1.0, 2.0 / n)
        np.fill_diagonal(cmask, False)
        C = np.where(cmask, rng.uniform(0.05, 1.0, (n, n)), 0.0)
        colsum = C.sum(0)
        C = C * np.where(colsum > 0.6, 0.6 / np.where(colsum > 0, colsum, 1.0), 1.0)[None, :]
    return L, ext, C


def _random_e(rng, L, ext, batch, lo=0.0, hi=1.3):
    """External assets between lo and hi times what each entity needs when paid in full."""
    pbar, pi = _pbar_pi(L, ext)
    need = np.maximum(pbar - pbar @ pi, 0.0) + 1.0
    return need[None, :] * rng.uniform(lo, hi, (batch, len(pbar)))


def _np_map(L, ext, C, e, p, v, forced, alpha, beta):
    """The joint clearing map written out in numpy (docs/model.md §5.2), batched over rows:
    a = e + Pi^T p + C V; default iff forced or a < pbar; a defaulter pays
    clip(alpha e + beta (a - e), 0, pbar) and has V = 0; a solvent entity pays pbar, V = a - pbar."""
    pbar, pi = _pbar_pi(L, ext)
    e = _np(e)
    a = e + _np(p) @ pi + _np(v) @ _np(C).T
    d = np.asarray(forced, bool) | (a < pbar)
    p_new = np.where(d, np.clip(alpha * e + beta * (a - e), 0.0, pbar), pbar)
    return p_new, np.where(d, 0.0, a - pbar), d
