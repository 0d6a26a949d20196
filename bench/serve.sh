#!/usr/bin/env bash
# Seed scenario page from the release build vs nginx serving the identical bytes as a static
# file. Each server is pinned to CPU 0 (nginx: one worker), wrk to CPU 1; rounds alternate so
# both see the same machine. Target: firedrill >= 0.8x nginx requests per second.
#
#   bench/serve.sh [SECONDS_PER_RUN] [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
require "wrk nginx-light util-linux curl" wrk nginx taskset curl
duration=${1:-10}
rounds=${2:-3}
connections=${CONNECTIONS:-32}
cargo build --release --quiet
work=$(mktemp -d)
chmod 755 "$work" # nginx workers drop to an unprivileged user
firedrill_pid= nginx_pid=
cleanup() {
    [ -n "$firedrill_pid" ] && kill "$firedrill_pid" 2>/dev/null || true
    [ -n "$nginx_pid" ] && kill "$nginx_pid" 2>/dev/null || true
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

page=/scenarios/gitops-drift-causing-outage
FIREDRILL_LOG=error taskset -c 0 target/release/firedrill serve --content content --bind 127.0.0.1:18080 &
firedrill_pid=$!
wait_ready "http://127.0.0.1:18080/healthz"

mkdir -p "$work/www" "$work/logs"
curl -sf "http://127.0.0.1:18080$page" -o "$work/www/seed.html"
cat > "$work/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $work/nginx.pid;
error_log $work/logs/error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 1000000;
    keepalive_timeout 65;
    client_body_temp_path $work/logs;
    proxy_temp_path $work/logs;
    fastcgi_temp_path $work/logs;
    uwsgi_temp_path $work/logs;
    scgi_temp_path $work/logs;
    types { text/html html; }
    charset utf-8;
    server {
        listen 127.0.0.1:18081;
        root $work/www;
        location = $page { try_files /seed.html =404; }
    }
}
CONF
taskset -c 0 nginx -c "$work/nginx.conf" &
nginx_pid=$!
wait_ready "http://127.0.0.1:18081$page"
cmp <(curl -sf "http://127.0.0.1:18081$page") "$work/www/seed.html" >/dev/null || { echo "nginx does not serve the same bytes" >&2; exit 1; }
bytes=$(wc -c < "$work/www/seed.html")

rps() { # URL -> requests per second; fails on any socket error or non-2xx answer
    local out
    out=$(taskset -c 1 wrk -t1 -c"$connections" -d"${duration}s" --latency "$1")
    if grep -qE "Non-2xx|Socket errors" <<<"$out"; then echo "$out" >&2; echo "errors during the run" >&2; exit 1; fi
    awk '/^Requests\/sec/ { print $2 }' <<<"$out"
}
echo "page: $page ($bytes bytes), $connections connections, ${duration}s per run, $rounds rounds"
nginx_runs=() firedrill_runs=()
for round in $(seq "$rounds"); do
    n=$(rps "http://127.0.0.1:18081$page"); f=$(rps "http://127.0.0.1:18080$page")
    nginx_runs+=("$n"); firedrill_runs+=("$f")
    printf 'round %d: nginx %10.0f req/s   firedrill %10.0f req/s   ratio %.2f\n' "$round" "$n" "$f" "$(echo "$f / $n" | bc -l)"
done
n=$(median "${nginx_runs[@]}"); f=$(median "${firedrill_runs[@]}")
ratio=$(echo "$f / $n" | bc -l)
printf 'median: nginx %.0f req/s, firedrill %.0f req/s, ratio %.2f (target >= 0.80)\n' "$n" "$f" "$ratio"
awk -v r="$ratio" 'BEGIN { exit !(r >= 0.8) }' || { echo "FAIL: below 0.8x nginx" >&2; exit 1; }
