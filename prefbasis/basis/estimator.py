"""`PreferenceBasis`: a scikit-learn estimator (transformer) that selects k canonical preference categories.

Steps: distinct normalized descriptions (sorted, weighted by mention count) → unit embeddings →
atoms (weighted spherical k-means) → atom medoids as candidates → greedy weighted max-coverage
(within cosine `tau`) → k (`"auto"`: smallest k reaching `target`) → names → assignments.

`X` is either a sequence of description strings (embedded by `embedder`, default the offline
MiniLM; or pass `embeddings=` aligned with X) or a 2-D array of embedding vectors (one row per
description). `transform` gives the cosine to each category, `predict` the category (-1: none
within tau). It follows scikit-learn's contract: `get_params`/`set_params`, `clone`, pickling,
`check_is_fitted`, `fit(X, y=None, sample_weight=None)`; the test suite runs
`parametrize_with_checks` on it (tests/test_basis_sklearn.py).

Example:
    >>> import numpy as np
    >>> texts = ["short", "brief", "long", "lengthy"]
    >>> vecs = np.array([[1, 0], [0.99, 0.14], [0, 1], [0.14, 0.99]], dtype=np.float32)
    >>> pb = PreferenceBasis(k="auto", target=0.9, tau=0.8).fit(texts, sample_weight=[3, 1, 2, 1],
    ...                                                          embeddings=vecs)
    >>> pb.k_, pb.category_medoids_
    (2, ['short', 'long'])
    >>> pb.predict(["lengthy"], embeddings=vecs[3:]).tolist()
    [1]
    >>> pb.predict(vecs[3:]).tolist()   # vectors work as input too
    [1]
"""
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils._param_validation import Interval, InvalidParameterError, StrOptions
from sklearn.utils.validation import _check_sample_weight, check_is_fitted, validate_data

from prefbasis.basis import metrics
from prefbasis.basis.atoms import candidate_indices, fit_atoms, nearest
from prefbasis.basis.config import (CANONICAL_PREFIX, DEFAULT_TARGET, DEFAULT_TAU, K_MAX, TAU_CANONICAL,
                                    TAU_FREE, Method)
from prefbasis.basis.inputs import FitError, first_rows, individual_matrix, merge_items
from prefbasis.basis.naming import name_categories
from prefbasis.basis.refine import refine_medoids
from prefbasis.basis.selection import greedy_max_coverage
from prefbasis.embed import normalize_text, unit_rows
from prefbasis.errors import ConfigError

__all__ = ["CANONICAL_PREFIX", "Category", "DEFAULT_TARGET", "DEFAULT_TAU", "FitError", "K_MAX", "Method",
           "ParameterError", "PreferenceBasis", "TAU_CANONICAL", "TAU_FREE", "TooFewCategoriesError", "style_tau"]


def style_tau(descriptions: Sequence[str], weights: np.ndarray | None = None) -> float:
    """The calibrated τ for the descriptions' style (mention-weighted majority).

    Example:
        >>> style_tau(["The preferred response is shorter.", "it is brief"], np.array([2.0, 1.0]))
        0.41
    """
    w = np.ones(len(descriptions)) if weights is None else np.asarray(weights, np.float64)
    canonical = np.array([normalize_text(d).startswith(CANONICAL_PREFIX) for d in descriptions])
    return TAU_CANONICAL if w[canonical].sum() > 0.5 * w.sum() else TAU_FREE


class ParameterError(ConfigError, InvalidParameterError):
    """A parameter outside `_parameter_constraints` (CLI: exit 2; scikit-learn: InvalidParameterError)."""


class TooFewCategoriesError(FitError):
    """Fewer categories add coverage than the k asked for."""


@dataclass
class Category:
    category_id: int
    name: str
    medoid: str
    share: float      # share of all mentions assigned to it
    size: int         # distinct descriptions assigned
    mentions: int
    examples: list[str]


