#!/usr/bin/env bash
# A batch of small generic-2006 evaluations through the release binary: wall time and peak memory
# (resident set, from /usr/bin/time -v) for 10,000 and for 100,000 files, to show that memory stays
# flat in the number of files (the CLI walks the folder as it goes, evaluates a chunk at a time and
# prints as it goes).
#
#   scripts/batch-bench.sh                  # 10,000 and 100,000, JSON lines and one JSON document
#   SIZES="1000 10000" scripts/batch-bench.sh
#   FORMATS=jsonl scripts/batch-bench.sh
#   BIN=/tmp/sixpoint-before scripts/batch-bench.sh   # another build (a before and after), not rebuilt
#
# The files are written to a temporary folder, removed at the end. Needs python3 (the generator)
# and GNU time at /usr/bin/time.
set -euo pipefail

cd "$(dirname "$0")/.."
SIZES=${SIZES:-"10000 100000"}
FORMATS=${FORMATS:-"jsonl json"}
BIN=${BIN:-}

if [[ ! -x /usr/bin/time ]]; then
    echo "error: GNU time is needed at /usr/bin/time (apt-get install time)" >&2
    exit 2
fi
if [[ -z $BIN ]]; then
    CARGO_INCREMENTAL=0 cargo build --release --quiet --bin sixpoint
    BIN=target/release/sixpoint
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Deterministic evaluations, about 2 KB each: a random two thirds of the 24 indicators, one to five
# items of evidence each (the same shape as benches/peers' generator, written here so that the
# script needs no second build).
generate() {
    python3 - "$1" "$2" <<'EOF'
import json, os, random, sys
n, out = int(sys.argv[1]), sys.argv[2]
themes = {
    "1.1": ["trends", "service_quality", "targets"], "1.2": ["compliance"],
    "2.1": ["extent", "reported"], "2.2": ["extent", "reported"], "3.1": ["extent", "reported"],
    "4.1": ["extent", "reported"], "4.2": ["wider"], "5.1": ["needs", "sharing"],
    "5.2": ["range", "implementation", "vision", "integration"],
    "5.3": ["quality_assurance", "challenge", "evaluating", "reporting"],
    "6.1": ["range", "coherence", "lifecycle"], "6.2": ["policy", "consultation", "participation"],
    "6.3": ["ics_plan", "plan_content", "management_information", "risk", "sustained_improvement"],
    "7.1": ["hr_needs", "recruitment", "welfare", "equality", "esteem"],
    "7.2": ["remits", "boundaries", "priorities", "involvement"],
    "7.3": ["competence", "review", "training", "joint_training"],
    "8.1": ["agreements", "across_agencies", "teamwork"],
    "8.2": ["budget", "controls", "financial_information", "funding_streams", "best_value"],
    "8.3": ["planning", "deployment", "efficiency", "health_safety"],
    "8.4": ["data", "sharing", "access", "using"], "9.1": ["coherence", "sharing", "diversity"],
    "9.2": ["shared", "strategy"], "9.3": ["capacity", "relationships"],
    "9.4": ["continuous", "innovation"],
}
sources = ["performance_data", "documentation", "stakeholder_views", "observation"]
levels = ["excellent", "very_good", "good", "adequate", "weak", "unsatisfactory"]
rng = random.Random(2006)
for k in range(n):
    indicators = {}
    for ind, ts in themes.items():
        if rng.random() < 1 / 3:
            continue
        evidence = [{
            "source": rng.choice(sources),
            "ref": f"item {e}",
            "finding": rng.choice(["strength", "strength", "weakness"]),
            "weight": rng.choice(["minor", "important", "major"]),
            "themes": [rng.choice(ts)],
        } for e in range(rng.randint(1, 5))]
        indicators[ind] = {"claimed": rng.choice(levels), "evidence": evidence}
    doc = {"sixpoint": 1, "framework": "generic_2006",
           "organisation": f"Generated partnership {k}", "indicators": indicators}
    # 1,000 files a folder, as a corpus on disk would be kept.
    d = os.path.join(out, f"{k // 1000:04}")
    if k % 1000 == 0:
        os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, f"{k:06}.json"), "w") as f:
        json.dump(doc, f)
EOF
}

echo "machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(free -g | awk '/^Mem:/ {print $2}') GiB"
# The load average after each run: on a shared machine it says how far to trust the wall time.
printf '%-8s %-6s %10s %12s %14s %6s %s\n' files format wall_s per_file_us peak_rss_MiB exit load_1_5_15
for n in $SIZES; do
    dir="$work/$n"
    mkdir -p "$dir"
    generate "$n" "$dir"
    for format in $FORMATS; do
        log="$work/time-$n-$format"
        set +e
        /usr/bin/time -v "$BIN" eval rulesets/generic-2006.six "$dir" --format "$format" >/dev/null 2>"$log"
        status=$?
        set -e
        wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$log" |
            awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; print s }')
        rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$log")
        # Exit 1 is "findings" (generated evidence always has some), not a failure.
        printf '%-8s %-6s %10.2f %12.1f %14.1f %6s %s\n' "$n" "$format" "$wall" \
            "$(echo "$wall * 1000000 / $n" | bc -l)" "$(echo "$rss / 1024" | bc -l)" "$status" \
            "$(cut -d' ' -f1-3 /proc/loadavg)"
        if [[ $status -gt 1 ]]; then
            tail -20 "$log" >&2
            exit 2
        fi
    done
    rm -rf "$dir"
done
