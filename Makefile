# Two commands for a fresh machine (README): `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PORT ?= 8000
PYTEST_ARGS ?= -n 2
# The second factor is on by default; `make run QYZJ_OTP_REQUIRED=0` switches it off on a development machine.
QYZJ_OTP_REQUIRED ?= 1

.PHONY: run test install assets system-deps migrate seed serve check clean

run: install assets migrate seed ## install everything, load data, serve with a Celery worker and beat
	@echo ""
	@echo "=============================================================="
	@echo " 企业之家平台已启动： http://127.0.0.1:$(PORT)/"
	@echo " 管理后台：          http://127.0.0.1:$(PORT)/admin/ （账号 admin）"
	@echo " API 文档：          http://127.0.0.1:$(PORT)/api/v1/docs/"
	@echo " 演示账号密码均为 Demo@2026qyzj，账号见上方清单（含动态口令密钥）。按 Ctrl+C 停止。"
	@echo "=============================================================="
	QYZJ_PORT=$(PORT) QYZJ_OTP_REQUIRED=$(QYZJ_OTP_REQUIRED) $(VENV)/bin/honcho start -f Procfile.dev

install: $(STAMP)

$(STAMP): requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $(STAMP)

assets: node_modules/.package-lock.json

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund

migrate: install
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py seed_demo

system-deps: ## Chromium and the CJK fonts for the browser tests, installed when missing (not needed by `make run`)
	scripts/system-deps

test: system-deps install assets ## the whole suite, browser journeys included (PostgreSQL when DATABASE_URL is set)
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/lint-imports --no-cache
	$(VENV)/bin/pytest $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) node_modules var test-artifacts
