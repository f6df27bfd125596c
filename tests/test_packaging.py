"""Packaging: every Python package and the SQL files ship in the wheel; the CLI starts light."""
from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_pyproject_lists_every_package():
    listed = set(tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = {".".join(p.parent.relative_to(REPO).parts) for p in (REPO / "prefbasis").rglob("__init__.py")}
    assert found - listed == set(), "add these to [tool.setuptools] packages in pyproject.toml"
    assert "prefbasis.sql" in listed


def test_sql_files_are_found_through_the_package():
    from prefbasis.store import sql_path

    assert sorted(p.name for p in sql_path("migrations").glob("*.sql"))[0] == "001_core.sql"
    assert any(sql_path("queries").glob("*.sql"))


def test_help_does_not_import_heavy_libraries():
    code = ("import sys; from prefbasis.cli import build_parser; build_parser(); "
            "heavy = [m for m in ('torch', 'transformers', 'trl', 'peft', 'sentence_transformers', "
            "'sklearn', 'datasets') if m in sys.modules]; print(','.join(heavy))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == ""


def test_every_public_export_resolves_to_an_object_not_a_module():
    import types

    import prefbasis

    for name in prefbasis._EXPORTS:
        obj = getattr(prefbasis, name)
        assert not isinstance(obj, types.ModuleType), name


def test_lazy_export_is_the_function_after_its_module_is_imported():
    import importlib
    import types

    importlib.import_module("prefbasis.train.evaluation")
    from prefbasis.train import evaluate

    assert callable(evaluate) and not isinstance(evaluate, types.ModuleType)
    from prefbasis.train import evaluate as again

    assert again is evaluate
