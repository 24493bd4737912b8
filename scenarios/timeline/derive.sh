#!/bin/bash
# The timeline read by an importer no one here wrote (host side):
#   devtools.json   what Chromium DevTools' trace engine made of timeline.json
#                   (lab/judge/devtools-import.py); kept while the file is
#                   unchanged, so judging a run again starts no browser
set -euo pipefail
run=$1
top=$(cd "$(dirname "$0")/../.." && pwd)
[ -f "$run/timeline.json" ] || exit 0
[ "$run/devtools.json" -nt "$run/timeline.json" ] ||
	"$top/lab/judge/devtools-import.py" "$run/timeline.json" "$run/devtools.json"
