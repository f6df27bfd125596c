"""Run the notebooks top to bottom with the project's own Python and save their outputs in place.

Usage: .venv/bin/python scripts/run_notebooks.py [notebooks/NAME.ipynb ...]
Each notebook runs in a scratch folder; afterwards its saved outputs are checked for local paths and
warnings (tests/test_notebooks.py checks the committed files the same way).
"""
from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from notebook_checks import output_problems  # noqa: E402


def kernel_spec(root: Path) -> str:
    spec = root / "kernels" / "prefbasis-venv"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "prefbasis venv", "language": "python"}))
    return "prefbasis-venv"


def main(paths: list[str]) -> int:
    import os

    import nbformat
    from nbclient import NotebookClient

    books = [Path(p) for p in paths] or sorted((REPO / "notebooks").glob("*.ipynb"))
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["JUPYTER_PATH"] = tmp
        name = kernel_spec(Path(tmp))
        bad = 0
        for path in books:
            book = nbformat.read(path, as_version=4)
            with tempfile.TemporaryDirectory() as work:
                NotebookClient(book, kernel_name=name, timeout=900,
                               resources={"metadata": {"path": work}}).execute()
            book.metadata.pop("widgets", None)
            book.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
            nbformat.write(book, path)
            problems = output_problems(book)
            bad += len(problems)
            print(f"{path.name}: {len(book.cells)} cells run, {len(problems)} output problems")
            for problem in problems:
                print(f"  {problem}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
