#!/usr/bin/env bash
# Runs every fuzz target of the module, one at a time (go test accepts one -fuzz target per run),
# each for DURATION (default 10s), and fails if any of them fails. Targets are discovered from the
# source: every "func FuzzXxx(" in a *_test.go file of the module (the bench/ module excluded).
# A failing target prints its output; the crasher is written to that package's
# testdata/fuzz/FuzzXxx/ as usual (commit it as a seed only once the bug is fixed).
#   usage: scripts/fuzz-smoke.sh [DURATION]      e.g. scripts/fuzz-smoke.sh 10s
set -euo pipefail
cd "$(dirname "$0")/.."
dur="${1:-10s}"

mapfile -t targets < <(
  grep -rHoE --include='*_test.go' '^func Fuzz[A-Za-z0-9_]*\(' . \
    | grep -vE '^\./(bench|testdata)/|/testdata/' \
    | sed -E 's|^\./(.*)/[^/]*_test\.go:func (Fuzz[A-Za-z0-9_]*)\($|\1 \2|' \
    | sort -u
)
if [ "${#targets[@]}" -eq 0 ]; then
  echo "fuzz-smoke: no fuzz targets found" >&2
  exit 1
fi

echo "fuzz-smoke: ${#targets[@]} targets, ${dur} each"
fail=0 passed=0 failed=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT
for t in "${targets[@]}"; do
  pkg="${t%% *}" name="${t##* }"
  start=$SECONDS
  if go test -run='^$' -fuzz="^${name}\$" -fuzztime="$dur" "./${pkg}" >"$log" 2>&1; then
    execs=$(grep -oE 'execs: [0-9]+' "$log" | tail -1 | cut -d' ' -f2 || true)
    printf 'ok    %-12s %-22s %3ds  %s execs\n' "$pkg" "$name" $((SECONDS - start)) "${execs:-?}"
    passed=$((passed + 1))
  else
    printf 'FAIL  %-12s %-22s %3ds\n' "$pkg" "$name" $((SECONDS - start))
    sed 's/^/      /' "$log" | tail -40
    fail=1 failed=$((failed + 1))
  fi
done
echo "fuzz-smoke: ${passed} passed, ${failed} failed"
exit "$fail"
