"""`prefbasis simulate`: planted-basis datasets, their truth tables, determinism, CLI, separability."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from prefbasis.errors import ConfigError
from prefbasis.simulate import CATEGORIES, IDIOSYNCRATIC, SimulationConfig, generate, simulate
from prefbasis.simulate.responses import response_pair
from prefbasis.simulate.writer import write
from prefbasis.simulate.topics import TOPICS
from prefbasis.store import Store

SMALL = SimulationConfig(seed=7, n_comparisons=1500, n_distinct=600, n_judges=12, n_models=6)
TRUTH = ["planted_descriptions", "planted_categories", "planted_model_strengths", "planted_judges",
         "planted_topics", "planted_comparisons"]


def _content(store: Store) -> dict[str, pd.DataFrame]:
    """Every simulated row, timestamps left out, in a stable order."""
    out = {"comparisons": store.df("select * from comparisons order by comparison_id"),
           "annotations": store.df("select annotation_id, comparison_id, preference, description, topic, annotator "
                                   "from annotations order by annotation_id"),
           "datasets": store.df("select dataset_id, name, source, format, n_rows, params from datasets")}
    for t in TRUTH:
        out[t] = store.df(f"select * from {t} order by all")
    return out


def test_generate_counts_and_fields():
    data = generate(SMALL)
    comp, ann = data.comparisons, data.annotations
    assert len(comp) == 1500
    assert ann["paraphrase"].nunique() == 600            # distinct paraphrases, before subject mentions
    assert set(ann["description"]) <= set(data.descriptions["description"])   # truth for every wording
    per = ann.groupby("comparison").size()
    assert per.min() >= 1 and per.max() <= 3 and per.index.tolist() == list(range(1500))
    assert set(comp["winner"]) == {"a", "b"}
    assert (comp["model_a"] != comp["model_b"]).all()
    assert comp[["prompt", "response_a", "response_b", "judge"]].notna().all().all()
    assert ann["preference"].str.split().str.len().between(2, 6).all()
    assert ann["topic"].str.split().str.len().between(2, 6).all()
    # the first stated reason is the planted one
    first = ann[ann["position"] == 0].set_index("comparison")["planted_category"]
    assert (first.sort_index().to_numpy() == comp["planted_category"].to_numpy()).all()
    # every description belongs to exactly one category
    assert data.descriptions["description"].is_unique


def test_idiosyncratic_reasons_and_popularity():
    cfg = SimulationConfig(seed=5, n_comparisons=6000, n_distinct=2000, idiosyncratic_share=0.1)
    data = generate(cfg)
    ann = data.annotations
    idio = ann[ann["planted_category"] == IDIOSYNCRATIC]
    assert 0.08 < len(idio) / len(ann) < 0.12
    # one-off: each idiosyncratic description is stated once and is not a planted paraphrase
    assert idio["description"].is_unique
    truth = data.descriptions.set_index("description")["planted_category"]
    assert (truth.reindex(idio["description"]) == IDIOSYNCRATIC).all()
    assert ann["paraphrase"].nunique() == 2000
    # comparisons decided by one: label stored, winner follows the mean strength
    decided = data.comparisons["planted_category"] == IDIOSYNCRATIC
    assert 0.07 < decided.mean() < 0.13
    # planted shares are unequal (seeded Zipf popularity) and sum to 1 - idiosyncratic share
    share = data.categories["share"]
    assert share.max() / share.min() > 1.5
    assert abs(share.sum() - len(ann[ann["planted_category"] != IDIOSYNCRATIC]) / len(ann)) < 1e-9
    flat = generate(SimulationConfig(seed=5, n_comparisons=6000, n_distinct=2000, popularity_zipf=0.0,
                                     idiosyncratic_share=0.0))
    assert flat.categories["share"].max() / flat.categories["share"].min() < 1.3
    assert IDIOSYNCRATIC not in set(flat.annotations["planted_category"])


def test_winners_follow_planted_strengths():
    data = generate(SimulationConfig(seed=3, n_comparisons=12000, n_distinct=2000, n_models=8))
    comp = data.comparisons
    # a comparison decided by an idiosyncratic reason follows the model's mean strength
    mean = data.strengths.groupby("model")["strength"].mean()
    s = pd.concat([data.strengths.set_index(["model", "planted_category"])["strength"],
                   pd.Series(mean.to_numpy(), index=pd.MultiIndex.from_product([mean.index, [IDIOSYNCRATIC]]))])
    sa = s.reindex(pd.MultiIndex.from_arrays([comp["model_a"], comp["planted_category"]])).to_numpy()
    sb = s.reindex(pd.MultiIndex.from_arrays([comp["model_b"], comp["planted_category"]])).to_numpy()
    p_a = 1 / (1 + np.exp(-(sa - sb)))
    a_won = (comp["winner"] == "a").to_numpy()
    # calibration: observed vs Bradley–Terry expected win rate, in probability bins
    bins = np.digitize(p_a, [0.2, 0.4, 0.6, 0.8])
    for b in range(5):
        sel = bins == b
        assert abs(a_won[sel].mean() - p_a[sel].mean()) < 0.05
    # strengths differ across categories: the model order is not the same everywhere
    ranks = data.strengths.pivot(index="model", columns="planted_category", values="strength").rank()
    assert ranks.corr(method="spearman").min().min() < 0.5


def test_simulate_writes_consistent_truth(store):
    res = simulate(store, SMALL)
    assert res.added and res.n_comparisons == 1500 and res.n_distinct_descriptions == 600
    assert store.scalar("select format from datasets where dataset_id = ?", [res.dataset_id]) == "simulated"
    assert store.scalar("select n_rows from datasets") == 1500
    assert store.scalar("select count(*) from annotations where annotator = 'simulated'") == res.n_annotations
    assert store.scalar("select count(distinct description) from annotations") <= \
        store.scalar("select count(*) from planted_descriptions")
    assert store.scalar("select count(*) from comparisons where language = 'en' and turns = 1 "
                        "and winner in ('a', 'b') and model_a <> model_b") == 1500
    # every annotated description has its planted category; the comparison's planted reason is stated
    assert store.scalar("select count(*) from annotations a anti join planted_descriptions p using (description)") == 0
    assert store.scalar("select count(*) from planted_descriptions where planted_category = '(idiosyncratic)'") > 0
    assert store.scalar("""select count(*) from planted_comparisons pc where not exists (
        select 1 from annotations a join planted_descriptions p using (description)
        where a.comparison_id = pc.comparison_id and p.planted_category = pc.planted_category)""") == 0
    assert store.scalar("select count(*) from planted_topics t join annotations a using (topic)") == res.n_annotations
    assert store.scalar("select count(*) from planted_model_strengths") == 6 * 21
    assert store.scalar("select max(abs(s - 1)) from (select sum(weight) s from planted_judges group by judge)") < 1e-9
    assert store.scalar("select max(abs(m - 1000)) from (select avg(elo) m from planted_model_strengths "
                        "group by planted_category)") < 1e-6
    shares = store.df("select planted_category, share, n_distinct from planted_categories")
    idio_share = store.scalar("select avg((p.planted_category = '(idiosyncratic)')::int) from annotations "
                              "join planted_descriptions p using (description)")
    assert len(shares) == 21 and abs(shares["share"].sum() + idio_share - 1) < 1e-9
    n_idio = int((generate(SMALL).annotations.drop_duplicates("paraphrase")["planted_category"] == IDIOSYNCRATIC).sum())
    assert shares["n_distinct"].sum() + n_idio == 600
    # every stated reason is a sentence of its comparison's rationale, with its planted category
    assert store.scalar("select count(*) from planted_mentions") == res.n_annotations
    assert store.scalar("select count(*) from planted_mentions p join comparisons c using (comparison_id) "
                        "where strpos(c.rationale, p.sentence) = 0") == 0


def test_same_seed_same_store_and_rerun_adds_nothing(tmp_path):
    a, b, c = (Store.open(tmp_path / f"{n}.duckdb") for n in "abc")
    simulate(a, SMALL)
    simulate(b, SMALL)
    simulate(c, SimulationConfig(**{**SMALL.as_dict(), "seed": 8}))
    ca, cb, cc = _content(a), _content(b), _content(c)
    for table in ca:
        pd.testing.assert_frame_equal(ca[table], cb[table])
    assert not ca["annotations"]["description"].equals(cc["annotations"]["description"])
    before = a.table_counts()
    assert simulate(a, SMALL).added is False
    assert a.table_counts() == before
    for s in (a, b, c):
        s.close()


def test_two_names_same_config_are_two_datasets(store):
    cfg = SimulationConfig(seed=1, n_comparisons=200, n_distinct=100, n_judges=4)
    one = simulate(store, cfg)
    two = simulate(store, SimulationConfig(**{**cfg.as_dict(), "name": "copy"}))
    assert one.dataset_id != two.dataset_id and two.added
    assert store.scalar("select count(*) from comparisons") == 400
    assert store.scalar("select count(*) from planted_comparisons group by dataset_id limit 1") == 200


def test_responses_reflect_the_reason():
    rng = np.random.default_rng(0)
    topic = TOPICS[0]
    win, lose = response_pair(topic, "conciseness", rng)
    assert len(win) < len(lose)
    win, lose = response_pair(topic, "thoroughness", rng)
    assert len(win) > len(lose)
    assert "```" in response_pair(topic, "working_code", rng)[0]
    assert "\n- " in response_pair(topic, "formatting", rng)[0]


def test_config_errors():
    for bad in ({"n_categories": 30}, {"n_models": 1}, {"n_comparisons": 0}, {"extra_reason_prob": 2.0}):
        with pytest.raises(ConfigError):
            generate(SimulationConfig(**bad))


def test_import_form_and_no_callable_module(store):
    import prefbasis.simulate as package
    from prefbasis.simulate import simulate as fn

    assert not callable(package)
    res = fn(store, SimulationConfig(seed=1, n_comparisons=50, n_distinct=40, n_judges=3))
    assert res.n_comparisons == 50


def test_changed_generator_and_leftovers_do_not_collide(store):
    """A new generator output for the same config is a new dataset (no duplicate annotation_id), and
    leftovers of a dataset whose `datasets` row was deleted are replaced cleanly."""
    cfg = SimulationConfig(seed=2, n_comparisons=120, n_distinct=80, n_judges=3, n_models=3)
    old = generate(cfg)
    new = generate(cfg)
    new.annotations["description"] = new.annotations["description"] + " Really."
    new.descriptions["description"] = new.descriptions["description"] + " Really."
    a = write(store, old)
    b = write(store, new)
    assert a.added and b.added and a.dataset_id != b.dataset_id
    assert store.scalar("select count(*) from annotations") == a.n_annotations + b.n_annotations
    store.execute("delete from datasets where dataset_id = ?", [a.dataset_id])
    store.execute("delete from planted_judges where dataset_id = ?", [a.dataset_id])
    again = write(store, old)
    assert again.added and again.dataset_id == a.dataset_id
    assert store.scalar("select count(*) from annotations") == a.n_annotations + b.n_annotations
    assert store.scalar("select n_rows from datasets where dataset_id = ?", [a.dataset_id]) == 120
    assert store.scalar("select count(*) from planted_comparisons where dataset_id = ?", [a.dataset_id]) == 120


def test_cli_simulate(db_path, capsys):
    from prefbasis.cli import main

    rc = main(["--db", str(db_path), "-q", "simulate", "--seed", "2", "--comparisons", "400", "--distinct", "250",
               "--judges", "5", "--models", "4", "--categories", "10", "--name", "tiny",
               "--idiosyncratic-share", "0"])
    assert rc == 0
    assert "400 comparisons" in capsys.readouterr().out
    with Store.open(db_path, read_only=True) as s:
        assert s.scalar("select name from datasets") == "tiny"
        assert s.scalar("select count(distinct planted_category) from planted_descriptions "
                        "where planted_category <> '(idiosyncratic)'") == 10
        assert s.scalar("select count(*) from planted_descriptions where planted_category = '(idiosyncratic)'") == 0
        assert s.scalar("select count(distinct description) from annotations") >= 250   # + subject mentions
        assert s.scalar("select count(*) from comparisons where rationale is not null and presented_order "
                        "in ('a_first', 'b_first')") == 400
        counts = s.table_counts()
    assert main(["--db", str(db_path), "simulate", "--categories", "99"]) == 2
    with Store.open(db_path, read_only=True) as s:
        assert s.table_counts() == counts


@pytest.mark.slow
def test_categories_separate_in_minilm():
    """Paraphrases of one category embed near each other and away from the others (real MiniLM)."""
    from prefbasis.simulate.separability import embed_texts, separability

    data = generate(SimulationConfig(seed=11, n_comparisons=4000, n_distinct=1500))
    planted = data.descriptions[data.descriptions["planted_category"] != IDIOSYNCRATIC]
    sample = planted.groupby("planted_category", group_keys=False).sample(12, random_state=0)
    rep = separability(embed_texts(sample["description"].tolist()), sample["planted_category"].tolist())
    assert rep.centroid_accuracy >= 0.98
    assert rep.within_cosine > rep.max_between_centroid_cosine + 0.02
    assert rep.within_cosine > rep.mean_between_cosine + 0.3
    assert len(rep.per_category_accuracy) == len(CATEGORIES)


@pytest.mark.slow
def test_idiosyncratic_reasons_stay_far_from_planted_centroids():
    """One-off reasons are not paraphrases of any planted category, nor tightly grouped (real MiniLM)."""
    from prefbasis.simulate.separability import embed_texts

    data = generate(SimulationConfig(seed=11, n_comparisons=4000, n_distinct=1500))
    desc = data.descriptions
    planted = desc[desc["planted_category"] != IDIOSYNCRATIC].groupby("planted_category", group_keys=False).sample(
        10, random_state=0)
    idio = desc[desc["planted_category"] == IDIOSYNCRATIC].sample(200, random_state=0)
    e_p, e_i = embed_texts(planted["description"].tolist()), embed_texts(idio["description"].tolist())
    labels = planted["planted_category"].to_numpy()
    cents = np.stack([e_p[labels == c].mean(0) for c in np.unique(labels)])
    cents /= np.linalg.norm(cents, axis=1, keepdims=True)
    assert (e_i @ cents.T).max() < 0.5
    sim = e_i @ e_i.T
    np.fill_diagonal(sim, -1)
    # no tight group: no reason has more than 10% of the others within the estimator's default tau
    assert (sim >= 0.58).sum(axis=1).max() < 0.1 * len(idio)


def test_judges_write_like_real_judges():
    """Reference styles, verdict forms, swapped presentation and subject mentions, as configured."""
    from prefbasis.annotate.describe.references import find_references, winner_position
    from prefbasis.annotate.describe.verdict import find_verdict
    from prefbasis.simulate.rationales import REFERENCE_STYLES, prompt_subject

    data = generate(SMALL)
    comp, ann = data.comparisons, data.annotations
    seen = {r.text for t in comp["rationale"] for r in find_references(t)}
    for first, second in REFERENCE_STYLES:
        assert {first[0].upper() + first[1:], second[0].upper() + second[1:]} & seen or {first, second} & seen
    assert 0.4 < (comp["presented_order"] == "b_first").mean() < 0.6
    verdicts = [find_verdict(t) for t in comp["rationale"]]
    assert 0.6 < np.mean([v is not None for v in verdicts]) < 0.95           # one verdict form in five is none
    for v, w, order in zip(verdicts, comp["winner"], comp["presented_order"]):
        assert v is None or v.position == winner_position(w, order)        # the judge names its own view
    named = ann["description"] != ann["paraphrase"]
    assert 0.25 < named.mean() < 0.35
    prompts = comp["prompt"].to_numpy()[ann.loc[named, "comparison"].to_numpy()]
    assert all(prompt_subject(p) in d for p, d in zip(prompts, ann.loc[named, "description"]))
    assert generate(SimulationConfig(**{**SMALL.as_dict(), "subject_share": 0.0})).annotations.eval(
        "description == paraphrase").all()
