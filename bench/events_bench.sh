#!/usr/bin/env bash
# The events chain against the floor: times a plain `psql \copy` of a day's events CSV into a one-column
# table, then extract_events, transform_events and load_fact_events on the same day, printing seconds,
# rows/s, peak RSS and each step's ratio to the \copy.
#   bench/events_bench.sh [EVENTS] [BIN_DIR]     (default 1000000 events, build-events/bin else build/bin)
# Needs the local PostgreSQL (scripts/local-pg start). Uses its own database, events_bench, and a temp folder.
set -euo pipefail

n=${1:-1000000}
repo=$(cd "$(dirname "$0")/.." && pwd)
bin=${2:-}
if [[ -z "$bin" ]]; then
  if [[ -x "$repo/build-events/bin/extract_events" ]]; then bin=$repo/build-events/bin; else bin=$repo/build/bin; fi
fi
for t in migrate extract_events transform_events load_fact_events; do
  [[ -x "$bin/$t" ]] || { echo "events_bench: $bin/$t not built" >&2; exit 2; }
done
eval "$(cd "$repo" && scripts/local-pg env)"
db=events_bench
day=2025-12-13
work=$(mktemp -d /tmp/events-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
dir=$work/incoming/events/$day
mkdir -p "$dir"

# ---- data: the project's generator when built (realistic values, no defects so the \copy floor loads too), else a plain writer
gen=""
for g in "$bin/generate_data" "$repo/build/bin/generate_data"; do [[ -x "$g" ]] && { gen=$g; break; }; done
if [[ -n "$gen" ]]; then
  "$gen" --out "$work/gen" --start "$day" --days 1 --events-per-day "$n" --orders-per-day 0 --defect-rate 0 >/dev/null 2>&1 || gen=""
fi
if [[ -n "$gen" ]] && compgen -G "$work/gen/incoming/events/$day/*.csv" >/dev/null; then
  cp "$work"/gen/incoming/events/"$day"/*.csv "$dir"/
  rm -rf "$work/gen"
  source="generate_data"
else
  awk -v n="$n" 'BEGIN {
    split("page_view product_view add_to_cart remove_from_cart begin_checkout purchase", types, " ");
    split("desktop mobile tablet", devices, " ");
    print "event_id,user_id,session_id,event_type,event_ts,product_id,page_url,device,country";
    for (i = 1; i <= n; i++) {
      t = types[1 + i % 6]; s = int(i / 7);
      printf "E%09d,%s,S%08d,%s,2025-12-13T%02d:%02d:%02dZ,%s,\"/p/%d?ref=a,b\",%s,US\n",
        i, (i % 5 == 0 ? "" : sprintf("U%07d", s % 200000)), s, t, int(i / 3600 / 12) % 24, int(i / 60) % 60, i % 60,
        (t == "page_view" ? "" : sprintf("P%06d", i % 5000)), i % 5000, devices[1 + i % 3];
    }
  }' >"$dir/events-1.csv"
  source="awk writer"
fi
touch "$dir/_SUCCESS"
bytes=$(cat "$dir"/*.csv | wc -c)
rows=$(( $(cat "$dir"/*.csv | wc -l) - $(ls "$dir"/*.csv | wc -l) ))

psql -q -d postgres -c "drop database if exists $db" -c "create database $db" >/dev/null 2>&1
"$bin/migrate" --dsn "dbname=$db" >/dev/null 2>&1
psql -q -d "$db" -c "create table public.bench_lines (line text)"

printf 'events bench: %s rows, %s MB CSV (%s), bin %s\n' "$rows" "$((bytes / 1000000))" "$source" "$bin"
printf '%-18s %9s %12s %12s %8s\n' step seconds rows/s peak_rss_mb x_copy

measure() {  # name, command...: prints one line; sets $secs
  local name=$1; shift
  psql -q -d "$db" -c checkpoint >/dev/null
  /usr/bin/time -f '%e %M' -o "$work/time" "$@" >"$work/out" 2>&1 || { cat "$work/out" >&2; exit 1; }
  read -r secs rss <"$work/time"
  local ratio="-"
  [[ -n "${floor:-}" ]] && ratio=$(awk -v a="$secs" -v b="$floor" 'BEGIN { printf "%.2f", a / b }')
  printf '%-18s %9.2f %12.0f %12.1f %8s\n' "$name" "$secs" "$(awk -v r="$rows" -v s="$secs" 'BEGIN { print (s > 0 ? r / s : 0) }')" \
    "$(awk -v k="$rss" 'BEGIN { print k / 1024 }')" "$ratio"
}

# the floor: every line of the same files, header included, into a one-column table
for f in "$dir"/*.csv; do
  printf '%s\n' "\\copy public.bench_lines from '$f' with (format csv, delimiter E'\\x1f', quote E'\\x1e')"
done >"$work/copy.sql"
measure "psql \\copy" psql -q -v ON_ERROR_STOP=1 -d "$db" -f "$work/copy.sql"
floor=$secs
total=0
for t in extract_events transform_events load_fact_events; do
  measure "$t" "$bin/$t" --date "$day" --data-dir "$work" --dsn "dbname=$db"
  total=$(awk -v a="$total" -v b="$secs" 'BEGIN { print a + b }')
done
printf '%-18s %9.2f %12.0f %12s %8s\n' "events chain" "$total" "$(awk -v r="$rows" -v s="$total" 'BEGIN { print r / s }')" "" \
  "$(awk -v a="$total" -v b="$floor" 'BEGIN { printf "%.2f", a / b }')"
psql -q -At -d "$db" -c "select 'raw ' || (select count(*) from raw.events) || ', staging ' || (select count(*) from staging.events) || ', facts ' || (select count(*) from warehouse.fact_events) || ', quarantined ' || (select count(*) from audit.bad_records)"
