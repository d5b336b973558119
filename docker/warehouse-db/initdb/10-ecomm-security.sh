#!/usr/bin/env bash
# First start of the warehouse's volume: a self-signed TLS certificate (made here, in the volume, never in
# git), TLS required for every login that is not the container's own Unix socket, pgaudit loaded with object
# auditing through the ecomm_auditor role (which `migrate` grants the private and raw schemas), and the
# pipeline's login ETL_USER in the ecomm_etl group (the tasks run as it, not as the superuser). The same
# settings as scripts/local-pg writes for the local server. Sourced or run by the image's entrypoint, as the
# postgres user, while its temporary server listens on the socket only.
set -euo pipefail

tls=$PGDATA/tls
if [[ ! -f "$tls/server.key" ]]; then
  mkdir -p "$tls"
  openssl req -new -x509 -nodes -days 3650 -subj "/CN=warehouse-db" \
    -addext "subjectAltName=DNS:warehouse-db,DNS:localhost,IP:127.0.0.1" \
    -keyout "$tls/server.key" -out "$tls/server.crt" 2>/dev/null
  chmod 0600 "$tls/server.key"
fi

cat >"$PGDATA/ecomm-security.conf" <<CONF
# written by docker/warehouse-db/initdb/10-ecomm-security.sh on the volume's first start
ssl = on
ssl_cert_file = '$tls/server.crt'
ssl_key_file = '$tls/server.key'
ssl_min_protocol_version = 'TLSv1.2'
password_encryption = 'scram-sha-256'
shared_preload_libraries = 'pgaudit'
pgaudit.role = 'ecomm_auditor'
pgaudit.log = 'none'
pgaudit.log_relation = on
pgaudit.log_parameter = off
log_line_prefix = '%m [%p] %u@%d '
CONF
grep -q "^include_if_exists = 'ecomm-security.conf'" "$PGDATA/postgresql.conf" \
  || echo "include_if_exists = 'ecomm-security.conf'" >>"$PGDATA/postgresql.conf"

cat >"$PGDATA/pg_hba.conf" <<HBA
# written by docker/warehouse-db/initdb/10-ecomm-security.sh: the socket inside the container is trusted,
# every login over the network needs TLS and a password
# TYPE    DATABASE  USER  ADDRESS  METHOD
local     all       all            trust
hostssl   all       all   all      scram-sha-256
hostnossl all       all   all      reject
HBA

# the pipeline's login; the group's grants come with `migrate` (migration 0500 keeps an existing group)
if [[ -n "${ETL_USER:-}" ]]; then
  psql -X -q -v ON_ERROR_STOP=1 -U "$POSTGRES_USER" -d "$POSTGRES_DB" \
       -v name="$ETL_USER" -v password="${ETL_PASSWORD:?ETL_PASSWORD is required with ETL_USER}" <<'SQL'
select not exists (select 1 from pg_roles where rolname = 'ecomm_etl') as no_group \gset
\if :no_group
create role ecomm_etl nologin nosuperuser nocreatedb nocreaterole;
\endif
create role :"name" login password :'password' nosuperuser nocreatedb nocreaterole in role ecomm_etl;
SQL
fi
