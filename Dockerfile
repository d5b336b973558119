# The warehouse's Airflow image: the task executables, their runtime libraries, the SQL and the DAG on top of
# the official Airflow 3 image. Built and run by docker-compose.yml (`make up`).

# ---- build: the same OS packages and the same CMake build as CI (scripts/install-deps, Makefile `build`)
FROM debian:12 AS build
WORKDIR /src
COPY scripts/install-deps scripts/install-deps
RUN scripts/install-deps && rm -rf /var/lib/apt/lists/*
COPY . .
RUN cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DECOMM_BUILD_TESTS=OFF \
 && cmake --build build \
 && cmake --install build --prefix /opt/ecomm

# ---- runtime: Airflow 3 (the version requirements-airflow.txt pins) + the executables
FROM apache/airflow:3.3.2 AS runtime
USER root
COPY scripts/install-deps /tmp/install-deps
RUN /tmp/install-deps --runtime && rm -rf /var/lib/apt/lists/* /tmp/install-deps
COPY --from=build /opt/ecomm /opt/ecomm
# every shared library the executables need is present (fails the build otherwise)
RUN ! ldd /opt/ecomm/bin/* | grep "not found" \
 && mkdir -p /opt/ecomm/data /opt/airflow/auth \
 && chown -R airflow:root /opt/ecomm/data /opt/airflow/auth \
 && chmod -R g+rwX /opt/ecomm/data /opt/airflow/auth
COPY --chown=airflow:root dags/ /opt/airflow/dags/
ENV ECOMM_BIN_DIR=/opt/ecomm/bin \
    ECOMM_SQL_DIR=/opt/ecomm/share/ecomm/sql \
    ECOMM_DATA_DIR=/opt/ecomm/data \
    PATH=/opt/ecomm/bin:$PATH
USER airflow
