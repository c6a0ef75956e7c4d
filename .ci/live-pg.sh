#!/usr/bin/env bash
# The live target on PostgreSQL, the database the marketplace runs in production: the
# reference shop built and started as its own process on Debian's PostgreSQL (a private
# data directory, password authentication over TCP), reached only through its URL, a
# read-only role (SELECT on the tables, nothing else) and its Laravel-style mail log.
# The same four runs as live.sh does on MariaDB:
#
#   1. read-only: exit 0, the checkout bullets "not run: writes not allowed", the
#      database unchanged; and the read-only role cannot write.
#   2. writes allowed (SMOKE_ALLOW_WRITES=true): exit 0, nothing failed; only the
#      bullets of destructive specs stay not run.
#   3. the database stopped, prodfacts only: exit 1, the health row ❌ 503.
#   4. the database still stopped and SMOKE_DB_DSN set: the target fails to open with
#      one sentence naming SMOKE_DB_DSN.
#
# The shop gets a keyword DSN (host=… dbname=…), the harness a postgres:// URL, so
# both forms are exercised. The documents of each run are kept under
# $SMOKE_OUT/live-pg/. Needs Debian's postgresql package (make deps installs it) and Go.
set -euo pipefail
cd "$(dirname "$0")/.."
live_name=live-pg db_name=PostgreSQL ro_word=role db_log=postgres.log db_stop_signal=INT
# shellcheck source=live-common.sh
source .ci/live-common.sh

pgbin=""
for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
  [ -x "$d/postgres" ] && { pgbin=$d; break; }
done
[ -n "$pgbin" ] || pgbin=$(dirname "$(command -v postgres 2>/dev/null || echo /nonexistent/postgres)")
[ -x "$pgbin/postgres" ] && [ -x "$pgbin/initdb" ] && [ -x "$pgbin/psql" ] ||
  fail "PostgreSQL not found: run make deps (apt-get install postgresql)"

# PostgreSQL refuses to run as root: as root, the server runs as the postgres user.
as_pg=()
if [ "$(id -u)" = 0 ]; then
  id postgres >/dev/null 2>&1 || fail "running as root needs a postgres user to run the server as: install the postgresql package (make deps)"
  as_pg=(setpriv --reuid=postgres --regid=postgres --init-groups --)
  chown postgres: "$tmp"
  chmod 0755 "$tmp"
fi

psql_su() { "$pgbin/psql" -X -q -v ON_ERROR_STOP=1 -h "$tmp" -p "$db_port" -U postgres "$@"; }
sql() { psql_su -At -d marketplace -c "$1"; }

# --- the database ------------------------------------------------------------------
step "starting PostgreSQL ($("$pgbin/postgres" --version | awk '{print $3}')) on a private data directory"
db_port=$(free_port)
su_pw=$(secret)
printf '%s\n' "$su_pw" >"$tmp/pwfile"
[ ${#as_pg[@]} -eq 0 ] || chown postgres: "$tmp/pwfile"
"${as_pg[@]}" "$pgbin/initdb" -D "$tmp/data" -U postgres --pwfile="$tmp/pwfile" --auth-local=trust --auth-host=scram-sha-256 \
  -E UTF8 --no-locale --no-sync >"$tmp/initdb.log" 2>&1 || { tail -n 20 "$tmp/initdb.log"; fail "initdb failed"; }
rm -f "$tmp/pwfile"
"${as_pg[@]}" "$pgbin/postgres" -D "$tmp/data" -p "$db_port" -c listen_addresses=127.0.0.1 -c unix_socket_directories="$tmp" \
  -c fsync=off -c synchronous_commit=off >"$tmp/postgres.log" 2>&1 &
db_pid=$!
for _ in $(seq 1 300); do
  "$pgbin/pg_isready" -q -h "$tmp" -p "$db_port" && break
  kill -0 "$db_pid" 2>/dev/null || fail "postgres exited during start-up"
  sleep 0.1
done
"$pgbin/pg_isready" -q -h "$tmp" -p "$db_port" || fail "postgres did not come up within 30 s"

shop_pw=$(secret) ro_pw=$(secret)
psql_su -d postgres <<SQL
CREATE ROLE shop LOGIN PASSWORD '$shop_pw';
CREATE ROLE smoke_ro LOGIN PASSWORD '$ro_pw';
CREATE DATABASE marketplace OWNER shop ENCODING 'UTF8';
SQL
# smoke_ro: connect, read every table the shop creates, nothing else.
psql_su -d marketplace <<SQL
REVOKE ALL ON DATABASE marketplace FROM PUBLIC;
GRANT CONNECT ON DATABASE marketplace TO shop, smoke_ro;
GRANT USAGE ON SCHEMA public TO smoke_ro;
ALTER DEFAULT PRIVILEGES FOR ROLE shop IN SCHEMA public GRANT SELECT ON TABLES TO smoke_ro;
SQL
step "database marketplace on 127.0.0.1:$db_port; roles shop (owner) and smoke_ro (SELECT only)"

shop_dsn="host=127.0.0.1 port=$db_port user=shop password=$shop_pw dbname=marketplace sslmode=disable"
ro_dsn="postgres://smoke_ro:$ro_pw@127.0.0.1:$db_port/marketplace?sslmode=disable"
shop_and_first_run


# The read-only role cannot write even if a probe tried.
if PGPASSWORD="$ro_pw" "$pgbin/psql" -X -q -h 127.0.0.1 -p "$db_port" -U smoke_ro -d marketplace -c 'UPDATE products SET stock = stock + 1' 2>/dev/null; then
  fail "the smoke_ro role could write to the database"
fi

later_runs
