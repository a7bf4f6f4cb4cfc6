#!/usr/bin/env bash
# kordon's one test command: installs what the tests need (from the package registries only),
# finds PostgreSQL — at KORDON_TEST_DATABASE_URL, else the local default — or starts a throwaway
# one of its own, runs every test of the workspace on SQLite and PostgreSQL, and ends with one
# line "N passed, N failed" over every test binary. It fails loudly; it never skips.
#   ./test.sh                  # everything
#   ./test.sh -p kordon --test defender     # arguments replace `--workspace` in `cargo test`
set -euo pipefail
cd "$(dirname "$0")"
export CARGO_TERM_COLOR=${CARGO_TERM_COLOR:-never}

say() { printf '\n==> %s\n' "$*"; }
fail() { echo "FAIL: $*" >&2; exit 1; }
APT_UPDATED=
apt_install() { # packages…
  command -v apt-get >/dev/null || fail "apt-get is missing: install $* by hand"
  [ -n "$APT_UPDATED" ] || { apt-get update -qq; APT_UPDATED=1; }
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

say "tools the tests need"
# PostgreSQL's client; promtool and a real Prometheus for the metrics tests; the SMTP tests'
# real SMTP server (aiosmtpd); PyJWT, an independent JWT check; curl with HTTP/2 for the flood
# test; schemathesis, the OpenAPI fuzzer (pinned: a fixed seed means the same cases only with the
# same version); Chromium and playwright-core for the explorer and the login pages, and
# openid-client, the certified relying party of the OpenID Connect test; Apache httpd with
# mod_auth_openidc, another relying party.
command -v psql >/dev/null || apt_install postgresql-client
{ command -v promtool && command -v prometheus; } >/dev/null || apt_install prometheus
curl --version 2>/dev/null | grep -q nghttp2 || apt_install curl
python3 -c 'import aiosmtpd' 2>/dev/null || python3 -m pip install --quiet aiosmtpd
python3 -c 'import aiosmtpd' 2>/dev/null || fail "aiosmtpd could not be installed"
python3 -c 'import jwt, cryptography' 2>/dev/null || python3 -m pip install --quiet 'pyjwt[crypto]'
python3 -c 'import jwt, cryptography' 2>/dev/null || fail "PyJWT could not be installed"
SCHEMATHESIS_VERSION=4.32.5
python3 -c "import importlib.metadata as m, sys; sys.exit(m.version('schemathesis') != '$SCHEMATHESIS_VERSION')" \
  2>/dev/null || python3 -m pip install --quiet "schemathesis==$SCHEMATHESIS_VERSION"
KORDON_SCHEMATHESIS=$(python3 -c 'import sysconfig; print(sysconfig.get_path("scripts"))')/schemathesis
[ -x "$KORDON_SCHEMATHESIS" ] || fail "schemathesis could not be installed"
export KORDON_SCHEMATHESIS
# Apache httpd with mod_auth_openidc: a relying party no one here wrote (tests/api/apache_rp.rs).
{ command -v apache2 && [ -f /usr/lib/apache2/modules/mod_auth_openidc.so ]; } >/dev/null \
  || apt_install apache2 libapache2-mod-auth-openidc
{ command -v apache2 && [ -f /usr/lib/apache2/modules/mod_auth_openidc.so ]; } >/dev/null \
  || fail "apache2 with mod_auth_openidc could not be installed"
# oathtool computes authenticator codes (RFC 6238) for the second-factor tests: an
# implementation kordon did not write (tests/api/mfa_totp.rs).
command -v oathtool >/dev/null || apt_install oathtool
command -v oathtool >/dev/null || fail "oathtool could not be installed"
# Real SIP and TURN servers for the telephony tests (tests/api/telephony_*.rs): Kamailio with
# auth_ephemeral and http_client, coturn (turnserver, turnutils_uclient), sipsak and sipp.
telephony_tools() {
  command -v kamailio && command -v turnserver && command -v turnutils_uclient && command -v sipsak \
    && command -v sipp && ls /usr/lib/*/kamailio/modules/auth_ephemeral.so /usr/lib/*/kamailio/modules/http_client.so
}
telephony_tools >/dev/null 2>&1 \
  || apt_install kamailio kamailio-autheph-modules kamailio-utils-modules coturn sipsak sip-tester
telephony_tools >/dev/null 2>&1 || fail "kamailio, its auth_ephemeral and http_client modules, coturn, sipsak and sipp could not be installed"
command -v "${KORDON_CHROMIUM:-chromium}" >/dev/null || apt_install chromium
command -v "${KORDON_CHROMIUM:-chromium}" >/dev/null || fail "chromium could not be installed"
command -v node >/dev/null || apt_install nodejs npm
node -e 'process.exit(+process.versions.node.split(".")[0] >= 20 ? 0 : 1)' 2>/dev/null \
  || fail "the explorer test needs Node >= 20 (node: $(node --version 2>&1))"
npm ci --prefix crates/kordon/tests/explorer --no-audit --no-fund --loglevel=error
npm ci --prefix crates/kordon/tests/oidc-rp --no-audit --no-fund --loglevel=error

answers() { psql "$1" -qtAc 'SELECT 1' >/dev/null 2>&1; }

# A PostgreSQL of our own in a temp folder, stopped when this script ends.
throwaway_postgres() {
  PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)
  if [ -z "$PG_BIN" ] || [ ! -x "$PG_BIN/initdb" ]; then
    apt_install postgresql
    PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n1)
  fi
  PGTMP=$(mktemp -d)
  PG_AS=()
  local port=55432
  while (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
  if [ "$(id -u)" = 0 ]; then # initdb refuses root: run the cluster as the postgres user
    id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
    chown postgres "$PGTMP"
    PG_AS=(runuser -u postgres --)
  fi
  "${PG_AS[@]}" "$PG_BIN/initdb" -D "$PGTMP/data" -U postgres --auth=trust -E UTF8 >"$PGTMP/initdb.log" 2>&1 \
    || { cat "$PGTMP/initdb.log" >&2; fail "initdb failed"; }
  "${PG_AS[@]}" "$PG_BIN/pg_ctl" -D "$PGTMP/data" -l "$PGTMP/server.log" -w \
    -o "-p $port -k $PGTMP -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300" start >/dev/null \
    || { cat "$PGTMP/server.log" >&2; fail "the throwaway PostgreSQL did not start"; }
  trap '"${PG_AS[@]}" "$PG_BIN/pg_ctl" -D "$PGTMP/data" -m fast stop >/dev/null 2>&1; rm -rf "$PGTMP"' EXIT
  psql "postgres://postgres@127.0.0.1:$port/postgres" -qc 'CREATE DATABASE test' >/dev/null
  export KORDON_TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$port/test"
}

