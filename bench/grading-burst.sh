#!/usr/bin/env bash
# /healthz latency while large answers are graded: a burst of 30 submissions of a
# 20,000-character adversarial answer ("fix " repeated: the worst case found for the seed
# scenario when window selection was quadratic) from one anonymous client, within the default
# limit of 30 a minute per address; then 48 parallel saves of 20,000-character candidate notes
# to one interview (within the default 60 a minute per interview). The release server is
# pinned to CPU 0 (one async worker, one grading thread), the clients to CPU 1, the posting
# ones at nice 15 so that starting 30-48 curl processes does not delay the probe's own. /healthz
# is fetched over and over on one keep-alive connection from just before each burst until it
# ends, and for as long with no burst first (the baseline: this machine's noise). Target: the
# slowest /healthz during a burst under 100 ms, every submission 303 and every save 303.
#
#   bench/grading-burst.sh [SUBMISSIONS] [SAVES]     # defaults 30 and 48
#   FIREDRILL_BIN=path/to/firedrill bench/grading-burst.sh   # another build (not rebuilt)
#   REPEAT=5 bench/grading-burst.sh      # control: the same bursts of 20-character answers
set -euo pipefail
cd "$(dirname "$0")/.."
submissions=${1:-30}
saves=${2:-48}
for tool in curl taskset awk bc; do
    command -v "$tool" >/dev/null || { echo "missing $tool: apt-get install curl util-linux gawk bc" >&2; exit 2; }
done
bin=${FIREDRILL_BIN:-target/release/firedrill}
[ -n "${FIREDRILL_BIN:-}" ] || cargo build --release --quiet
mkdir -p target/tmp
work=$(mktemp -d -p target/tmp grading-burst-XXXX)
pid=
cleanup() {
    [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

port=${PORT:-18094}
base=http://127.0.0.1:$port
slug=gitops-drift-causing-outage
db="sqlite://$work/burst.db"
password=correct-horse-battery-staple
echo "$password" | "$bin" user add ivy --role interviewer --database "$db" >/dev/null
FIREDRILL_LOG=error taskset -c 0 \
    "$bin" serve --content content --database "$db" --bind "127.0.0.1:$port" &
pid=$!
for _ in $(seq 100); do curl -sf -o /dev/null "$base/healthz" && break; sleep 0.1; done

# 20,000 characters: "fix " 5,000 times, form-encoded ("fix+").
answer=$(printf 'fix+%.0s' $(seq ${REPEAT:-5000}))
c() { taskset -c 1 curl -s "$@"; }

# An anonymous learner: the first form post makes the identity; the page then has its token.
c -o /dev/null -c "$work/learner" --data "csrf=new&scenario=$slug" "$base/reveals"
csrf=$(c -b "$work/learner" "$base/scenarios/$slug" | grep -o 'name="csrf" value="[0-9a-f]*"' | head -1 | sed 's/.*value="//; s/"//')
printf 'csrf=%s&scenario=%s&answer=%s' "$csrf" "$slug" "$answer" >"$work/answer.form"

# An interview and its candidate link.
c -o /dev/null -c "$work/ivy" --data "csrf=new&name=ivy&password=$password" "$base/sign-in"
csrf=$(c -b "$work/ivy" "$base/scenarios/$slug" | grep -o 'name="csrf" value="[0-9a-f]*"' | head -1 | sed 's/.*value="//; s/"//')
console=$(c -o /dev/null -b "$work/ivy" -w '%{redirect_url}' --data "csrf=$csrf&scenario=$slug&candidate=Sam" "$base/interviews")
link=$(c -b "$work/ivy" "$console" | grep -o 'id="candidate-link" readonly value="[^"]*"' | sed 's/.*value="//; s/"//')
[ -n "$link" ] || { echo "could not start an interview" >&2; exit 1; }
printf 'text=%s' "$answer" >"$work/notes.form"

# /healthz on one connection, 20 requests per curl, until the burst's marker file appears.
healthz=()
for _ in $(seq 20); do healthz+=(-o /dev/null "$base/healthz"); done
probe() {
    while [ ! -e "$work/done" ]; do
        c -w '%{time_total}\n' "${healthz[@]}"
    done >"$work/healthz.txt"
}

# BURST NAME COUNT CURL-ARGS...: COUNT parallel posts, /healthz probed meanwhile; prints a line.
burst() {
    local name=$1 count=$2; shift 2
    rm -f "$work/done" "$work/codes.txt"
    probe &
    local prober=$!
    sleep 0.2
    local start=$(date +%s.%N) posts=()
    for _ in $(seq "$count"); do
        nice -n 15 taskset -c 1 curl -s -o /dev/null -w '%{http_code}\n' "$@" >>"$work/codes.txt" &
        posts+=($!)
    done
    [ "$count" = 0 ] && sleep "${IDLE:-0.5}"
    [ "$count" = 0 ] || wait "${posts[@]}"
    local took=$(echo "$(date +%s.%N) - $start" | bc -l)
    sleep 0.2
    touch "$work/done"
    wait "$prober"
    touch "$work/codes.txt"
    local ok=$(grep -c '^303$' "$work/codes.txt" || true)
    sort -g "$work/healthz.txt" | awk -v name="$name" -v ok="$ok" -v count="$count" -v took="$took" '
        { t[NR] = $1 * 1000 }
        END { printf "%-24s %3d/%d answered 303 in %.2f s; /healthz: %d requests, p50 %.2f ms, p99 %.2f ms, max %.1f ms\n",
              name, ok, count, took, NR, t[int(NR * 0.5) + 1], t[int(NR * 0.99) + 1], t[NR] }'
    max=$(sort -g "$work/healthz.txt" | tail -1)
    if [ "$ok" != "$count" ]; then
        sort "$work/codes.txt" | uniq -c >&2; echo "FAIL: not every one of the $name answered 303" >&2; failed=1
    fi
    [ "$count" = 0 ] && return
    awk -v m="$max" 'BEGIN { exit !(m < 0.1) }' || { echo "FAIL: /healthz took ${max}s during the $name (target < 0.1 s)" >&2; failed=1; }
}

echo "release server on CPU 0, clients on CPU 1; answers and notes of $(( ${#answer} / 4 * 4 )) characters"
failed=0
IDLE=0.5 burst "baseline (no burst)" 0
burst submissions "$submissions" -b "$work/learner" --data-binary @"$work/answer.form" "$base/attempts"
burst "notes saves" "$saves" -H 'Content-Type: application/x-www-form-urlencoded' --data-binary @"$work/notes.form" "$base$link/notes"
exit "$failed"
