#!/usr/bin/env bash
# `make bench`: the public pages under load, on PostgreSQL, behind gunicorn with production
# settings, compared with a minimal view that goes through the same middleware stack.
#
#  1. database `pacte_bench` (127.0.0.1:5432, user postgres): reused when it already holds what
#     `seed_demo --scale 100` makes, otherwise recreated, migrated and seeded (~20 s);
#  2. gunicorn on 127.0.0.1 (DEBUG=0, Redis db BENCH_REDIS_DB as cache, static files collected into a
#     temporary folder), stopped on exit whatever happens;
#  3. wrk, from its own process, 16 connections, a short warm-up then a fixed duration per page:
#     anonymous (page cache), anonymous with an unknown query parameter (cache bypassed, the page
#     is rendered each time), and signed in (never cached);
#     then, under writes: bench/writer.py registers a different signed-in person to one event
#     every 1/BENCH_WRITE_RATE s through the real view while wrk measures the home page, the
#     agenda and that event's page anonymously; afterwards the event page, fetched anonymously,
#     must show the places left that the database holds;
#  4. a table: requests/s, p95 latency, req/s as a ratio of the right minimal view in this run
#     (signed-in pages against the signed-in minimal view), SQL queries of each page; exits 1
#     when a target of bench/table.py is missed.
#
# Tunables (environment): BENCH_SCALE (100), BENCH_DURATION (10 s), BENCH_WARMUP (2 s),
# BENCH_CONNECTIONS (16), BENCH_THREADS (2), BENCH_WORKERS (2 × cores + 1),
# BENCH_WORKER_THREADS (1: sync workers; more: gthread), BENCH_PORT (8731), BENCH_DB (pacte_bench),
# BENCH_REDIS_DB (5: the Redis database used as cache, emptied before and after the run),
# BENCH_WRITE_RATE (2 registrations per second; 0 skips the write mode), BENCH_ONLY (a regex:
# only the pages whose "label<TAB>path" matches; the minimal views and the write mode still run),
# BENCH_BASELINE_EVERY (6: the minimal views are measured again every that many pages).
# Pages measured: bench/prepare.py, pages().
set -euo pipefail
cd "$(dirname "$0")/.."

SCALE=${BENCH_SCALE:-100}
DURATION=${BENCH_DURATION:-10}
WARMUP=${BENCH_WARMUP:-2}
CONNECTIONS=${BENCH_CONNECTIONS:-16}
THREADS=${BENCH_THREADS:-2}
# Gunicorn's rule of thumb, 2 × cores + 1 sync workers: 5 on the 2-core reference machine.
WORKERS=${BENCH_WORKERS:-$((2 * $(nproc) + 1))}
WORKER_THREADS=${BENCH_WORKER_THREADS:-1}
PORT=${BENCH_PORT:-8731}
DB=${BENCH_DB:-pacte_bench}
REDIS_DB=${BENCH_REDIS_DB:-5}
WRITE_RATE=${BENCH_WRITE_RATE:-2}
BASELINE_EVERY=${BENCH_BASELINE_EVERY:-6}
PY=.venv/bin/python
BASE="http://127.0.0.1:${PORT}"
MINIMAL=/_bench/minimal/

log() { printf '\n== %s\n' "$*"; }
die() { printf 'bench : %s\n' "$*" >&2; exit 1; }

for tool in wrk curl psql createdb dropdb pg_isready redis-cli; do
  command -v "$tool" >/dev/null || die "« $tool » est introuvable (voir .ci/run pour l'installer)."
done
test -x "$PY" || die "environnement absent : lancez « make install »."
pg_isready -q -h 127.0.0.1 -p 5432 || die "PostgreSQL ne répond pas sur 127.0.0.1:5432."
redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 || die "Redis ne répond pas sur 127.0.0.1:6379."

