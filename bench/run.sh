#!/usr/bin/env bash
# kordon's load benchmark: a release build on loopback, one scenario at a time, bounded by wrk -d.
#   bench/run.sh                      # SQLite in a temp dir
#   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test bench/run.sh
# Knobs: DUR (10s), CONNS (32), THREADS (2), PORT (18080), SCENARIOS (bearer_flood: bearer checks on
# 4 connections while 64 flood logins; million: authuser again after 1,000,000 sessions are added),
# ROUNDS (1): runs the scenarios that many times in turn (refresh and million once, after the
# rounds: they change the store), so the load beside a shared machine's run falls on each alike.
# Results: bench/results/<date>-<time>-<store>.txt (wrk output per scenario and a summary table:
# each scenario's round of median req/s, and the median over rounds of req/s ÷ that round's
# /healthz, when healthz is among the scenarios).
set -euo pipefail
cd "$(dirname "$0")/.."
DUR=${DUR:-10s}; CONNS=${CONNS:-32}; THREADS=${THREADS:-2}; PORT=${PORT:-18080}; ROUNDS=${ROUNDS:-1}
SCENARIOS=${SCENARIOS:-"healthz authuser api_token provider_jwt mint_sip cc refresh login bearer_flood million"}
source bench/lib.sh
CLIENT=$("$BIN" admin client create --name bench --grant password --grant client_credentials --grant refresh_token \
  --owner-email bench@example.com "${STORE[@]}")
ID=$(echo "$CLIENT" | python3 -c 'import json,sys; print(json.load(sys.stdin)["client_id"])')
SECRET=$(echo "$CLIENT" | python3 -c 'import json,sys; print(json.load(sys.stdin)["client_secret"])')

# A person with a SIP user in a PBX domain, and the telephony secret, for the mint scenario.
printf '%s\n' "$PASSWORD" | "$BIN" admin user create --email sip@pbx.bench.example --password-stdin --role lk_user \
  --domain pbx.bench.example "${STORE[@]}" >/dev/null
"$BIN" admin user update --email sip@pbx.bench.example --sip-user 101 "${STORE[@]}" >/dev/null
"$BIN" admin telephony secret add "${STORE[@]}" >/dev/null

# Every request comes from 127.0.0.1: let the Defender ignore it, as a load balancer would be.
# Its /metrics on METRICS_PORT, for the audit events a scenario's load made the queue drop.
METRICS_PORT=${METRICS_PORT:-$((PORT + 1))}
start_server "$PORT" KORDON_DEFENDER__ALLOWLIST='["127.0.0.1"]' KORDON_METRICS__LISTEN="127.0.0.1:$METRICS_PORT"

