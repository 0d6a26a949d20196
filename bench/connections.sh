#!/usr/bin/env bash
# Slow and idle clients against the release server (bench/connections.py does the clients):
#  1. the security review's case: open-file limit 256, one address opens 300 silent sockets;
#     /healthz from another address must keep answering;
#  2. default limits, 20 addresses x 50 silent sockets: memory and open files per held
#     connection, and how soon the header-read timeout frees them;
#  3. default limits, 5 addresses x 20 sockets each sending 300 KiB of headers that never end:
#     what the server buffers for slow clients.
#
#   bench/connections.sh            FIREDRILL_BIN=path/to/firedrill bench/connections.sh
set -euo pipefail
cd "$(dirname "$0")/.."
for tool in python3 curl; do
    command -v "$tool" >/dev/null || { echo "missing $tool" >&2; exit 2; }
done
bin=${FIREDRILL_BIN:-target/release/firedrill}
[ -n "${FIREDRILL_BIN:-}" ] || cargo build --release --quiet
work=$(mktemp -d)
pid=
# stop: stops the server and sums up its log (warnings and errors, counted by message).
stop() {
    [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
    wait 2>/dev/null || true
    pid=
    [ -f "$work/server.log" ] && sed -E 's/^[^ ]+ +//; s/client=[^ ]+ //; s/refused=[0-9]+ //' "$work/server.log" \
        | grep -v 'content:' | sort | uniq -c | sed 's/^/  log: /' || true
}
trap 'stop; rm -rf "$work"' EXIT

# serve FILE_LIMIT: starts the server with that open-file limit (soft and hard) on port 18085.
serve() {
    (ulimit -n "$1" && FIREDRILL_LOG=warn exec "$bin" serve --content content \
        --database "sqlite://$work/conn.db" --bind 127.0.0.1:18085 2>"$work/server.log") &
    pid=$!
    for _ in $(seq 100); do curl -sf -o /dev/null http://127.0.0.1:18085/healthz && return; sleep 0.1; done
    echo "the server did not start" >&2; exit 1
}

echo "open-file limit 256, 300 silent sockets from one address:"
serve 256
python3 bench/connections.py 127.0.0.1:18085 "$pid" 300 1
stop
echo "open-file limit $(ulimit -Hn), 20 addresses x 50 silent sockets:"
serve "$(ulimit -Hn)"
python3 bench/connections.py 127.0.0.1:18085 "$pid" 50 20
stop
echo "open-file limit $(ulimit -Hn), 5 addresses x 20 sockets sending 300 KiB of unfinished headers:"
serve "$(ulimit -Hn)"
python3 bench/connections.py 127.0.0.1:18085 "$pid" 20 5 30 300
