"""`PreferenceBasis`: a scikit-learn style estimator that selects k canonical preference categories.

Steps: distinct normalized descriptions (sorted, weighted by mention count) → unit embeddings →
atoms (MiniBatchKMeans) → atom medoids as candidates → greedy weighted max-coverage (within
cosine `tau`) → k (`"auto"`: smallest k reaching `target`) → names → assignments.

Example:
    >>> import numpy as np
    >>> texts = ["short", "brief", "long", "lengthy"]
    >>> vecs = np.array([[1, 0], [0.99, 0.14], [0, 1], [0.14, 0.99]], dtype=np.float32)
    >>> pb = PreferenceBasis(k="auto", target=0.9, tau=0.8).fit(texts, [3, 1, 2, 1], embeddings=vecs)
    >>> pb.k_, pb.category_medoids_
    (2, ['short', 'long'])
    >>> pb.predict(["lengthy"], embeddings=vecs[3:]).tolist()
    [1]
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import Enum

import numpy as np

from prefbasis.basis import metrics
from prefbasis.basis.defaults import (CANONICAL_PREFIX, DEFAULT_TARGET, DEFAULT_TAU, K_MAX,  # re-exported
                                     TAU_CANONICAL, TAU_FREE)
from prefbasis.basis.atoms import candidate_indices, fit_atoms, nearest
from prefbasis.basis.naming import name_categories
from prefbasis.basis.refine import refine_medoids
from prefbasis.basis.selection import greedy_max_coverage
from prefbasis.embed import Embedder, normalize_text, unit_rows
from prefbasis.errors import ConfigError, InputError



def style_tau(descriptions: Sequence[str], weights: np.ndarray | None = None) -> float:
    """The calibrated τ for the descriptions' style (mention-weighted majority).

    Example:
        >>> style_tau(["The preferred response is shorter.", "it is brief"], np.array([2.0, 1.0]))
        0.41
    """
    w = np.ones(len(descriptions)) if weights is None else np.asarray(weights, np.float64)
    canonical = np.array([normalize_text(d).startswith(CANONICAL_PREFIX) for d in descriptions])
    return TAU_CANONICAL if w[canonical].sum() > 0.5 * w.sum() else TAU_FREE


class Method(str, Enum):
    COVERAGE = "coverage"
    NMF = "nmf"


@dataclass
class Category:
    category_id: int
    name: str
    medoid: str
    share: float      # share of all mentions assigned to it
    size: int         # distinct descriptions assigned
    mentions: int
    examples: list[str]


class PreferenceBasis:
    """Select k canonical categories from distinct descriptions (see module docstring).

    Learned attributes end in an underscore: `descriptions_`, `weights_`, `embeddings_`,
    `atom_labels_`, `category_indices_`, `category_vectors_`, `category_names_`,
    `category_medoids_`, `categories_`, `k_`, `coverage_curve_`, `variation_curve_`,
    `pca_curve_`, `coverage_`, `variation_explained_`, `unassigned_share_`, `labels_`, `tau_` (the
    τ used: `tau`, or the calibrated one for the descriptions' style when `tau="auto"`),
    `similarity_`, `nmf_` (the NMF side by side, or None).
    """

    def __init__(self, k: int | str = "auto", target: float = DEFAULT_TARGET, method: str = "coverage",
                 tau: float | str = DEFAULT_TAU, n_atoms: int | None = None, k_max: int = K_MAX,
                 seed: int = 0, embedder: Embedder | None = None, nmf: bool = True, refine: bool = True,
                 curves: bool = True) -> None:
        self.k, self.target, self.method, self.tau, self.refine = k, target, method, tau, refine
        self.n_atoms, self.k_max, self.seed, self.embedder, self.nmf = n_atoms, k_max, seed, embedder, nmf
        self.curves = curves  # False: no variation / PCA curves (held-out and bootstrap refits need none)

    # -- fitting -----------------------------------------------------------------------------
    def _check_params(self) -> Method:
        if not (isinstance(self.k, int) and self.k >= 1) and self.k != "auto":
            raise ConfigError(f"k must be 'auto' or a positive integer, got {self.k!r}")
        if not 0 < self.target <= 1:
            raise ConfigError(f"target must lie in (0, 1], got {self.target}")
        if self.tau != "auto" and not (isinstance(self.tau, (int, float)) and -1 <= self.tau <= 1):
            raise ConfigError(f"tau is 'auto' or a cosine in [-1, 1], got {self.tau!r}")
        try:
            return Method(self.method)
        except ValueError:
            raise ConfigError(f"method must be one of {[m.value for m in Method]}, got {self.method!r}") from None

    def fit(self, descriptions: Sequence[str], weights: Sequence[float] | None = None, individuals=None, *,
            embeddings: np.ndarray | None = None,
            phrases: Sequence[Mapping[str, int]] | None = None) -> "PreferenceBasis":
        """Fit on descriptions (any order, duplicates merged after normalization).

        weights: mention count per description (default 1). individuals: (m × len(descriptions))
        mention counts (dense or scipy.sparse), one row per judge or comparison; default one row
        per description. embeddings: vectors aligned with `descriptions` (else `embedder`).
        phrases: per description, {short preference phrase: count}, used for naming.
        """
        method = self._check_params()
        texts, w, mapping, merged_phrases = _merge(descriptions, weights, phrases)
        x = self._vectors(descriptions, texts, mapping, embeddings)
        self.descriptions_, self.weights_, self.embeddings_ = texts, w, x
        self.tau_ = style_tau(texts, w) if self.tau == "auto" else float(self.tau)
        self.phrases_ = merged_phrases
        n = len(texts)
        atoms = fit_atoms(x, w, n_atoms=self.n_atoms, seed=self.seed)
        self.atom_labels_, self.atom_centroids_, self.atom_medoids_ = atoms.labels, atoms.centroids, atoms.medoids
        candidates = candidate_indices(x, w, atoms, self.k_max, self.seed)
        order, marginal = greedy_max_coverage(x[candidates], x, w, tau=self.tau_, k_max=self.k_max)
        if len(order) == 0:
            raise InputError(f"no description lies within tau={self.tau_} of any candidate; lower --tau")
        k_curve = min(self.k_max, len(candidates))
        self.candidate_order_ = candidates[order]
        self.coverage_curve_ = metrics.coverage_curve(marginal, total=float(w.sum()), k_max=k_curve)
        counts = _individual_matrix(individuals, mapping, n)
        self.n_individuals_ = int(counts.shape[0])
        self.variation_curve_ = self.pca_curve_ = None
        if self.curves:
            v_c, total_ss = metrics.centred(metrics.individual_vectors(counts, x))
            self.variation_curve_ = metrics.variation_curve(v_c, total_ss, x[self.candidate_order_], k_curve)
            self.pca_curve_ = metrics.pca_optimum_curve(v_c, total_ss, k_curve)
        auto = min(metrics.choose_k(self.coverage_curve_, self.target), len(order))
        if self.k != "auto" and int(self.k) > len(order):
            raise ConfigError(f"k={self.k} but only {len(order)} categories add coverage at tau={self.tau_}")
        self.refined_coverage_: dict[int, float] = {}
        if self.k == "auto" and self.refine:
            self.k_ = self._auto_k_refined(x, w, auto, len(order))
        else:
            self.k_ = auto if self.k == "auto" else int(self.k)
        self.greedy_indices_ = self.candidate_order_[: self.k_]
        self.category_indices_ = self._representatives(x, w, self.k_)
        self.nmf_ = None
        if self.nmf or method is Method.NMF:
            self._fit_nmf(counts, atoms)
        if method is Method.NMF:
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
            if emb.shape[0] != len(raw):
                raise InputError(f"embeddings has {emb.shape[0]} rows for {len(raw)} descriptions",
                                 field="embeddings")
            first = np.full(len(texts), -1)
            for i, j in enumerate(mapping):
                if first[j] < 0:
                    first[j] = i
            return unit_rows(emb[first])
        embedder = self.embedder
        if embedder is None:
            from prefbasis.embed import embed_texts
            return embed_texts(texts)
        return unit_rows(embedder(texts))

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

    def _embed_new(self, descriptions: Sequence[str], embeddings: np.ndarray | None) -> np.ndarray:
        if embeddings is not None:
            return unit_rows(embeddings)
        texts = [normalize_text(t) for t in descriptions]
        if self.embedder is None:
            from prefbasis.embed import embed_texts
            return embed_texts(texts)
        return unit_rows(self.embedder(texts))

    def transform(self, descriptions: Sequence[str], embeddings: np.ndarray | None = None) -> np.ndarray:
        """Cosine of each description to each category (n × k)."""
        return self._similarities(self._embed_new(descriptions, embeddings))

    def predict(self, descriptions: Sequence[str], embeddings: np.ndarray | None = None) -> np.ndarray:
        """Category id of each description, -1 when no category lies within tau."""
        return self.assign(descriptions, embeddings)[0]

    def assign(self, descriptions: Sequence[str], embeddings: np.ndarray | None = None):
        """(category ids with -1 for unassigned, cosine to the nearest category)."""
        return self._assign(self._embed_new(descriptions, embeddings))

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


def _merge(descriptions: Sequence[str], weights: Sequence[float] | None,
           phrases: Sequence[Mapping[str, int]] | None):
    """Sorted distinct normalized texts, summed weights, input→distinct index map, merged phrases."""
    if len(descriptions) == 0:
        raise InputError("no descriptions to fit", field="description")
    norm = [normalize_text(t) for t in descriptions]
    if any(not t for t in norm):
        raise InputError(f"empty description at position {norm.index('') + 1}", row=norm.index("") + 1,
                         field="description")
    texts = sorted(set(norm))
    index = {t: i for i, t in enumerate(texts)}
    mapping = np.array([index[t] for t in norm])
    raw_w = np.ones(len(norm)) if weights is None else np.asarray(weights, dtype=np.float64)
    if raw_w.shape[0] != len(norm) or (raw_w < 0).any():
        raise InputError("weights must be one non-negative number per description", field="weights")
    w = np.bincount(mapping, weights=raw_w, minlength=len(texts))
    merged = None
    if phrases is not None:
        merged = [Counter() for _ in texts]
        for i, p in enumerate(phrases):
            merged[mapping[i]].update(p)
    return texts, w, mapping, merged


def _individual_matrix(individuals, mapping: np.ndarray, n: int):
    """Individuals × distinct-description counts; identity (one per description) by default."""
    from scipy import sparse

    if individuals is None:
        return sparse.identity(n, format="csr")
    m = sparse.csr_matrix(individuals, dtype=np.float64)
    if m.shape[1] != len(mapping):
        raise InputError(f"individuals has {m.shape[1]} columns for {len(mapping)} descriptions",
                         field="individuals")
    merge = sparse.csr_matrix((np.ones(len(mapping)), (np.arange(len(mapping)), mapping)), shape=(len(mapping), n))
    return m @ merge
