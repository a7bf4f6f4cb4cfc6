# Shared by the bench scripts (sourced, not run): a release build, a fresh store (SQLite in a temp
# dir, or a fresh schema in BENCH_DATABASE_URL), a bench user, cleanup on exit, and start_server.
# Sets BIN, DATA, STORE (the store flags), LABEL (sqlite|postgres), PASSWORD, and after
# start_server: SERVER (its pid) and B (its base URL).
# STAMP names this run's result files (bench/results/<STAMP>-…): minutes, so a second run of the
# day never overwrites the first; compare.sh passes its own down to run.sh.
STAMP=${STAMP:-$(date -u +%Y-%m-%d-%H%M)}
command -v wrk >/dev/null || { echo "needs wrk (apt-get install wrk)" >&2; exit 1; }
# BENCH_BIN runs another build instead (an A/B against an older commit's binary).
if [ -n "${BENCH_BIN:-}" ]; then
  BIN=$BENCH_BIN
else
  cargo build --release -q -p kordon
  BIN=target/release/kordon
fi
DATA=$(mktemp -d)
STORE=(--data-dir "$DATA")
LABEL=sqlite
if [ -n "${BENCH_DATABASE_URL:-}" ]; then
  SCHEMA="bench_$(date +%s)_$$"
  psql "$BENCH_DATABASE_URL" -qc "CREATE SCHEMA $SCHEMA"
  STORE+=(--database-url "${BENCH_DATABASE_URL}?options=-c%20search_path%3D$SCHEMA")
  LABEL=postgres
fi
cleanup() {
  [ -n "${SERVER:-}" ] && kill "$SERVER" 2>/dev/null || true
  [ -n "${SCHEMA:-}" ] && PGOPTIONS="-c client_min_messages=warning" psql "$BENCH_DATABASE_URL" -qc "DROP SCHEMA $SCHEMA CASCADE" || true
  rm -rf "$DATA"
}
trap cleanup EXIT

PASSWORD='bench-Passw0rd-long'
printf '%s\n' "$PASSWORD" | "$BIN" admin user create --email bench@example.com --password-stdin --phone 79990000000 \
  "${STORE[@]}" >/dev/null

# start_server PORT [VAR=value ...]: serves the store on 127.0.0.1:PORT (its /metrics on a free
# loopback port, so several instances can run), waits until it is ready.
start_server() {
  local port=$1; shift
  env KORDON_METRICS__LISTEN=127.0.0.1:0 "$@" RUST_LOG=warn "$BIN" serve --listen "127.0.0.1:$port" "${STORE[@]}" >"$DATA/serve.log" 2>&1 &
  SERVER=$!
  B="http://127.0.0.1:$port"
  for _ in $(seq 1 100); do curl -fs "$B/readyz" >/dev/null && break; sleep 0.1; done
  curl -fs "$B/readyz" >/dev/null
}

# analyze_store: statistics for the planner, as autovacuum gathers them within a minute of a real
# server's start. A fresh PostgreSQL schema has none, and a connection's cached generic plan for
# "refresh_digest = $2 AND client_id = $3" then ties the unique digest index with the client
# index and may keep the client one (every session of the bench client scanned a refresh) until
# the first autoanalyze invalidates it; a 10 s run would measure only that first minute.
analyze_store() {
  if [ -n "${SCHEMA:-}" ]; then
    psql "$BENCH_DATABASE_URL" -qc "SET search_path = $SCHEMA; ANALYZE"
  else
    python3 -c 'import sqlite3, sys; db = sqlite3.connect(sys.argv[1], timeout=30); db.execute("ANALYZE"); db.commit()' "$DATA/kordon.db"
  fi
}