TOKEN=$(curl -fs -H 'Client: 10553' -H 'Content-Type: application/json' \
  -d "{\"email\":\"bench@example.com\",\"password\":\"$PASSWORD\"}" "$B/api/v1/login" \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
API_TOKEN=$(curl -fs -H 'Client: 10553' -H "Authorization: Bearer $TOKEN" -X POST "$B/api/v1/tokens" \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
SIP_TOKEN=$(curl -fs -H 'Client: 10553' -H 'Content-Type: application/json' \
  -d "{\"email\":\"sip@pbx.bench.example\",\"password\":\"$PASSWORD\"}" "$B/api/v1/login" \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
JWT=$(curl -fs -H 'Content-Type: application/json' \
  -d "{\"grant_type\":\"client_credentials\",\"client_id\":$ID,\"client_secret\":\"$SECRET\"}" "$B/oauth/token" \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')

# Two refresh tokens a connection for the rotating-refresh scenario (each is spent once), held by
# REFRESH_USERS users (CONNS by default): a busy server's rotations come from many users. With
# one user every successor's foreign-key check on PostgreSQL locks that one user's row; an A/B
# with the check dropped gained 15-20 % there (2026-12-01), and nothing with 32 users.
refresh_tokens() {
  local n=${REFRESH_USERS:-$CONNS} i
  for i in $(seq 2 "$n"); do
    printf '%s\n' "$PASSWORD" | "$BIN" admin user create --email "bench-r$i@example.com" --password-stdin \
      --phone "7999100$(printf %04d "$i")" "${STORE[@]}" >/dev/null
  done
  seq 1 $((2 * CONNS)) | xargs -P 4 -I{} sh -c 'u=$(( ({} - 1) % '"$n"' + 1 )); [ $u = 1 ] && e=bench@example.com || e=bench-r$u@example.com
    curl -fs -H "Content-Type: application/json" \
    -d "{\"grant_type\":\"password\",\"client_id\":'"$ID"',\"client_secret\":\"'"$SECRET"'\",\"username\":\"$e\",\"password\":\"'"$PASSWORD"'\"}" \
    '"$B"'/oauth/token' | python3 -c 'import json,sys; [print(json.loads(l)["refresh_token"]) for l in sys.stdin.read().replace("}{", "}\n{").splitlines()]'
}

# Adds N live cabinet sessions of the bench user straight into the store (the million scenario).
fill_sessions() {
  local n=$1 cols="family_id, user_id, client_id, access_digest, access_expires, refresh_digest, refresh_expires, created_at, kind, family_expires"
  if [ -n "${SCHEMA:-}" ]; then
    psql "$BENCH_DATABASE_URL" -qc "SET search_path = $SCHEMA;
      INSERT INTO sessions ($cols) SELECT 'bench-' || x, (SELECT MIN(id) FROM users), 10553,
        'a' || lpad(x::text, 63, '0'), $(date +%s) + 3600, 'r' || lpad(x::text, 63, '0'), $(date +%s) + 86400,
        $(date +%s), 'cabinet', $(date +%s) + 86400 FROM generate_series(1, $n) AS x; ANALYZE sessions;"
  else
    python3 - "$DATA/kordon.db" "$n" "$cols" <<'PY'
import sqlite3, sys, time
db, n, cols, now = sqlite3.connect(sys.argv[1], timeout=30), int(sys.argv[2]), sys.argv[3], int(time.time())
db.execute(f"""WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < ?)
  INSERT INTO sessions ({cols}) SELECT 'bench-' || x, (SELECT MIN(id) FROM users), 10553,
  printf('a%063d', x), ? + 3600, printf('r%063d', x), ? + 86400, ?, 'cabinet', ? + 86400 FROM c""", (n, now, now, now, now))
db.commit()
db.execute("ANALYZE")
PY
  fi
}

mkdir -p bench/results
OUT="bench/results/$STAMP-$LABEL.txt"
{
  echo "# kordon $(git rev-parse --short HEAD) · $LABEL · $(nproc) cores · wrk -t$THREADS -c$CONNS -d$DUR · $(date -u +%FT%TZ)"
} >"$OUT"
# The server's CPU time (all its threads, user + system) in clock ticks; and, after a scenario,
# that time a request: steadier than req/s on a shared machine, where the load beside the run
# moves throughput but not the work a request costs.
# On SQLite, "store" is the part spent in sqlx's SQLite threads (one a pooled connection): the
# statements themselves, the audit writer's batches among them.
server_cpu() { awk '{print $14 + $15}' "/proc/$SERVER/stat"; }
# Audit events the queue dropped so far (kordon_audit_events_dropped_total, every reason): a
# scenario whose events outrun the audit writer is cheaper by the rows it did not write.
dropped() {
  curl -fs "http://127.0.0.1:$METRICS_PORT/metrics" | awk '/^kordon_audit_events_dropped_total/ {n += $NF} END {print n + 0}'
}
store_cpu() { cat /proc/"$SERVER"/task/*/stat 2>/dev/null | awk '/\(sqlx-sqlite-wor\)/ {n += $14 + $15} END {print n + 0}'; }
cpu_per_request() { # ticks before the scenario (all threads, store threads); requests: wrk's last in $OUT
  sleep 0.3 # the audit writer's last batch (it lingers 200 ms)
  local reqs store=-; reqs=$(awk '/ requests in / {n = $1} END {print n}' "$OUT")
  us() { awk -v a="$1" -v b="$2" -v t="$(getconf CLK_TCK)" -v n="$reqs" 'BEGIN {printf "%.1f", (a - b) * 1e6 / t / n}'; }
  [ "$LABEL" = sqlite ] && store=$(us "$(store_cpu)" "$2") # PostgreSQL's is its own process
  echo "== server CPU: $(us "$(server_cpu)" "$1") us a request (store threads $store us)" | tee -a "$OUT"
  echo "== audit events dropped: $(( $(dropped) - $3 ))" | tee -a "$OUT"
}
run() { # name method path auth client body
  local name=$1 before
  echo "== $name" | tee -a "$OUT"
  before=$(server_cpu) store_before=$(store_cpu) dropped_before=$(dropped)
  BENCH_METHOD=$2 BENCH_AUTH=$4 BENCH_CLIENT=$5 BENCH_BODY=$6 \
    timeout 120 wrk -t"$THREADS" -c"$CONNS" -d"$DUR" --latency -s bench/request.lua "$B$3" 2>&1 | tee -a "$OUT"
  cpu_per_request "$before" "$store_before" "$dropped_before"
}
scenario() {
  local s=$1
  case $s in
    healthz) run healthz GET /healthz "" "" "" ;; # the HTTP floor the others are measured against
    authuser) run authuser GET /api/v1/authuser "Bearer $TOKEN" 10553 "" ;;
    api_token) run api_token GET /api/v1/authuser "Bearer $API_TOKEN" 10553 "" ;; # a personal API token
    provider_jwt) run provider_jwt GET /api/ver1.0/user/ "Bearer $JWT" "" "" ;;
    mint_sip) run mint_sip POST /api/telephony/v1/sip-credentials "Bearer $SIP_TOKEN" "" "" ;; # SIP credentials
    cc) run cc POST /oauth/token "" "" \
      "{\"grant_type\":\"client_credentials\",\"client_id\":$ID,\"client_secret\":\"$SECRET\"}" ;;
    refresh)
      echo "== refresh" | tee -a "$OUT"
      REFRESH=$(refresh_tokens | tr '\n' ' ')
      analyze_store # the sessions' statistics a running server has; see analyze_store in lib.sh
      before=$(server_cpu) store_before=$(store_cpu) dropped_before=$(dropped)
      BENCH_REFRESH=$REFRESH BENCH_THREADS=$THREADS BENCH_CLIENT_ID=$ID BENCH_CLIENT_SECRET=$SECRET \
        timeout 120 wrk -t"$THREADS" -c"$CONNS" -d"$DUR" --latency -s bench/refresh.lua "$B/oauth/token" 2>&1 | tee -a "$OUT"
      cpu_per_request "$before" "$store_before" "$dropped_before" ;;
    bearer_flood) # bearer checks on 4 connections while 64 others flood password logins
      BENCH_METHOD=POST BENCH_CLIENT=10553 BENCH_AUTH="" BENCH_BODY="{\"email\":\"bench@example.com\",\"password\":\"$PASSWORD\"}" \
        timeout 120 wrk -t1 -c64 -d"$(( ${DUR%s} + 2 ))s" -s bench/request.lua "$B/api/v1/login" >/dev/null 2>&1 &
      FLOOD=$!
      sleep 1
      echo "== bearer_flood" | tee -a "$OUT"
      BENCH_METHOD=GET BENCH_AUTH="Bearer $TOKEN" BENCH_CLIENT=10553 BENCH_BODY="" \
        timeout 120 wrk -t1 -c4 -d"$DUR" --latency -s bench/request.lua "$B/api/v1/authuser" 2>&1 | tee -a "$OUT"
      wait "$FLOOD" || true ;;
    million) # the cabinet bearer check again, a new login's token, after 1,000,000 more live sessions
      fill_sessions 1000000
      TOKEN=$(curl -fs -H 'Client: 10553' -H 'Content-Type: application/json' \
        -d "{\"email\":\"bench@example.com\",\"password\":\"$PASSWORD\"}" "$B/api/v1/login" \
        | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
      run million GET /api/v1/authuser "Bearer $TOKEN" 10553 "" ;;
    login) run login POST /api/v1/login "" 10553 "{\"email\":\"bench@example.com\",\"password\":\"$PASSWORD\"}" ;;
  esac
}
# The scenarios round by round; refresh and million change the store (spent tokens, a million
# sessions), so they run once, after the rounds.
once="refresh million"
for round in $(seq 1 "$ROUNDS"); do
  echo "# round $round" >>"$OUT"
  for s in $SCENARIOS; do [[ " $once " == *" $s "* ]] || scenario "$s"; done
done
for s in $SCENARIOS; do [[ " $once " != *" $s "* ]] || scenario "$s"; done
# The audit events the run left (none with audit.enabled=false; bench/audit.sh shows them).
if [ -n "${SCHEMA:-}" ]; then
  AUDITED=$(psql "$BENCH_DATABASE_URL" -tAc "SET search_path = $SCHEMA; SELECT COUNT(*) FROM audit_log" | tail -1)
else
  AUDITED=$(python3 -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1], timeout=30).execute("SELECT COUNT(*) FROM audit_log").fetchone()[0])' "$DATA/kordon.db")
fi
echo "== audit events written: $AUDITED (dropped: $(dropped))" | tee -a "$OUT"
echo "== RSS after the run: $(awk '/^VmRSS/ {printf "%.1f MiB", $2/1024}' /proc/$SERVER/status) (peak $(awk '/^VmHWM/ {printf "%.1f MiB", $2/1024}' /proc/$SERVER/status))" | tee -a "$OUT"
echo "== summary (req/s, p50, p99, server CPU a request; the median round of $ROUNDS)" | tee -a "$OUT"
awk -f bench/summary.awk "$OUT" | sort | tee -a "$OUT"
