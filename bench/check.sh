#!/usr/bin/env bash
# `firedrill check` on 2,000 generated scenarios (release build, from disk, output discarded):
# must finish in under 2 seconds. Uses hyperfine when installed, else a few timed runs.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
cargo run --release --quiet --example generate_content -- target/tmp/check-2000 2000
if command -v hyperfine >/dev/null; then
    hyperfine --warmup 2 --runs 10 --export-json target/tmp/check.json \
        'target/release/firedrill check --content target/tmp/check-2000 > /dev/null'
    mean=$(python3 -c 'import json; print(json.load(open("target/tmp/check.json"))["results"][0]["mean"])')
else
    start=$(date +%s.%N)
    for _ in 1 2 3 4 5; do target/release/firedrill check --content target/tmp/check-2000 > /dev/null; done
    mean=$(echo "($(date +%s.%N) - $start) / 5" | bc -l)
fi
printf 'check on 2,000 scenarios: %.3f s (target < 2 s)\n' "$mean"
awk -v m="$mean" 'BEGIN { exit !(m < 2.0) }' || { echo "FAIL: 2 seconds or more" >&2; exit 1; }
