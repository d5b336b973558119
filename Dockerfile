# The warehouse's Airflow image: the task executables, their runtime libraries, the SQL and the DAG on top of
# the official Airflow 3 image. Built and run by docker-compose.yml (`make up`); needs BuildKit (the default of
# Docker 23 and later and of Compose v2) for the cache mount.
# The base images are build arguments whose defaults are the official images; CI passes stand-ins built
# without a registry (tests/docker/, `make test-docker`).
ARG DEBIAN_IMAGE=debian:12
ARG AIRFLOW_IMAGE=apache/airflow:3.3.2

# ---- build: the same OS packages and the same CMake build as CI (scripts/install-deps, Makefile `build`)
FROM ${DEBIAN_IMAGE} AS build
WORKDIR /src
COPY scripts/install-deps scripts/install-deps
RUN scripts/install-deps && rm -rf /var/lib/apt/lists/*
COPY . .
# ccache in a BuildKit cache mount: a rebuild after a source change compiles only what changed
RUN --mount=type=cache,target=/root/.cache/ccache \
    cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DECOMM_BUILD_TESTS=OFF \
      -DCMAKE_CXX_COMPILER_LAUNCHER=ccache \
 && cmake --build build \
 && cmake --install build --prefix /opt/ecomm

# ---- runtime: Airflow 3 (the version requirements-airflow.txt pins) + the executables
FROM ${AIRFLOW_IMAGE} AS runtime
USER root
COPY scripts/install-deps /tmp/install-deps
COPY --from=build /opt/ecomm /opt/ecomm
# the runtime libraries, and every shared library the executables need is present (fails the build otherwise)
RUN /tmp/install-deps --runtime && rm -rf /var/lib/apt/lists/* /tmp/install-deps \
 && ! ldd /opt/ecomm/bin/* | grep "not found" \
 && mkdir -p /opt/ecomm/data /opt/airflow/auth \
 && chown -R airflow:root /opt/ecomm/data /opt/airflow/auth \
 && chmod -R g+rwX /opt/ecomm/data /opt/airflow/auth
COPY --chown=airflow:root dags/ /opt/airflow/dags/
ENV ECOMM_BIN_DIR=/opt/ecomm/bin \
    ECOMM_SQL_DIR=/opt/ecomm/share/ecomm/sql \
    ECOMM_DATA_DIR=/opt/ecomm/data \
    PATH=/opt/ecomm/bin:$PATH
USER airflow
