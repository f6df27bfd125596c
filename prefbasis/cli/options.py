"""Command-line parsers generated from config dataclasses: each option is declared once.

A stage's config dataclass holds every option: its default, its type (a `str` enum gives the
choices) and `field(metadata={"help": ...})`. `add_verb` turns the dataclasses into an argparse
subcommand and `from_args` turns the parsed namespace back into the dataclass, so a verb is
`cfg = from_args(Config, args)`, `result = stage(store, cfg)`, then printing.

Field -> option (see docs/DEVELOPING.md, "Adding an option"):
- `name` -> `--name` (underscores become dashes; metadata "flag" renames it, "aliases" adds short forms);
- no default -> required (`positional: True` makes it a positional argument);
- `bool` -> a switch: `--name` when the default is False, `--no-name` when it is True (metadata "negate");
- a `str` enum -> `choices`; `list[X]` / `tuple[X, ...]` -> repeatable; `dict[str, str]` -> repeatable
  `KEY=VALUE[,KEY=VALUE]`; anything else (e.g. `int | str`) needs metadata "parse" (text -> value);
- metadata "cli": False keeps a field library-only; other metadata keys ("metavar") go to argparse.

Example:
    >>> from dataclasses import dataclass, field
    >>> @dataclass
    ... class Cfg:
    ...     rounds: int = field(default=200, metadata={"help": "bootstrap rounds"})
    ...     fast: bool = field(default=False, metadata={"help": "skip the slow part"})
    >>> parser = argparse.ArgumentParser(prog="x")
    >>> add_options(parser, Cfg)
    >>> from_args(Cfg, parser.parse_args(["--rounds", "5", "--fast"]))
    Cfg(rounds=5, fast=True)
"""
from __future__ import annotations

import argparse
import dataclasses
import types
import typing
from collections.abc import Callable
from enum import Enum
from pathlib import Path
from typing import Any

# metadata keys read here; every other key is passed to `add_argument`
_OWN_KEYS = {"help", "flag", "aliases", "cli", "positional", "parse", "negate", "split_commas"}
_SIMPLE = (int, float, str, Path)


def _strip_optional(tp: Any) -> Any:
    """`X | None` -> X, `str | Path` -> str; other types unchanged."""
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if len(args) == 1:
            return args[0]
        if set(args) <= {str, Path}:
            return str
    return tp


def _is_enum(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, Enum)


def _default(f: dataclasses.Field) -> Any:
    if f.default is not dataclasses.MISSING:
        return f.default
    if f.default_factory is not dataclasses.MISSING:
        return f.default_factory()
    return dataclasses.MISSING


def _shown(value: Any) -> str:
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, (list, tuple)):
        return ", ".join(_shown(v) for v in value)
    return str(value)


def cli_fields(cls: type) -> list[tuple[dataclasses.Field, Any]]:
    """(field, resolved type) of every CLI option of a config dataclass, in declaration order."""
    hints = typing.get_type_hints(cls)
    return [(f, hints[f.name]) for f in dataclasses.fields(cls)
            if f.init and (f.metadata or {}).get("cli", True)]


def flag_of(f: dataclasses.Field) -> str:
    """The option's long name without dashes, e.g. 'min-battles'."""
    return (f.metadata or {}).get("flag") or f.name.replace("_", "-")


def _help(meta: dict, default: Any, shown_default: bool) -> str:
    text = meta.get("help", "")
    empty = default is dataclasses.MISSING or default is None or default is False or default in ("", (), [], {})
    if shown_default and not empty:
        text = f"{text} (default: {_shown(default)})" if text else f"default: {_shown(default)}"
    return text.replace("%", "%%")


