"""One catalog: ids, id prefixes, names and "the latest" resolve the same way in Python (every
verb) and in SQL (`pick_basis`)."""
from __future__ import annotations

import pytest

from prefbasis.errors import ConfigError, InputError, NotInStoreError
from prefbasis.store import catalog


@pytest.fixture
def filled(store):
    with store.transaction() as con:
        for i, (bid, name, ts) in enumerate([("abc123", "first", "2024-01-01"), ("abd456", "shared", "2024-01-02"),
                                             ("zz9", "shared", "2024-01-03"), ("q00", "abc", "2024-01-02")]):
            con.execute("insert into bases(basis_id, name, k, created_at) values (?, ?, 2, ?)", [bid, name, ts])
        for did, name, ts in [("d111", "prd", "2024-01-01"), ("d222", "hh", "2024-02-01"), ("e333", "prd", "2024-01-05")]:
            con.execute("insert into datasets(dataset_id, name, source, format, n_rows, ingested_at) "
                        "values (?, ?, 'x', 'trl', 0, ?)", [did, name, ts])
        for cid, name in [(0, "more concise answer"), (1, "more detailed answer"), (2, "safer reply")]:
            con.execute("insert into categories(basis_id, category_id, name, kind, share) "
                        "values ('zz9', ?, ?, 'preference', 0.3)", [cid, name])
    return store


@pytest.mark.parametrize("ref, expected", [
    (None, "zz9"),          # the latest
    ("abc123", "abc123"),   # exact id
    ("shared", "zz9"),      # a name: the newest basis with it
    ("abc", "q00"),         # a name beats an id prefix
    ("zz", "zz9"),          # the one id with this prefix
    ("abd", "abd456"),
])
def test_basis_rule_in_python_and_sql(filled, ref, expected):
    assert catalog.resolve_basis(filled, ref).basis_id == expected
    assert filled.scalar("select pick_basis(?)", [ref]) == expected


def test_ambiguous_prefix_and_unknown_names_fail_the_same_way(filled):
    with pytest.raises(NotInStoreError, match="several basis ids start with 'ab'"):
        catalog.resolve_basis(filled, "ab")
    import duckdb

    with pytest.raises(duckdb.Error, match="several bases start with ab"):
        filled.scalar("select pick_basis('ab')")
    with pytest.raises(NotInStoreError, match="no basis 'nope'.*known: zz9 \\(shared\\)") as err:
        catalog.resolve_basis(filled, "nope")
    assert isinstance(err.value, ConfigError) and isinstance(err.value, InputError)
    assert filled.scalar("select pick_basis('nope')") is None


@pytest.mark.parametrize("ref, expected", [(None, "d222"), ("prd", "e333"), ("d1", "d111"), ("hh", "d222")])
def test_dataset_rule(filled, ref, expected):
    assert catalog.resolve_dataset(filled, ref).dataset_id == expected


def test_categories_by_id_name_or_prefix_in_the_latest_basis(filled):
    assert catalog.resolve_category(filled, "1").name == "more detailed answer"
    assert catalog.resolve_category(filled, "Safer Reply").category_id == 2
    assert catalog.resolve_category(filled, "safer").category_id == 2
    with pytest.raises(NotInStoreError, match="several preference categories .* start with 'more'"):
        catalog.resolve_category(filled, "more")
    with pytest.raises(NotInStoreError, match="unknown preference category 'x' in basis zz9; known: zz9#0"):
        catalog.resolve_category(filled, "x")
    with pytest.raises(NotInStoreError, match="unknown topic category"):
        catalog.resolve_category(filled, "safer", kind="topic")


def test_every_verb_accepts_an_id_prefix(filled, tmp_path, capsys):
    """`report --basis abc` and `pelo --basis abc` once disagreed; now both go through the catalog."""
    from prefbasis.cli import main

    path = filled.path
    filled.close()
    assert main(["--db", path, "-q", "pelo", "--basis", "zz"]) == 2   # found: then no battles to rate
    assert "no battles" in capsys.readouterr().err
    assert main(["--db", path, "-q", "pelo", "--basis", "ab"]) == 2
    assert "several basis ids start with 'ab'" in capsys.readouterr().err
    assert main(["--db", path, "-q", "show", "zz"]) == 0
    assert "basis zz9 (shared)" in capsys.readouterr().out
