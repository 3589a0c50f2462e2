# make pdf: build every issue under issues/ (or ISSUE=issues/<folder>) into build/
# make test: run the tests (all but the slowest; make test-slow runs those). Both create
# .venv and install bippdf on first use.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
COMPILED := $(VENV)/.compiled-stamp
SOURCES := $(shell find src/bippdf -name '*.py')
ISSUE ?=

.PHONY: pdf new watch test test-slow test-fast fuzz lint format bench bench-limits mutants clean install constraints proof approve-proofs approve-html web-fonts proofs-online

# Issues and variants are built side by side on the cores; an issue whose sources,
# styles and options have not changed is skipped (bippdf build --no-cache to force).
pdf: $(COMPILED)
	$(BIN)/bippdf build $(or $(ISSUE),--all)

# make new: start the next issue from the latest one (asks for its date and theme).
new: $(COMPILED)
	$(BIN)/bippdf new

# make watch ISSUE=issues/<folder> [VARIANT=web] [DRAFT=1]: build the issue again each
# time a file is saved; VARIANT=web (or print) rebuilds that PDF alone, in half the time;
# DRAFT=1 neither checks nor compresses the PDFs (make pdf makes the final files).
VARIANT ?= all
DRAFT ?=
watch: $(COMPILED)
	@[ -n "$(ISSUE)" ] || { echo "erreur : quel numéro? make watch ISSUE=issues/<dossier>"; exit 2; }
	$(BIN)/bippdf watch $(ISSUE) --variant $(VARIANT)$(if $(DRAFT), --draft)

# make proof: build the issues, then draw each PDF's pages and a contact sheet
# into build/proof/<issue folder>/ (bippdf proof).
proof: pdf
	@for pdf in build/*/*-web.pdf; do \
	  [ -f "$$pdf" ] || continue; \
	  folder=$$(basename "$$(dirname "$$pdf")"); \
	  $(BIN)/bippdf proof "$$pdf" -o "build/proof/$$folder" || exit 1; \
	done

# make approve-proofs: accept the current look of the PDF; rewrites the visual
# test's reference pages in tests/fixtures/visual/reference/ and its glyph-sized
# crops in tests/fixtures/visual/crops/ (look at them, then commit them).
approve-proofs: $(STAMP)
	$(BIN)/python scripts/approve_proofs.py

# make proofs-online: No. 6's online edition in headless Chromium, 360 and 1280 px
# wide; writes the full-page screenshots docs/proofs/en-ligne-360.png and -1280.png
# (look at them, then commit them; the tests themselves write theirs elsewhere).
proofs-online: $(STAMP)
	BIPPDF_PROOFS=$(CURDIR)/docs/proofs BIPPDF_BROWSER_REQUIRED=1 \
	  $(BIN)/pytest -q -p no:cacheprovider tests/test_browser.py -k screenshots

# make web-fonts: write the online edition's WOFF2 fonts (styles/fonts/web/), a subset
# for French of each face of styles/fonts.css, after a face is added or replaced
# (commit them; tests/test_online.py checks they are what this writes).
web-fonts: $(STAMP)
	$(BIN)/python scripts/web_fonts.py

# make approve-html: accept the current composition; rewrites the HTML the golden test
# compares with, tests/fixtures/golden/visual.html, and prints the diff (commit it).
approve-html: $(STAMP)
	$(BIN)/python scripts/approve_html.py

# The tests spread over the cores (pytest-xdist), a whole file to each worker at a time,
# the longest files first (tests/conftest.py): make test's and make test-slow's alike.
PYTEST_ON_CORES := $(BIN)/pytest -n auto --dist loadfile --no-loadscope-reorder

# make test: every test but those marked slow (0.8 s or more each, or a browser's),
# in about a minute on two cores.
test: $(COMPILED)
	$(PYTEST_ON_CORES) -m "not slow"

# make test-slow: the tests make test leaves out (whole layouts compared with layouts
# resumed, an issue of a thousand notes, the online edition in Chromium...); CI runs
# them after make test, so that every test runs on every change.
test-slow: $(COMPILED)
	$(PYTEST_ON_CORES) -m slow

# make test-fast: the tests that lay out no PDF (marked pdf otherwise) and open no
# browser (marked browser), in seconds.
test-fast: $(COMPILED)
	$(BIN)/pytest -m "not pdf and not browser"

# make fuzz: the random-Markdown tests, random edits laid out again from the last
# layout (watch), and random articles laid out with the columns kept from WeasyPrint's
# search (columns.py), with many more examples than CI runs, from a random seed printed
# first; SEED=<n> runs a printed seed again.
fuzz: $(COMPILED)
	@seed=$${SEED:-$$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}; \
	  echo "graine : $$seed (make fuzz SEED=$$seed pour la rejouer)"; \
	  BIPPDF_HYPOTHESIS_PROFILE=fuzz BIPPDF_SEED=$$seed $(BIN)/pytest -q -p no:cacheprovider tests/test_fuzz.py \
	    "tests/test_relayout.py::test_random_edits_are_laid_out_again_as_a_whole_layout_lays_them_out" \
	    "tests/test_columns.py::test_random_articles_are_laid_out_as_weasyprint_lays_them_out" \
	    --hypothesis-seed=$$seed --hypothesis-show-statistics

lint: $(STAMP)
	$(BIN)/ruff check src tests scripts benchmarks
	$(BIN)/ruff format --check src tests scripts benchmarks
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff format src tests scripts benchmarks
	$(BIN)/ruff check --fix src tests scripts benchmarks

# make bench: build times against raw WeasyPrint, cache, watch, cost per page (bench.py);
# the limits (1,000 notes, 400 pages) with make bench-limits.
bench: $(COMPILED)
	$(BIN)/python benchmarks/bench.py

bench-limits: $(COMPILED)
	$(BIN)/python benchmarks/bench_check.py
	$(BIN)/python benchmarks/bench_limits.py

# make mutants: plant each deliberate fault of benchmarks/mutants.py in a copy of the
# repository and run the tests that should catch it (long; not part of make test or CI).
# MUTANTS_ARGS="--only typo-colon --jobs 2" passes options through.
mutants: $(COMPILED)
	$(BIN)/python benchmarks/mutants.py $(MUTANTS_ARGS)

install: $(COMPILED)

$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
	  { echo "error: bippdf needs Python 3.11 or newer; run: make PYTHON=python3.11 ..."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test]'
	touch $(STAMP)

# bippdf's own modules compiled once they change: an editable install leaves them to
# Python, which compiles them again at every run where PYTHONDONTWRITEBYTECODE is set
# (0.04 s of a first build of No. 6; 0.03 s to compile what changed).
$(COMPILED): $(STAMP) $(SOURCES)
	@$(BIN)/python -m compileall -q src/bippdf
	@touch $(COMPILED)

# Pin the versions installed now, once the tests pass with them.
constraints: $(STAMP)
	{ head -n 2 constraints.txt; $(BIN)/python -m pip freeze --exclude-editable; } > constraints.new
	mv constraints.new constraints.txt

clean:
	rm -rf build
