#!/usr/bin/env bash
# Runs every test on a fresh Debian machine: installs what the suite needs (PostgreSQL, Redis, Chromium, a compose
# validator) when run as root, starts a throw-away PostgreSQL and Redis on loopback, checks formatting and
# docker-compose.yml, builds, runs the whole suite (unit, integration on SQLite and PostgreSQL, component, browser)
# and ends with "N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")"
root_dir=$(pwd)

say() { printf '\n== %s\n' "$*"; }

missing_packages() {
  local need=()
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
  command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
  [ -x /usr/bin/chromium ] || need+=(chromium)
  docker compose version >/dev/null 2>&1 || command -v docker-compose >/dev/null 2>&1 || need+=(docker-compose)
  command -v node >/dev/null 2>&1 || need+=(nodejs)
  command -v npm >/dev/null 2>&1 || need+=(npm)
  echo "${need[@]:-}"
}

install_prerequisites() {
  local need
  need=$(missing_packages)
  [ -z "$need" ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    echo "test.sh needs these Debian packages: $need" >&2
    echo "Run it as root (it installs them with apt-get) or install them first: sudo apt-get install -y $need" >&2
    exit 1
  fi
  say "Installing $need"
  apt-get update -qq
  # shellcheck disable=SC2086
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $need >/dev/null
}

free_port() {
  local port first=${1:-55432}
  for port in $(seq "$first" $((first + 100))); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return 0; fi
  done
  echo "no free port in $first-$((first + 100))" >&2; exit 1
}

pg_dir=""
pg_bin=""
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

stop_postgres() {
  if [ -n "$pg_dir" ] && [ -f "$pg_dir/data/postmaster.pid" ]; then
    as_pg "$pg_bin/pg_ctl" -D "$pg_dir/data" -m immediate stop >/dev/null 2>&1 || true
  fi
  [ -n "$pg_dir" ] && rm -rf "$pg_dir"
}

start_postgres() {
  pg_bin=$(dirname "$(ls /usr/lib/postgresql/*/bin/initdb | sort -V | tail -n 1)")
  pg_dir=$(mktemp -d /tmp/sdportal-pg.XXXXXX)
  [ "$(id -u)" -eq 0 ] && chown postgres "$pg_dir"
  local port
  port=$(free_port)
  say "Starting PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port"
  as_pg "$pg_bin/initdb" -D "$pg_dir/data" -U postgres -A trust --no-sync >/dev/null
  # Durability is irrelevant for a throw-away test server; speed is not.
  as_pg "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/server.log" -w start \
    -o "-p $port -k $pg_dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=400" >/dev/null
  export SDPORTAL_TEST_POSTGRES="Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres;Maximum Pool Size=40"
}

redis_dir=""

stop_redis() {
  if [ -n "$redis_dir" ] && [ -f "$redis_dir/redis.pid" ]; then
    kill "$(cat "$redis_dir/redis.pid")" 2>/dev/null || true
  fi
  [ -n "$redis_dir" ] && rm -rf "$redis_dir"
}

# The shared state of several web nodes (ADR-022) is tested against a real server; nothing is persisted.
start_redis() {
  redis_dir=$(mktemp -d /tmp/sdportal-redis.XXXXXX)
  local port
  port=$(free_port 56379)
  say "Starting $(redis-server --version | awk '{print $1, $3}') on 127.0.0.1:$port"
  redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes \
    --dir "$redis_dir" --pidfile "$redis_dir/redis.pid" --logfile "$redis_dir/redis.log" >/dev/null
  local i
  for i in $(seq 1 50); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
    sleep 0.1
  done
  export SDPORTAL_TEST_REDIS="127.0.0.1:$port"
}

stop_servers() { stop_redis; stop_postgres; }

validate_compose() {
  say "Validating docker-compose.yml"
  if docker compose version >/dev/null 2>&1; then docker compose config -q; else docker-compose config -q; fi
}

# The Kubernetes manifests' schema validator (deploy/k8s/validate, versions pinned in its package-lock.json); the
# tests render deploy/k8s with `kubectl kustomize` (kubectl with kustomize v5, not a Debian package) and run it.
install_manifest_validator() {
  say "Installing the Kubernetes manifest validator"
  command -v kubectl >/dev/null 2>&1 || echo "kubectl is missing: the deploy/k8s tests need kubectl (kustomize v5) on PATH" >&2
  npm ci --prefix deploy/k8s/validate --no-audit --no-fund --loglevel=error >/dev/null
}

report() {
  local trx
  trx=$(ls -t "$root_dir"/TestResults/*.trx 2>/dev/null | head -n 1 || true)
  if [ -z "$trx" ]; then echo "0 passed, 1 failed"; return; fi
  local passed failed
  passed=$(grep -o '<Counters [^>]*' "$trx" | grep -o 'passed="[0-9]*"' | grep -o '[0-9]*')
  failed=$(grep -o '<Counters [^>]*' "$trx" | grep -o ' failed="[0-9]*"' | grep -o '[0-9]*')
  echo "${passed:-0} passed, ${failed:-0} failed"
}

install_prerequisites
trap stop_servers EXIT
start_postgres
start_redis

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
say "Restoring tools and checking formatting"
dotnet tool restore >/dev/null
dotnet format SdPortal.sln --verify-no-changes
validate_compose
install_manifest_validator

say "Building"
dotnet build SdPortal.sln -c Release -warnaserror

say "Running the suite"
rm -rf "$root_dir/TestResults"
status=0
dotnet test SdPortal.sln -c Release --no-build --results-directory "$root_dir/TestResults" \
  --logger "trx;LogFileName=results.trx" --logger "console;verbosity=normal" "$@" || status=$?
report
exit $status
