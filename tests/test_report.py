"""The HTML report, on a store filled here through the public tables (no other stage needed),
and in a real browser (headless Chromium) when one is installed."""
from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from prefbasis.embed import normalize_text, text_key
from prefbasis.errors import PrefbasisError
from prefbasis.hashing import content_hash
from prefbasis.report import ReportConfig, build_report, load_report_data

REPO = Path(__file__).resolve().parents[1]
# long names on purpose: the heatmaps must not let their tick labels overlap
CATS = ["concise answer", "step-by-step reasoning with numbered intermediate results", "friendly tone",
        "cites sources and links to the primary literature", "safe refusal", "working code",
        "more detailed answer: numbered strategies and concrete examples", "asks a clarifying question"]
MODELS = ["model-a", "model-b", "a-much-longer-model-name-13b-chat-v1.5", "model-d"]
TOPICS = ["coding", "history of the roman empire and its aqueducts", "cooking weeknight family dinners"]


def fill_dpo(con, basis_id: str) -> None:
    """An export, a training run, its evaluation (category and one other) and recovery scores."""
    con.execute("insert into dpo_exports(export_id, out, basis_id, category_id, category, complement, n_pairs, "
                "n_train, n_test, n_ties_dropped) values ('e1', '/somewhere/dpo-cat-1', ?, 1, ?, false, 40, 32, 8, 0)",
                [basis_id, CATS[1]])
    con.execute("insert into training_runs(run_id, output_dir, base_model, data, basis_id, category, n_train, steps, "
                "final_loss, reward_accuracy, device) values ('t1', '/somewhere/dpo-cat-1-lora', "
                "'/models/SmolLM2-135M', '/somewhere/dpo-cat-1', ?, ?, 32, 40, 0.61, 0.75, 'cpu')", [basis_id, CATS[1]])
    for role, data, base, tuned in (("category", "/somewhere/dpo-cat-1", 0.52, 0.71),
                                    ("other", "/somewhere/dpo-not-cat-1", 0.50, 0.55)):
        for variant, value in (("base", base), ("tuned", tuned), ("delta", tuned - base)):
            con.execute("insert into evaluations(evaluation_id, adapter, data, split, role, category, metric, variant, "
                        "value, ci_low, ci_high, n) values ('v1', '/somewhere/dpo-cat-1-lora', ?, 'test', ?, ?, "
                        "'preference_accuracy', ?, ?, ?, ?, 40)",
                        [data, role, CATS[1] if role == "category" else f"not {CATS[1]}", variant, value,
                         value - 0.1, value + 0.1])
    con.execute("insert into basis_recovery(basis_id, dataset_id, metric, value, n) values (?, 'ds1', 'ari', 0.93, 160)",
                [basis_id])
    for c, name in enumerate(CATS):
        con.execute("insert into basis_recovery(basis_id, dataset_id, metric, category_id, category, planted_category, "
                    "value, n) values (?, 'ds1', 'spearman', ?, ?, ?, ?, 4)", [basis_id, c, name, f"planted {c}",
                                                                               0.6 + c / 30])


