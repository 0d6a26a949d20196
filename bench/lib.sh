# Shared by the bench/*.sh scripts: `source "$(dirname "$0")/lib.sh"`.

# Exits 2 naming the first missing tool and the Debian packages that bring them all.
require() { # PACKAGES TOOL...
    local packages=$1 tool
    shift
    for tool in "$@"; do
        command -v "$tool" >/dev/null || { echo "missing $tool: apt-get install $packages" >&2; exit 2; }
    done
}

# The median of the numbers given.
median() {
    printf '%s\n' "$@" | sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}

# Waits (up to 10 s) until URL answers 2xx.
wait_ready() { # URL
    local _
    for _ in $(seq 100); do curl -sf -o /dev/null "$1" && return 0; sleep 0.1; done
    echo "$1 did not answer within 10 s" >&2
    exit 1
}
