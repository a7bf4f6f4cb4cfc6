#!/usr/bin/env bash
# Scale-out: 1, 2 and 3 kordon instances on one PostgreSQL, the same load spread across them (one
# wrk per instance, CONNS split evenly, run at once); prints the summed req/s per scenario.
# Loopback only, bounded by wrk -d.
#   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test bench/scale.sh
# Knobs: DUR (10s), CONNS (32 in all), SCENARIOS ("healthz authuser provider_jwt cc").
# Results: bench/results/<date>-<time>-scale.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${BENCH_DATABASE_URL:?set BENCH_DATABASE_URL to a PostgreSQL database}"
DUR=${DUR:-10s}; CONNS=${CONNS:-32}; SCENARIOS=${SCENARIOS:-"healthz authuser provider_jwt cc"}
source bench/lib.sh
CLIENT=$("$BIN" admin client create --name bench --grant client_credentials --owner-email bench@example.com "${STORE[@]}")
ID=$(echo "$CLIENT" | python3 -c 'import json,sys; print(json.load(sys.stdin)["client_id"])')
SECRET=$(echo "$CLIENT" | python3 -c 'import json,sys; print(json.load(sys.stdin)["client_secret"])')
PIDS=()
# Committed PostgreSQL transactions so far (every statement outside a transaction counts as one;
# the instances' epoch polls, 4 a second each, are in it too).
xacts() { psql "$BENCH_DATABASE_URL" -tAc "SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()"; }
stop_all() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; PIDS=(); }
trap 'stop_all; cleanup' EXIT
OUT="bench/results/$STAMP-scale.txt"
echo "# kordon $(git rev-parse --short HEAD) · postgres · $(nproc) cores · $CONNS connections in all · $DUR · $(date -u +%FT%TZ)" | tee "$OUT"
for n in 1 2 3; do
  stop_all
  for i in $(seq 1 "$n"); do
    start_server $((18100 + i)) KORDON_DEFENDER__ALLOWLIST='["127.0.0.1"]' KORDON_OAUTH__ISSUER=http://kordon.bench
    PIDS+=("$SERVER")
  done
  B1=http://127.0.0.1:18101
  TOKEN=$(curl -fs -H 'Client: 10553' -H 'Content-Type: application/json' \
    -d "{\"email\":\"bench@example.com\",\"password\":\"$PASSWORD\"}" "$B1/api/v1/login" \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
  GRANT="{\"grant_type\":\"client_credentials\",\"client_id\":$ID,\"client_secret\":\"$SECRET\"}"
  JWT=$(curl -fs -H 'Content-Type: application/json' -d "$GRANT" "$B1/oauth/token" \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
  for s in $SCENARIOS; do
    case $s in
      healthz) args=(GET /healthz "" "" "") ;;
      authuser) args=(GET /api/v1/authuser "Bearer $TOKEN" 10553 "") ;;
      provider_jwt) args=(GET /api/ver1.0/user/ "Bearer $JWT" "" "") ;;
      cc) args=(POST /oauth/token "" "" "$GRANT") ;;
    esac
    files=(); loads=(); before=$(xacts)
    for i in $(seq 1 "$n"); do
      f=$(mktemp); files+=("$f")
      BENCH_METHOD=${args[0]} BENCH_AUTH=${args[2]} BENCH_CLIENT=${args[3]} BENCH_BODY=${args[4]} \
        timeout 120 wrk -t$((n == 1 ? 2 : 1)) -c$((CONNS / n)) -d"$DUR" -s bench/request.lua "http://127.0.0.1:$((18100 + i))${args[1]}" >"$f" 2>&1 &
      loads+=($!)
    done
    wait "${loads[@]}" || true
    total=$(awk '/Requests\/sec/ {s += $2} END {printf "%.0f", s}' "${files[@]}")
    requests=$(awk '/requests in/ {s += $1} END {print s}' "${files[@]}")
    per=$(python3 -c "print(f'{($(xacts) - $before) / max($requests, 1):.3f}')")
    printf '%d instance(s)  %-13s %8s req/s  %s PostgreSQL transactions a request\n' "$n" "$s" "$total" "$per" | tee -a "$OUT"
    rm -f "${files[@]}"
  done
done
