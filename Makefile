# The two entry points a new machine needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test lint format package clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade "pip>=25.1"
	$(PY) -m pip install --quiet -e . --group dev
	touch $(STAMP)

# Every import starts two processes of ours (and the tests start hundreds): each compiles
# our sources again unless their bytecode is on disk, which PYTHONDONTWRITEBYTECODE (set on
# some machines) prevents. compileall writes it anyway, and only for what changed.
BYTECODE := $(PY) -m compileall -q desktop_importer

run: $(STAMP)
	$(BYTECODE)
	$(VENV)/bin/desktop-importer

test: $(STAMP)
	$(BYTECODE)
	$(PY) -m pytest

# shellcheck comes from the system (apt-get install shellcheck). The release workflow is
# checked against GitHub's workflow schema (vendored by check-jsonschema, offline).
lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	shellcheck .ci/run packaging/linux/*.sh packaging/macos/*.sh
	$(VENV)/bin/check-jsonschema --builtin-schema vendor.github-workflows .github/workflows/*.yml

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# The Linux bundle, .deb and .tar.gz in dist/ (packaging/README.md). Needs Debian/Ubuntu.
package: $(STAMP)
	packaging/linux/install-build-deps.sh
	$(PY) -m pip install --quiet --group package
	rm -rf build/dist build/work dist
	$(VENV)/bin/pyinstaller --noconfirm --clean --log-level WARN \
		--distpath build/dist --workpath build/work packaging/desktop-importer.spec
	$(PY) packaging/linux/prune.py build/dist/desktop-importer
	$(PY) packaging/linux/build_deb.py build/dist/desktop-importer dist

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache
