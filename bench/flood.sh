#!/usr/bin/env bash
# kordon under floods: RSS and password-queue health during a cancelled-login flood and a login
# flood, on a release build on loopback. Bounded in count and time; loopback only.
#   bench/flood.sh                     # SQLite in a temp dir
#   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test bench/flood.sh
# Knobs: CANCELLED (480 logins), SOURCES (60 addresses 127.0.7.x), WRK_DUR (60s), WRK_CONNS (64), PORT (18081).
# Results: bench/results/<date>-<time>-flood-<store>.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
CANCELLED=${CANCELLED:-480}; SOURCES=${SOURCES:-60}; WRK_DUR=${WRK_DUR:-60s}; WRK_CONNS=${WRK_CONNS:-64}
PORT=${PORT:-18081}
curl --version | grep -q nghttp2 || { echo "needs curl with HTTP/2" >&2; exit 1; }
source bench/lib.sh
start_server "$PORT"

mkdir -p bench/results
OUT="bench/results/$STAMP-flood-$LABEL.txt"
echo "# kordon $(git rev-parse --short HEAD) · $LABEL · $(nproc) cores · $(date -u +%FT%TZ)" >"$OUT"
rss() { awk '/^VmRSS/ {printf "%.1f MiB", $2/1024}' "/proc/$SERVER/status"; }
peak() { awk '/^VmHWM/ {printf "%.1f MiB", $2/1024}' "/proc/$SERVER/status"; }
say() { echo "$*" | tee -a "$OUT"; }
BODY="{\"email\":\"bench@example.com\",\"password\":\"$PASSWORD\"}"
login() { # source address → HTTP status of one right login
  curl -s -o /dev/null -w '%{http_code}' --interface "$1" -H 'Client: 10553' -H 'Content-Type: application/json' \
    -d "$BODY" "$B/api/v1/login"
}
health() { # twenty right logins at once from one address: how many answered 200
  local ok=0 pids=() f
  for i in $(seq 1 20); do login 127.0.8.1 >"$DATA/h$i" & pids+=($!); done
  wait "${pids[@]}" || true
  for f in "$DATA"/h*; do [ "$(cat "$f")" = 200 ] && ok=$((ok + 1)); done
  rm -f "$DATA"/h*
  echo "$ok/20"
}

say "idle: RSS $(rss)"
say "== $CANCELLED HTTP/2 logins from $SOURCES addresses, each cancelled by its client after 0.3 s"
started=$(date +%s.%N)
for ((n = 0; n < CANCELLED; n += SOURCES)); do
  pids=()
  for ((i = 1; i <= SOURCES; i++)); do
    curl --http2-prior-knowledge -s -o /dev/null -m 0.3 --interface "127.0.7.$i" \
      -H 'Client: 10553' -H 'Content-Type: application/json' -d "$BODY" "$B/api/v1/login" &
    pids+=($!)
  done
  wait "${pids[@]}" || true
done
say "   took $(python3 -c "import time; print(round(time.time() - $started, 1))") s; RSS $(rss) (peak $(peak))"
sleep 2
say "   then: twenty right logins at once answered 200: $(health); RSS $(rss)"

say "== wrk: $WRK_CONNS connections of right logins for $WRK_DUR"
WRK=$(BENCH_METHOD=POST BENCH_CLIENT=10553 BENCH_AUTH="" BENCH_BODY="$BODY" \
  timeout 300 wrk -t2 -c"$WRK_CONNS" -d"$WRK_DUR" --latency -s bench/request.lua "$B/api/v1/login" 2>&1)
echo "$WRK" | grep -E 'Requests/sec|50%|99%|requests in' | sed 's/^/   /' | tee -a "$OUT"
say "   answers other than 2xx (503 when the hashing queue is full): $(echo "$WRK" | awk '/Non-2xx/ {print $NF} END {if (!n) {}}' | tail -n1 | grep . || echo 0)"
say "   RSS right after $(rss) (peak $(peak))"
sleep 2
say "   then: twenty right logins at once answered 200: $(health); RSS $(rss)"