def fill_store(store, *, ratings: bool = True, embeddings: bool = True, dpo: bool = True, seed: int = 0) -> str:
    """A small but complete basis written through the public tables; returns its basis_id."""
    rng = np.random.default_rng(seed)
    basis_id = "b" + content_hash("report-test", seed)[:15]
    dim = 16
    centers = rng.normal(size=(len(CATS), dim))
    with store.transaction() as con:
        con.execute("insert into datasets(dataset_id, name, source, format, n_rows) values "
                    "('ds1', 'toy', 'memory', 'table', 240)")
        descs = []
        for c, name in enumerate(CATS):
            for j in range(20):
                text = f"The winner gives a {name} answer, variant {j} of {c}."
                descs.append((text, c))
                if embeddings:
                    v = (centers[c] + 0.3 * rng.normal(size=dim)).astype("<f4")
                    v /= np.linalg.norm(v)
                    con.execute("insert into embeddings(model, text_hash, text, dim, vector) values (?,?,?,?,?)",
                                ["toy-model", text_key(text), normalize_text(text), dim, v.tobytes()])
        descs.append(("Something nobody else said.", None))
        if embeddings:
            v = rng.normal(size=dim).astype("<f4")
            con.execute("insert into embeddings(model, text_hash, text, dim, vector) values (?,?,?,?,?)",
                        ["toy-model", text_key(descs[-1][0]), normalize_text(descs[-1][0]), dim,
                         (v / np.linalg.norm(v)).tobytes()])
        for i in range(240):
            text, c = descs[i % len(descs)]
            cid = f"c{i:04d}"
            a, b = rng.choice(len(MODELS), 2, replace=False)
            con.execute("insert into comparisons(comparison_id, dataset_id, prompt, model_a, model_b, winner, "
                        "judge) values (?, 'ds1', ?, ?, ?, ?, ?)",
                        [cid, f"prompt {i}", MODELS[a], MODELS[b], ["a", "b", "tie"][i % 3], f"j{i % 7}"])
            con.execute("insert into annotations(annotation_id, comparison_id, preference, description, topic, "
                        "annotator, model) values (?,?,?,?,?, 'simulated', 'sim-judge')",
                        [f"a{i}", cid, CATS[c] if c is not None else "other", text, TOPICS[i % 3]])
            if c is not None:
                con.execute("insert into comparison_categories(basis_id, kind, comparison_id, category_id, "
                                "similarity) values (?, 'preference', ?, ?, 0.9)",
                            [basis_id, cid, c])
        con.execute("insert into bases(basis_id, name, k, coverage, variation_explained, params, "
                    "embedding_model, unassigned_share, fingerprint, tau) values (?,?,?,?,?,?,?,?,?,?)",
                    [basis_id, "toy basis", len(CATS), 0.93, 0.71, json.dumps({"target": 0.89, "seed": 0}),
                     "toy-model", 0.01, "fp" + "0" * 30, 0.55])
        for c, name in enumerate(CATS):
            con.execute("insert into categories(basis_id, category_id, name, kind, share, stability) "
                        "values (?,?,?,'preference',?,?)", [basis_id, c, name, 1 / len(CATS), 0.9 + c / 100])
        for text, c in descs:
            con.execute("insert into description_assignments(basis_id, kind, description, category_id, "
                        "similarity) values (?, 'preference', ?, ?, ?)",
                        [basis_id, text, c, 0.8 if c is not None else 0.3])
        for k in range(1, 11):
            con.execute("insert into basis_curves values (?, 'preference', ?, ?, ?, ?, ?)",
                        [basis_id, k, min(1, k / 6.3), min(1, k / 8), min(1, k / 7), max(0, 1 - k / 6.3)])
        con.execute("insert into basis_cards values (?, ?, '# card')",
                    [basis_id, json.dumps({"embedding_model": "toy-model", "params": {"target": 0.89}})])
        if ratings:   # two pelo runs, as in the README tour: overall on human votes, then per category
            for run, scope, cats, judge in (("run-overall", "overall", [None], "human"),
                                            ("run-pref", "preference", range(len(CATS)), None)):
                con.execute("insert into pelo_runs(run_id, basis_id, battles, bootstrap, min_battles, params) "
                            "values (?, ?, 240, 10, 20, ?)", [run, basis_id, json.dumps({"judge": judge})])
                for c in cats:
                    for m, model in enumerate(MODELS):
                        r = 1000 + 40 * (m - 1.5) + (0 if c is None else 10 * ((c + m) % 3))
                        con.execute("insert into ratings(basis_id, scope, category_id, model, rating, ci_low, ci_high, "
                                    "rank, battles, run_id) values (?,?,?,?,?,?,?,?,?,?)",
                                    [basis_id, scope, c, model, r, r - 25, r + 25, m + 1, 60, run])
        if dpo:
            fill_dpo(con, basis_id)
    return basis_id


