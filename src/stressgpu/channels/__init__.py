"""Propagation channels of docs/model.md §5, each a pure, batched JAX function of arrays."""
from .cascade import CascadeResult, default_cascade
from .clearing import ClearingNetwork, ClearingParams, ClearingResult, EdgeNetwork, make_network
from .clearing_batch import solve_clearing
from .commitments import circular_revenue_share
from .debtrank import DebtRankResult, debtrank, debtrank_by_entity
from .firesale import FireSaleResult, fire_sale, price_impact
from .implicit import clear_differentiable, smooth_default_probability, system_loss

__all__ = [
    "CascadeResult", "ClearingNetwork", "ClearingParams", "ClearingResult", "DebtRankResult", "EdgeNetwork",
    "FireSaleResult", "circular_revenue_share", "clear_differentiable", "debtrank",
    "debtrank_by_entity", "default_cascade", "fire_sale", "make_network", "price_impact",
    "smooth_default_probability", "solve_clearing", "system_loss",
]
