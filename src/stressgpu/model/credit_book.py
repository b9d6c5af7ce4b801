"""Credit books outside the network (docs/model.md §5.8): the loans and bonds of borrowers the
network does not name — most of a private-credit fund's book, banks' corporate loans, insurers' and
pension funds' bonds and private credit — lose what the scenario's credit cycle adds to the plan's
defaults.

Each class c (:class:`stressgpu.finance.Book`) has an annual default rate ``pd0`` in the plan. The
scenario moves it through two channels:

* **the credit cycle**: Vasicek's (2002) one-factor model, the one behind the Basel II IRB risk
  weights, gives the default rate of a large pool conditional on a systematic factor ``z`` (in
  standard deviations, positive = worse): ``Φ((Φ⁻¹(pd0) + √ρ z) / √(1 − ρ))``, with ρ the Basel
  corporate asset correlation at ``pd0`` (BCBS 2005, "An Explanatory Note on the Basel II IRB Risk
  Weight Functions"). ``z`` rises by ``credit_z_per_gdp`` per 1 % of world GDP below plan, while the
  scenario's GDP shortfall lasts. The plan is the median state ``z = 0``: only the excess over it is
  a loss (the plan's own defaults are priced into the loans' coupons);
* **credit spreads**: a spread widening ``s`` raises expected default losses by ``s / spread_to_loss``
  a year (spreads are about twice expected losses for speculative-grade credit; the rest is a risk
  premium), for as long as the widening lasts (the whole horizon in the rate-hike shock).

A quarter's write-off is ``book · Δpd / 4 · LGD``; written-off par leaves the book. Pure functions
of one scenario; USD bn.
"""
from __future__ import annotations

import jax
import jax.numpy as jnp
from jax.scipy.special import ndtr, ndtri

from ..finance import Book
from ..shocks.base import Factors
from .params import ModelParams
from .scopes import scoped


def basel_correlation(pd0) -> jax.Array:
    """Asset correlation of the Basel II corporate risk-weight function at default rate ``pd0``:
    ``0.12 w + 0.24 (1 − w)``, ``w = (1 − e^{−50 pd0}) / (1 − e^{−50})`` (BCBS 2005, §4)."""
    w = (1.0 - jnp.exp(-50.0 * pd0)) / (1.0 - jnp.exp(-50.0))
    return 0.12 * w + 0.24 * (1.0 - w)


def conditional_default_rate(pd0, z) -> jax.Array:
    """Vasicek (2002): the default rate of a large pool with unconditional rate ``pd0`` when the
    systematic factor is ``z`` standard deviations into the bad tail, ``Φ((Φ⁻¹(pd0) + √ρ z)/√(1 − ρ))``."""
    rho = basel_correlation(pd0)
    return ndtr((ndtri(pd0) + jnp.sqrt(rho) * z) / jnp.sqrt(1.0 - rho))


def credit_factor(f: Factors, p: ModelParams, t) -> jax.Array:
    """``[]`` the credit cycle's systematic factor in quarter ``t``: ``credit_z_per_gdp`` per 1 % of
    world GDP below plan while the scenario's GDP shortfall lasts (0 in the plan; a GDP gain does not
    lower defaults below the plan's)."""
    gap = jnp.where(t < f.gdp_quarters, jnp.maximum(1.0 - f.gdp_mult, 0.0), 0.0)
    return p.credit_z_per_gdp * 100.0 * gap


def default_rates(p: ModelParams, dtype=None):
    """``([C], [C])`` each class's plan default rate and loss given default (:class:`Book` order), in
    ``dtype`` (the run's: a float32 run stays float32 when x64 is on)."""
    pd0 = jnp.stack([jnp.asarray(p.book_pd_private_credit, dtype), jnp.asarray(p.book_pd_loans, dtype),
                     jnp.asarray(p.book_pd_bonds, dtype)])
    lgd = jnp.stack([jnp.asarray(p.book_lgd_private_credit, dtype), jnp.asarray(p.book_lgd_loans, dtype),
                     jnp.asarray(p.book_lgd_bonds, dtype)])
    return pd0, lgd


def excess_default_rate(f: Factors, p: ModelParams, t, dtype=None) -> jax.Array:
    """``[C]`` annual default rate of each class above the plan's in quarter ``t``: the credit
    cycle's (Vasicek at :func:`credit_factor` less Vasicek at 0) plus the spread widening's
    ``max(spread_shift, 0) / (spread_to_loss · LGD)``."""
    pd0, lgd = default_rates(p, dtype)
    z = credit_factor(f, p, t).astype(pd0.dtype)
    # Exactly 0 without a GDP shortfall: two float32 programs folded the difference of the two
    # evaluations differently (1e-8 a quarter, 7e-6 bn over a run).
    cycle = jnp.where(z > 0, conditional_default_rate(pd0, z) - conditional_default_rate(pd0, jnp.zeros_like(z)), 0.0)
    spread = jnp.maximum(f.spread_shift, 0.0) / (p.spread_to_loss * lgd)
    return cycle + spread


@scoped("credit_book")
def write_off(f: Factors, p: ModelParams, book, alive, t):
    """One quarter's defaults on the off-network books ``book`` ``[N, C]`` (par) of the live holders
    ``alive`` ``[N]`` (0/1): ``(par written off [N, C], loss [N])`` with loss = par written off × LGD
    (the recovery stays with the holder as other assets)."""
    _, lgd = default_rates(p, book.dtype)
    rate = jnp.clip(excess_default_rate(f, p, t, book.dtype) / 4.0, 0.0, 1.0)          # [C] a quarter's share
    written = book * rate[None, :] * alive[:, None]
    return written, written @ lgd


def book_step(f: Factors, p: ModelParams, book, loan_price, other, alive, t):
    """Write the quarter's defaults off the books ``book`` ``[N, C]``: written-off par leaves the book at
    its mark (private-credit loans at ``loan_price``, the rest at par) and its recovery ``1 − LGD``
    stays as other assets ``other`` ``[N]``. Returns ``(book, other, credit loss at par [N])``."""
    written, loss = write_off(f, p, book, alive, t)
    _, lgd = default_rates(p, book.dtype)
    mark = jnp.ones(book.shape[1], book.dtype).at[Book.PRIVATE_CREDIT].set(loan_price)
    other = other - written @ mark + written @ (1.0 - lgd)
    return book - written, other, loss


__all__ = ["book_step", "basel_correlation", "conditional_default_rate", "credit_factor", "default_rates", "excess_default_rate",
           "write_off", "Book"]
