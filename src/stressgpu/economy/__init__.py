"""The AI value chain and how firms fund it (docs/model.md §3–§4): pure functions of one
scenario's arrays, composed by the quarterly model in :mod:`stressgpu.dynamics`.

* :mod:`.market` — end demand for AI services, the compute market (utilisation, rental
  price), the AI-hardware market (rationed shipments, scarcity prices) and the asset prices
  derived from them;
* :mod:`.funding` — the funding order a firm follows when its cash runs short.
"""
from .funding import FundingResult, fund_shortfall
from .market import ChainState, Demand, end_demand, value_chain

__all__ = ["ChainState", "Demand", "FundingResult", "end_demand", "fund_shortfall", "value_chain"]
