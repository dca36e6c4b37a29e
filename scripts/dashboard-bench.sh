#!/usr/bin/env bash
# The dashboard at scale: N (default 1,000) evaluations made from the seeds of
# every framework (each a copy under a numbered organisation name), the
# dashboard of them built with `eval --rulesets rulesets … --format html`,
# then opened in headless Chromium, with and without a report open. Prints
# the measurements; it asserts nothing (no test depends on a time).
#
#   scripts/dashboard-bench.sh            # 1,000 evaluations
#   N=3000 scripts/dashboard-bench.sh
#   SIXPOINT=target/release/sixpoint scripts/dashboard-bench.sh
set -euo pipefail
cd "$(dirname "$0")/.."

n=${N:-1000}
chromium=${CHROMIUM:-/usr/bin/chromium}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if [[ -z "${SIXPOINT:-}" ]]; then
    cargo build --quiet
    SIXPOINT=target/debug/sixpoint
fi

mapfile -t seeds < <(find seeds -mindepth 2 -maxdepth 2 \( -name '*.yaml' -o -name '*.json' \) \
    ! -name '*.previous.*' ! -path 'seeds/crosswalks/*' | sort)
for ((k = 0; k < n; k++)); do
    seed=${seeds[k % ${#seeds[@]}]}
    dir="$work/data/$(basename "$(dirname "$seed")")"
    mkdir -p "$dir"
    # The organisation renamed, so that every row of the heat map is its own.
    sed -E "s/^([[:space:]]*\"?organisation\"?[[:space:]]*:[[:space:]]*)\"([^\"]*)\"/\1\"\2 #$k\"/" "$seed" \
        >"$dir/$(printf '%05d' "$k").${seed##*.}"
done

now() { date +%s.%N; }
seconds() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

page="$work/dashboard.html"
start=$(now)
"$SIXPOINT" eval --rulesets rulesets "$work/data" --format html -o "$page" || true
built=$(now)

# Chromium opens the page, lays it out and paints it into a screenshot: the
# time a reader waits to see it. (`--dump-dom` would add the time to write the
# whole DOM back out, embedded reports included, which no reader waits for.)
# Its start-up alone, on a blank page, tells it from the page's share.
open_page() {
    "$chromium" --headless --no-sandbox --disable-gpu --disable-background-networking \
        --disable-component-update --no-first-run --user-data-dir="$work/profile" \
        --window-size=1400,1000 --screenshot="$work/shot.png" "$1" >/dev/null 2>&1
}
open_page "about:blank" # warm the profile and the disk cache
t0=$(now); open_page "about:blank"; t1=$(now)
open_page "file://$page"; t2=$(now)
open_page "file://$page#org-$((n / 2))"; t3=$(now)

size=$(du -h "$page" | cut -f1)
echo "evaluations:                   $n (from ${#seeds[@]} seeds)"
echo "dashboard:                     $size, built in $(seconds "$start" "$built") s"
echo "chromium, blank page:          $(seconds "$t0" "$t1") s"
echo "chromium, dashboard:           $(seconds "$t1" "$t2") s"
echo "chromium, with a report open:  $(seconds "$t2" "$t3") s"
echo "load average:                  $(cut -d' ' -f1-3 /proc/loadavg)"
