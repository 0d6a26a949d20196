#!/usr/bin/env bash
# Answer submissions per second through HTTP (release build, 64 concurrent connections, each
# answer graded and committed durably before its 303) vs a plain loop committing one row per
# transaction with the same durability, on the same disk, rounds alternating:
# - SQLite (default): the server on a database in target/tmp, synchronous=FULL; the loop from
#   benches/submissions.rs with the same pragmas;
# - PostgreSQL (--postgres): a throwaway cluster in target/postgres-bench (scripts/postgres:
#   fsync and synchronous_commit on), the server on its database `firedrill_bench`, the loop
#   from benches/pg_inserts.rs on one connection to `raw_bench` in the same cluster.
# Fails below 1.0x or on any failed submission.
#
#   bench/submit-http.sh [--postgres] [SECONDS_PER_RUN] [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
require "wrk curl" wrk curl
backend=sqlite
if [ "${1:-}" = --postgres ]; then
    backend=postgres
    shift
fi
duration=${1:-10}
rounds=${2:-3}
cargo build --release --quiet
mkdir -p target/tmp
work=$(mktemp -d -p target/tmp submit-http-XXXX)
pid= cluster=
cleanup() {
    local status=$?
    # `|| true`: errexit holds in the trap too, and the server may be gone already.
    [ -z "$pid" ] || kill "$pid" 2>/dev/null || true
    wait 2>/dev/null || true
    rm -rf "$work"
    [ -n "$cluster" ] || return 0
    scripts/postgres stop "$cluster"
    # Its WAL grows by hundreds of MB a run; kept, with its log, only when something failed.
    if [ "$status" -eq 0 ]; then rm -rf "$cluster"; else echo "the cluster's log: $cluster/postgres.log" >&2; fi
}
trap cleanup EXIT

if [ $backend = postgres ]; then
    require postgresql-client psql
    cargo bench --quiet --bench pg_inserts --no-run 2>/dev/null
    # Its own port, so that a test cluster (scripts/test, port 54329) may run at the same time.
    cluster=target/postgres-bench
    admin=$(FIREDRILL_PG_PORT=${FIREDRILL_PG_PORT:-54339} scripts/postgres start "$cluster")
    psql -q "$admin" -c 'CREATE DATABASE firedrill_bench' -c 'CREATE DATABASE raw_bench'
    database=${admin%/postgres}/firedrill_bench
    # The server's sessions must not get weaker durability from the database's or role's
    # settings either: this is what they see (a session could still SET it; the store does not).
    sync=$(psql -At "$database" -c 'SHOW synchronous_commit')
    [ "$sync" = on ] || { echo "FAIL: firedrill_bench has synchronous_commit = $sync" >&2; exit 1; }
    # A PostgreSQL database has no file beside it for the server's key: one for this run.
    FIREDRILL_SECRET=$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')
    export FIREDRILL_SECRET
    baseline="plain PostgreSQL"
    raw_loop() { FIREDRILL_BENCH_POSTGRES=${admin%/postgres}/raw_bench cargo bench --quiet --bench pg_inserts -- 2000 1; }
else
    cargo bench --quiet --bench submissions --no-run 2>/dev/null
    database="sqlite://$work/http.db"
    baseline="plain SQLite"
    # That bench also measures the store and exits 1 when the store loses its round; only its
    # baseline is used here, and a run without one is caught below.
    raw_loop() { cargo bench --quiet --bench submissions -- 2000 1 64 || true; }
fi

# wrk's 64 connections all come from one address: no per-client connection cap.
FIREDRILL_LOG=error FIREDRILL_SUBMIT_RATE=0 FIREDRILL_MAX_CONNECTIONS_PER_CLIENT=0 target/release/firedrill serve --content content --database "$database" --bind 127.0.0.1:18082 &
pid=$!
wait_ready http://127.0.0.1:18082/healthz
# A learner identity is made by the first form post.
curl -s -o /dev/null -D "$work/headers" --data 'csrf=new&scenario=gitops-drift-causing-outage' http://127.0.0.1:18082/reveals
export FIREDRILL_COOKIE=$(grep -i '^set-cookie:' "$work/headers" | sed 's/^[^:]*: //; s/;.*//' | tr -d '\r')
page=$(curl -s -b "$FIREDRILL_COOKIE" http://127.0.0.1:18082/scenarios/gitops-drift-causing-outage)
export FIREDRILL_CSRF=$(grep -o 'name="csrf" value="[0-9a-f]*"' <<<"$page" | head -1 | sed 's/.*value="//; s/"//')

# The first rows written to a fresh cluster create its WAL files; a loop not timed takes that
# cost, so that the first round's baseline is not slowed by it.
if [ $backend = postgres ]; then raw_loop >/dev/null; fi

raw_runs=() http_runs=()
for round in $(seq "$rounds"); do
    raw=$(raw_loop | awk '/^median:/ { print $4 }')
    [ -n "$raw" ] || { echo "FAIL: the baseline printed no median" >&2; exit 1; }
    out=$(wrk -t2 -c64 -d"${duration}s" -s bench/post-answer.lua http://127.0.0.1:18082)
    if grep -qE "Non-2xx|Socket errors" <<<"$out"; then echo "$out" >&2; echo "FAIL: failed submissions" >&2; exit 1; fi
    http=$(awk '/^Requests\/sec/ { print $2 }' <<<"$out")
    raw_runs+=("$raw"); http_runs+=("$http")
    printf 'round %d: %s %8.0f rows/s   HTTP submissions %8.0f/s   ratio %.2f\n' "$round" "$baseline" "$raw" "$http" "$(echo "$http / $raw" | bc -l)"
done
raw=$(median "${raw_runs[@]}"); http=$(median "${http_runs[@]}")
count=$(curl -s -b "$FIREDRILL_COOKIE" http://127.0.0.1:18082/attempts | grep -c '/attempts/[0-9a-f]\{32\}' || true)
ratio=$(echo "$http / $raw" | bc -l)
printf 'median: %s %.0f rows/s, HTTP submissions %.0f/s, ratio %.2f (target >= 1.0); history shows %d (its newest page: 50)\n' "$baseline" "$raw" "$http" "$ratio" "$count"
awk -v r="$ratio" 'BEGIN { exit !(r >= 1.0) }' || { echo "FAIL: below 1.0x" >&2; exit 1; }
