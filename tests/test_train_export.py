"""export-dpo: category subset -> TRL preference data, split by prompt, clear errors."""
from __future__ import annotations

import json

import pytest

from prefbasis.cli import main as cli
from prefbasis.errors import InputError, PrefbasisError
from prefbasis.train.config import ExportConfig
from prefbasis.train.export import export_dpo, split_by_prompt


def populate(store, n: int = 40, n_prompts: int = 20, short_wins: bool = True) -> None:
    """Two preference categories and one topic; the short answer wins (else the long one)."""
    with store.transaction() as con:
        con.execute("insert into datasets(dataset_id, name, source, format, n_rows) "
                    "values ('d1', 'demo', 'memory', 'table', ?)", [n + 2])
        con.execute("insert into bases(basis_id, name, k) values ('b1', 'demo basis', 2)")
        con.execute("insert into categories(basis_id, category_id, name, kind, share) values "
                    "('b1', 0, 'concise answers', 'preference', 0.7), "
                    "('b1', 1, 'polite tone', 'preference', 0.3), ('b1', 0, 'math', 'topic', 0.5)")
        for i in range(n + 2):
            short, long = f"{i % 7} ok.", f"well, let me explain {i} at great length, step by step."
            winner = "tie" if i >= n else ("a" if i % 2 else "b")
            win, lose = (short, long) if short_wins else (long, short)
            a, b = (win, lose) if winner != "b" else (lose, win)
            cid = f"c{i:03d}"
            con.execute("insert into comparisons(comparison_id, dataset_id, prompt, response_a, "
                        "response_b, winner) values (?, 'd1', ?, ?, ?, ?)",
                        [cid, f"question {i % n_prompts}?", a, b, winner])
            cat = 0 if i < 0.75 * n or i >= n else 1
            con.execute("insert into comparison_categories(basis_id, kind, comparison_id, category_id, "
                        "similarity) values ('b1', 'preference', ?, ?, ?)", [cid, cat, 0.40 + (i % 10) / 20])
            if i % 2 == 0:
                con.execute("insert into comparison_categories(basis_id, kind, comparison_id, "
                            "category_id, similarity) values ('b1', 'topic', ?, 0, 0.9)", [cid])


def read_jsonl(path):
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_export_conversational_split_by_prompt(store, tmp_path):
    populate(store)
    res = export_dpo(store, ExportConfig(category="concise answers", out=str(tmp_path / "x"), seed=3))
    assert (res.n_pairs, res.n_ties_dropped, res.basis_id, res.category_id) == (30, 2, "b1", 0)
    assert res.n_train + res.n_test == 30 and res.n_test > 0
    train, test = read_jsonl(res.out / "train.jsonl"), read_jsonl(res.out / "test.jsonl")
    tp = {r["prompt"][0]["content"] for r in train}
    assert tp.isdisjoint({r["prompt"][0]["content"] for r in test})
    row = train[0]
    assert row["prompt"][0]["role"] == "user" and row["chosen"][0]["role"] == "assistant"
    assert all(r["chosen"][0]["content"].endswith("ok.") for r in train + test)  # winner -> chosen
    from datasets import load_from_disk

    dd = load_from_disk(str(res.out))
    assert (len(dd["train"]), len(dd["test"])) == (res.n_train, res.n_test)
    import pandas as pd

    assert len(pd.read_parquet(res.out / "test.parquet")) == res.n_test
    card = (res.out / "README.md").read_text()
    assert "concise answers" in card and "b1" in card and "demo (memory)" in card


