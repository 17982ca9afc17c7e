"""LDA topic models a reviewer would accept: units, k selection, stability, prevalence by group.

The steps, each a function or an estimator (see ``docs/topics.md`` for the method):

1. ``resolve_unit`` (``topics._units``) picks the unit of analysis (documents when there are
   enough of them, else paragraphs), :func:`framelab.corpus.units` builds it, and
   ``topic_dtm`` counts terms and drops units left without any.
2. :class:`TopicModel` fits scikit-learn's ``LatentDirichletAllocation`` over a grid of k and
   seeds, scores each run by held-out perplexity and NPMI coherence, chooses k
   (:func:`choose_k`), reports the consensus of the seed runs at that k
   (``topics._consensus``), numbers topics by prevalence and measures their stability.
3. :func:`topic_terms`, :func:`doc_topics`, :func:`representative_passages` and
   :func:`topic_prevalence` turn the fitted model into the tables of the output contract, and
   the ``plot_*`` functions draw them on a given ``ax`` (``topics._views``); the measures
   (NPMI, matching, relevance, :func:`choose_k`) live in ``topics._coherence``.
   ``framelab.topics`` is the one namespace a notebook needs.

Topics are numbered from 1, in decreasing order of the tokens the model assigns to them.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from ..errors import ParameterError
from ._coherence import (
    K_SELECTION_COLUMNS,
    choose_k,
    npmi,
    npmi_from_dtm,
    top_term_ids,
)
from ._consensus import (
    REPORTED,
    extra_seeds,
    reported_model,
    stability_table,
)
from ._runs import continue_run, drop_expectation, fit_lda, grid_run

__all__ = ["AUTO_ONLINE_MIN_UNITS", "TopicModel"]

log = logging.getLogger(__name__)

#: ``learning_method="auto"`` uses online minibatches from this many fitted units.
AUTO_ONLINE_MIN_UNITS = 5000
#: E-step iterations per unit when inferring topic proportions (scikit-learn's default).
TRANSFORM_DOC_ITER = 100


def _as_ints(values: int | str | Sequence[int], name: str) -> list[int]:
    items: Sequence[Any]
    if isinstance(values, str):
        items = [v for v in values.replace(" ", "").split(",") if v]
    elif isinstance(values, (int, np.integer)):
        items = [values]
    else:
        items = values
    try:
        out = [int(v) for v in items]
    except (TypeError, ValueError):
        raise ParameterError(f"{name}={values!r}: give whole numbers, e.g. '3,4,5'") from None
    if not out:
        raise ParameterError(f"{name} is empty; give at least one value, e.g. '3,4,5'")
    return out


class TopicModel(TransformerMixin, BaseEstimator):
    """LDA with k selection, seed stability and numbered topics (scikit-learn estimator).

    Parameters
    ----------
    n_topics : int or "auto"
        Number of topics; ``"auto"`` applies :func:`choose_k` to the grid.
    k_grid : sequence of int or str
        Values of k scored by held-out perplexity and NPMI (``"3,4,5"`` is accepted). An int
        ``n_topics`` is added to the grid so that its stability can be measured.
    seeds : sequence of int or str
        Random seeds of the grid runs; the runs at the chosen k are the stability runs.
    top_n : int
        Top terms per topic used for NPMI and for Jaccard stability.
    coherence_window : int or None
        NPMI window: ``None`` = the whole unit, an int = sliding window of that many tokens
        (needs ``texts`` in :meth:`fit`).
    npmi_tolerance : float
        NPMI differences smaller than this (or than one standard error) count as ties in
        :func:`choose_k`, which held-out perplexity then breaks.
    test_size : float
        Share of the fitted units held out (one fixed split) for perplexity.
    stability_metric : {"jaccard", "cosine"}
        Similarity for matching topics across runs: top-``top_n`` Jaccard or topic-word cosine.
    stability_threshold : float
        A topic whose mean matched similarity is below this is flagged unstable; a run counts
        in ``matched_runs`` when its matched topic reaches it.
    reported : {"consensus", "best", "refit"}
        The model reported: the consensus of the seed runs at the chosen k
        (``topics._consensus``: runs aligned to their medoid run, each topic averaged over
        the runs that contain it); the seed run with the lowest held-out perplexity; or one
        more fit with ``random_state`` on all fitted units (framelab before the consensus).
    n_seed_runs : int or None
        Seed runs at the chosen k, for the consensus and the stability measures: the grid's
        ``seeds``, then further seeds (one above the largest, and on) fitted at that k only,
        up to this many (fewer than the grid's seeds: the grid's seeds). ``None`` compares the
        grid's seeds only.
    consensus_threshold : float
        Cosine of topic-word distributions from which a seed run counts as containing a topic
        (``seed_runs``); a topic found in fewer than half the runs is flagged unstable.
    min_units_per_topic : int
        The grid's largest k needs at least this many units per topic.
    learning_method : {"auto", "batch", "online"}
        scikit-learn's variational EM over all units per iteration, or online variational
        Bayes on minibatches of ``batch_size`` units (Hoffman, Blei & Bach 2010), much faster
        on large corpora. ``"auto"``: online from :data:`AUTO_ONLINE_MIN_UNITS` fitted units.
    batch_size : int
        Minibatch size for online learning.
    max_iter : int or None
        Passes over the fitted units; ``None`` = 20 for batch, 3 for online (enough with the
        learning rate below; see ``benchmarks/results/lda.md``).
    learning_offset, learning_decay : float
        Online learning rate ``(learning_offset + t) ** -learning_decay`` at minibatch ``t``;
        the defaults are gensim's (1.0, 0.5), which converge in fewer passes than
        scikit-learn's (10.0, 0.7).
    grid_passes : int or None
        Online fits only: passes of every grid run before k is chosen (scored by NPMI and
        held-out perplexity after them); the runs at the chosen k then go on to ``max_iter``
        passes (``partial_fit`` continues exactly, so they are the runs they would have been
        in one go), and the other k are left there. ``None``: every pass before choosing.
        Batch fits cannot be continued and always use ``max_iter``.
    fit_doc_iter : int
        Variational E-step iterations per unit at each update while the runs are fitted
        (scikit-learn's ``max_doc_update_iter``, there 100). Batch updates restart every
        unit's topic mixture from a random point, so later iterations barely move the topics;
        the held-out perplexity and :meth:`transform` always iterate up to 100 times (or to
        convergence). See ``docs/topics.md`` for the measurement behind the default.
    fit_sample : int, float or None
        Fit on a random sample of units (an int count or a share in (0, 1]); every unit is
        still transformed. ``None`` fits on all units.
    select_sample : int or None
        The k grid (and the seed runs at the chosen k) run on a seeded random sample of this
        many of the fitted units (all of them when there are fewer). ``None``: every fitted
        unit. A model fitted anew (not a picked seed run) is still fitted on every fitted unit.
    doc_topic_prior, topic_word_prior : float or None
        Dirichlet priors (``None`` = 1 / k as in scikit-learn and gensim).
    chunk_size : int
        Units per chunk in :meth:`transform`.
    n_jobs : int or None
        Parallel grid runs (joblib); the final fit and transform use it within the model.
        ``None`` = 1, safe on a shared 2-core machine; -1 uses every core.
    random_state : int
        Seed of the held-out split, the fit sample and the model of ``reported="refit"``.
    progress : bool
        Show a tqdm progress bar over the grid.

    Attributes
    ----------
    n_topics_ : int
        The k used.
    k_selection_ : DataFrame
        Columns :data:`K_SELECTION_COLUMNS`, one row per grid run.
    model_ : LatentDirichletAllocation
        The reported model (its topics are in scikit-learn's order; see ``order_``).
    order_ : ndarray of int of shape (n_topics_,)
        ``model_`` topic of each numbered topic (topic ``t`` is ``order_[t - 1]``).
    components_ : ndarray of shape (n_topics_, n_terms)
        Topic-word probabilities, rows in topic order.
    npmi_ : ndarray of shape (n_topics_,)
        NPMI coherence of each topic's top terms.
    stability_ : DataFrame
        Columns :data:`STABILITY_COLUMNS` (:func:`stability_table`):
        matched top-N similarity, cosine and Jensen–Shannon similarity to the seed runs, the
        runs containing each topic, and ``unstable``, so tables mark unstable topics as
        figures do.
    unstable_topics_ : list of int
        Topics whose stability is below ``stability_threshold`` or that fewer than half the
        seed runs contain.
    term_frequency_ : ndarray of shape (n_terms,)
        Corpus count of each term (for relevance).
    vocabulary_ : ndarray of str of shape (n_terms,) or None
        The terms, when given to :meth:`fit`.
    fit_info_ : dict
        How the model was fitted: the model reported (``"reported"``), learning method, units
        fitted / held out / total, sample.
    """

    def __init__(self, n_topics: int | str = "auto", *,
                 k_grid: Sequence[int] | str = (3, 4, 5, 6, 8),
                 seeds: Sequence[int] | str = (0, 1, 2), top_n: int = 10,
                 coherence_window: int | None = None, npmi_tolerance: float = 0.01,
                 test_size: float = 0.2,
                 stability_metric: str = "jaccard", stability_threshold: float = 0.5,
                 reported: str = "consensus", n_seed_runs: int | None = 10,
                 consensus_threshold: float = 0.5,
                 min_units_per_topic: int = 5, learning_method: str = "auto",
                 batch_size: int = 2048, max_iter: int | None = None,
                 learning_offset: float = 1.0, learning_decay: float = 0.5,
                 grid_passes: int | None = None, fit_doc_iter: int = 100, fit_sample: float | None = None, select_sample: int | None = 5000,
                 doc_topic_prior: float | None = None, topic_word_prior: float | None = None,
                 chunk_size: int = 10_000, n_jobs: int | None = None, random_state: int = 0,
                 progress: bool = True) -> None:
        self.n_topics = n_topics
        self.k_grid = k_grid
        self.seeds = seeds
        self.top_n = top_n
        self.coherence_window = coherence_window
        self.npmi_tolerance = npmi_tolerance
        self.test_size = test_size
        self.stability_metric = stability_metric
        self.stability_threshold = stability_threshold
        self.reported = reported
        self.n_seed_runs = n_seed_runs
        self.consensus_threshold = consensus_threshold
        self.min_units_per_topic = min_units_per_topic
        self.learning_method = learning_method
        self.batch_size = batch_size
        self.max_iter = max_iter
        self.learning_offset = learning_offset
        self.learning_decay = learning_decay
        self.grid_passes = grid_passes
        self.fit_doc_iter = fit_doc_iter
        self.fit_sample = fit_sample
        self.select_sample = select_sample
        self.doc_topic_prior = doc_topic_prior
        self.topic_word_prior = topic_word_prior
        self.chunk_size = chunk_size
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.progress = progress

    # validation ----------------------------------------------------------------------------
    def _fixed_k(self) -> int | None:
        """``n_topics`` as an int, or None for "auto" ("6" is accepted from notebooks)."""
        n = self.n_topics
        if isinstance(n, str) and n.strip() == "auto":
            return None
        if isinstance(n, str) and n.strip().isdigit():
            return int(n)
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
            raise ParameterError(f"n_topics={n!r}: use a whole number of topics or 'auto'")
        return int(n)

    def _grid(self, n_units: int, n_train: int) -> list[int]:
        grid = _as_ints(self.k_grid, "k_grid")
        fixed = self._fixed_k()
        if fixed is not None:
            grid.append(fixed)
        grid = sorted(set(grid))
        if grid[0] < 2:
            raise ParameterError(f"k_grid/n_topics contain k={grid[0]}; LDA needs k >= 2")
        k_max = grid[-1]
        if k_max > n_units:
            raise ParameterError(
                f"k={k_max} topics is more than the {n_units} units available; use k <= "
                f"{n_units // max(1, self.min_units_per_topic)} (n_topics / k_grid) or smaller "
                "units (unit='paragraph' or a sentence window)")
        need = k_max * self.min_units_per_topic
        if need > n_train:
            fits = [k for k in grid if k * self.min_units_per_topic <= n_train]
            raise ParameterError(
                f"the grid is too large for the corpus: k={k_max} needs {need} training units "
                f"({self.min_units_per_topic} per topic, min_units_per_topic) but {n_train} of "
                f"{n_units} units are left after holding out test_size={self.test_size}. Drop "
                f"the larger k from k_grid (k <= {n_train // self.min_units_per_topic}"
                + (f", e.g. {','.join(map(str, fits))}" if fits else "")
                + "), use smaller units, or add documents")
        return grid

    def _check_params(self, X: sparse.csr_matrix, texts: Sequence[Sequence[str]] | None,
                      vocabulary: np.ndarray | None) -> None:
        if self.learning_method not in ("auto", "batch", "online"):
            raise ParameterError(f"learning_method={self.learning_method!r}; use 'auto', "
                                 "'batch' or 'online' (minibatches, for large corpora)")
        if isinstance(self.fit_doc_iter, bool) or not isinstance(
                self.fit_doc_iter, (int, np.integer)) or self.fit_doc_iter < 1:
            raise ParameterError(f"fit_doc_iter={self.fit_doc_iter!r}: use a whole number of "
                                 "E-step iterations, at least 1 (scikit-learn uses 100)")
        if self.max_iter is not None and int(self.max_iter) < 1:
            raise ParameterError(f"max_iter={self.max_iter}: use at least 1 pass, or None")
        if not 0.0 < float(self.test_size) < 1.0:
            raise ParameterError(f"test_size={self.test_size}: use a share in (0, 1), e.g. 0.2")
        if not 0.0 <= float(self.stability_threshold) <= 1.0:
            raise ParameterError(f"stability_threshold={self.stability_threshold}: use [0, 1]")
        if self.reported not in REPORTED:
            raise ParameterError(f"reported={self.reported!r}; use 'consensus' (topics the seed "
                                 "runs agree on), 'best' (held-out perplexity) or 'refit'")
        if not 0.0 < float(self.consensus_threshold) <= 1.0:
            raise ParameterError(f"consensus_threshold={self.consensus_threshold}: use a cosine "
                                 "in (0, 1], e.g. 0.5")
        if int(self.top_n) < 2:
            raise ParameterError(f"top_n={self.top_n}: NPMI needs at least 2 top terms")
        if X.shape[1] < self.top_n:
            raise ParameterError(
                f"only {X.shape[1]} terms survive pruning in {X.shape[0]} units but top_n="
                f"{self.top_n} terms per topic are scored; lower min_df, raise max_df or lower "
                "top_n")
        if vocabulary is not None and len(vocabulary) != X.shape[1]:
            raise ParameterError(f"vocabulary has {len(vocabulary)} terms but X has "
                                 f"{X.shape[1]} columns; pass the DTM's own vocabulary")
        window = self.coherence_window
        if window is not None and (isinstance(window, bool) or not isinstance(window, int)
                                   or window < 2):
            raise ParameterError(f"coherence_window={window!r}: use None (the whole unit) or a "
                                 "sliding window of at least 2 tokens, e.g. 10 as gensim c_npmi")
        if self.coherence_window is not None:
            if texts is None or vocabulary is None:
                raise ParameterError(f"coherence_window={self.coherence_window} needs "
                                     "fit(..., texts=unit_tokens(units), vocabulary=...)")
            if len(texts) != X.shape[0]:
                raise ParameterError(f"texts has {len(texts)} units but X has {X.shape[0]}")

    def _grid_passes(self, method: str, passes: int) -> int:
        """Passes of the grid's runs before k is chosen (all of them for batch fits)."""
        value = self.grid_passes
        if value is None or method == "batch":
            return passes
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            raise ParameterError(f"grid_passes={value!r}: use a number of online passes, at "
                                 "least 1, or None (every pass before k is chosen)")
        return min(int(value), passes)

    def _fit_units(self, n_units: int, rng: np.random.Generator) -> np.ndarray:
        sample = self.fit_sample
        if sample is None:
            return np.arange(n_units)
        if isinstance(sample, float) and 0.0 < sample <= 1.0:
            size = max(1, round(sample * n_units))
        elif isinstance(sample, (int, np.integer)) and not isinstance(sample, bool) and sample > 0:
            size = min(int(sample), n_units)
        else:
            raise ParameterError(f"fit_sample={sample!r}: use None (all units), a number of "
                                 "units, or a share in (0, 1]")
        return np.sort(rng.choice(n_units, size=size, replace=False))

    # fitting -------------------------------------------------------------------------------
    def fit(self, X: sparse.spmatrix, y: None = None, *, vocabulary: Sequence[str] | None = None,
            texts: Sequence[Sequence[str]] | None = None) -> TopicModel:
        """Run the k-selection grid, fit the reported model and measure topic stability.

        Parameters
        ----------
        X : sparse matrix of shape (n_units, n_terms)
            Term counts per unit (``topic_dtm(...)[1].X``).
        y : None
            Ignored.
        vocabulary : sequence of str of shape (n_terms,), optional
            Terms of the columns; needed by :func:`topic_terms`.
        texts : sequence of sequence of str of shape (n_units,), optional
            Token lists of the units (:func:`unit_tokens`); needed for a sliding NPMI window.
        """
        from joblib import Parallel, delayed
        from tqdm.std import tqdm  # a text bar: saved notebooks show it when reopened

        X = sparse.csr_matrix(X)
        vocab = None if vocabulary is None else np.asarray(vocabulary, dtype=str)
        self._check_params(X, texts, vocab)
        rng = np.random.default_rng(self.random_state)
        n_units = X.shape[0]
        fit_idx = self._fit_units(n_units, rng)
        select = self.select_sample
        if select is not None and (isinstance(select, bool) or int(select) < 1):
            raise ParameterError(f"select_sample={select!r}: use a number of units, or None")
        grid_idx = fit_idx if select is None or len(fit_idx) <= int(select) else \
            np.sort(rng.choice(fit_idx, size=int(select), replace=False))
        perm = rng.permutation(grid_idx)
        n_test = max(1, round(float(self.test_size) * len(perm)))
        train, test = np.sort(perm[n_test:]), np.sort(perm[:n_test])
        grid = self._grid(len(grid_idx), len(train))
        seeds = _as_ints(self.seeds, "seeds")
        extra = extra_seeds(seeds, self.n_seed_runs)
        method = self.learning_method
        if method == "auto":
            method = "online" if len(fit_idx) >= AUTO_ONLINE_MIN_UNITS else "batch"
        passes = self.max_iter if self.max_iter is not None else \
            (20 if method == "batch" else 3)
        params = {"learning_method": method, "batch_size": self.batch_size,
                  "max_iter": int(passes), "learning_offset": self.learning_offset,
                  "learning_decay": self.learning_decay,
                  "max_doc_update_iter": int(self.fit_doc_iter),
                  "transform_doc_iter": TRANSFORM_DOC_ITER,
                  "doc_topic_prior": self.doc_topic_prior,
                  "topic_word_prior": self.topic_word_prior}
        tasks = [(k, s) for k in grid for s in seeds]
        X_train, X_test = X[train], X[test]
        grid_passes = self._grid_passes(method, int(passes))
        log.info("k grid %s x seeds %s on %d training / %d held-out units (%s, %d passes)",
                 grid, seeds, len(train), len(test), method, grid_passes)
        runs = Parallel(n_jobs=self.n_jobs, return_as="generator")(
            delayed(grid_run)(X_train, X_test, k, s, params,
                               grid_passes if grid_passes < passes else None)
            for k, s in tasks)
        results = list(tqdm(runs, total=len(tasks), desc="LDA k x seed grid",
                            disable=not self.progress))
        tops = [top_term_ids(r[3], self.top_n) for r in results]
        scores = self._npmi(tops, X, texts, vocab)
        self.k_selection_ = pd.DataFrame(
            [(k, s, p, float(np.mean(v))) for (k, s, p, _, _), v in zip(results, scores)],
            columns=K_SELECTION_COLUMNS)
        fixed = self._fixed_k()
        self.n_topics_ = choose_k(self.k_selection_, tolerance=self.npmi_tolerance) \
            if fixed is None else fixed

        at_k = [r for r in results if r[0] == self.n_topics_]
        for r in results:
            if r[0] != self.n_topics_:
                drop_expectation(r[4])
        if grid_passes < passes:
            log.info("%d grid runs at k=%d: %d more passes", len(at_k), self.n_topics_,
                     passes - grid_passes)
            at_k = [continue_run(r, X_train, X_test, params, int(passes) - grid_passes)
                    for r in at_k]
        if extra:
            log.info("%d more seed runs at k=%d: seeds %s", len(extra), self.n_topics_, extra)
            more = Parallel(n_jobs=self.n_jobs, return_as="generator")(
                delayed(grid_run)(X_train, X_test, self.n_topics_, s, params) for s in extra)
            at_k += list(tqdm(more, total=len(extra), desc=f"LDA seed runs at k={self.n_topics_}",
                              disable=not self.progress))
        for r in at_k:
            drop_expectation(r[4])
        picked, seed_runs, reported = reported_model(
            [(s, p, m) for _, s, p, _, m in at_k], self.reported,
            threshold=self.consensus_threshold)
        self.model_ = picked.set_params(n_jobs=self.n_jobs) if picked is not None else \
            fit_lda(X[fit_idx], self.n_topics_, self.random_state, params, self.n_jobs).set_params(
                max_doc_update_iter=TRANSFORM_DOC_ITER)
        # number topics by the (expected) tokens assigned to them: the rows of lambda
        self.order_ = np.argsort(-self.model_.components_.sum(axis=1), kind="stable")
        raw = self.model_.components_[self.order_]
        self.components_ = raw / raw.sum(axis=1, keepdims=True)
        self.npmi_ = self._npmi([top_term_ids(self.components_, self.top_n)], X, texts, vocab)[0]
        self.stability_ = stability_table(
            self.components_, [r[3] for r in at_k], metric=self.stability_metric,
            top_n=self.top_n, threshold=self.stability_threshold,
            found_threshold=self.consensus_threshold,
            seed_runs=None if seed_runs is None else seed_runs[self.order_])
        self.unstable_topics_ = [int(t) for t in
                                 self.stability_.loc[self.stability_["unstable"], "topic"]]
        self.term_frequency_ = np.asarray(X.sum(axis=0)).ravel()
        self.vocabulary_ = vocab
        self.fit_info_ = {"reported": reported,
                          "learning_method": method, "max_iter": int(passes),
                          "batch_size": self.batch_size if method == "online" else None,
                          "grid_passes": grid_passes,
                          "n_units": n_units, "n_fit_units": len(fit_idx),
                          "n_select_units": len(grid_idx),
                          "n_train_units": len(train), "n_test_units": len(test),
                          "sampled": len(fit_idx) < n_units, "random_state": self.random_state}
        log.info("chose k=%d; fitted on %d of %d units; unstable topics: %s", self.n_topics_,
                 len(fit_idx), n_units, self.unstable_topics_ or "none")
        return self

    def _npmi(self, tops: list[np.ndarray], X: sparse.csr_matrix,
              texts: Sequence[Sequence[str]] | None, vocab: np.ndarray | None) -> list[np.ndarray]:
        """NPMI of each run's topics, counting co-occurrences once for all runs."""
        stacked = np.vstack(tops)
        if self.coherence_window is None:
            flat = npmi_from_dtm(stacked, X)
        else:
            assert vocab is not None and texts is not None
            flat = npmi([list(vocab[row]) for row in stacked], texts,
                        window=self.coherence_window)
        bounds = np.cumsum([len(t) for t in tops])[:-1]
        return np.split(flat, bounds)

    def _transform_raw(self, X: sparse.csr_matrix) -> np.ndarray:
        size = max(1, int(self.chunk_size))
        parts = [self.model_.transform(X[i:i + size]) for i in range(0, X.shape[0], size)]
        return np.vstack(parts) if parts else np.zeros((0, self.model_.n_components))

    def transform(self, X: sparse.spmatrix) -> np.ndarray:
        """Topic proportions of each unit, in chunks of ``chunk_size`` units.

        Parameters
        ----------
        X : sparse matrix of shape (n_units, n_terms)

        Returns
        -------
        ndarray of shape (n_units, n_topics_)
            Rows sum to 1; column ``t - 1`` is topic ``t``.
        """
        check_is_fitted(self, "model_")
        return self._transform_raw(sparse.csr_matrix(X))[:, self.order_]

