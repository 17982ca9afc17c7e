"""Fitting one LDA model: batch, or online passes of minibatch updates (:class:`TopicModel`)."""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy import sparse
from sklearn.decomposition import LatentDirichletAllocation

__all__ = ["grid_run", "lda"]


def lda(X: sparse.csr_matrix, k: int, seed: int, params: dict[str, Any],
         n_jobs: int | None) -> LatentDirichletAllocation:
    """Fit scikit-learn's LDA; online runs are ``max_iter`` passes of ``partial_fit``.

    ``partial_fit`` over the whole matrix is one pass of minibatch updates, exactly as in
    ``fit``, without the extra full E-step ``fit`` spends on the training bound.
    """
    params = dict(params)
    passes = params.pop("max_iter")
    if params["learning_method"] == "batch":
        return LatentDirichletAllocation(n_components=k, random_state=seed, n_jobs=n_jobs,
                                         max_iter=passes, **params).fit(X)
    model = LatentDirichletAllocation(n_components=k, random_state=seed, n_jobs=n_jobs,
                                      total_samples=X.shape[0], **params)
    for _ in range(passes):
        model.partial_fit(X)
    return model


def grid_run(X_train: sparse.csr_matrix, X_test: sparse.csr_matrix, k: int, seed: int,
              params: dict[str, Any]) -> tuple[int, int, float, np.ndarray]:
    model = lda(X_train, k, seed, params, 1)
    components = model.components_ / model.components_.sum(axis=1, keepdims=True)
    return k, seed, float(model.perplexity(X_test)), components
