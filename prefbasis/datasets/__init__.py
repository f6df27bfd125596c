"""Small real datasets shipped with prefbasis, loadable offline, scikit-learn style.

`load_prd_vicuna80()`: the PRD project's Vicuna-80 data (MIT; licence and attribution in
`prefbasis/datasets/data/prd_vicuna80/`): 80 questions, answers of five models, 1,600 GPT-4
reviews (free-text rationales) and 7,040 human votes. `example_path(name)` is the folder that
`prefbasis ingest --example NAME` reads.

Example:
    >>> data = load_prd_vicuna80()
    >>> data.frame.shape[0], sorted(data.frame["judge"].unique())
    (8640, ['gpt4', 'human'])
    >>> int(data.frame["rationale"].notna().sum())
    1600
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from prefbasis.errors import ConfigError

_DATA = Path(__file__).resolve().parent / "data"
EXAMPLES: dict[str, dict[str, str]] = {
    "prd-vicuna80": {"folder": "prd_vicuna80", "format": "prd",
                     "description": "PRD Vicuna-80: 80 questions, 5 models' answers, 1,600 GPT-4 reviews, "
                                    "7,040 human votes (MIT, arXiv 2307.02762)"},
}


def example_path(name: str) -> tuple[Path, str]:
    """(folder, ingest format) of a bundled example dataset."""
    if name not in EXAMPLES:
        raise ConfigError(f"unknown example {name!r}; available: {', '.join(sorted(EXAMPLES))}")
    spec = EXAMPLES[name]
    return _DATA / spec["folder"], spec["format"]


def load_prd_vicuna80(*, as_frame: bool = True) -> Any:
    """The bundled PRD Vicuna-80 data as a `sklearn.utils.Bunch`.

    `frame`: one row per judgement (prompt, response_a, response_b, model_a, model_b, winner,
    judge 'gpt4' or 'human', rationale = GPT-4's review); `path` and `format` for `ingest`;
    `DESCR` and `license` (the MIT licence text). `as_frame=False` leaves `frame` out (records in
    `data`).
    """
    from sklearn.utils import Bunch

    from prefbasis.ingest.formats.prd import parse_prd

    folder, fmt = example_path("prd-vicuna80")
    records = list(parse_prd(folder))
    columns = ["prompt", "response_a", "response_b", "model_a", "model_b", "winner", "judge", "rationale"]
    rows = [{c: getattr(r, c) for c in columns} | {"source_key": r.source_key} for r in records]
    bunch = Bunch(path=folder, format=fmt, DESCR=(folder / "README.md").read_text(encoding="utf-8"),
                  license=(folder / "LICENSE").read_text(encoding="utf-8"), data=rows)
    if as_frame:
        import pandas as pd

        bunch.frame = pd.DataFrame(rows)
        del bunch["data"]
    return bunch
