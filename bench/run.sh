#!/usr/bin/env bash
# kordon's load benchmark: a release build on loopback, one scenario at a time, bounded by wrk -d.
#   bench/run.sh                      # SQLite in a temp dir
#   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test bench/run.sh
# Knobs: DUR (10s), CONNS (32), THREADS (2), PORT (18080), SCENARIOS (bearer_flood: bearer checks on
# 4 connections while 64 flood logins).
# Results: bench/results/<date>-<store>.txt (wrk output per scenario and a summary table).
set -euo pipefail
cd "$(dirname "$0")/.."
DUR=${DUR:-10s}; CONNS=${CONNS:-32}; THREADS=${THREADS:-2}; PORT=${PORT:-18080}
SCENARIOS=${SCENARIOS:-"healthz authuser api_token provider_jwt cc refresh login bearer_flood"}
source bench/lib.sh
CLIENT=$("$BIN" admin client create --name bench --grant password --grant client_credentials --grant refresh_token \
  --owner-email bench@example.com "${STORE[@]}")
ID=$(echo "$CLIENT" | python3 -c 'import json,sys; print(json.load(sys.stdin)["client_id"])')
SECRET=$(echo "$CLIENT" | python3 -c 'import json,sys; print(json.load(sys.stdin)["client_secret"])')

# Every request comes from 127.0.0.1: let the Defender ignore it, as a load balancer would be.
start_server "$PORT" KORDON_DEFENDER__ALLOWLIST='["127.0.0.1"]'

TOKEN=$(curl -fs -H 'Client: 10553' -H 'Content-Type: application/json' \
  -d "{\"email\":\"bench@example.com\",\"password\":\"$PASSWORD\"}" "$B/api/v1/login" \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
API_TOKEN=$(curl -fs -H 'Client: 10553' -H "Authorization: Bearer $TOKEN" -X POST "$B/api/v1/tokens" \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
JWT=$(curl -fs -H 'Content-Type: application/json' \
  -d "{\"grant_type\":\"client_credentials\",\"client_id\":$ID,\"client_secret\":\"$SECRET\"}" "$B/oauth/token" \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')

# Two refresh tokens a connection for the rotating-refresh scenario (each is spent once).
refresh_tokens() {
  seq 1 $((2 * CONNS)) | xargs -P 4 -I{} curl -fs -H 'Content-Type: application/json' \
    -d "{\"grant_type\":\"password\",\"client_id\":$ID,\"client_secret\":\"$SECRET\",\"username\":\"bench@example.com\",\"password\":\"$PASSWORD\"}" \
    "$B/oauth/token" | python3 -c 'import json,sys; [print(json.loads(l)["refresh_token"]) for l in sys.stdin.read().replace("}{", "}\n{").splitlines()]'
}

mkdir -p bench/results
OUT="bench/results/$(date -u +%Y-%m-%d)-$LABEL.txt"
{
  echo "# kordon $(git rev-parse --short HEAD) · $LABEL · $(nproc) cores · wrk -t$THREADS -c$CONNS -d$DUR · $(date -u +%FT%TZ)"
} >"$OUT"
run() { # name method path auth client body
  local name=$1
  echo "== $name" | tee -a "$OUT"
  BENCH_METHOD=$2 BENCH_AUTH=$4 BENCH_CLIENT=$5 BENCH_BODY=$6 \
    timeout 120 wrk -t"$THREADS" -c"$CONNS" -d"$DUR" --latency -s bench/request.lua "$B$3" 2>&1 | tee -a "$OUT"
}
for s in $SCENARIOS; do
  case $s in
    healthz) run healthz GET /healthz "" "" "" ;; # the HTTP floor the others are measured against
    authuser) run authuser GET /api/v1/authuser "Bearer $TOKEN" 10553 "" ;;
    api_token) run api_token GET /api/v1/authuser "Bearer $API_TOKEN" 10553 "" ;; # a personal API token
    provider_jwt) run provider_jwt GET /api/ver1.0/user/ "Bearer $JWT" "" "" ;;
    cc) run cc POST /oauth/token "" "" \
      "{\"grant_type\":\"client_credentials\",\"client_id\":$ID,\"client_secret\":\"$SECRET\"}" ;;
    refresh)
      echo "== refresh" | tee -a "$OUT"
      BENCH_REFRESH=$(refresh_tokens | tr '\n' ' ') BENCH_THREADS=$THREADS BENCH_CLIENT_ID=$ID BENCH_CLIENT_SECRET=$SECRET \
        timeout 120 wrk -t"$THREADS" -c"$CONNS" -d"$DUR" --latency -s bench/refresh.lua "$B/oauth/token" 2>&1 | tee -a "$OUT" ;;
    bearer_flood) # bearer checks on 4 connections while 64 others flood password logins
      BENCH_METHOD=POST BENCH_CLIENT=10553 BENCH_AUTH="" BENCH_BODY="{\"email\":\"bench@example.com\",\"password\":\"$PASSWORD\"}" \
        timeout 120 wrk -t1 -c64 -d"$(( ${DUR%s} + 2 ))s" -s bench/request.lua "$B/api/v1/login" >/dev/null 2>&1 &
      FLOOD=$!
      sleep 1
      echo "== bearer_flood" | tee -a "$OUT"
      BENCH_METHOD=GET BENCH_AUTH="Bearer $TOKEN" BENCH_CLIENT=10553 BENCH_BODY="" \
        timeout 120 wrk -t1 -c4 -d"$DUR" --latency -s bench/request.lua "$B/api/v1/authuser" 2>&1 | tee -a "$OUT"
      wait "$FLOOD" || true ;;
    login) run login POST /api/v1/login "" 10553 "{\"email\":\"bench@example.com\",\"password\":\"$PASSWORD\"}" ;;
  esac
done
echo "== RSS after the run: $(awk '/^VmRSS/ {printf "%.1f MiB", $2/1024}' /proc/$SERVER/status) (peak $(awk '/^VmHWM/ {printf "%.1f MiB", $2/1024}' /proc/$SERVER/status))" | tee -a "$OUT"
echo "== summary (req/s, p50, p99)" | tee -a "$OUT"
awk '/^== /{name=$2} /Requests\/sec/{rps[name]=$2} /^ +50%/{p50[name]=$2} /^ +99%/{p99[name]=$2}
     END {for (n in rps) if (n != "summary") printf "%-14s %10s  p50 %8s  p99 %8s\n", n, rps[n], p50[n], p99[n]}' "$OUT" | sort | tee -a "$OUT"