class PreferenceBasis(TransformerMixin, BaseEstimator):
    """Select k canonical categories from distinct descriptions (see module docstring).

    Parameters: `k` ('auto' or an int), `target` (coverage for 'auto'), `method` ('coverage' or
    'nmf'), `tau` (cosine within which a description is covered, or 'auto': calibrated for the
    descriptions' style, see `style_tau`), `n_atoms`, `k_max`, `seed`,
    `embedder` (callable texts -> vectors; None: the offline MiniLM), `nmf` (fit the NMF side by
    side), `refine` (move representatives to weighted medoids).

    Learned attributes end in an underscore: `descriptions_`, `weights_`, `embeddings_`,
    `atom_labels_`, `category_indices_`, `category_vectors_`, `category_names_`,
    `category_medoids_`, `categories_`, `k_`, `coverage_curve_`, `variation_curve_`,
    `pca_curve_`, `coverage_`, `variation_explained_`, `unassigned_share_`, `labels_`, `tau_` (the
    τ used: `tau`, or the calibrated one for the descriptions' style when `tau="auto"`),
    `similarity_`, `nmf_` (the NMF side by side, or None); `n_features_in_` for vector input.
    """

    _parameter_constraints: dict = {
        "k": [Interval(Integral, 1, None, closed="left"), StrOptions({"auto"})],
        "target": [Interval(Real, 0, 1, closed="right")],
        "method": [StrOptions({m.value for m in Method}), Method],
        "tau": [Interval(Real, -1, 1, closed="both"), StrOptions({"auto"})],
        "n_atoms": [Interval(Integral, 1, None, closed="left"), None],
        "k_max": [Interval(Integral, 1, None, closed="left")],
        "seed": [Interval(Integral, 0, None, closed="left")],
        "embedder": [callable, None],
        "nmf": ["boolean"],
        "refine": ["boolean"],
        "curves": ["boolean"],
    }

    def __init__(self, k: int | str = "auto", target: float = DEFAULT_TARGET, method: str = "coverage",
                 tau: float | str = DEFAULT_TAU, n_atoms: int | None = None, k_max: int = K_MAX,
                 seed: int = 0, embedder: Callable[[Sequence[str]], np.ndarray] | None = None,
                 nmf: bool = True, refine: bool = True, curves: bool = True) -> None:
        self.k = k
        self.target = target
        self.method = method
        self.tau = tau
        self.n_atoms = n_atoms
        self.k_max = k_max
        self.seed = seed
        self.embedder = embedder
        self.nmf = nmf
        self.refine = refine
        self.curves = curves  # False: no variation / PCA curves (held-out and bootstrap refits need none)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = ["float64"]   # cosines are float64 for any input
        return tags

    # -- input ---------------------------------------------------------------------------------
    def _input(self, X, *, reset: bool) -> tuple[list[str] | None, np.ndarray | None]:
        """(texts, None) for a sequence of strings; (None, vectors) for a 2-D numeric array."""
        if isinstance(X, str):
            raise FitError("X is one string: pass a list of descriptions", field="X")
        if isinstance(X, (list, tuple)) or getattr(X, "ndim", None) == 1:
            items = X.tolist() if hasattr(X, "tolist") else list(X)
            if all(isinstance(t, str) for t in items):
                return items, None
        vectors = validate_data(self, X, reset=reset, dtype=[np.float64, np.float32])
        if not reset and hasattr(self, "category_vectors_") and vectors.shape[1] != self.category_vectors_.shape[1]:
            raise FitError(f"X has {vectors.shape[1]} features; the basis has {self.category_vectors_.shape[1]}",
                           field="X")
        return None, vectors

    def check_params(self) -> Method:
        """Validate the parameters (`_parameter_constraints`); the chosen `Method`."""
        try:
            self._validate_params()
        except InvalidParameterError as exc:
            raise ParameterError(str(exc)) from None
        return Method(self.method)

    # -- fitting -----------------------------------------------------------------------------
    def fit(self, X, y=None, sample_weight=None, *, individuals=None, embeddings: np.ndarray | None = None,
            phrases: Sequence[Mapping[str, int]] | None = None) -> "PreferenceBasis":
        """Fit on descriptions (any order; duplicates merged after normalization) or vectors.

        y: ignored (a transformer). sample_weight: mention count per description (default 1;
        zero drops a description). individuals: (m × len(X)) mention counts (dense or
        scipy.sparse), one row per judge or comparison; default one row per description.
        embeddings: vectors aligned with text X (else `embedder`). phrases: per description,
        {short preference phrase: count}, used for naming.
        """
        method = self.check_params()
        texts_in, vectors = self._input(X, reset=True)
        n_in = len(texts_in) if texts_in is not None else vectors.shape[0]
        if n_in == 0:
            raise FitError("no descriptions to fit", field="description")
        w_in = _check_sample_weight(sample_weight, np.empty((n_in, 1)), dtype=np.float64, ensure_non_negative=True)
        if texts_in is not None:
            keys = [normalize_text(t) for t in texts_in]
            if "" in keys:
                raise FitError(f"empty description at position {keys.index('') + 1}", row=keys.index("") + 1,
                               field="description")
        else:
            keys = [row.tobytes() for row in vectors]
        texts, w, mapping, merged_phrases = merge_items(keys, w_in, phrases)
        if texts_in is not None:
            x = self._vectors(texts_in, texts, mapping, embeddings)
        else:
            first = first_rows(mapping, len(texts))
            x = unit_rows(vectors[first])
            texts = [f"row {i}" for i in first]
        self.descriptions_, self.weights_, self.embeddings_ = texts, w, x
        self.tau_ = style_tau(texts, w) if self.tau == "auto" else float(self.tau)
        self.phrases_ = merged_phrases
        n = len(texts)
        atoms = fit_atoms(x, w, n_atoms=self.n_atoms, seed=self.seed)
        self.atom_labels_, self.atom_centroids_, self.atom_medoids_ = atoms.labels, atoms.centroids, atoms.medoids
        candidates = candidate_indices(x, w, atoms, self.k_max, self.seed)
        order, marginal = greedy_max_coverage(x[candidates], x, w, tau=self.tau_, k_max=self.k_max)
        if len(order) == 0:
            raise FitError(f"no description lies within tau={self.tau_} of any candidate; lower --tau", field="tau")
        k_curve = min(self.k_max, len(candidates))
        self.candidate_order_ = candidates[order]
        self.coverage_curve_ = metrics.coverage_curve(marginal, total=float(w.sum()), k_max=k_curve)
        counts = individual_matrix(individuals, mapping, n)
        self.n_individuals_ = int(counts.shape[0])
        self.variation_curve_ = self.pca_curve_ = None
        if self.curves:
            v_c, total_ss = metrics.centred(metrics.individual_vectors(counts, x))
            self.variation_curve_ = metrics.variation_curve(v_c, total_ss, x[self.candidate_order_], k_curve)
            self.pca_curve_ = metrics.pca_optimum_curve(v_c, total_ss, k_curve)
        auto = min(metrics.choose_k(self.coverage_curve_, self.target), len(order))
        if self.k != "auto" and int(self.k) > len(order):
            raise TooFewCategoriesError(f"k={self.k} but only {len(order)} categories add coverage at "
                                        f"tau={self.tau_}", field="k")
        self.refined_coverage_: dict[int, float] = {}
        if self.k == "auto" and self.refine:
            self.k_ = self._auto_k_refined(x, w, auto, len(order))
        else:
            self.k_ = auto if self.k == "auto" else int(self.k)
        self.greedy_indices_ = self.candidate_order_[: self.k_]
        self.category_indices_ = self._representatives(x, w, self.k_)
        self.nmf_ = None
        if self.nmf or method is Method.nmf:
            self._fit_nmf(counts, atoms)
        if method is Method.nmf:
            self.category_indices_ = self.nmf_["medoid_indices"]
        self.category_vectors_ = x[self.category_indices_]
        self.category_medoids_ = [texts[i] for i in self.category_indices_]
        self.labels_, self.similarity_ = self._assign(x)
        self.category_names_ = name_categories(self.labels_, merged_phrases, w, self.category_medoids_,
                                               texts=texts)
        self.categories_ = self._summaries()
        covered = float(w[self.labels_ >= 0].sum() / w.sum())
        self.coverage_, self.unassigned_share_ = covered, 1.0 - covered
        self.variation_explained_ = self.pca_optimum_ = float("nan")
        if self.curves:
            self.variation_explained_ = float(
                metrics.variation_curve(v_c, total_ss, self.category_vectors_, self.k_)[-1])
            self.pca_optimum_ = float(self.pca_curve_[min(self.k_, k_curve) - 1])
        return self

    def _representatives(self, x: np.ndarray, w: np.ndarray, k: int) -> np.ndarray:
        """The first k greedy categories, refined to weighted medoids (`refine.py`) unless refine=False."""
        greedy = self.candidate_order_[:k]
        if not self.refine:
            return greedy.copy()
        reps = refine_medoids(x, w, greedy)
        if k not in self.refined_coverage_:
            _, sims = nearest(x, x[reps])
            self.refined_coverage_[k] = float(w[sims.astype(np.float64) >= self.tau_].sum() / w.sum())
        return reps

    def _auto_k_refined(self, x: np.ndarray, w: np.ndarray, start: int, k_hi: int) -> int:
        """Smallest k whose *refined* basis reaches the target, searched outward from the greedy k.

        Refinement moves representatives off the borders greedy favours, so the returned basis's
        coverage can differ from the greedy curve; this keeps "coverage(k*) >= target" true of the
        basis actually returned (unless even k_hi categories fall short).
        """
        k = start
        self._representatives(x, w, k)
        while self.refined_coverage_[k] < self.target - 1e-12 and k < k_hi:
            k += 1
            self._representatives(x, w, k)
        while k > 1:
            self._representatives(x, w, k - 1)
            if self.refined_coverage_[k - 1] < self.target - 1e-12:
                break
            k -= 1
        return k

    def _vectors(self, raw: Sequence[str], texts: list[str], mapping: np.ndarray,
                 embeddings: np.ndarray | None) -> np.ndarray:
        if embeddings is not None:
            emb = np.asarray(embeddings, dtype=np.float32)
            if emb.ndim != 2 or emb.shape[0] != len(raw):
                raise FitError(f"embeddings has {emb.shape[0]} rows for {len(raw)} descriptions",
                               field="embeddings")
            return unit_rows(emb[first_rows(mapping, len(texts))])
        return self._embed(texts)

    def _embed(self, texts: list[str]) -> np.ndarray:
        if self.embedder is None:
            from prefbasis.embed import embed_texts
            return embed_texts(texts)
        return unit_rows(self.embedder(texts))

    def _fit_nmf(self, counts, atoms) -> None:
        from scipy import sparse

        from prefbasis.basis.nmf import component_vectors, fit_nmf

        n_atoms = len(atoms.medoids)
        onehot = sparse.csr_matrix((np.ones(len(atoms.labels)), (np.arange(len(atoms.labels)), atoms.labels)),
                                   shape=(len(atoms.labels), n_atoms))
        a = sparse.csr_matrix(counts) @ onehot
        res = fit_nmf(a, self.k_, seed=self.seed)
        vecs = component_vectors(res.components, atoms.centroids)
        medoid_idx = np.argmax(self.embeddings_ @ vecs.T, axis=0)
        self.nmf_ = {"r2": res.r2, "k": int(res.components.shape[0]), "medoid_indices": medoid_idx,
                     "top_atoms": [[self.descriptions_[atoms.medoids[a]] for a in top] for top in res.top_atoms],
                     "components": res.components}

    def rename(self, exclude: set[str]) -> "PreferenceBasis":
        """Name the categories again without words whose roots are in `exclude` (subject matter
        found by the leakage metrics); the categories themselves do not change."""
        self.category_names_ = name_categories(self.labels_, self.phrases_, self.weights_, self.category_medoids_,
                                               texts=self.descriptions_, exclude=exclude)
        self.categories_ = self._summaries()
        return self

    # -- applying ----------------------------------------------------------------------------
    def _assign(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        sims = self._similarities(x)
        nearest = np.argmax(sims, axis=1)
        best = sims[np.arange(len(x)), nearest]
        return np.where(best >= self.tau_, nearest, -1), best.astype(np.float64)

    def _similarities(self, x: np.ndarray) -> np.ndarray:
        # float64 products of the float32 vectors: the same vectors give the same cosines bit for bit
        return np.asarray(x, np.float64) @ self.category_vectors_.T.astype(np.float64)

    def _embed_new(self, X, embeddings: np.ndarray | None) -> np.ndarray:
        check_is_fitted(self, "category_vectors_")
        texts, vectors = self._input(X, reset=False)
        if vectors is not None:
            return unit_rows(vectors)
        if embeddings is not None:
            emb = np.asarray(embeddings, dtype=np.float32)
            if emb.ndim != 2 or emb.shape[0] != len(texts):
                raise FitError(f"embeddings has {emb.shape[0]} rows for {len(texts)} descriptions",
                               field="embeddings")
            return unit_rows(emb)
        if not texts:
            return np.zeros((0, self.category_vectors_.shape[1]), dtype=np.float32)
        return self._embed([normalize_text(t) for t in texts])

    def transform(self, X, *, embeddings: np.ndarray | None = None) -> np.ndarray:
        """Cosine of each description (or vector) to each category: an (n × k) float64 array."""
        return self._similarities(self._embed_new(X, embeddings))

    def predict(self, X, *, embeddings: np.ndarray | None = None) -> np.ndarray:
        """Category id of each description, -1 when no category lies within tau."""
        return self.assign(X, embeddings=embeddings)[0]

    def assign(self, X, *, embeddings: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(category ids with -1 for unassigned, cosine to the nearest category)."""
        return self._assign(self._embed_new(X, embeddings))

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        """The output columns of `transform`: one per category, 'category0', 'category1', ..."""
        check_is_fitted(self, "category_vectors_")
        return np.asarray([f"category{i}" for i in range(len(self.category_vectors_))], dtype=object)

    def _summaries(self) -> list[Category]:
        w, labels, total = self.weights_, self.labels_, float(self.weights_.sum())
        out = []
        for c in range(self.k_):
            members = np.flatnonzero(labels == c)
            # examples: the most-mentioned members other than the medoid, then by similarity
            ranked = members[np.lexsort((-self.similarity_[members], -w[members]))]
            ex = [self.descriptions_[i] for i in ranked if i != self.category_indices_[c]][:3]
            out.append(Category(c, self.category_names_[c], self.category_medoids_[c],
                                float(w[members].sum() / total), int(len(members)), int(w[members].sum()), ex))
        return out
