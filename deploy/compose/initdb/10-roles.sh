#!/usr/bin/env bash
# First start of the compose PostgreSQL (the official image runs this once, as its superuser):
# the migration role owns the four databases and the subject registry's (ssp_subjects, only
# incidents' and disclosure's roles get in); each service logs in as its own role, with no
# superuser, CREATEDB or CREATEROLE. `ssp migrate` (the compose `migrate` service) then
# creates the tables and grants each role only its own database.
set -euo pipefail

secret() { tr -d '\n' <"/run/secrets/$1"; }

{
    for role in migrate incidents disclosure staffing reporting; do
        printf "CREATE ROLE ssp_%s LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD '%s';\n" \
            "${role}" "$(secret "pg-${role}-password")"
    done
    for db in incidents disclosure staffing reporting ssp_subjects; do
        printf 'CREATE DATABASE %s OWNER ssp_migrate;\n' "${db}"
    done
} | psql -v ON_ERROR_STOP=1 --username "${POSTGRES_USER}" --dbname postgres