def test_report_has_every_section(store, tmp_path):
    basis_id = fill_store(store)
    result = build_report(store, ReportConfig(out=tmp_path / "r.html"))
    assert result.basis_id == basis_id
    assert result.missing == []
    assert set(result.sections) == {"curves", "map", "topics", "pelo", "recovery", "dpo", "categories", "card"}
    page = result.path.read_text()
    # self-contained: plotly.js inlined once, no external script, stylesheet or CDN
    from plotly.offline import get_plotlyjs

    assert page.count(get_plotlyjs()) == 1
    ours = page.replace(get_plotlyjs(), "")
    assert "cdn" not in ours.lower() and not re.search(r"<(script|link|img)[^>]+(src|href)=", ours)
    # curves, map, topic heatmap, forest, model heatmap, recovery, accuracy
    assert page.count("Plotly.newPlot") == 7
    assert "Overall (judge human)" in page            # the overall scope of the first pelo run is kept
    assert "comparisons in the data" in page and "annotated comparisons" in page
    assert "/somewhere" not in page and "dpo-cat-1-lora" in page   # folder names, never local paths
    assert "ARI vs planted categories" in page and "0.930" in page
    assert "bootstrap replicates" not in page or "10.000" not in page
    for name in CATS:
        assert name in page
    assert "PCA of the cached sentence embeddings" in page
    assert "toy-model" in page and "simulated" in page  # card: embedding model, annotator provenance
    assert "variant 0 of 0" in page  # an example description


def test_report_degrades_without_ratings_or_embeddings(store, tmp_path):
    fill_store(store, ratings=False, embeddings=False, dpo=False)
    result = build_report(store, ReportConfig(out=tmp_path / "r.html"))
    assert result.missing == ["pelo", "dpo"]
    page = result.path.read_text()
    assert "No ratings yet" in page and "prefbasis pelo" in page
    assert "No DPO data yet" in page and "prefbasis export-dpo" in page
    assert "LSA (TF-IDF + SVD)" in page and "LSA component 1" in page
    assert page.count("Plotly.newPlot") == 3


def test_report_data_reads_the_tables(store):
    fill_store(store)
    d = load_report_data(store)
    assert len(d.categories) == len(CATS)
    assert d.categories["size"].tolist() == [20] * len(CATS)
    assert d.categories["stability"].notna().all()
    assert list(d.curves["k"]) == list(range(1, 11))
    assert d.topic_matrix.shape == (len(TOPICS), len(CATS))
    assert set(d.ratings["category"]) == {"Overall (judge human)", *CATS}
    assert (d.comparisons, d.annotated) == (240, 240)
    assert len(d.exports) == 1 and len(d.training_runs) == 1 and len(d.evaluations) == 6


def test_report_errors_are_clear(store, tmp_path):
    with pytest.raises(PrefbasisError, match="no basis in this store"):
        build_report(store, ReportConfig(out=tmp_path / "r.html"))
    fill_store(store)
    with pytest.raises(PrefbasisError, match="no basis 'nope'"):
        build_report(store, ReportConfig(basis="nope", out=tmp_path / "r.html"))
    assert not (tmp_path / "r.html").exists()


def test_report_cli(store, tmp_path):
    from prefbasis.cli import main

    fill_store(store)
    path = store.path
    store.close()
    out = tmp_path / "cli.html"
    assert main(["--db", path, "report", "--out", str(out)]) == 0
    assert out.stat().st_size > 1_000_000  # plotly.js inlined
    assert main(["--db", path, "report", "--basis", "missing", "--out", str(out)]) == 2


def find_chromium() -> str | None:
    for name in (os.environ.get("CHROMIUM"), "chromium", "chromium-browser", "google-chrome"):
        if name and shutil.which(name):
            return shutil.which(name)
    return None


def chromium(args: list[str], tmp_path: Path, timeout: int = 90) -> subprocess.CompletedProcess:
    exe = find_chromium()
    base = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars",
            "--enable-logging=stderr", "--v=0", f"--user-data-dir={tmp_path / 'chrome-profile'}"]
    return subprocess.run(base + args, capture_output=True, text=True, timeout=timeout)


