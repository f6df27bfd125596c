"""Options and files that used to end in a traceback (or an allocation of the whole machine)."""
from __future__ import annotations

import json

import pytest

from prefbasis.cli import main
from prefbasis.errors import ConfigError
from prefbasis.ratings.bootstrap import check_bootstrap_memory
from prefbasis.store import Store
from prefbasis.train.config import ExportConfig
from prefbasis.train.export import export_dpo, load_export_splits
from prefbasis.train.trainer import load_splits

from test_train_export import populate
from tests.conftest import FIXTURES


def test_pelo_bootstrap_is_bounded_by_memory(db_path, capsys):
    assert main(["--db", str(db_path), "-q", "ingest", str(FIXTURES / "ingest" / "arena.jsonl"),
                 "--format", "arena"]) == 0
    with Store.open(db_path, read_only=True) as s:
        before = s.fingerprint()
    assert main(["--db", str(db_path), "pelo", "--bootstrap", str(10**12), "--min-battles", "1"]) == 2
    err = capsys.readouterr().err
    assert "--bootstrap 1000000000000 needs about" in err and "or fewer" in err
    with Store.open(db_path, read_only=True) as s:
        assert s.fingerprint() == before
    check_bootstrap_memory(200, 10_000)  # the default fits anywhere


def test_bootstrap_bound_names_what_fits():
    with pytest.raises(ConfigError, match="use --bootstrap 1024 or fewer"):
        check_bootstrap_memory(10_000, 1 << 20, available=2 << 30)


@pytest.mark.parametrize("content", [None, "a: [1\n"])
def test_train_config_missing_or_not_yaml(tmp_path, capsys, content):
    path = tmp_path / "train.yaml"
    if content is not None:
        path.write_text(content)
    assert main(["train", "--config", str(path)]) == 2
    err = capsys.readouterr().err
    assert ("cannot read it" if content is None else "not valid YAML") in err and "Traceback" not in err


def test_export_with_test_size_0_loads_with_its_empty_split(store, tmp_path):
    populate(store)
    res = export_dpo(store, ExportConfig(category="concise answers", test_size=0.0, out=str(tmp_path / "e")))
    assert res.n_test == 0
    splits = load_export_splits(tmp_path / "e")
    assert len(splits["train"]) == res.n_train and len(splits["test"]) == 0
    assert splits["test"].column_names == splits["train"].column_names
    train, test = load_splits(str(tmp_path / "e"))
    assert len(train) == res.n_train and test is None
    (tmp_path / "e" / "dataset_dict.json").write_text(json.dumps({"splits": ["test"]}))
    with pytest.raises(ConfigError, match="no split 'train'"):
        load_splits(str(tmp_path / "e"))


@pytest.mark.parametrize("value", ["2", "-1.5", "nan"])
def test_min_similarity_out_of_range(db_path, capsys, tmp_path, value):
    Store.open(db_path).close()
    assert main(["--db", str(db_path), "export-dpo", "--category", "x", "--min-similarity", value,
                 "--out", str(tmp_path / "out")]) == 2
    assert "in [-1, 1]" in capsys.readouterr().err and not (tmp_path / "out").exists()