say "PostgreSQL"
DEFAULT_URL=postgres://postgres@127.0.0.1:5432/test
if [ -n "${KORDON_TEST_DATABASE_URL:-}" ] && answers "$KORDON_TEST_DATABASE_URL"; then
  echo "using KORDON_TEST_DATABASE_URL=$KORDON_TEST_DATABASE_URL"
elif answers "$DEFAULT_URL"; then
  [ -z "${KORDON_TEST_DATABASE_URL:-}" ] || echo "KORDON_TEST_DATABASE_URL does not answer; the local default does"
  export KORDON_TEST_DATABASE_URL=$DEFAULT_URL
  echo "using $DEFAULT_URL"
else
  echo "no PostgreSQL answers at ${KORDON_TEST_DATABASE_URL:-$DEFAULT_URL}: starting a throwaway one"
  throwaway_postgres
  echo "using $KORDON_TEST_DATABASE_URL (stopped and deleted when the tests end)"
fi
answers "$KORDON_TEST_DATABASE_URL" || fail "PostgreSQL does not answer at $KORDON_TEST_DATABASE_URL"

args=("$@")
[ $# -gt 0 ] || args=(--workspace)
say "cargo test ${args[*]}"
log=$(mktemp)
set +e
cargo test --no-fail-fast "${args[@]}" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
# One closing tally over every test binary (cargo's own last line is one binary's).
awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($i ~ /^passed;?$/) p += $(i-1); if ($i ~ /^failed;?$/) f += $(i-1) } }
     END { printf "\n%d passed, %d failed\n", p, f }' "$log"
rm -f "$log"
exit "$status"
