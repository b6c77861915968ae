# The two commands of the README: `make run` and `make test`. Everything else here serves them, and `make team`
# runs the team deployment for a trial (README, "Team deployment").
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
RUN_STAMP := $(VENV)/.installed-run
TEST_STAMP := $(VENV)/.installed-test
TEAM_STAMP := $(VENV)/.installed-team

# No usage reporting from Chroma or Streamlit, no model-hub traffic: everything runs from local files.
export ANONYMIZED_TELEMETRY := False
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: run test index lint bench team bench-team clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# torch first and pinned: the CPU wheel of this version is what the machines carry; anything else pulls CUDA.
$(RUN_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

# The test run also needs the OpenAI client and a real OpenAI-compatible server (llama.cpp, compiled once by pip
# and then taken from pip's wheel cache) with the small model shipped on PyPI, plus Debian's Chromium.
# llama.cpp is compiled for x86-64 with AVX2, not for this exact CPU: built natively on a CPU with AMX, its AMX
# kernels crash (SIGSEGV) on any prompt of more than one token.
LLAMA_CMAKE_ARGS := $(if $(filter x86_64,$(shell uname -m)),-DGGML_NATIVE=OFF -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON)
# The team stack's tests need its extra, and Debian's PostgreSQL server and nginx.
$(TEST_STAMP): $(RUN_STAMP)
	CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" $(BIN)/pip install --quiet -e '.[dev,openai,llm-server,team]'
	scripts/ensure-chromium.sh
	scripts/ensure-team-packages.sh
	touch $@

$(TEAM_STAMP): $(RUN_STAMP)
	$(BIN)/pip install --quiet -e '.[dev,team]'
	scripts/ensure-team-packages.sh
	touch $@

index: $(RUN_STAMP)
	$(BIN)/coach index

run: index
	$(BIN)/streamlit run app.py --server.port 8501

test: $(TEST_STAMP)
	$(BIN)/ruff check . && $(BIN)/ruff format --check . && $(BIN)/mypy coach app.py
	scripts/without-network.sh $(BIN)/python -m pytest

lint: $(RUN_STAMP)
	$(BIN)/ruff check . && $(BIN)/ruff format --check . && $(BIN)/mypy coach app.py

bench: $(TEST_STAMP)
	$(BIN)/coach bench

# PostgreSQL runs as the postgres user, who must reach the data folder: by default it is the project's data/ here.
team: export COACH_DATA_DIR ?= $(CURDIR)/data
team: $(TEAM_STAMP)
	$(BIN)/python -m coach.deployment

bench-team: export COACH_DATA_DIR ?= $(CURDIR)/data
bench-team: $(TEAM_STAMP)
	$(BIN)/coach bench --team

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache test-output
