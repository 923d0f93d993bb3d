# Quick start: `make demo` and `make test` on a fresh machine with Python 3.11+ and make.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell $(PYTHON) -c 'import hashlib,sys;print(hashlib.sha1(open("pyproject.toml","rb").read()).hexdigest()[:12])' 2>/dev/null)
CASE   ?= cases/xiangtan

.PHONY: demo test lint typecheck unit bench system-deps template docs clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	rm -f $(VENV)/.installed-*
	touch $@

# System packages the tests and the PDF use: LibreOffice Calc (recalculates the
# workbooks), poppler (pdftotext, pdftoppm), DejaVu fonts (Cyrillic in the PDF).
# Installed when missing and apt-get can; the tests say what is still missing.
system-deps:
	@bash scripts/system-deps.sh

demo: $(STAMP)
	$(BIN)/appraisal run $(CASE) --out out/xiangtan

lint: $(STAMP)
	$(BIN)/ruff check appraisal tests benchmarks
	$(BIN)/ruff format --check appraisal tests benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/pytest

test: $(STAMP) system-deps lint typecheck unit

# One table of ratios measured in the same run (docs/performance.md); a few minutes.
bench: $(STAMP)
	$(BIN)/python benchmarks/bench_all.py

clean:
	rm -rf $(VENV) out .pytest_cache .mypy_cache .ruff_cache .hypothesis

# The blank Excel input template, generated from the case schema (a test checks it is current).
template: $(STAMP)
	$(BIN)/appraisal template --out templates/appraisal-input-template.xlsx --force

docs: $(STAMP)
	$(BIN)/python -m appraisal.io.docs > docs/case-format.md
	$(BIN)/python -m appraisal.io.docs json-summary > docs/json-summary.md
