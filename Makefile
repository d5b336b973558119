# Entry points. `make demo` and `make test` set everything up on a fresh Debian 12 machine.
SHELL := /bin/bash
BUILD ?= build
JOBS ?= $(shell nproc)
PG_ENV = eval "$$(scripts/local-pg env)"

.PHONY: all deps docker-deps configure programs build db migrate demo dashboard test test-docker unit integration dag-test bench \
	airflow airflow-venv up down logs docker-demo clean

all: build

deps:
	scripts/install-deps

configure: deps
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo

# the tasks and tools only: what the demo, the dashboard and the bench run (no tests)
programs: configure
	cmake --build $(BUILD) -j $(JOBS) --target programs

# everything, tests included
build: configure
	cmake --build $(BUILD) -j $(JOBS)

# start the local PostgreSQL (.local/pg, port 54329) and migrate its `ecomm` database
db: programs
	scripts/local-pg start
	$(PG_ENV) && $(BUILD)/bin/migrate

demo: db
	scripts/demo

# the monitoring dashboard against the local database, on http://localhost:5000 (DASHBOARD_PORT to change)
DASHBOARD_PORT ?= 5000
dashboard: db
	$(PG_ENV) && exec $(BUILD)/bin/serve_dashboard --port $(DASHBOARD_PORT)

airflow-venv: deps
	scripts/setup-airflow

test: build airflow-venv
	scripts/run-tests

docker-deps:
	scripts/install-deps --docker

# the Docker image and the compose stack for real, on a private engine with locally built base images
# (tests/docker/run; caches in /var/cache/ecomm-docker, ECOMM_DOCKER_CACHE overrides)
test-docker: docker-deps
	tests/docker/run

bench: db
	bench/run

# Airflow 3 from PyPI in .venv, against the local database, UI on http://localhost:8080
airflow: db airflow-venv
	scripts/airflow-local

up:
	test -f .env || cp .env.example .env
	docker compose up -d --build
# a week of generated data into the stack's landing zone, loaded by the stack's Airflow (after `make up`)
docker-demo:
	scripts/docker-demo
down:
	docker compose down
logs:
	docker compose logs -f --tail=200

clean:
	rm -rf $(BUILD)
