#!/usr/bin/env bash
# Instructions per evaluation of sixpoint alone, counted by callgrind (deterministic, unlike
# time): the engine (bind + evaluate + report object); the same with the report's parts that
# are made when first read (indicator records, actions, capacity statement) read; loading JSON
# text; and JSON text to report; over the first 60 of the peers bench's generated
# evaluations. Each job runs twice, 2 and 6 rounds, so that what is done once (compiling the
# ruleset, generating the files) cancels: (Ir at 6 - Ir at 2) / (4 × 60).
#
#   scripts/instructions.sh                 # engine, read, load and json
#   JOBS=engine scripts/instructions.sh
#
# Builds the peers bench (its own crate: the first build takes about ten minutes, for
# zen-engine). Needs valgrind.
set -euo pipefail

cd "$(dirname "$0")/../benches/peers"
JOBS=${JOBS:-"engine read load json"}

if ! command -v valgrind > /dev/null; then
    echo "error: valgrind is needed (apt-get install valgrind)" >&2
    exit 2
fi
CARGO_INCREMENTAL=0 cargo bench --no-run --quiet 2> /dev/null || CARGO_INCREMENTAL=0 cargo bench --no-run
bench=$(ls -t target/release/deps/peers-* | grep -v '\.d$' | head -n 1)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
instructions() {
    valgrind --tool=callgrind --callgrind-out-file="$work/out" "$bench" --instructions "$1" "$2" 2>&1 \
        | sed -n 's/.*refs: *\([0-9,]*\).*/\1/p' | tr -d ,
}
for job in $JOBS; do
    low=$(instructions "$job" 2)
    high=$(instructions "$job" 6)
    echo "$job: $(( (high - low) / 240 )) instructions per evaluation"
done