def test_report_renders_in_headless_chromium(store, tmp_path):
    if find_chromium() is None:
        pytest.skip("no Chromium found (install Debian's `chromium`, or set $CHROMIUM); "
                    "the browser check of the report is skipped")
    fill_store(store)
    result = build_report(store, ReportConfig(out=tmp_path / "r.html"))
    url = result.path.resolve().as_uri()
    proc = chromium(["--virtual-time-budget=10000", "--dump-dom", url], tmp_path)
    dom = proc.stdout
    root = re.search(r"<html[^>]*>", dom)
    assert root, proc.stderr[-2000:]
    attrs = dict(re.findall(r'([\w-]+)="([^"]*)"', root.group(0)))
    assert attrs.get("data-loaded") == "1", proc.stderr[-2000:]
    assert attrs.get("data-js-errors") == "0", attrs.get("data-js-error-text")
    assert attrs.get("data-charts-expected") == "7"
    assert attrs.get("data-charts") == "7"  # every chart drew its SVG
    assert dom.count('class="main-svg"') >= 7
    # no two tick labels of the heatmaps overlap (their bounding boxes, measured in the browser)
    assert int(attrs.get("data-ticks-checked", "0")) == 2 * len(CATS) + len(TOPICS) + len(MODELS)
    assert attrs.get("data-tick-overlaps") == "0", attrs.get("data-tick-overlap-where")
    boxes = json.loads(html.unescape(attrs["data-sections"]))
    assert {"curves", "categories", "map", "topics", "pelo", "recovery", "dpo", "card"} <= set(boxes)
    assert all(height > 50 for _, height in boxes.values())
    assert "Overall (judge human)" in dom   # the pElo menu opens on the overall scope
    console_errors = [l for l in proc.stderr.splitlines() if "CONSOLE" in l and ("Uncaught" in l or ":ERROR:" in l)]
    assert not console_errors, console_errors
    shot = tmp_path / "report.png"
    proc = chromium(["--virtual-time-budget=10000", "--window-size=1366,2400", f"--screenshot={shot}", url],
                    tmp_path)
    assert shot.exists() and shot.stat().st_size > 20_000, proc.stderr[-2000:]
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    if os.environ.get("PREFBASIS_SCREENSHOT_DIR"):  # CI keeps it as an artefact
        keep = Path(os.environ["PREFBASIS_SCREENSHOT_DIR"])
        keep.mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, keep / "report-test.png")


def test_pooled_report_draws_its_sources_in_headless_chromium(store, tmp_path):
    """A basis pooled over two datasets: the Sources heatmap draws in a real browser, with every
    other chart, no script error and no overlapping tick labels."""
    if find_chromium() is None:
        pytest.skip("no Chromium found (install Debian's `chromium`, or set $CHROMIUM); "
                    "the browser check of the report is skipped")
    from prefbasis.basis import ExtractConfig, extract
    from test_basis_store import MODEL, fill

    fill(store, dataset="arena-sample")
    fill(store, seed=1, dataset="our-ab-votes")
    res = extract(store, ExtractConfig(k=6, tau=0.5, embedding_model=MODEL, topics=False,
                                       pool=["arena-sample", "our-ab-votes"]))
    result = build_report(store, ReportConfig(basis=res.basis_id, out=tmp_path / "pooled.html"))
    assert "sources" in result.sections
    proc = chromium(["--virtual-time-budget=10000", "--dump-dom", result.path.resolve().as_uri()], tmp_path)
    root = re.search(r"<html[^>]*>", proc.stdout)
    assert root, proc.stderr[-2000:]
    attrs = dict(re.findall(r'([\w-]+)="([^"]*)"', root.group(0)))
    assert attrs.get("data-loaded") == "1" and attrs.get("data-js-errors") == "0", attrs.get("data-js-error-text")
    assert attrs.get("data-charts") == attrs.get("data-charts-expected") and int(attrs["data-charts"]) >= 3
    # the topic heatmap's 3 topics and 6 categories, and the Sources heatmap's 2 datasets and 6 categories
    assert int(attrs.get("data-ticks-checked", "0")) == (3 + 6) + (2 + 6)
    assert attrs.get("data-tick-overlaps") == "0", attrs.get("data-tick-overlap-where")
    boxes = json.loads(html.unescape(attrs["data-sections"]))
    assert boxes["sources"][1] > 50