def test_export_is_seeded_and_filters(store, tmp_path):
    populate(store)
    a = export_dpo(store, ExportConfig(category="0", out=str(tmp_path / "a"), seed=7))
    b = export_dpo(store, ExportConfig(category="0", out=str(tmp_path / "b"), seed=7))
    assert (a.out / "test.jsonl").read_text() == (b.out / "test.jsonl").read_text()
    topic = export_dpo(store, ExportConfig(category="concise answers", topic="math", weight=True,
                                           style="standard", out=str(tmp_path / "t"), min_pairs=2))
    rows = read_jsonl(topic.out / "train.jsonl") + read_jsonl(topic.out / "test.jsonl")
    assert len(rows) == 15 and all(isinstance(r["prompt"], str) for r in rows)
    assert all(0.0 <= r["weight"] <= 1.0 for r in rows)
    sim = export_dpo(store, ExportConfig(category="concise answers", min_similarity=0.7,
                                         out=str(tmp_path / "s"), min_pairs=2))
    assert sim.n_pairs == 12  # 0.40 + (i % 10)/20 >= 0.7 for i % 10 in 6..9: 4 of each 10 of i < 30


def test_export_errors_leave_no_output(store, tmp_path):
    populate(store)
    with pytest.raises(InputError, match="unknown preference category 'nope'.*'concise answers'"):
        export_dpo(store, ExportConfig(category="nope", out=str(tmp_path / "n")))
    with pytest.raises(PrefbasisError, match="only 10 usable pairs"):
        export_dpo(store, ExportConfig(category="polite tone", out=str(tmp_path / "p"), min_pairs=20))
    assert not (tmp_path / "n").exists() and not (tmp_path / "p").exists()


def test_split_by_prompt_groups():
    prompts = [f"p{i % 50}" for i in range(200)]
    train, test = split_by_prompt(prompts, 0.4, seed=1)
    assert sorted(train + test) == list(range(200))
    assert {prompts[i] for i in train}.isdisjoint({prompts[i] for i in test})
    assert 10 <= len({prompts[i] for i in test}) <= 30          # ~40% of 50 prompts
    assert split_by_prompt(prompts, 0.4, seed=1) == (train, test)   # seeded: same split again
    assert split_by_prompt(prompts, 0.4, seed=2) != (train, test)


def test_split_by_prompt_is_consistent_across_exports():
    """A prompt's side never depends on the other prompts: category A's train and B's test are disjoint."""
    a = [f"p{i}" for i in range(0, 60)]
    b = [f"p{i}" for i in range(30, 90)]
    a_train, _ = split_by_prompt(a, 0.3, seed=7)
    _, b_test = split_by_prompt(b, 0.3, seed=7)
    assert {a[i] for i in a_train}.isdisjoint({b[i] for i in b_test})


def test_split_by_prompt_keeps_both_sides_with_few_prompts():
    for seed in range(20):
        train, test = split_by_prompt(["x", "y", "x"], 0.2, seed=seed)
        assert train and test


def test_cli_export_dpo(store, tmp_path, capsys):
    populate(store)
    db = store.path
    store.close()
    out = tmp_path / "cli"
    assert cli(["--db", db, "export-dpo", "--category", "concise answers", "--out", str(out),
                "--test-size", "0.3", "--seed", "1", "--weight"]) == 0
    res = json.loads(capsys.readouterr().out)
    assert res["n_pairs"] == 30 and (out / "export.json").exists()
    assert cli(["--db", db, "export-dpo", "--category", "missing", "--out", str(tmp_path / "m")]) == 2
    assert "known: b1#0 'concise answers'" in capsys.readouterr().err


