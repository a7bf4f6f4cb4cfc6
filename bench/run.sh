#!/usr/bin/env bash
# kordon's load benchmark: a release build on loopback, one scenario at a time, bounded by wrk -d.
#   bench/run.sh                      # SQLite in a temp dir
#   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test bench/run.sh
# Knobs: DUR (10s), CONNS (32), THREADS (2), PORT (18080), SCENARIOS (bearer_flood: bearer checks on
# 4 connections while 64 flood logins; million: authuser again after 1,000,000 sessions are added).
# Results: bench/results/<date>-<time>-<store>.txt (wrk output per scenario and a summary table).
set -euo pipefail
cd "$(dirname "$0")/.."
DUR=${DUR:-10s}; CONNS=${CONNS:-32}; THREADS=${THREADS:-2}; PORT=${PORT:-18080}
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
start_server "$PORT" KORDON_DEFENDER__ALLOWLIST='["127.0.0.1"]'

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
server_cpu() { awk '{print $14 + $15}' "/proc/$SERVER/stat"; }
cpu_per_request() { # ticks before the scenario; its request count is wrk's last in $OUT
  sleep 0.3 # the audit writer's last batch (it lingers 200 ms)
  local reqs; reqs=$(awk '/ requests in / {n = $1} END {print n}' "$OUT")
  echo "== server CPU: $(( ($(server_cpu) - $1) * 1000000 / $(getconf CLK_TCK) / reqs )) us a request" | tee -a "$OUT"
}
run() { # name method path auth client body
  local name=$1 before
  echo "== $name" | tee -a "$OUT"
  before=$(server_cpu)
  BENCH_METHOD=$2 BENCH_AUTH=$4 BENCH_CLIENT=$5 BENCH_BODY=$6 \
    timeout 120 wrk -t"$THREADS" -c"$CONNS" -d"$DUR" --latency -s bench/request.lua "$B$3" 2>&1 | tee -a "$OUT"
  cpu_per_request "$before"
}
for s in $SCENARIOS; do
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
      before=$(server_cpu)
      BENCH_REFRESH=$REFRESH BENCH_THREADS=$THREADS BENCH_CLIENT_ID=$ID BENCH_CLIENT_SECRET=$SECRET \
        timeout 120 wrk -t"$THREADS" -c"$CONNS" -d"$DUR" --latency -s bench/refresh.lua "$B/oauth/token" 2>&1 | tee -a "$OUT"
      cpu_per_request "$before" ;;
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
done
# The audit events the run left (none with audit.enabled=false; bench/audit.sh shows them).
if [ -n "${SCHEMA:-}" ]; then
  AUDITED=$(psql "$BENCH_DATABASE_URL" -tAc "SET search_path = $SCHEMA; SELECT COUNT(*) FROM audit_log" | tail -1)
else
  AUDITED=$(python3 -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1], timeout=30).execute("SELECT COUNT(*) FROM audit_log").fetchone()[0])' "$DATA/kordon.db")
fi
echo "== audit events written: $AUDITED" | tee -a "$OUT"
echo "== RSS after the run: $(awk '/^VmRSS/ {printf "%.1f MiB", $2/1024}' /proc/$SERVER/status) (peak $(awk '/^VmHWM/ {printf "%.1f MiB", $2/1024}' /proc/$SERVER/status))" | tee -a "$OUT"
echo "== summary (req/s, p50, p99, server CPU a request)" | tee -a "$OUT"
awk '/^== server CPU:/ {cpu[name] = $4; next} /^== /{name=$2} /Requests\/sec/{rps[name]=$2} /^ +50%/{p50[name]=$2} /^ +99%/{p99[name]=$2}
     END {for (n in rps) if (n != "summary") printf "%-14s %10s  p50 %8s  p99 %8s  cpu %5s us\n", n, rps[n], p50[n], p99[n], (n in cpu) ? cpu[n] : "-"}' "$OUT" | sort | tee -a "$OUT"
