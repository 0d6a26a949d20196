#!/usr/bin/env bash
# Committing attempts through the store (64 concurrent tasks, group commit) vs plain SQLite
# committing one row per transaction, both with WAL and synchronous=FULL, in one run on the same
# disk (target/tmp). Fails if the store is slower or any submission fails.
#
#   bench/submissions.sh [ROWS] [ROUNDS] [TASKS]    # defaults: 2000 rows, 3 rounds, 64 tasks
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p target/tmp
if [ "$(stat -f -c %T target/tmp)" = tmpfs ]; then
    echo "target/tmp is on tmpfs: the figures would not include syncs to disk" >&2
    exit 2
fi
cargo bench --quiet --bench submissions -- "$@"
