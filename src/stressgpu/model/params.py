"""The quarterly model's settings as a PyTree (docs/model.md §3–§6).

Every default comes from the run configuration's dataclasses (:class:`stressgpu.config.ModelConfig`
and :class:`~stressgpu.config.ChannelsConfig`), the one place where each is written, with its
allowed range and its source; this module only decides which of them are numbers (leaves:
differentiable, and changing them does not recompile) and which are switches (static: they select
code paths, so changing one recompiles).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import jax

from ..config import ChannelsConfig, ModelConfig

_MODEL, _CHANNELS = ModelConfig(), ChannelsConfig()
CPU_TILE = 2048  # scenarios per tile on a CPU (measured in stressgpu.batch.tiled's docstring)


def _switch(default):
    """A static field: it selects code paths, so changing it recompiles."""
    return field(default=default, metadata=dict(static=True))


@jax.tree_util.register_dataclass
@dataclass(frozen=True)
class ModelParams:
    """Settings of the quarterly model. Channel switches choose which mechanisms run (clearing
    always runs; switching a channel off reduces the model to the simpler one). Numbers are
    fractions per year unless stated; what each means is documented on its config field."""

    # Channels.
    commitments: bool = _switch(_CHANNELS.commitments)
    cross_holdings: bool = _switch(_CHANNELS.cross_holdings)
    fire_sales: bool = _switch(_CHANNELS.fire_sales)
    refinancing: bool = _switch(_CHANNELS.refinancing)
    covenants: bool = _switch(_CHANNELS.covenants)
    # Default costs (Rogers & Veraart 2013) and claims (docs/model.md §5.3–§5.4).
    alpha: float = _MODEL.alpha
    beta: float = _MODEL.beta
    claim_discount_rate: float = _MODEL.claim_discount_rate
    replacement_premium: float = _MODEL.replacement_premium
    # Capital stock (§3).
    hardware_life_years: float = _MODEL.hardware_life_years
    real_estate_life_years: float = _MODEL.real_estate_life_years
    capex_hardware_share: float = _MODEL.capex_hardware_share
    # Fire sales (§5.5).
    min_capital_ratio: float = _MODEL.min_capital_ratio
    depth_hardware: float = _MODEL.depth_hardware
    depth_real_estate: float = _MODEL.depth_real_estate
    impact: str = _switch(_MODEL.impact.value)
    # Solvers.
    clearing_tol: float = _MODEL.clearing_tol
    clearing_max_iter: int = _switch(_MODEL.clearing_max_iter)
    max_contagion_rounds: int = _switch(_MODEL.max_contagion_rounds)
    firesale_steps: int = _switch(_MODEL.firesale_steps)
    price_tol: float = _MODEL.price_tol
    # The financial sector (docs/model.md §5.8).
    book_pd_private_credit: float = _MODEL.book_pd_private_credit
    book_pd_loans: float = _MODEL.book_pd_loans
    book_pd_bonds: float = _MODEL.book_pd_bonds
    book_lgd_private_credit: float = _MODEL.book_lgd_private_credit
    book_lgd_loans: float = _MODEL.book_lgd_loans
    book_lgd_bonds: float = _MODEL.book_lgd_bonds
    credit_z_per_gdp: float = _MODEL.credit_z_per_gdp
    spread_to_loss: float = _MODEL.spread_to_loss
    redemption_base: float = _MODEL.redemption_base
    redemption_slope: float = _MODEL.redemption_slope
    depth_loans: float = _MODEL.depth_loans
    loan_sales_memory: float = _MODEL.loan_sales_memory
    # Value chain (§3) and funding (§4).
    rental_price_elasticity: float = _MODEL.rental_price_elasticity
    hardware_price_elasticity: float = _MODEL.hardware_price_elasticity
    capacity_lag_quarters: int = _switch(_MODEL.capacity_lag_quarters)
    equity_issue_share: float = _MODEL.equity_issue_share
    convertible_share: float = _MODEL.convertible_share
    # Market value (§6).
    risk_free: float = _MODEL.risk_free
    equity_premium: float = _MODEL.equity_premium
    non_ai_growth: float = _MODEL.non_ai_growth
    growth_fade_years: float = _MODEL.growth_fade_years
    terminal_growth: float = _MODEL.terminal_growth
    reversion_years: float = _MODEL.reversion_years
    # Lenders' underwriting and distress decisions (§4).
    max_leverage: float = _MODEL.max_leverage
    min_interest_cover: float = _MODEL.min_interest_cover
    max_ltv: float = _MODEL.max_ltv
    backlog_advance: float = _MODEL.backlog_advance
    round_share: float = _MODEL.round_share
    round_size_elasticity: float = _MODEL.round_size_elasticity
    opex_cut_per_year: float = _MODEL.opex_cut_per_year
    opex_cut_cost: float = _MODEL.opex_cut_cost
    construction_quarters: float = _MODEL.construction_quarters
    equity_volatility: float = _MODEL.equity_volatility   # market value (§6): the equity as a call option
    # How the model runs, not what it computes (not in the run configuration's model.*).
    record_paths: bool = _switch(False)   # also return cash, net-worth and payout paths [T, N]
    tile: int = _switch(CPU_TILE)         # scenarios per tile inside a batch (0: no tiling, as on a GPU)
