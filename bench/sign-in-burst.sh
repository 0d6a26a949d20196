#!/usr/bin/env bash
# Scenario page requests per second while a burst of sign-ins hashes passwords, against the
# same page with no sign-ins, in alternating rounds on one server (release build). The server
# is pinned to CPU 0, both load generators to CPU 1. Sign-in rate limits are lifted so every
# sign-in costs a full Argon2id check. Target: pages during the burst >= 0.7x pages without.
#
#   bench/sign-in-burst.sh [SECONDS_PER_RUN] [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
require "wrk util-linux curl bc" wrk taskset curl bc
duration=${1:-10}
rounds=${2:-3}
connections=${CONNECTIONS:-32}
signers=${SIGNERS:-16}
cargo build --release --quiet
work=$(mktemp -d)
pid=
cleanup() {
    [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

db="sqlite://$work/burst.db"
password=correct-horse-battery-staple
echo "$password" | target/release/firedrill user add bench --database "$db" >/dev/null
FIREDRILL_LOG=error FIREDRILL_SIGN_IN_RATE=0 taskset -c 0 \
    target/release/firedrill serve --content content --database "$db" --bind 127.0.0.1:18083 &
pid=$!
wait_ready "http://127.0.0.1:18083/healthz"
base=http://127.0.0.1:18083
page=/scenarios/gitops-drift-causing-outage
code=$(curl -s -o /dev/null -w '%{http_code}' -d "csrf=new&name=bench&password=$password" "$base/sign-in")
[ "$code" = 303 ] || { echo "a sign-in answered $code, not 303" >&2; exit 1; }

pages() { # requests per second of the page; fails on any error
    local out
    out=$(taskset -c 1 wrk -t1 -c"$connections" -d"${duration}s" "$base$page")
    if grep -qE "Non-2xx|Socket errors" <<<"$out"; then echo "$out" >&2; echo "errors during the page run" >&2; exit 1; fi
    awk '/^Requests\/sec/ { print $2 }' <<<"$out"
}
echo "page: $page, $connections page connections, $signers signing in, ${duration}s per run, $rounds rounds"
alone=() during=() signins=()
for round in $(seq "$rounds"); do
    a=$(pages)
    # The burst starts a second early and ends after the page run.
    FIREDRILL_PASSWORD=$password taskset -c 1 wrk -t1 -c"$signers" -d"$((duration + 2))s" --timeout 60s \
        -s bench/sign-in.lua "$base/sign-in" >"$work/burst.txt" &
    burst=$!
    sleep 1
    d=$(pages)
    wait "$burst"
    s=$(awk '/^Requests\/sec/ { print $2 }' "$work/burst.txt")
    if grep -qE "Socket errors" "$work/burst.txt" || grep "sign-in answers" "$work/burst.txt" | grep -qv "answers 303"; then
        cat "$work/burst.txt" >&2; echo "sign-ins failed during the burst" >&2; exit 1
    fi
    alone+=("$a"); during+=("$d"); signins+=("$s")
    printf 'round %d: pages alone %8.0f req/s   during the burst %8.0f req/s (%5.1f sign-ins/s)   ratio %.2f\n' \
        "$round" "$a" "$d" "$s" "$(echo "$d / $a" | bc -l)"
done
a=$(median "${alone[@]}"); d=$(median "${during[@]}"); s=$(median "${signins[@]}")
ratio=$(echo "$d / $a" | bc -l)
printf 'median: pages alone %.0f req/s, during the burst %.0f req/s (%.1f sign-ins/s), ratio %.2f (target >= 0.70)\n' "$a" "$d" "$s" "$ratio"
awk -v r="$ratio" 'BEGIN { exit !(r >= 0.7) }' || { echo "FAIL: below 0.7x" >&2; exit 1; }
