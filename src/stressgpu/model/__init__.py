"""The quarterly model's mechanisms, one module each, in the order a quarter runs them
(:func:`stressgpu.dynamics.quarter` writes that order once):

=================  ===================================================================  ==============
module             mechanism                                                            docs/model.md
=================  ===================================================================  ==============
``value_chain``    end demand, the compute and AI-hardware markets, derived prices       §3
``capacity``       investment toward demand, capex, capacity built after a lag           §3
``revenue``        revenue by role, variable and sticky costs                            §3–§4
``contracts``      what each commitment pays, fees, replacement purchases                 §4, §5.4
``debt_service``   interest (floating and refinanced) and principal due                   §4
``funding``        cash before funding, the funding order, dividends                      §4
``contagion``      clearing and fire sales to their joint fixed point                     §5.2, §5.5
``resolution``     estates: secured lenders, guarantees, suppliers' and buyers' claims    §5.3–§5.4
``covenants``      maintenance covenants, cure periods, acceleration                      §5.1
``valuation``      market value of equity along the path (DCF, priced-in growth)         §6
``losses``         loss accounting at the horizon, :class:`Outcome`                       §7
=================  ===================================================================  ==============

``state`` holds the nested state the mechanisms pass along (books, capacity, credit, claims,
defaults, ledger), ``plan`` what every scenario of a network shares, ``params`` the settings.
Every function here is pure and written for one scenario.
"""
from .losses import Outcome
from .params import CPU_TILE, ModelParams
from .state import State

__all__ = ["CPU_TILE", "ModelParams", "Outcome", "State"]
