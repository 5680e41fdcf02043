#!/usr/bin/env bash
# Udsyn's benchmark: loads a synthetic consortium at each factor (udsyn seed-scale), serves it
# with a release build, logs in as each role and measures the key pages with wrk (32 clients,
# 10 s each) beside a minimal Fortunes route on the same stack (examples/fortunes.rs), measured
# in the same run. Writes BENCHMARKS.md (or $BENCH_OUT).
#
#   bench/run.sh                    factors 0.01 and 1, 10 s per page (about an hour with seeding)
#   BENCH_FACTORS="0.01" BENCH_SECONDS=2 BENCH_OUT=/tmp/b.md bench/run.sh      a smoke run
#   BENCH_REUSE=1 bench/run.sh      keep an already seeded database of a factor
#
# Needs PostgreSQL on 127.0.0.1:5432 (trust, user postgres) or PGHOST/PGPORT/PGUSER, and wrk
# (installed from Debian's packages when missing).
set -euo pipefail
cd "$(dirname "$0")/.."

FACTORS=${BENCH_FACTORS:-"0.01 1"}
SECONDS_PER_PAGE=${BENCH_SECONDS:-10}
CLIENTS=${BENCH_CLIENTS:-32}
OUT=${BENCH_OUT:-BENCHMARKS.md}
PGHOST=${PGHOST:-127.0.0.1}
PGPORT=${PGPORT:-5432}
PGUSER=${PGUSER:-postgres}
PORT=${BENCH_PORT:-3900}
FPORT=$((PORT + 1))
WORK=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$WORK"' EXIT

if ! command -v wrk >/dev/null; then
  echo "== installing wrk"
  apt-get update -qq && apt-get install -y -qq wrk >/dev/null
fi

echo "== release build"
cargo build --release --quiet --bin udsyn --example fortunes
BIN=target/release/udsyn
FORTUNES=target/release/examples/fortunes

psql_admin() { psql -h "$PGHOST" -p "$PGPORT" -U "$PGUSER" -d postgres -qAtc "$1"; }
url_of() { echo "postgres://$PGUSER@$PGHOST:$PGPORT/$1"; }

wait_for() {
  for _ in $(seq 1 300); do
    curl -fsS -o /dev/null "$1" 2>/dev/null && return 0
    sleep 0.2
  done
  echo "no answer from $1" >&2
  return 1
}

login() { # email → cookie header value
  local jar="$WORK/jar-$1"
  curl -fsS -c "$jar" -o /dev/null "http://127.0.0.1:$PORT/login"
  curl -sS -b "$jar" -c "$jar" -o /dev/null -H "Origin: http://127.0.0.1:$PORT" \
    --data-urlencode "email=$1" --data-urlencode "password=udsyn-demo" --data-urlencode "next=/" \
    "http://127.0.0.1:$PORT/login"
  awk '$6 ~ /^udsyn/ {print $6"="$7}' "$jar" | tail -1
}

# One page: size, status and SQL statements from one request, then wrk's figures.
measure() { # label cookie url
  local label=$1 cookie=$2 url=$3 headers body
  headers="$WORK/h" body="$WORK/b"
  curl -sS -D "$headers" -o "$body" ${cookie:+-H "Cookie: $cookie"} "$url"
  local status bytes sql
  status=$(awk 'NR==1{print $2}' "$headers")
  bytes=$(wc -c <"$body")
  sql=$(grep -i '^server-timing' "$headers" | sed -n 's/.*desc="\([0-9]*\) SQL".*/\1/p' || true)
  sql=${sql:--}
  local w="$WORK/wrk"
  wrk -t2 -c"$CLIENTS" -d"${SECONDS_PER_PAGE}s" --latency ${cookie:+-H "Cookie: $cookie"} "$url" >"$w" 2>&1 || true
  local rps p50 p99 non2xx
  rps=$(awk '/Requests\/sec/ {print $2}' "$w")
  p50=$(awk '$1=="50%" {print $2}' "$w")
  p99=$(awk '$1=="99%" {print $2}' "$w")
  non2xx=$(awk '/Non-2xx/ {print $5}' "$w")
  local rss
  rss=$(awk '/VmHWM/ {printf "%.0f", $2/1024}' "/proc/$SERVER_PID/status" 2>/dev/null || echo -)
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$label" "$status" "$bytes" "$sql" "${rps:-0}" "${p50:--}" "${p99:--}" "${non2xx:-0}" "$rss" >>"$RESULTS"
  printf '  %-34s %s %8s B %3s SQL %9s req/s p50 %8s p99 %8s\n' "$label" "$status" "$bytes" "$sql" "${rps:-0}" "${p50:--}" "${p99:--}"
}

