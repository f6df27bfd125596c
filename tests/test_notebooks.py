"""The notebooks run top to bottom (nbclient, the venv's own Python as the kernel), so they never rot."""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))


@pytest.fixture(scope="module")
def kernel_name(tmp_path_factory) -> str:
    """A kernelspec pointing at this interpreter (the .venv), whatever kernels the machine has."""
    from jupyter_client.kernelspec import KernelSpecManager

    root = tmp_path_factory.mktemp("kernels")
    spec = root / "kernels" / "prefbasis-venv"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "prefbasis venv", "language": "python"}))
    old = os.environ.get("JUPYTER_PATH")
    os.environ["JUPYTER_PATH"] = str(root) + (os.pathsep + old if old else "")
    assert "prefbasis-venv" in KernelSpecManager().find_kernel_specs()
    yield "prefbasis-venv"
    if old is None:
        os.environ.pop("JUPYTER_PATH", None)
    else:
        os.environ["JUPYTER_PATH"] = old


def test_three_notebooks_exist():
    assert [p.name for p in NOTEBOOKS] == ["01_basis.ipynb", "02_sql_and_pelo.ipynb",
                                           "03_dpo_on_a_category.ipynb"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs(path, kernel_name, tmp_path):
    import nbformat
    from nbclient import NotebookClient

    book = nbformat.read(path, as_version=4)
    NotebookClient(book, kernel_name=kernel_name, timeout=600,
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    from notebook_checks import output_problems

    assert output_problems(book) == []   # no error, warning or local path in a fresh run either
    # every code cell ran, and the last one produced a result
    codes = [c for c in book.cells if c.cell_type == "code"]
    assert all(c.get("execution_count") for c in codes)
    assert codes[-1]["outputs"], "the last cell shows its result"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_saved_outputs_show_no_local_paths_or_warnings(path):
    """The committed outputs (scripts/run_notebooks.py writes them) are what a reader sees on GitHub."""
    import nbformat

    from notebook_checks import output_problems, output_texts

    book = nbformat.read(path, as_version=4)
    assert output_texts(book), "the notebook was saved without outputs"
    assert output_problems(book) == []
