"""`table`: any CSV / JSONL / JSON / Parquet table, with a column mapping.

`--map prompt=question,response_a=left,response_b=right,winner=label` names the source column of
each field (a field not mapped is read from the column of its own name). Fields: `id` (upstream
id; else file:row), `prompt`, `response_a`, `response_b`, `winner` (required), `model_a`,
`model_b`, `judge`, `language`, `turns`, `rationale` (optional). Other columns go to `extra`.

`presented_order` is read only when mapped (`--map presented_order=FIELD`): the order in which the
judge who wrote `rationale` saw the two responses, `a_first` or `b_first` (also accepted: ab/ba,
original/swapped, normal/reversed, false/true, 0/1). Map it only together with a rationale written
in that order (LLMBar's `rationale_raw`), never with one already rewritten to the stored order.

Winner values (case-insensitive) by default:
a = {a, model_a, response_a, 1, first, left}; b = {b, model_b, response_b, 2, second, right};
tie = {tie, draw, both_bad, tie (bothbad), 3, 0.5}. Replace them with
`--map winner.a=yes,winner.b=no,winner.tie=same` (alternatives separated by `|`).

Example:
    >>> parser = TableParser.from_mapping({"prompt": "q", "winner": "label"})
    >>> r = parser("t.csv", 2, {"q": "Sky?", "response_a": "Blue", "response_b": "Red", "label": "left"})
    >>> (r.prompt, r.winner)
    ('Sky?', 'a')
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from prefbasis.errors import ConfigError, InputError
from prefbasis.ingest.records import Record, normalize_presented_order, normalize_winner, require, text

FIELDS = ("id", "prompt", "response_a", "response_b", "winner", "model_a", "model_b", "judge",
          "language", "turns", "rationale")
EXPLICIT_FIELDS = ("presented_order",)  # read only when --map names their column
REQUIRED = ("prompt", "response_a", "response_b", "winner")
DEFAULT_WINNER_VALUES: dict[str, str] = {
    **{v: "a" for v in ("a", "model_a", "response_a", "1", "first", "left")},
    **{v: "b" for v in ("b", "model_b", "response_b", "2", "second", "right")},
    **{v: "tie" for v in ("tie", "draw", "both_bad", "tie (bothbad)", "3", "0.5")},
}


@dataclass
class TableParser:
    """Row parser for `--format table`: `columns` maps field -> source column."""

    columns: dict[str, str] = field(default_factory=dict)
    winner_values: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_WINNER_VALUES))

    @classmethod
    def from_mapping(cls, mapping: dict[str, str] | None) -> "TableParser":
        """Build from `--map` pairs: `field=column` and `winner.{a,b,tie}=v1|v2`."""
        columns, values = {}, {}
        for key, value in (mapping or {}).items():
            if key.startswith("winner."):
                side = key.split(".", 1)[1]
                if side not in ("a", "b", "tie"):
                    raise ConfigError(f"--map {key}: expected winner.a, winner.b or winner.tie")
                values.update({v.strip().lower(): side for v in value.split("|") if v.strip()})
            elif key in FIELDS or key in EXPLICIT_FIELDS:
                columns[key] = value
            else:
                raise ConfigError(f"--map {key}=...: unknown field (known: {', '.join(FIELDS + EXPLICIT_FIELDS)}, "
                                  f"winner.a, winner.b, winner.tie)")
        mapped = {f: columns.get(f, f) for f in FIELDS}
        mapped.update({f: columns[f] for f in EXPLICIT_FIELDS if f in columns})
        return cls(mapped, values or dict(DEFAULT_WINNER_VALUES))

    def __call__(self, file: str, row_no: int, row: dict[str, Any]) -> Record:
        col = self.columns
        got = {f: require(row, col[f], file=file, row_no=row_no) for f in REQUIRED}
        opt = {f: row.get(col[f]) for f in FIELDS if f not in REQUIRED}
        opt = {f: (None if v == "" else v) for f, v in opt.items()}  # CSV blanks are NULL
        try:
            turns = int(opt["turns"]) if opt["turns"] is not None else 1
        except (TypeError, ValueError):
            raise InputError(f"turns must be an integer, got {opt['turns']!r}", file=file, row=row_no,
                             field=col["turns"]) from None
        order_col = col.get("presented_order")
        presented = normalize_presented_order(row.get(order_col), file=file, row=row_no,
                                              field_name=order_col) if order_col else None
        used = {col[f] for f in FIELDS} | ({order_col} if order_col else set())
        extra = {k: v for k, v in row.items() if k not in used}
        return Record(
            source_key=str(opt["id"]) if opt["id"] is not None else f"{file}:{row_no}",
            prompt=text(got["prompt"], file=file, row=row_no, field_name=col["prompt"]),
            response_a=text(got["response_a"], file=file, row=row_no, field_name=col["response_a"]),
            response_b=text(got["response_b"], file=file, row=row_no, field_name=col["response_b"]),
            winner=normalize_winner(got["winner"], file=file, row=row_no, field_name=col["winner"],
                                    values=self.winner_values),
            model_a=_str(opt["model_a"]), model_b=_str(opt["model_b"]), judge=_str(opt["judge"]),
            language=_str(opt["language"]), turns=turns, rationale=_str(opt["rationale"]),
            presented_order=presented, extra=extra or None)


def _str(value: Any) -> str | None:
    return None if value is None else str(value)
