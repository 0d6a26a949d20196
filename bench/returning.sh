#!/usr/bin/env bash
# The seed scenario page for a first-time visitor (no cookie) beside the same page for
# returning learners who have answered it: an anonymous one (signed learner cookie) and a
# signed-in one (session cookie). One release server pinned to CPU 0, wrk pinned to CPU 1; the
# three runs alternate within each round so all see the same machine. Each returning run must
# get the page with the answers open (the learner's own view), or the script fails.
# Target: each returning page >= 0.8x the first-visit page.
#
#   bench/returning.sh [SECONDS_PER_RUN] [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
require "wrk util-linux curl bc" wrk taskset curl bc
duration=${1:-10}
rounds=${2:-3}
connections=${CONNECTIONS:-32}
cargo build --release --quiet
work=$(mktemp -d)
pid=
cleanup() {
    [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

db="sqlite://$work/returning.db"
password=correct-horse-battery-staple
echo "$password" | target/release/firedrill user add bench --database "$db" >/dev/null
FIREDRILL_LOG=error FIREDRILL_SUBMIT_RATE=0 taskset -c 0 \
    target/release/firedrill serve --content content --database "$db" --bind 127.0.0.1:18084 &
pid=$!
wait_ready "http://127.0.0.1:18084/healthz"
base=http://127.0.0.1:18084
page=/scenarios/gitops-drift-causing-outage
slug=gitops-drift-causing-outage
answer="answer=ArgoCD+and+the+HPA+fight+over+spec.replicas%3B+add+ignoreDifferences+in+Git"

# An anonymous learner answers (its cookie is made by the first form post).
code=$(curl -s -c "$work/anon.txt" -o /dev/null -w '%{http_code}' -d "csrf=new&scenario=$slug&$answer" "$base/attempts")
[ "$code" = 303 ] || { echo "the anonymous answer got $code, not 303" >&2; exit 1; }
anon=$(awk '$6 == "firedrill_learner" { print "firedrill_learner=" $7 }' "$work/anon.txt")
# A signed-in learner answers.
code=$(curl -s -c "$work/user.txt" -o /dev/null -w '%{http_code}' -d "csrf=new&name=bench&password=$password" "$base/sign-in")
[ "$code" = 303 ] || { echo "sign-in got $code, not 303" >&2; exit 1; }
user=$(awk '$6 == "firedrill_session" { print "firedrill_session=" $7 }' "$work/user.txt")
csrf=$(curl -s -H "Cookie: $user" "$base$page" | grep -o 'name="csrf" value="[0-9a-f]*"' | head -1 | grep -o '[0-9a-f]\{32,\}')
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $user" -d "csrf=$csrf&scenario=$slug&$answer" "$base/attempts")
[ "$code" = 303 ] || { echo "the signed-in answer got $code, not 303" >&2; exit 1; }
# (Each page is read whole before grep looks at it: `grep -q` closing the pipe early would
# fail curl, and the pipeline with it.)
for cookie in "$anon" "$user"; do
    shown=$(curl -s -H "Cookie: $cookie" "$base$page")
    grep -q '<details class="spoiler"' <<<"$shown" \
        || { echo "a returning learner does not see the open answers" >&2; exit 1; }
done
shown=$(curl -s "$base$page")
! grep -q '<details class="spoiler"' <<<"$shown" || { echo "a first visit sees the answers" >&2; exit 1; }

rps() { # [COOKIE] -> requests per second of the page; fails on any error
    local out
    out=$(taskset -c 1 wrk -t1 -c"$connections" -d"${duration}s" ${1:+-H "Cookie: $1"} "$base$page")
    if grep -qE "Non-2xx|Socket errors" <<<"$out"; then echo "$out" >&2; echo "errors during the run" >&2; exit 1; fi
    awk '/^Requests\/sec/ { print $2 }' <<<"$out"
}
echo "page: $page, $connections connections, ${duration}s per run, $rounds rounds"
first=() anons=() users=()
for round in $(seq "$rounds"); do
    f=$(rps); a=$(rps "$anon"); u=$(rps "$user")
    first+=("$f"); anons+=("$a"); users+=("$u")
    printf 'round %d: first visit %8.0f   returning anonymous %8.0f (%.2fx)   returning signed in %8.0f (%.2fx) req/s\n' \
        "$round" "$f" "$a" "$(echo "$a / $f" | bc -l)" "$u" "$(echo "$u / $f" | bc -l)"
done
f=$(median "${first[@]}"); a=$(median "${anons[@]}"); u=$(median "${users[@]}")
ra=$(echo "$a / $f" | bc -l); ru=$(echo "$u / $f" | bc -l)
printf 'median: first visit %.0f, returning anonymous %.0f (%.2fx), returning signed in %.0f (%.2fx) req/s (target >= 0.80x)\n' "$f" "$a" "$ra" "$u" "$ru"
awk -v a="$ra" -v u="$ru" 'BEGIN { exit !(a >= 0.8 && u >= 0.8) }' || { echo "FAIL: a returning page below 0.8x the first visit" >&2; exit 1; }
