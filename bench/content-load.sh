#!/usr/bin/env bash
# Loading 2,000 generated scenarios vs pulldown-cmark alone parsing the same bytes, one run.
# Target: firedrill_site_build <= 3x pulldown_cmark_parse.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo bench --bench content_load -- "$@"
python3 - <<'PY'
import json, pathlib
base = pathlib.Path("target/criterion/load_2000_scenarios")
def mean(name):
    return json.loads((base / name / "new" / "estimates.json").read_text())["mean"]["point_estimate"] / 1e6
parse = mean("pulldown_cmark_parse")
build = mean("firedrill_site_build")
render = mean("pulldown_cmark_parse_and_push_html")
disk = mean("firedrill_load_from_disk")
single = mean("firedrill_site_build_one_thread")
print(f"pulldown-cmark parse : {parse:8.2f} ms")
print(f"pulldown-cmark + html: {render:8.2f} ms  ({render / parse:.2f}x parse; for context)")
print(f"firedrill build      : {build:8.2f} ms  ({build / parse:.2f}x parse; target <= 3x)")
print(f"firedrill, 1 thread  : {single:8.2f} ms  ({single / parse:.2f}x parse)")
print(f"firedrill from disk  : {disk:8.2f} ms  ({disk / parse:.2f}x parse)")
if build / parse > 3:
    raise SystemExit("FAIL: loading is more than 3x pulldown-cmark alone")
PY
