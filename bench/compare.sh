#!/usr/bin/env bash
# One run, one table: kordon on SQLite and on PostgreSQL beside the machine's limits (measured in
# the same run: the HTTP floor /healthz, `openssl speed rsa2048` on every core, a pure argon2id
# rate) and beside the peers (glewlwyd, node-oidc-provider), loopback only, bounded by wrk -d.
#   bench/compare.sh
# Knobs: DUR (10s a scenario), ROUNDS (3: run.sh's rounds; a row is the median round, a ratio to
#   the floor the median of each round's), PEERS (1; 0 skips them), PG (postgres://postgres@127.0.0.1:5432/test),
#   RP (the peers' working copy, ~/.cache/kordon-peers: set up there from ../shared/peers, as
#   their README says; nothing of theirs is copied into this repository).
# Results: bench/results/<date>-<time>-compare.md (and run.sh's per-store files beside it).
set -euo pipefail
cd "$(dirname "$0")/.."
DUR=${DUR:-10s}; ROUNDS=${ROUNDS:-3}; PEERS=${PEERS:-1}; PG=${PG:-postgres://postgres@127.0.0.1:5432/test}
RP=${RP:-$HOME/.cache/kordon-peers}; SHARED=${SHARED:-$(cd .. && pwd)/shared/peers}
export STAMP=${STAMP:-$(date -u +%Y-%m-%d-%H%M)}; OUT=bench/results/$STAMP-compare.md
mkdir -p bench/results
python3 -c 'import argon2' 2>/dev/null || python3 -m pip install --quiet argon2-cffi
rsa() { openssl speed -seconds 5 -multi "$(nproc)" rsa2048 2>/dev/null | awk '/^rsa 2048 bits/ {print $6}'; }
summary() { # results file, scenario -> req/s
  awk -v n="$2" '$1 == n {print $2}' <(sed -n '/^== summary/,$p' "$1")
}
floor_ratio() { # the median of the rounds' ratios: the field after "÷healthz"
  awk -v n="$2" '$1 == n {for (i = 1; i < NF; i++) if ($i == "÷healthz") print $(i + 1)}' <(sed -n '/^== summary/,$p' "$1")
}
p99() { awk -v n="$2" '$1 == n {print $6}' <(sed -n '/^== summary/,$p' "$1"); }
rss() { sed -n 's/^== RSS after the run: \([0-9.]*\) MiB.*/\1/p' "$1"; }

RSA1=$(rsa); ARGON=$(python3 bench/argon2_rate.py 5)
DUR=$DUR ROUNDS=$ROUNDS bash bench/run.sh >/dev/null 2>&1
BENCH_DATABASE_URL=$PG DUR=$DUR ROUNDS=$ROUNDS bash bench/run.sh >/dev/null 2>&1
RSA2=$(rsa)
S=bench/results/$STAMP-sqlite.txt; P=bench/results/$STAMP-postgres.txt

declare -A PEER
if [ "$PEERS" = 1 ]; then
  if [ ! -x "$RP/bench-oidc-provider.sh" ]; then mkdir -p "$RP" && cp -r "$SHARED/." "$RP/" && chmod -R u+w "$RP"; fi
  command -v glewlwyd >/dev/null || (cd "$RP" && ./setup-tools.sh && ./setup-glewlwyd.sh)
  [ -d "$RP/oidc-provider/node_modules/oidc-provider" ] || (cd "$RP" && ./setup-oidc-provider.sh)
  (cd "$RP" && ./setup-glewlwyd.sh >/dev/null 2>&1 &&
    DUR=$DUR REPEATS=1 TAG=-compare SCENARIOS="userinfo cc password refresh" timeout 600 ./bench-glewlwyd.sh >/dev/null 2>&1 &&
    DUR=$DUR REPEATS=1 TAG=-compare SCENARIOS="userinfo cc refresh cc_jwt password_owasp" \
      timeout 600 ./bench-oidc-provider.sh >/dev/null 2>&1) || echo "a peer's bench failed: see $RP/results" >&2
  for peer in glewlwyd oidc-provider; do
    while IFS=$'\t' read -r _ scen _ rps _; do PEER[$peer:$scen]=$rps; done < <(cat "$RP/results/$peer-compare.tsv" 2>/dev/null)
  done
fi

ratio() { python3 -c "import sys; a, b = float(sys.argv[1] or 0), float(sys.argv[2] or 0); print(f'{a / b:.2f}' if b else '—')" "$1" "$2"; }
RSA=$(python3 -c "print(round(min($RSA1, $RSA2)))")
row() { # label scenario what-it-is-divided-by peers
  local s p bs bp; s=$(summary "$S" "$2"); p=$(summary "$P" "$2")
  case $3 in
    floor) # each round's own floor: the median of the rounds' ratios
      echo "| $1 | ${s:-—} (**$(floor_ratio "$S" "$2")**) | ${p:-—} (**$(floor_ratio "$P" "$2")**) | $4 |"
      return ;;
    empty) bs=$(summary "$S" authuser); bp=$(summary "$P" authuser) ;; # the same check, empty store
    rsa) bs=$RSA; bp=$RSA ;;
    argon) bs=$ARGON; bp=$ARGON ;;
  esac
  echo "| $1 | ${s:-—} (**$(ratio "$s" "$bs")**) | ${p:-—} (**$(ratio "$p" "$bp")**) | $4 |"
}
{
  echo "# kordon $(git rev-parse --short HEAD) · $(nproc) cores · wrk -c32 -d$DUR · $ROUNDS rounds · $(date -u +%FT%TZ)"
  echo
  echo "Limits in this run: RSA-2048 signs/s on every core $RSA1 before, $RSA2 after (ratios use the lower);"
  echo "argon2id (m=19456 KiB, t=2, p=1) $ARGON verifies/s (argon2-cffi, a process a core)."
  echo
  echo "| work | kordon SQLite (ratio) | kordon PostgreSQL (ratio) | peers: node-oidc-provider · glewlwyd |"
  echo "|---|---|---|---|"
  echo "| \`/healthz\` (the floor) | $(summary "$S" healthz) | $(summary "$P" healthz) | — |"
  row "cabinet bearer ÷ floor" authuser floor "userinfo ${PEER[oidc-provider:userinfo]:-—} · ${PEER[glewlwyd:userinfo]:-—}"
  row "personal API token ÷ floor" api_token floor "—"
  row "provider JWT ÷ floor" provider_jwt floor "—"
  row "SIP credential mint ÷ floor" mint_sip floor "—"
  row "client_credentials ÷ RSA" cc rsa "cc_jwt ${PEER[oidc-provider:cc_jwt]:-—} · ${PEER[glewlwyd:cc]:-—}"
  row "rotating refresh ÷ RSA" refresh rsa "non-rotating ${PEER[oidc-provider:refresh]:-—} · ${PEER[glewlwyd:refresh]:-—}"
  row "password login ÷ argon2" login argon "owasp ${PEER[oidc-provider:password_owasp]:-—} · ${PEER[glewlwyd:password]:-—}"
  row "bearer with 1,000,000 more sessions ÷ empty store" million empty "—"
  echo "| RSS after the run (MiB) | $(rss "$S") | $(rss "$P") | — |"
  echo "| bearer p99 during a login flood | $(p99 "$S" bearer_flood) | $(p99 "$P" bearer_flood) | — |"
} | tee "$OUT"
