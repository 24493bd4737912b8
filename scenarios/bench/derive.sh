#!/bin/bash
# The bench's figures from its raw records (figures.sh), for its checks:
# what the bench reports is recomputed there from the rows.
here=$(dirname "$(readlink -f "$0")")
exec "$here/figures.sh" "$1" >"$1/figures.json"
