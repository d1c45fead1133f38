#!/usr/bin/env bash
# A throw-away PostgreSQL server for demos (tests start their own from Go,
# package pgtest): `scripts/pg-scratch.sh start DIR` makes a cluster in DIR,
# listening only on a Unix socket in DIR, and prints its DSN;
# `scripts/pg-scratch.sh stop DIR` stops it and removes DIR. PostgreSQL
# refuses to run as root: as root the server runs as the "postgres" user.
set -euo pipefail
cmd=${1:-}; dir=${2:-}
[ -n "$cmd" ] && [ -n "$dir" ] || { echo "usage: $0 start|stop DIR" >&2; exit 2; }
bin=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}
[ -x "$bin/initdb" ] || { echo "initdb not found (install the postgresql package: make setup)" >&2; exit 1; }
as=()
if [ "$(id -u)" = 0 ]; then as=(runuser -u postgres --); fi
case "$cmd" in
start)
  mkdir -p "$dir"; dir=$(cd "$dir" && pwd)
  [ "$(id -u)" = 0 ] && chown postgres: "$dir"
  "${as[@]}" "$bin/initdb" -D "$dir/data" -U veriport --auth=trust -E UTF8 --locale=C >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; exit 1; }
  printf "listen_addresses = ''\nunix_socket_directories = '%s'\nmax_connections = 200\n" "$dir" >>"$dir/data/postgresql.conf"
  "${as[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w start >/dev/null
  "${as[@]}" "$bin/createdb" -h "$dir" -U veriport veriport
  echo "postgres:///veriport?host=$dir&user=veriport&sslmode=disable"
  ;;
stop)
  dir=$(cd "$dir" && pwd)
  [ -f "$dir/data/postmaster.pid" ] && "${as[@]}" "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
  rm -rf "$dir"
  ;;
*) echo "usage: $0 start|stop DIR" >&2; exit 2 ;;
esac