ALL="$WORK/all.tsv"
: >"$ALL"
for F in $FACTORS; do
  DB="udsyn_bench_${F//./_}"
  if [ "${BENCH_REUSE:-0}" = 1 ] && [ "$(psql_admin "SELECT 1 FROM pg_database WHERE datname = '$DB'")" = 1 ]; then
    echo "== factor $F: reusing $DB"
  else
    echo "== factor $F: seeding $DB"
    psql_admin "DROP DATABASE IF EXISTS $DB WITH (FORCE)"
    psql_admin "CREATE DATABASE $DB"
    start=$(date +%s)
    DATABASE_URL=$(url_of "$DB") "$BIN" seed-scale --factor "$F" | sed 's/^/  /'
    echo "  seeded in $(( $(date +%s) - start )) s"
  fi
  DATABASE_URL=$(url_of "$DB") SERVER_TIMING=1 RUST_LOG=udsyn=warn BIND=127.0.0.1:$PORT "$BIN" serve >"$WORK/serve.log" 2>&1 &
  SERVER_PID=$!
  DATABASE_URL=$(url_of "$DB") "$FORTUNES" "127.0.0.1:$FPORT" >"$WORK/fortunes.log" 2>&1 &
  FORTUNES_PID=$!
  wait_for "http://127.0.0.1:$PORT/healthz"
  wait_for "http://127.0.0.1:$FPORT/fortunes"

  K=$(login koordinator@demo.udsyn.dk)
  L=$(login skoleleder@demo.udsyn.dk)
  M=$(login medarbejder@demo.udsyn.dk)
  q() { psql -h "$PGHOST" -p "$PGPORT" -U "$PGUSER" -d "$DB" -qAtc "$1"; }
  GOAL=$(q "SELECT id FROM goals ORDER BY number LIMIT 1")
  PROJECT=$(q "SELECT id FROM projects ORDER BY call_year DESC LIMIT 1")
  PAGES=$(q "SELECT greatest(1, count(*) / 50) FROM mobilities")
  DEEP=$(( PAGES * 3 / 4 > 1 ? PAGES * 3 / 4 : 1 ))
  B="http://127.0.0.1:$PORT"
  RESULTS="$WORK/results-$F.tsv"
  : >"$RESULTS"
  echo "== factor $F: measuring ($CLIENTS clients, ${SECONDS_PER_PAGE} s per page)"
  measure "Fortunes (yardstick)" "" "http://127.0.0.1:$FPORT/fortunes"
  measure "/ (koordinator)" "$K" "$B/"
  measure "/ (skoleleder)" "$L" "$B/"
  measure "/ (medarbejder)" "$M" "$B/"
  measure "/mobiliteter" "$K" "$B/mobiliteter"
  measure "/mobiliteter?side=$DEEP" "$K" "$B/mobiliteter?side=$DEEP"
  measure "/vidensbank?q=inklusion" "$K" "$B/vidensbank?q=inklusion"
  measure "/vidensbank?q=montessori" "$K" "$B/vidensbank?q=montessori"
  measure "/vidensbank?q=samundervisning+afgangsprøve" "$K" "$B/vidensbank?q=samundervisning+afgangspr%C3%B8ve"
  measure "/oversigt?aar=2026" "$K" "$B/oversigt?aar=2026"
  measure "/maal" "$K" "$B/maal"
  measure "/maal/{id}" "$K" "$B/maal/$GOAL"
  measure "/paamindelser" "$K" "$B/paamindelser"
  measure "/skoler" "$K" "$B/skoler"
  measure "/medarbejdere" "$K" "$B/medarbejdere"
  measure "/partnere" "$K" "$B/partnere"
  measure "/projekter/{id}" "$K" "$B/projekter/$PROJECT"
  kill "$SERVER_PID" "$FORTUNES_PID"
  wait "$SERVER_PID" "$FORTUNES_PID" 2>/dev/null || true
  sed "s/^/$F\t/" "$RESULTS" >>"$ALL"
done

# BENCHMARKS.md: one table per factor, then the ratio between the largest and smallest factor.
{
  echo "# Udsyn's benchmark"
  echo
  echo "Written by \`bench/run.sh\` on $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo),"
  echo "$(psql --version | head -1), release build of $(git rev-parse --short HEAD 2>/dev/null || echo '?')."
  echo "Each page: $CLIENTS concurrent clients for $SECONDS_PER_PAGE s (wrk), logged in as the role shown;"
  echo "SQL = statements of one view (from the \`Server-Timing\` header); RSS = the server's peak resident memory so far."
  echo "\"vs Fortunes\" is the page's requests/s as a share of the Fortunes route's in the same run."
  for F in $FACTORS; do
    echo
    echo "## Factor $F"
    echo
    echo "| page | status | HTML bytes | SQL | req/s | p50 | p99 | vs Fortunes | non-2xx | RSS MB |"
    echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"
    awk -F'\t' -v f="$F" '$1==f { if ($2 ~ /Fortunes/) base=$6;
      share = (base > 0) ? sprintf("%.0f %%", 100*$6/base) : "-";
      printf "| `%s` | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", $2, $3, $4, $5, $6, $7, $8, share, $9, $10 }' "$ALL"
  done
  set -- $FACTORS
  if [ $# -ge 2 ]; then
    small=$1; large=${!#}
    echo
    echo "## Factor $large against factor $small"
    echo
    echo "| page | p50 at $small | p50 at $large | ratio | req/s ratio |"
    echo "|---|---:|---:|---:|---:|"
    awk -F'\t' -v s="$small" -v l="$large" '
      function ms(x) { if (x ~ /us$/) return x/1000; if (x ~ /ms$/) return x+0; if (x ~ /s$/) return x*1000; return 0 }
      $1==s { p[$2]=$7; r[$2]=$6; order[++n]=$2 }
      $1==l { q[$2]=$7; t[$2]=$6 }
      END { for (i=1;i<=n;i++) { k=order[i]; a=ms(p[k]); b=ms(q[k]);
              printf "| `%s` | %s | %s | %s | %s |\n", k, p[k], q[k], (a>0)?sprintf("%.1f×", b/a):"-", (t[k]>0)?sprintf("%.1f×", r[k]/t[k]):"-" } }' "$ALL"
  fi
} >"$OUT"
echo "== wrote $OUT"
