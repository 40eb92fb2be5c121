#!/usr/bin/env bash
# Runs COMMAND with three throwaway PostgreSQL servers on loopback, stopped and removed at the end
# (even on failure or Ctrl-C): one main server and two shard servers (issue 11, SPEC §8).
#
#   Tests/postgres/with-servers.sh [--load DIR] COMMAND [ARG…]
#
# COMMAND sees:
#   CQ_PG_URL          postgres://cq@127.0.0.1:PORT/cq   the main server's database (role cq)
#   CQ_PG_SHARD1_URL   postgres://cq@127.0.0.1:PORT/cq   the two shard servers
#   CQ_PG_SHARD2_URL
#   PGPASSWORD         the password of role cq on all three (never in a URL)
#   CQ_PG_ADMIN_URL    the main server's superuser (postgres) over its Unix socket, trust auth
#   CQ_PG_BIN          the folder of initdb, pg_ctl, psql
# With --load DIR (needs $CQ_BIN, the built cq): `cq load DIR --into $CQ_PG_URL`, then
# Tests/postgres/shard.sh builds database cq_sharded, and COMMAND also sees
#   CQ_PG_SHARDED_URL  postgres://cq@127.0.0.1:PORT/cq_sharded   fact tables hash-partitioned
#                      by influencer_id over the two shard servers (postgres_fdw)
#
# Role cq may create databases (tests make their own) but is not a superuser. Password
# authentication (scram-sha-256) over TCP, so a wrong password is refused; trust over the socket.
# As root the servers run as the 'postgres' system user (initdb refuses root).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
load_dir=
if [ "${1:-}" = "--load" ]; then
  [ $# -ge 2 ] || { echo "with-servers: --load takes a data folder" >&2; exit 2; }
  load_dir=$2
  shift 2
fi
[ $# -ge 1 ] || { echo "usage: $0 [--load DIR] COMMAND [ARG…]" >&2; exit 2; }

bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
  echo "with-servers: no PostgreSQL server under /usr/lib/postgresql/*/bin; 'make setup' installs it (apt-get install postgresql)" >&2
  exit 1
fi

as_server=()
if [ "$(id -u)" = 0 ]; then
  if ! id postgres >/dev/null 2>&1; then
    echo "with-servers: running as root needs the 'postgres' system user (the postgresql package creates it)" >&2
    exit 1
  fi
  as_server=(runuser -u postgres --)
fi

began=$(date +%s%N)
elapsed() { local ns=$(($(date +%s%N) - began)); printf '%d.%d s' $((ns / 1000000000)) $((ns / 100000000 % 10)); }

base=$(mktemp -d "${TMPDIR:-/tmp}/cq-pg.XXXXXX")
chmod 755 "$base"
[ ${#as_server[@]} -eq 0 ] || chown postgres: "$base"
sock=$base/sock
started=()

stop_all() {
  local status=$?
  trap - EXIT INT TERM HUP
  for dir in "${started[@]}"; do
    "${as_server[@]}" "$bindir/pg_ctl" -D "$dir" -m immediate -w stop >/dev/null 2>&1 || true
  done
  rm -rf "$base"
  exit "$status"
}
trap stop_all EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# A loopback port nothing listens on (checked again by the server itself when it binds).
free_port() {
  local p
  for _ in $(seq 200); do
    p=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
      echo "$p"
      return 0
    fi
  done
  return 1
}

password=$(head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 24)

# One initdb, copied for the shards: a cluster takes about a second to create.
"${as_server[@]}" mkdir -p "$sock"
"${as_server[@]}" "$bindir/initdb" -D "$base/main" -U postgres -E UTF8 --locale=C \
  --auth-local=trust --auth-host=scram-sha-256 -N >"$base/initdb.log" 2>&1 || {
  cat "$base/initdb.log" >&2
  echo "with-servers: initdb failed" >&2
  exit 1
}
"${as_server[@]}" cp -a "$base/main" "$base/shard1"
"${as_server[@]}" cp -a "$base/main" "$base/shard2"

# Starts the cluster in $1 on a free port (retrying if another process takes it first); sets $port.
start() {
  local dir=$1 try
  for try in 1 2 3 4 5; do
    port=$(free_port)
    if "${as_server[@]}" "$bindir/pg_ctl" -D "$dir" -l "$dir.log" -w -t 60 -o \
      "-c listen_addresses=127.0.0.1 -k $sock -p $port -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c shared_buffers=64MB -c max_connections=60 -c password_encryption=scram-sha-256" \
      start >/dev/null 2>&1; then
      started+=("$dir")
      return 0
    fi
  done
  cat "$dir.log" >&2 || true
  echo "with-servers: could not start the server in $dir" >&2
  return 1
}

declare -A ports
for name in main shard1 shard2; do
  start "$base/$name"
  ports[$name]=$port
  "$bindir/psql" -X -q -v ON_ERROR_STOP=1 -h "$sock" -p "$port" -U postgres -d postgres \
    -c "create role cq login createdb password '$password'" \
    -c "create database cq owner cq" >/dev/null
done

export PGPASSWORD=$password
export CQ_PG_URL="postgres://cq@127.0.0.1:${ports[main]}/cq"
export CQ_PG_SHARD1_URL="postgres://cq@127.0.0.1:${ports[shard1]}/cq"
export CQ_PG_SHARD2_URL="postgres://cq@127.0.0.1:${ports[shard2]}/cq"
export CQ_PG_ADMIN_URL="postgresql://postgres@/postgres?host=$sock&port=${ports[main]}"
export CQ_PG_BIN=$bindir
echo "with-servers: PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on 127.0.0.1 ports ${ports[main]} (main), ${ports[shard1]}, ${ports[shard2]} (shards), started in $(elapsed)" >&2

if [ -n "$load_dir" ]; then
  cq=${CQ_BIN:-cq}
  "$cq" load "$load_dir" --into "$CQ_PG_URL"
  CQ_PG_SHARDED_URL=$("$here/shard.sh")
  export CQ_PG_SHARDED_URL
  echo "with-servers: $load_dir loaded, and cq_sharded built, after $(elapsed)" >&2
fi

# Not exec: the trap must outlive COMMAND. Ctrl-C reaches COMMAND too (same process group).
set +e
"$@"
