#!/usr/bin/env bash
# What the audit log costs: password sign-in and rotating-refresh throughput with
# `audit.enabled` false and true, in one run of one release build. The two alternate round by
# round (off/on, then on/off, …), so drift on a shared machine falls on both alike; each run is
# bench/run.sh's (a fresh store, the Defender allowlisting loopback), its two scenarios only.
#   bench/audit.sh                                                 # SQLite
#   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test bench/audit.sh
# Knobs: DUR (10s a scenario), ROUNDS (3), and run.sh's (CONNS, THREADS, PORT); SUMMARY_ONLY=1
#   with STAMP=<an earlier run's> writes that run's table again from its files, running nothing.
# Results: bench/results/<STAMP>-audit-<store>.md (every round, the medians, on ÷ off), beside
# run.sh's per-run files (<STAMP>-audit-<on|off>-<round>-<store>.txt).
set -euo pipefail
cd "$(dirname "$0")/.."
DUR=${DUR:-10s}; ROUNDS=${ROUNDS:-3}
BASE=${STAMP:-$(date -u +%Y-%m-%d-%H%M)}
LABEL=sqlite; [ -n "${BENCH_DATABASE_URL:-}" ] && LABEL=postgres
if [ -z "${BENCH_BIN:-}" ] && [ -z "${SUMMARY_ONLY:-}" ]; then
  cargo build --release -q -p kordon
  export BENCH_BIN=target/release/kordon
fi
OUT=bench/results/$BASE-audit-$LABEL.md
mkdir -p bench/results
LOAD_BEFORE=${LOAD_BEFORE:-$(cut -d' ' -f1-3 /proc/loadavg)}

summary() { awk -v n="$2" '$1 == n {print $2}' <(sed -n '/^== summary/,$p' "$1"); }
events() { sed -n 's/^== audit events written: \([0-9]*\).*/\1/p' "$1"; }
ROWS=()
for round in $(seq 1 "$ROUNDS"); do
  order="off on"; [ $((round % 2)) = 0 ] && order="on off"
  for mode in $order; do
    enabled=false; [ "$mode" = on ] && enabled=true
    stamp=$BASE-audit-$mode-$round
    f=bench/results/$stamp-$LABEL.txt
    if [ -z "${SUMMARY_ONLY:-}" ]; then
      STAMP=$stamp DUR=$DUR SCENARIOS="login refresh" KORDON_AUDIT__ENABLED=$enabled bash bench/run.sh >/dev/null 2>&1
    fi
    ROWS+=("$round $mode $(summary "$f" login) $(summary "$f" refresh) $(events "$f")")
  done
done
LOAD_AFTER=${LOAD_AFTER:-$(cut -d' ' -f1-3 /proc/loadavg)}

ROWS_TEXT=$(printf '%s\n' "${ROWS[@]}") python3 - "$OUT" "$LABEL" "$DUR" "$ROUNDS" "$LOAD_BEFORE" "$LOAD_AFTER" \
  "$(git rev-parse --short HEAD)" "$(nproc)" <<'PY'
import datetime, os, statistics, sys
out, label, dur, rounds, before, after, commit, cores = sys.argv[1:]
rows = [l.split() for l in os.environ["ROWS_TEXT"].splitlines() if l.strip()]
def num(v):
    return float(v[:-1]) * 1000 if v.endswith("k") else float(v)
runs = {"off": [], "on": []}
lines = [f"# The audit log's cost · kordon {commit} · {label} · {cores} cores · wrk -c32 -d{dur} · "
         f"{datetime.datetime.now(datetime.timezone.utc):%Y-%m-%dT%H:%M:%SZ}", "",
         f"Load average (1, 5, 15 min) before: {before}; after: {after}.", "",
         "| round | audit | password sign-in (req/s) | rotating refresh (req/s) | events written |",
         "|---|---|---|---|---|"]
for r, mode, login, refresh, *ev in rows:
    runs[mode].append((num(login), num(refresh)))
    lines.append(f"| {r} | {mode} | {login} | {refresh} | {ev[0] if ev else '—'} |")
med = {m: (statistics.median(x[0] for x in v), statistics.median(x[1] for x in v)) for m, v in runs.items()}
lines += ["", "| median | sign-in (req/s) | refresh (req/s) |", "|---|---|---|"]
for m in ("off", "on"):
    lines.append(f"| audit {m} | {med[m][0]:.1f} | {med[m][1]:.1f} |")
lines.append(f"| **on ÷ off** | **{med['on'][0] / med['off'][0]:.3f}** | **{med['on'][1] / med['off'][1]:.3f}** |")
open(out, "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
PY
