"""The command line is generated from the config dataclasses: every option declared once."""
from __future__ import annotations

import argparse
import ast
import dataclasses
import subprocess
import sys
from pathlib import Path

import pytest

from prefbasis.cli import VERB_MODULES, build_parser, main
from prefbasis.cli.options import cli_fields, flag_of

CLI = Path(__file__).resolve().parents[1] / "prefbasis" / "cli"


def _verbs() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(sub.choices)


def _configs(verb: str) -> list[type]:
    """The dataclasses whose fields a verb's parser was generated from (read from its module)."""
    import importlib

    module = importlib.import_module(f"prefbasis.cli.{verb.replace('-', '_')}")
    tree = ast.parse(Path(module.__file__).read_text())
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and getattr(n.func, "id", "") == "add_verb"]
    return [getattr(module, a.id) for c in calls for a in c.args[2:] if isinstance(a, ast.Name)]


@pytest.mark.parametrize("verb", [v.replace("_", "-") for v in VERB_MODULES if v != "train"])
def test_every_option_comes_from_a_config_field(verb):
    parser = _verbs()[verb]
    configs = _configs(verb)
    assert configs, f"{verb} declares no config dataclass"
    fields = {f.name: f for cls in configs for f, _ in cli_fields(cls)}
    dests = {a.dest for a in parser._actions if a.dest not in ("help",)}
    assert dests == set(fields), f"{verb}: options not generated from a config field"
    text = parser.format_help()
    for name, f in fields.items():
        meta = f.metadata or {}
        assert meta.get("help"), f"{verb} --{flag_of(f)} has no help"
        if not meta.get("positional"):
            assert f"--{meta.get('negate') or flag_of(f)}" in text or f"--no-{flag_of(f)}" in text


@pytest.mark.parametrize("verb", [v.replace("_", "-") for v in VERB_MODULES if v != "train"])
def test_defaults_round_trip(verb):
    """No option given -> the dataclass's own defaults (the CLI holds none of its own)."""
    from prefbasis.cli.options import add_options, from_args
    from prefbasis.errors import PrefbasisError

    for cls in _configs(verb):
        if any(f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
               for f, _ in cli_fields(cls)):
            continue
        try:
            expected = cls()
        except PrefbasisError:   # e.g. QueryConfig wants SQL text or a file
            continue
        parser = argparse.ArgumentParser()
        add_options(parser, cls)
        assert from_args(cls, parser.parse_args([])) == expected


def test_no_cli_module_holds_a_default():
    """The CLI modules call no add_argument(default=...) and copy no config defaults."""
    offenders = []
    for path in CLI.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "add_argument":
                if any(k.arg == "default" for k in node.keywords):
                    offenders.append(f"{path.name}:{node.lineno}")
            if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id.startswith("DEFAULT_")
                                                    for t in node.targets):
                offenders.append(f"{path.name}:{node.lineno}")
    assert offenders == []


def test_a_verb_that_fails_to_import_is_an_error(monkeypatch):
    import prefbasis.cli as cli

    monkeypatch.setattr(cli, "VERB_MODULES", [*cli.VERB_MODULES, "no_such_verb"])
    with pytest.raises(ModuleNotFoundError):
        cli.build_parser()


def test_failed_command_leaves_no_new_store(tmp_path, capsys):
    db = tmp_path / "new" / "store.duckdb"
    assert main(["--db", str(db), "pelo"]) == 2          # opens the store, then finds no battles
    assert "no battles" in capsys.readouterr().err
    assert not db.exists() and not Path(str(db) + ".wal").exists()
    assert main(["--db", str(db), "query", "select 1 as x"]) == 2   # read-only: no store, none made
    assert not db.exists()


def test_ingest_of_a_missing_file_draws_no_progress_bar(tmp_path):
    import os

    env = {k: v for k, v in os.environ.items() if k != "PREFBASIS_QUIET"}   # bars on
    code = ("from prefbasis.cli import main; import sys; "
            f"sys.exit(main(['--db', {str(tmp_path / 'x.duckdb')!r}, 'ingest', 'nope.jsonl', '--format', 'trl']))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert proc.returncode == 2
    assert proc.stderr.strip() == "prefbasis ingest: error: nope.jsonl: no such file or folder"
    assert not (tmp_path / "x.duckdb").exists()


def test_train_help_is_short_and_lists_own_options_first(capsys):
    from prefbasis.cli.train import COMMON_OPTIONS

    assert main(["train", "--help"]) == 0
    text = capsys.readouterr().out
    lines = text.splitlines()
    assert len(lines) < 80
    assert lines[0].startswith("usage: prefbasis train --data DIR --model PATH_OR_ID")
    assert text.index("--data") < text.index("--output_dir") < text.index("--help-all")
    from prefbasis.train.config import TrainConfig

    names = {f.name for f in dataclasses.fields(TrainConfig)}
    assert set(COMMON_OPTIONS) <= names   # the short list names real DPOConfig / LoraConfig fields


def test_a_command_line_that_names_its_verb_builds_only_that_verb(tmp_path):
    """`prefbasis query ...` imports no other verb module (a faster start); help and typos still
    see every verb."""
    import subprocess
    import sys

    code = ("import sys; from prefbasis.cli import main; "
            f"main(['--db', {str(tmp_path / 'none.duckdb')!r}, '-q', 'query', 'select 1']); "
            "print(sorted(m for m in sys.modules if m.startswith('prefbasis.cli.') and m not in "
            "('prefbasis.cli.options', 'prefbasis.cli._common')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "['prefbasis.cli.query']"
    from prefbasis.cli import _verb_in

    assert _verb_in(["--db", "x", "--quiet", "export-dpo", "--category", "1"]) == "export_dpo"
    assert _verb_in(["--help"]) is None and _verb_in(["quer"]) is None and _verb_in(["--db", "query"]) is None