def _argument(f: dataclasses.Field, tp: Any) -> tuple[list[str], dict[str, Any]]:
    """The names and keyword arguments of `add_argument` for one field."""
    meta = dict(f.metadata or {})
    default = _default(f)
    kwargs: dict[str, Any] = {k: v for k, v in meta.items() if k not in _OWN_KEYS}
    kwargs["dest"] = f.name
    flag = flag_of(f)
    names = [f"--{flag}", *meta.get("aliases", [])]
    inner = _strip_optional(tp)
    origin = typing.get_origin(inner)
    shown_default = True
    if "parse" in meta:
        kwargs["type"] = meta["parse"]
    elif inner is bool:
        shown_default = False
        if default is True:
            names = [f"--{meta.get('negate') or 'no-' + flag}", *meta.get("aliases", [])]
            kwargs["action"] = "store_false"
        else:
            kwargs["action"] = "store_true"
    elif _is_enum(inner):
        kwargs["choices"] = [m.value for m in inner]
    elif origin in (list, tuple) or inner in (list, tuple):
        item = _strip_optional((typing.get_args(inner) or (str,))[0])
        kwargs["action"] = "append"
        if meta.get("nargs"):   # `--pool A B` as well as `--pool A --pool B`
            kwargs["action"], kwargs["nargs"] = "extend", meta["nargs"]
        if _is_enum(item):
            kwargs["choices"] = [m.value for m in item]
        elif item in _SIMPLE:
            kwargs["type"] = item
        kwargs.setdefault("metavar", "VALUE" if "choices" not in kwargs else None)
    elif origin is dict or inner is dict:
        kwargs["action"] = "append"
        kwargs.setdefault("metavar", "KEY=VALUE")
    elif inner in _SIMPLE:
        kwargs["type"] = str if inner is Path else inner
    else:
        raise TypeError(f"{f.name}: type {tp} needs metadata 'parse' (text -> value) to be an option")
    if kwargs.get("metavar") is None:
        kwargs.pop("metavar", None)
        if flag != f.name.replace("_", "-") and "choices" not in kwargs and "type" in kwargs:
            kwargs["metavar"] = flag.upper().replace("-", "_")
    kwargs["help"] = _help(meta, default, shown_default)
    if meta.get("positional"):
        kwargs.pop("dest")
        names = [f.name]
        if default is not dataclasses.MISSING:
            kwargs["nargs"] = "?"
    elif default is dataclasses.MISSING:
        kwargs["required"] = True
    # an option not given is left out of the namespace: from_args keeps the dataclass default
    kwargs["default"] = default if kwargs.get("action") in ("store_true", "store_false") else argparse.SUPPRESS
    return names, kwargs


def add_options(parser: argparse.ArgumentParser, cls: type) -> None:
    """Add one option per CLI field of dataclass `cls` to `parser`."""
    for f, tp in cli_fields(cls):
        names, kwargs = _argument(f, tp)
        parser.add_argument(*names, **kwargs)


def _pairs(items: list[str], option: str, split_commas: bool) -> dict[str, str]:
    """['a=1,c=2', 'b=x'] -> {'a': '1', 'c': '2', 'b': 'x'}; a clear error for an item without '='."""
    from prefbasis.errors import ConfigError

    out: dict[str, str] = {}
    for item in items:
        for part in (item.split(",") if split_commas else [item]):
            if not part:
                continue
            if "=" not in part:
                raise ConfigError(f"--{option} expects KEY=VALUE, got {part!r}")
            key, value = part.split("=", 1)
            out[key.strip()] = value.strip()
    return out


def _convert(f: dataclasses.Field, tp: Any, value: Any) -> Any:
    """An argparse value -> the field's type (enum members, tuples, dicts)."""
    inner = _strip_optional(tp)
    origin = typing.get_origin(inner)
    if "parse" in (f.metadata or {}):
        return value
    if _is_enum(inner):
        return inner(value)
    if origin in (list, tuple):
        item = _strip_optional((typing.get_args(inner) or (str,))[0])
        values = list(dict.fromkeys(item(v) for v in value)) if _is_enum(item) else list(value)
        return tuple(values) if origin is tuple else values
    if origin is dict or inner is dict:
        return _pairs(value, flag_of(f), (f.metadata or {}).get("split_commas", True))
    return value


def from_args(cls: type, args: argparse.Namespace, **overrides: Any) -> Any:
    """The config dataclass `cls` from parsed arguments (options not given keep their default)."""
    kwargs: dict[str, Any] = {}
    given = vars(args)
    for f, tp in cli_fields(cls):
        if f.name in given:
            value = given[f.name]
            kwargs[f.name] = value if value is None else _convert(f, tp, value)
    kwargs.update(overrides)
    return cls(**kwargs)


def add_verb(sub: argparse._SubParsersAction, name: str, *configs: type, help: str,
             description: str | None = None, run: Callable[[argparse.Namespace], int]
             ) -> argparse.ArgumentParser:
    """A subcommand whose options are generated from the `configs` dataclasses, running `run`."""
    parser = sub.add_parser(name, help=help, description=description or help)
    for cls in configs:
        add_options(parser, cls)
    parser.set_defaults(func=run)
    return parser