def test_export_complement_is_the_out_of_category_control(store, tmp_path):
    """--complement: the other categories' pairs, none of them in C; its test prompts never in C's train."""
    populate(store)
    with store.transaction() as con:   # c000 is in both categories: it must not be in the complement
        con.execute("insert into comparison_categories(basis_id, kind, comparison_id, category_id, "
                    "similarity) values ('b1', 'preference', 'c000', 1, 0.5)")
    inside = export_dpo(store, ExportConfig(category="concise answers", out=str(tmp_path / "in"), seed=3))
    outside = export_dpo(store, ExportConfig(category="concise answers", complement=True,
                                             out=str(tmp_path / "out"), seed=3))
    assert outside.category == "not concise answers" and outside.n_pairs == 10   # c030..c039
    ids_in = {r["comparison_id"] for s in ("train", "test") for r in read_jsonl(inside.out / f"{s}.jsonl")}
    ids_out = {r["comparison_id"] for s in ("train", "test") for r in read_jsonl(outside.out / f"{s}.jsonl")}
    assert ids_in.isdisjoint(ids_out) and "c000" in ids_in
    train_prompts = {r["prompt"][0]["content"] for r in read_jsonl(inside.out / "train.jsonl")}
    test_prompts = {r["prompt"][0]["content"] for r in read_jsonl(outside.out / "test.jsonl")}
    assert train_prompts.isdisjoint(test_prompts)


def test_dedupe_and_exclude(store, tmp_path):
    """--dedupe keeps one row per (prompt, chosen, rejected) and drops pairs seen both ways;
    --exclude drops pairs (same direction) that another category also has."""
    populate(store, n=40, n_prompts=20)
    rows = store.df("select comparison_id, prompt, response_a, response_b, winner from comparisons "
                    "where winner <> 'tie' order by comparison_id limit 6")
    with store.transaction() as con:
        for k, r in enumerate(rows.itertuples()):
            # copies 0-2: the same pair again (another judge); 3-5: the reverse verdict
            winner = r.winner if k < 3 else ("b" if r.winner == "a" else "a")
            con.execute("insert into comparisons(comparison_id, dataset_id, prompt, response_a, response_b, "
                        "winner) values (?, 'd1', ?, ?, ?, ?)",
                        [f"x{k}", r.prompt, r.response_b, r.response_a, "b" if winner == "a" else "a"])
            con.execute("insert into comparison_categories(basis_id, kind, comparison_id, category_id, "
                        "similarity) values ('b1', 'preference', ?, 0, 0.9)", [f"x{k}"])
    plain = export_dpo(store, ExportConfig(category="concise answers", out=str(tmp_path / "plain")))
    deduped = export_dpo(store, ExportConfig(category="concise answers", out=str(tmp_path / "dd"), dedupe=True))
    assert plain.n_pairs == 36
    assert (deduped.n_duplicates_dropped, deduped.n_contradicted_dropped) == (3, 6)
    assert deduped.n_pairs == 36 - 3 - 6
    recs = read_jsonl(deduped.out / "train.jsonl") + read_jsonl(deduped.out / "test.jsonl")
    keys = [(r["prompt"][0]["content"], r["chosen"][0]["content"], r["rejected"][0]["content"]) for r in recs]
    assert len(set(keys)) == len(keys) and not any((p, r, c) in set(keys) for p, c, r in keys)
    card = json.loads((deduped.out / "export.json").read_text())
    assert card["filters"]["dedupe"] is True and card["n_contradicted_dropped"] == 6
    # 'polite tone' shares no pair with 'concise answers' yet: exclusion drops nothing
    assert export_dpo(store, ExportConfig(category="polite tone", out=str(tmp_path / "p0"),
                                          exclude=["concise answers"])).n_excluded == 0
    polite = store.df("select comparison_id from comparison_categories where category_id = 1 "
                      "and kind = 'preference' order by 1 limit 2")["comparison_id"].tolist()
    with store.transaction() as con:   # two of polite's comparisons also become concise (same direction)
        for cid in polite:
            con.execute("insert into comparison_categories(basis_id, kind, comparison_id, category_id, "
                        "similarity) values ('b1', 'preference', ?, 0, 0.5)", [cid])
    ex = export_dpo(store, ExportConfig(category="polite tone", out=str(tmp_path / "p1"),
                                        exclude=["concise answers"]))
    assert ex.n_excluded == 2 and ex.n_pairs == 10 - 2
    assert "also in concise answers" in (ex.out / "README.md").read_text()
