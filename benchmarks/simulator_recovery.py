"""Recovery of the planted basis from simulated judges, through the path real data takes.

For each seed: simulate the default dataset (21 categories, 5,000 distinct paraphrases, 30% of
stated reasons naming the prompt's subject, six reference styles, half of the pairs swapped) →
`annotate --annotator rationale` (the description stage) → `extract --k auto` and `--k 21`;
scored against the planted truth (ARI of the nearest category, planted descriptions only), with the
leakage metrics. `--oracle` also fits the simulated annotator's own reasons directly (no
description stage), the way a basis fails on descriptions that name the prompt's subject.

    .venv/bin/python benchmarks/simulator_recovery.py --seeds 0 1 2 --oracle
"""
from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def score(store, basis_id: str, dataset_id: str, annotator: str) -> float:
    import numpy as np
    from sklearn.metrics import adjusted_rand_score

    from prefbasis.basis.store_adapter import load_basis
    from prefbasis.simulate.truth import planted_labels

    truth = planted_labels(store, dataset_id, annotator)
    labels_of = dict(zip(truth["description"], truth["planted_category"]))
    texts = store.df("select description from description_assignments where basis_id = ? and kind = 'preference'",
                     [basis_id])["description"].tolist()
    texts = [t for t in texts if t in labels_of and not labels_of[t].startswith("(")]
    nearest = np.argmax(load_basis(store, basis_id).transform(texts), axis=1)
    return float(adjusted_rand_score([labels_of[t] for t in texts], nearest))


def run(seed: int, oracle: bool, out: Path) -> list[dict]:
    from prefbasis.annotate import AnnotateConfig, annotate
    from prefbasis.basis import ExtractConfig, extract
    from prefbasis.simulate import SimulationConfig, simulate
    from prefbasis.store import Store

    rows = []
    with Store.open(str(out / f"seed{seed}.duckdb")) as store:
        t0 = time.perf_counter()
        sim = simulate(store, SimulationConfig(seed=seed, n_categories=21))
        t_sim = time.perf_counter() - t0
        t0 = time.perf_counter()
        rep = annotate(store, AnnotateConfig(annotator="rationale", dataset=sim.dataset_id, quiet=True))
        t_ann = time.perf_counter() - t0
        for annotator in ["rationale"] + (["simulated"] if oracle else []):
            t0 = time.perf_counter()
            auto = extract(store, ExtractConfig(k="auto", seed=0, dataset=sim.dataset_id, annotator=annotator,
                                                topics=False, heldout=False, quiet=True))
            fixed = extract(store, ExtractConfig(k=21, seed=0, dataset=sim.dataset_id, annotator=annotator,
                                                 topics=False, heldout=False, quiet=True))
            rows.append({"seed": seed, "path": "description stage" if annotator == "rationale" else "oracle (no stage)",
                         "annotated": rep.annotated if annotator == "rationale" else None,
                         "comparisons": sim.n_comparisons, "k_auto": auto.k, "target_reached": auto.target_reached,
                         "coverage_auto": round(auto.coverage, 3), "coverage_21": round(fixed.coverage, 3),
                         "ari_auto": round(score(store, auto.basis_id, sim.dataset_id, annotator), 3),
                         "ari_21": round(score(store, fixed.basis_id, sim.dataset_id, annotator), 3),
                         "content_leakage": auto.leakage["content_leakage"],
                         "effective_categories": auto.leakage["effective_categories"],
                         "flagged_names": len(auto.leakage["flagged_names"]),
                         "seconds": {"simulate": round(t_sim, 1), "annotate": round(t_ann, 1),
                                     "extract x2": round(time.perf_counter() - t0, 1)}})
            print(json.dumps(rows[-1]), flush=True)
    return rows


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    ap.add_argument("--oracle", action="store_true", help="also fit the simulated annotator's reasons directly")
    ap.add_argument("--out", default=None, help="folder for the stores (default: a temporary one)")
    args = ap.parse_args()
    out = Path(args.out or tempfile.mkdtemp(prefix="simrec-"))
    out.mkdir(parents=True, exist_ok=True)
    rows = [r for seed in args.seeds for r in run(seed, args.oracle, out)]
    cols = ["seed", "path", "k_auto", "target_reached", "coverage_auto", "coverage_21", "ari_auto", "ari_21",
            "content_leakage", "effective_categories", "flagged_names"]
    print("| " + " | ".join(cols) + " |\n|" + "---|" * len(cols))
    for r in rows:
        print("| " + " | ".join(str(r[c]) for c in cols) + " |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
