"""What a saved notebook output must not hold: local paths, warnings, errors (shared by the test and
scripts/run_notebooks.py)."""
from __future__ import annotations

import re

LOCAL_PATH = re.compile(r"(/work/|/tmp/|/home/|/root/|/Users/|[A-Z]:\\\\)")
WARNING = re.compile(r"\b\w*Warning\b|\bwarnings?\.warn|DeprecationWarning|FutureWarning")


def output_texts(book) -> list[tuple[int, str, str]]:
    """(cell index, output type, text) of every output of every code cell."""
    out = []
    for i, cell in enumerate(book.cells):
        if cell.cell_type != "code":
            continue
        for o in cell.get("outputs", []):
            data = o.get("data", {})
            text = "".join(o.get("text", "") or "") + str(data.get("text/plain", "")) + str(data.get("text/html", ""))
            if o.get("output_type") == "error":
                text += f"{o.get('ename')}: {o.get('evalue')}"
            out.append((i, o.get("output_type", ""), text))
    return out


def output_problems(book) -> list[str]:
    """One line per output that shows a local path, a warning or an error."""
    problems = []
    for i, kind, text in output_texts(book):
        for label, pattern in (("local path", LOCAL_PATH), ("warning", WARNING)):
            m = pattern.search(text)
            if m:
                problems.append(f"cell {i}: {label}: ...{text[max(0, m.start() - 60): m.end() + 60]!r}...")
        if kind == "error":
            problems.append(f"cell {i}: error: {text[:200]}")
    return problems
