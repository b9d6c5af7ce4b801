"""Reconstruction of unknown bilateral amounts from known totals (docs/model.md §2).

Often only totals are published: what each borrower owes in total to the lenders in scope and
what each lender has lent in total, not who lent to whom. With N entities (USD bn):

* ``row_totals[i]`` = ``r_i`` -- what borrower ``i`` owes in total to the lenders in scope;
* ``col_totals[j]`` = ``c_j`` -- what lender ``j`` has lent in total;
* the reconstructed ``X[i, j]`` -- what ``i`` owes ``j`` (docs/model.md §2: ``L[i, j]``), with
  ``sum_j X[i, j] = r_i``, ``sum_i X[i, j] = c_j``, ``X >= 0``, ``X[i, i] = 0`` (no entity lends
  to itself) and, when a ``support`` mask is given, ``X[i, j] = 0`` where it is False.

The totals must balance, ``sum_i r_i = sum_j c_j`` (= S): every amount owed is an amount lent.

Methods:

* :func:`max_entropy` -- Upper & Worms (2004, "Estimating bilateral exposures in the German
  interbank market: Is there a danger of contagion?", European Economic Review 48(4), 827-849):
  the matrix closest in relative entropy to the prior ``r_i c_j / S`` (zero on the diagonal and
  outside the support) that matches the totals, by RAS (iterative proportional fitting). With the
  totals fixed this is the matrix of maximal Shannon entropy ``-sum x log x``: it spreads every
  book as evenly as the totals allow (dense; contagion tends to be understated).
* :func:`min_density` -- Anand, Craig & von Peter (2015, "Filling in the blanks: network
  structure and interbank contagion", Quantitative Finance 15(4), 625-636): a sparse matrix with
  few links that still matches the totals, by their stochastic link-by-link heuristic.
* :func:`sample_networks` -- an ensemble of plausible sparse networks consistent with the totals
  (random support and random weights, RAS-fitted), for Monte Carlo over the unknown structure.
* :func:`reconstruct_block` -- published links kept fixed, the unpublished remainder of each
  book reconstructed by maximum entropy.

Everything is pure JAX: every iteration runs through the engine's fixed-point driver
(:func:`stressgpu.solvers.iterate`), results carry a ``converged`` flag, a status and an
iteration count, and every function can be jitted and vmapped. Checks that need the
numbers (balanced, non-negative totals) run in Python before jitting when inputs are concrete;
under ``jit``/``vmap`` they are skipped and an infeasible problem shows as ``converged=False``.
"""
from .ensembles import reconstruct_block, sample_networks
from .min_density import min_density
from .totals import SAMPLE_METHODS, SELECTIONS, ReconstructionResult, max_entropy

__all__ = ["SAMPLE_METHODS", "SELECTIONS", "ReconstructionResult", "max_entropy", "min_density",
           "reconstruct_block", "sample_networks"]