WORK=$(mktemp -d -t pacte-bench.XXXXXX)
GUNICORN_PID=""
WRITER_PID=""
cleanup() {
  if [[ -n "$WRITER_PID" ]] && kill -0 "$WRITER_PID" 2>/dev/null; then
    kill -TERM "$WRITER_PID" 2>/dev/null || true
    wait "$WRITER_PID" 2>/dev/null || true
  fi
  if [[ -n "$GUNICORN_PID" ]] && kill -0 "$GUNICORN_PID" 2>/dev/null; then
    kill -TERM "$GUNICORN_PID" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$GUNICORN_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$GUNICORN_PID" 2>/dev/null || true
    wait "$GUNICORN_PID" 2>/dev/null || true
  fi
  redis-cli -h 127.0.0.1 -n "$REDIS_DB" flushdb >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Production-like settings; only the static folder (bench/settings.py) differs.
export DJANGO_SETTINGS_MODULE=bench.settings
export BENCH_STATIC_ROOT="$WORK/static"
export DATABASE_URL="postgres://postgres@127.0.0.1:5432/${DB}"
export DEBUG=0
export SECRET_KEY="bench-$(head -c 32 /dev/urandom | base64 | tr -dc 'a-zA-Z0-9')-not-a-production-key"
export ALLOWED_HOSTS=127.0.0.1
export SECURE_SSL_REDIRECT=0
export PACTE_BENCH=1
# The table shows whether the page cache served each page (X-Page-Cache, off in production).
export PACTE_PAGE_CACHE_HEADER=1
export LOG_LEVEL=WARNING
unset CELERY_BROKER_URL REDIS_URL PACTE_TESTING
# The registrations of the write mode send e-mails: kept in memory, not printed.
export EMAIL_URL="memory://"

# --- 1. Database ----------------------------------------------------------------------------
log "Base ${DB} (échelle ${SCALE})"
start=$SECONDS
db_exists=$(psql -h 127.0.0.1 -U postgres -d postgres -Atc "SELECT 1 FROM pg_database WHERE datname = '${DB}'")
if [[ "$db_exists" == "1" ]] && $PY manage.py migrate --noinput -v0 && $PY bench/prepare.py seeded "$SCALE"; then
  echo "déjà peuplée : réutilisée."
  # Idempotent (adds nothing at this scale); brings in demo content of apps added since.
  $PY manage.py seed_demo --scale "$SCALE" >/dev/null
else
  echo "création et peuplement…"
  dropdb -h 127.0.0.1 -U postgres --if-exists --force "$DB"
  createdb -h 127.0.0.1 -U postgres "$DB"
  $PY manage.py migrate --noinput -v0
  $PY manage.py seed_demo --scale "$SCALE" >/dev/null
  $PY bench/prepare.py seeded "$SCALE" || die "le peuplement ne donne pas les nombres attendus."
fi
# Fresh planner statistics after bulk inserts, as autovacuum would give them in production.
psql -h 127.0.0.1 -U postgres -d "$DB" -qc "VACUUM ANALYZE" >/dev/null
echo "prête en $((SECONDS - start)) s."

# --- 1b. Indicators: people mobilised over 1,000,000 participation rows (< 0.5 s) ------------
PEOPLE_STATUS=0
log "Indicateurs : personnes mobilisées sur 1 000 000 de participations"
$PY bench/people.py || PEOPLE_STATUS=$?

# --- 2. Server ------------------------------------------------------------------------------
log "gunicorn sur ${BASE} (${WORKERS} workers × ${WORKER_THREADS} thread(s))"
$PY manage.py collectstatic --noinput -v0
PAGES=$($PY bench/prepare.py pages)
if [[ -n "${BENCH_ONLY:-}" ]]; then  # a quick check of some pages: an extended regex on "label<TAB>path"
  PAGES=$(grep -E -- "$BENCH_ONLY" <<<"$PAGES" || true)
fi
SESSION=$($PY bench/prepare.py session)
redis-cli -h 127.0.0.1 -n "$REDIS_DB" flushdb >/dev/null
export REDIS_URL="redis://127.0.0.1:6379/${REDIS_DB}"
# SQL queries of each page, counted in-process (no DEBUG needed) before the load, with the cache
# and the session engine of the server (sessions read from Redis).
QUERIES="$WORK/queries"
$PY bench/prepare.py queries >"$QUERIES"

worker_args=(--workers "$WORKERS")
if ((WORKER_THREADS > 1)); then
  worker_args+=(--worker-class gthread --threads "$WORKER_THREADS")
fi
.venv/bin/gunicorn pacte.wsgi --bind "127.0.0.1:${PORT}" "${worker_args[@]}" \
  --backlog 256 --log-level warning --error-logfile "$WORK/gunicorn.log" &
GUNICORN_PID=$!
for _ in $(seq 1 60); do
  curl -fs -o /dev/null "${BASE}${MINIMAL}" && break
  kill -0 "$GUNICORN_PID" 2>/dev/null || { cat "$WORK/gunicorn.log" >&2; die "gunicorn s'est arrêté."; }
  sleep 0.5
done
curl -fs -o /dev/null "${BASE}${MINIMAL}" || { cat "$WORK/gunicorn.log" >&2; die "gunicorn ne répond pas."; }
echo "prêt."

# --- 3. Load --------------------------------------------------------------------------------
# measure PATH MODE [wrk options...] -> "req/s p95 requests socket-errors http-errors"
# MODE "bust" gives every request a query string never seen before (bench/report.lua).
measure() {
  local path=$1 mode=$2
  shift 2
  local args=(-t"$THREADS" -c"$CONNECTIONS" --timeout 5s -s bench/report.lua "$@" "${BASE}${path}"
    -- "$mode" "$RANDOM$RANDOM")
  wrk -d"${WARMUP}s" "${args[@]}" >/dev/null 2>&1 || true
  wrk -d"${DURATION}s" "${args[@]}" 2>&1 |
    awk '/^RESULT/ {print $2, $3, $4, $5, $6; found=1} END {if (!found) print "0 0 0 0 0"}'
}

# check PATH WANT [curl options...]: the page answers 200 and its body contains WANT.
check() {
  local path=$1 want=$2
  shift 2
  local status
  status=$(curl -s -o "$WORK/page.html" -w '%{http_code}' "$@" "${BASE}${path}") || status=000
  [[ "$status" == "200" ]] || { echo "HTTP ${status}"; return 1; }
  grep -q -- "$want" "$WORK/page.html" || { echo "« ${want} » absent de la page"; return 1; }
}

# The X-Page-Cache header of a second anonymous request: "hit" when the page cache serves it.
cache_state() {
  curl -s -o /dev/null -D - "${BASE}$1" | tr -d '\r' |
    awk -F': ' 'tolower($1) == "x-page-cache" {print $2; found=1} END {if (!found) print "-"}'
}

ROWS="$WORK/rows"
: >"$ROWS"
# row SECTION LABEL PATH CACHE RESULT
row() { printf '%s\t%s\t%s\t%s\t%s\n' "$@" >>"$ROWS"; }
anonymous="anonyme, cache de pages"
busted="anonyme, cache contourné (?_bench=…)"
signed_in="connecté·e (jamais en cache)"
# What a signed-in browser sends: its session and the CSRF cookie it received with the login form
# (without it, each page would make a new CSRF secret and set its cookie, as for a first visit).
CSRF_SECRET=$($PY -c 'import secrets, string; print("".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(32)))')
cookie=(-H "Cookie: sessionid=${SESSION}; csrftoken=${CSRF_SECRET}")

log "Mesures : ${CONNECTIONS} connexions, ${WARMUP} s d'échauffement puis ${DURATION} s par page"
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
# The minimal views, anonymous and signed in, at the start, every BASELINE_EVERY pages and at the
# end: bench/table.py takes the median of each as the baseline (a shared machine's load varies).
baselines() {
  row "$anonymous" "vue minimale" "$MINIMAL" "-" "$(measure "$MINIMAL" plain)"
  row "$signed_in" "vue minimale" "$MINIMAL" "-" "$(measure "$MINIMAL" plain "${cookie[@]}")"
}
baselines
measured=0
while IFS=$'\t' read -r label path; do
  [[ -n "$path" ]] || continue
  if ((measured > 0 && measured % BASELINE_EVERY == 0)); then
    baselines
  fi
  measured=$((measured + 1))
  if ! problem=$(check "$path" "</html>"); then
    echo "${label} (${path}) ignorée : ${problem}."
    continue
  fi
  state=$(cache_state "$path")
  echo "${label} (${path}) : cache « ${state} » au second passage."
  row "$anonymous" "$label" "$path" "$state" "$(measure "$path" plain)"
  row "$busted" "$label" "$path" "-" "$(measure "$path" bust)"
  if problem=$(check "$path" "Se déconnecter" "${cookie[@]}"); then
    row "$signed_in" "$label" "$path" "-" "$(measure "$path" plain "${cookie[@]}")"
  else
    echo "${label} (${path}) connecté·e ignorée : ${problem}."
  fi
done <<<"$PAGES"
baselines

# Under writes: registrations through the real view while anonymous pages are measured.
WRITES="$WORK/writes"
: >"$WRITES"
if [[ "$WRITE_RATE" != "0" ]]; then
  under_writes="anonyme, cache de pages, sous écritures (${WRITE_RATE} inscriptions/s)"
  IFS=$'\t' read -r write_path write_slug <<<"$($PY bench/prepare.py write-target)"
  write_pages=("/" "/agenda/" "$write_path")
  write_labels=("accueil" "agenda" "événement des inscriptions")
  # Enough people for the whole measurement, and some to spare.
  people=$(awk -v r="$WRITE_RATE" -v n="${#write_pages[@]}" -v d="$((WARMUP + DURATION))" \
    'BEGIN {printf "%d", r * (n * d + 30) + 10}')
  $PY bench/prepare.py write-sessions "$people" "$write_slug" >"$WORK/sessions"
  IFS=$'\t' read -r _ _ live_before last_id <<<"$($PY bench/prepare.py places "$write_slug")"
  log "Sous écritures : ${WRITE_RATE} inscriptions/s à ${write_path}, par ${people} personnes connectées au plus"
  .venv/bin/python bench/writer.py "$BASE" "$write_path" "$WORK/sessions" "$WRITE_RATE" \
    >"$WORK/writer.out" 2>"$WORK/writer.err" &
  WRITER_PID=$!
  for i in "${!write_pages[@]}"; do
    path=${write_pages[$i]}
    row "$under_writes" "${write_labels[$i]}" "$path" "$(cache_state "$path")" "$(measure "$path" plain)"
  done
  kill -TERM "$WRITER_PID" 2>/dev/null || true
  wait "$WRITER_PID" 2>/dev/null || true
  WRITER_PID=""
  head -5 "$WORK/writer.err" >&2 || true
  # What an anonymous visitor sees right after the last write (twice: a render, then the cache).
  IFS=$'\t' read -r left_db _ live_after _ <<<"$($PY bench/prepare.py places "$write_slug")"
  shown=()
  for attempt in 1 2; do
    curl -s -o "$WORK/event.html" "${BASE}${write_path}"
    shown+=("$(grep -o '<dd>[0-9]* sur [0-9]* disponible' "$WORK/event.html" | head -1 | grep -o '^<dd>[0-9]*' | tr -dc '0-9')")
  done
  {
    echo "rate ${WRITE_RATE}"
    awk '/^WRITES/ {print "asked", $2; print "answered", $3; print "errors", $4; print "seconds", $5}' "$WORK/writer.out"
    echo "registered $((live_after - live_before))"
    echo "places_db ${left_db}"
    echo "places_shown ${shown[0]:--} ${shown[1]:--}"
  } >"$WRITES"
  # The base stays what `seed_demo --scale` made, so that the next run reuses it.
  $PY bench/prepare.py write-cleanup "$write_slug" "$last_id"
fi

# --- 4. Table -------------------------------------------------------------------------------
log "Résultats : base ${DB} (échelle ${SCALE}), gunicorn ${WORKERS}×${WORKER_THREADS}, wrk -t${THREADS} -c${CONNECTIONS} -d${DURATION}s"
status=0
table=$($PY bench/table.py "$ROWS" "$QUERIES" "$WRITES") || status=$?
echo "$table"
echo
echo "Charge moyenne de la machine (1, 5, 15 min) : ${LOAD_BEFORE} avant les mesures, $(cut -d' ' -f1-3 /proc/loadavg) après."
mkdir -p bench/out
printf '%s\n%s\n' "$(date -Iseconds)" "$table" >bench/out/latest.txt
# Non-zero when a target is missed (bench/table.py lists which, bench/people.py its own).
((status == 0)) && status=$PEOPLE_STATUS
exit "$status"
