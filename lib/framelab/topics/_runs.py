"""The LDA runs of :class:`framelab.topics.TopicModel`: one fit, its score on held-out units,
and the continuation of an online run (``grid_passes``)."""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy import sparse
from sklearn.decomposition import LatentDirichletAllocation

__all__ = ["Run", "continue_run", "drop_expectation", "fit_lda", "grid_run"]

#: (k, seed, held-out perplexity, normalised topic-word weights, fitted model)
Run = tuple[int, int, float, np.ndarray, LatentDirichletAllocation]


def fit_lda(X: sparse.csr_matrix, k: int, seed: int, params: dict[str, Any],
            n_jobs: int | None) -> LatentDirichletAllocation:
    """Fit scikit-learn's LDA; online runs are ``max_iter`` passes of ``partial_fit``.

    ``partial_fit`` over the whole matrix is one pass of minibatch updates, exactly as in
    ``fit``, without the extra full E-step ``fit`` spends on the training bound.
    """
    params = dict(params)
    passes = params.pop("max_iter")
    params.pop("transform_doc_iter", None)
    if params["learning_method"] == "batch":
        return LatentDirichletAllocation(n_components=k, random_state=seed, n_jobs=n_jobs,
                                         max_iter=passes, **params).fit(X)
    model = LatentDirichletAllocation(n_components=k, random_state=seed, n_jobs=n_jobs,
                                      total_samples=X.shape[0], **params)
    for _ in range(passes):
        model.partial_fit(X)
    return model


def grid_run(X_train: sparse.csr_matrix, X_test: sparse.csr_matrix, k: int, seed: int,
             params: dict[str, Any], passes: int | None = None) -> Run:
    """One run of the grid: fit, then score on the held-out units.

    ``passes`` (online only) fits fewer passes than ``params["max_iter"]``; the run can then
    be finished by :func:`continue_run`, exactly as if it had been fitted in one go.
    """
    if passes is not None:
        params = dict(params, max_iter=passes)
    model = fit_lda(X_train, k, seed, params, 1)
    return _scored(model, k, seed, X_test, params)


def _scored(model: LatentDirichletAllocation, k: int, seed: int, X_test: sparse.csr_matrix,
            params: dict[str, Any]) -> Run:
    # the held-out units (and later every unit) are inferred to convergence
    model.set_params(max_doc_update_iter=params["transform_doc_iter"])
    components = model.components_ / model.components_.sum(axis=1, keepdims=True)
    perplexity = float(model.perplexity(X_test))
    return k, seed, perplexity, components, model


def continue_run(run: Run, X_train: sparse.csr_matrix, X_test: sparse.csr_matrix,
                 params: dict[str, Any], more: int) -> Run:
    """``more`` online passes of a grid run: ``partial_fit`` carries on from where the run
    stopped (its topics, minibatch count and random stream), so the result is the run fitted
    with all its passes at once."""
    k, seed, _, _, model = run
    model.set_params(max_doc_update_iter=params["max_doc_update_iter"])
    for _ in range(more):
        model.partial_fit(X_train)
    return _scored(model, k, seed, X_test, params)


def drop_expectation(model: LatentDirichletAllocation) -> None:
    """exp(E[log beta]) is as large as the topics; ``replace_topics`` recomputes it for the
    one model reported, so the runs keep only lambda in memory."""
    if hasattr(model, "exp_dirichlet_component_"):
        del model.exp_dirichlet_component_
