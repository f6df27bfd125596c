"""`prefbasis demo`: the whole chain on a small simulated dataset (real MiniLM, real store, real report)."""
from __future__ import annotations

import re

import pytest

from prefbasis.cli import main
from prefbasis.demo import DemoConfig, format_summary, run_demo
from prefbasis.errors import ConfigError

SMALL = {"n_categories": 6, "n_topics": 6, "n_comparisons": 1000, "n_distinct": 200, "n_judges": 20,
         "n_models": 6}


def test_demo_chain_recovers_planted_truth(store, tmp_path):
    result = run_demo(store, DemoConfig(out=tmp_path / "demo", seed=0, bootstrap=20, stability=2,
                                        min_battles=20, simulation=SMALL))
    counts = store.table_counts()
    for table in ("comparisons", "annotations", "embeddings", "bases", "description_assignments", "ratings"):
        assert counts[table] > 0, table
    assert result.report.exists() and result.report.stat().st_size > 1_000_000
    assert result.planted_k == SMALL["n_categories"]
    assert abs(result.k - result.planted_k) <= 2
    assert result.ari is not None and result.ari > 0.8
    assert result.spearman is not None and result.spearman["spearman"].median() > 0.5
    assert result.dpo_dir is not None and (result.dpo_dir / "export.json").exists()
    text = format_summary(result)
    assert f"k = {result.k}" in text and "ARI" in text and str(result.report) in text
    assert re.search(r"coverage \d+\.\d%", text)
    # the simulated judges wrote rationales (some naming the prompt's subject); the basis was fit on
    # the rationale backend's descriptions, with little content leakage
    assert store.scalar("select params->>'annotator' from bases where basis_id = ?", [result.basis_id]) == "rationale"
    assert result.leakage["content_leakage"] <= 0.05 and "leakage: content" in text
    # next to it, the real basis of the bundled PRD reviews: names, shares, leakage
    real = result.real
    assert real is not None and real.annotated >= 1000 and 6 <= real.k <= 30
    assert real.leakage["content_leakage"] <= 0.05 and real.leakage["flagged_names"] == 0
    assert abs(real.categories["share"].sum() - real.coverage) < 0.02
    assert "real data, prd-vicuna80" in text and real.categories["name"].iloc[0] in text
    assert real.report is not None and real.report.exists()
    html = real.report.read_text(encoding="utf-8")
    assert "content leakage" in html and "top-3 prompt share" in html
    from prefbasis.basis.show import show_basis
    from prefbasis.basis.config import ShowConfig

    view = show_basis(store, ShowConfig(basis=real.basis_id))
    assert "leakage: content" in view.header and "top-3 prompt share" in view.table.columns
    # running it again on the same store is deterministic and adds no second dataset
    again = run_demo(store, DemoConfig(out=tmp_path / "demo", seed=0, bootstrap=20, stability=2,
                                       min_battles=20, simulation=SMALL, real_example=False))
    assert (again.basis_id, again.k, again.ari) == (result.basis_id, result.k, result.ari)
    assert store.table_counts()["comparisons"] == counts["comparisons"]
    assert store.scalar("select count(*) from datasets") == 2   # the simulated set and the bundled one


def test_demo_cli_rejects_half_real_data_options(db_path, capsys):
    assert main(["--db", str(db_path), "demo", "--format", "prd"]) == 2
    assert "--format needs --data" in capsys.readouterr().err
    assert not db_path.exists()   # a failed command leaves no empty store behind
    with pytest.raises(ConfigError, match="--data needs --format"):
        DemoConfig(data="x.jsonl")
