#!/usr/bin/env bash
# Runs the benchmarks (issues 7 and 16) and prints everything BENCHMARKS.md publishes:
#   ./run.sh [results file]   (default results/new.txt; COUNT=10 runs of every benchmark, in rounds)
# 1. the raw results (kept in the results file), 2. the benchstat table, 3. medians, ratios and
# every issue 16 target with PASS/FAIL (cmd/ratios; from the medians, then from the paired
# benchmarks of bench/, which alternate the operations compared inside every iteration and compare
# thread CPU time) and the chart (results file with .svg), 4. the encoders' paired benchmarks in
# multipart, 5. CPU profiles of the sesraw sub-benchmarks and the mutex and block profiles of the
# parallel benchmarks (pprof -top, files under results/, not committed).
set -euo pipefail
cd "$(dirname "$0")"
out=${1:-results/new.txt}
count=${COUNT:-10}
benchstat=golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da

echo "== machine"
lscpu | grep -E '^(Model name|CPU\(s\)|Thread|Core)' || true
go version
# The runs are interleaved: each of the count rounds runs every benchmark once, so every
# benchmark's median draws on the same stretch of time. With -count, the ten runs of one benchmark
# came one after another, and a ratio of two medians compared different minutes of a VM whose
# speed drifts (the Build+Sign row moved from 1.08x to 1.14x between two runs with no change).
echo "== $count rounds of: go test -run='^\$' -bench=. -count=1"
bin=results/bench.test.tmp
go test -c -o "$bin"
: >"$out"
for round in $(seq "$count"); do
  echo "-- round $round of $count" >&2
  "./$bin" -test.run='^$' -test.bench=. -test.count=1 -test.timeout=2h | tee -a "$out"
done
rm -f "$bin"
echo "== benchstat"
go run "$benchstat" "$out"
echo "== ratios and targets"
go run ./cmd/ratios -svg "${out%.txt}.svg" "$out"
echo "== multipart paired encoder benchmarks (thread CPU time; ours/std > 1: sesraw faster)"
(cd ../multipart && go test -run='^$' -bench='QPPaired|Base64LinesPaired' -count="${PAIRED_COUNT:-3}")

if [ "${PROFILE:-1}" = 1 ]; then
  for p in 'build:^BenchmarkBuild$/^lib=sesraw$' 'sign-ed25519:^BenchmarkBuildSign$/^key=ed25519$/^lib=sesraw$' \
           'xses-read:^BenchmarkXSESRead$/^lib=sesraw$' 'xses-remove:^BenchmarkXSESRemove$/^lib=sesraw$' \
           'large:^BenchmarkBuildLarge$/^lib=sesraw$'; do
    name=${p%%:*} b=${p#*:}
    echo "== profile $name ($b)"
    go test -run='^$' -bench="$b" -benchtime=3s -cpuprofile "results/$name.cpu.prof" -o results/bench.test.tmp >/dev/null
    go tool pprof -top -nodecount=25 results/bench.test.tmp "results/$name.cpu.prof" 2>/dev/null | sed -n '1,32p'
  done
  echo "== contention: mutex and block profiles of BuildParallel and BuildSignParallel (frames in builder, dkim, multipart)"
  go test -run='^$' -bench='Parallel' -benchtime=2s -mutexprofile results/mutex.prof -blockprofile results/block.prof \
    -o results/bench.test.tmp >/dev/null
  for prof in mutex block; do
    echo "-- $prof (all, then only what passes through builder, dkim or multipart)"
    go tool pprof -top -nodecount=8 results/bench.test.tmp "results/$prof.prof" 2>/dev/null | sed -n '5,16p'
    go tool pprof -top -nodecount=8 -focus='sesraw/(builder|dkim|multipart)' results/bench.test.tmp "results/$prof.prof" 2>&1 | sed -n '1,16p'
  done
  rm -f results/bench.test.tmp
fi
