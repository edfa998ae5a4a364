#!/usr/bin/env bash
# `bench/probe.sh`: a security probe of a production-like portal (DEBUG=0, gunicorn, PostgreSQL,
# Redis, staff 2FA required), on the loopback only, bounded in time, stopping what it starts.
#
#  1. database `pacte_probe` (127.0.0.1:5432): recreated, migrated, `seed_demo`;
#  2. gunicorn on 127.0.0.1:${PROBE_PORT:-8741}, Redis db 7 as cache (flushed before and after);
#  3. curl checks, one line each: "OK" or "ÉCHEC", and the exit status is the number of failures.
set -uo pipefail
cd "$(dirname "$0")/.."

PORT=${PROBE_PORT:-8741}
DB=${PROBE_DB:-pacte_probe}
REDIS_DB=7
PY=${PY:-.venv/bin/python}
BASE="http://127.0.0.1:${PORT}"
CURL=(curl -s --max-time 20)

die() { printf 'probe : %s\n' "$*" >&2; exit 100; }
for tool in curl psql createdb dropdb pg_isready redis-cli timeout; do
  command -v "$tool" >/dev/null || die "« $tool » est introuvable."
done
test -x "$PY" || die "environnement absent ($PY)."
pg_isready -q -h 127.0.0.1 -p 5432 || die "PostgreSQL ne répond pas sur 127.0.0.1:5432."
redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 || die "Redis ne répond pas sur 127.0.0.1:6379."

WORK=$(mktemp -d -t pacte-probe.XXXXXX)
GUNICORN_PID=""
cleanup() {
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

export DJANGO_SETTINGS_MODULE=bench.settings
export BENCH_STATIC_ROOT="$WORK/static"
export DATABASE_URL="postgres://postgres@127.0.0.1:5432/${DB}"
export DEBUG=0
export SECRET_KEY="probe-$(head -c 32 /dev/urandom | base64 | tr -dc 'a-zA-Z0-9')-not-a-production-key"
export ALLOWED_HOSTS=127.0.0.1
export SECURE_SSL_REDIRECT=0
export PACTE_STAFF_REQUIRE_2FA=1
export LOG_LEVEL=WARNING
unset CELERY_BROKER_URL EMAIL_URL PACTE_TESTING PACTE_PAGE_CACHE_HEADER PACTE_BENCH

printf '== Base %s\n' "$DB"
dropdb -h 127.0.0.1 -U postgres --if-exists --force "$DB" || die "dropdb"
createdb -h 127.0.0.1 -U postgres "$DB" || die "createdb"
timeout 300 "$PY" manage.py migrate --noinput -v0 || die "migrate"
timeout 300 "$PY" manage.py seed_demo >/dev/null || die "seed_demo"
timeout 60 "$PY" manage.py collectstatic --noinput -v0 || die "collectstatic"
redis-cli -h 127.0.0.1 -n "$REDIS_DB" flushdb >/dev/null
export REDIS_URL="redis://127.0.0.1:6379/${REDIS_DB}"
timeout 60 "$PY" bench/probe.py >"$WORK/info" || die "bench/probe.py"
info() { awk -F'\t' -v k="$1" '$1 == k {print $2}' "$WORK/info"; }
SESSION=$(info session)
ORGANISATION=$(info organisation)
EVENT=$(info event)

printf '== gunicorn sur %s\n' "$BASE"
"$(dirname "$PY")/gunicorn" pacte.wsgi --bind "127.0.0.1:${PORT}" --workers 2 --timeout 30 \
  --log-level warning --error-logfile "$WORK/gunicorn.log" &
GUNICORN_PID=$!
for _ in $(seq 1 60); do
  "${CURL[@]}" -o /dev/null "${BASE}/sante/" && break
  kill -0 "$GUNICORN_PID" 2>/dev/null || { cat "$WORK/gunicorn.log" >&2; die "gunicorn s'est arrêté."; }
  sleep 0.5
done

FAILURES=0
# verdict NAME CONDITION-RESULT(0 ok) DETAIL
verdict() {
  if [[ "$2" == 0 ]]; then printf 'OK     %s (%s)\n' "$1" "$3"; else
    printf 'ÉCHEC  %s (%s)\n' "$1" "$3"
    FAILURES=$((FAILURES + 1))
  fi
}
status() { "${CURL[@]}" -o /dev/null -w '%{http_code}' "$@"; }
is4xx() { [[ "$1" =~ ^4[0-9][0-9]$ ]] && echo 0 || echo 1; }
# csrf JAR PATH: fetch PATH with the cookie jar and print the form's CSRF token.
csrf() {
  "${CURL[@]}" -c "$1" -b "$1" "${BASE}$2" | grep -o 'name="csrfmiddlewaretoken" value="[^"]*"' |
    head -1 | sed 's/.*value="//; s/"$//'
}
LOGIN=/comptes/login/

printf '== Vérifications\n'
# 1. The Django admin login is the portal's (2FA for staff), never its own form.
location=$("${CURL[@]}" -o /dev/null -w '%{http_code} %{redirect_url}' "${BASE}/admin/login/")
[[ "$location" == 302\ *"${LOGIN}"* ]]
verdict "/admin/login/ renvoie vers la connexion du portail" $? "$location"

# 2. The DACTE staff's password alone never opens the admin.
jar="$WORK/staff.jar"
token=$(csrf "$jar" "$LOGIN")
final=$("${CURL[@]}" -L -c "$jar" -b "$jar" -o /dev/null -w '%{http_code} %{url_effective}' \
  -H "Referer: ${BASE}${LOGIN}" --data-urlencode "csrfmiddlewaretoken=${token}" \
  --data-urlencode "login=dacte@demo.pacte.fr" --data-urlencode "password=demo-pacte-2026" \
  "${BASE}${LOGIN}?next=/admin/")
admin=$(status -c "$jar" -b "$jar" "${BASE}/admin/")
[[ "$final" != *"/admin/"* || "$final" == *"/admin/login"* ]] && [[ "$admin" != 200 ]]
verdict "mot de passe seul de dacte@ : pas d'accès à /admin/" $? "après connexion ${final}, /admin/ ${admin}"

# 3. Wrong passwords are throttled.
jar="$WORK/wrong.jar"
token=$(csrf "$jar" "$LOGIN")
codes=""
for i in $(seq 1 30); do
  codes+="$(status -c "$jar" -b "$jar" -H "Referer: ${BASE}${LOGIN}" \
    --data-urlencode "csrfmiddlewaretoken=${token}" --data-urlencode "login=habitante@demo.pacte.fr" \
    --data-urlencode "password=faux-${i}" "${BASE}${LOGIN}") "
done
[[ "$codes" == *429* ]]
verdict "30 mauvais mots de passe : 429" $? "$(tr ' ' '\n' <<<"$codes" | sort | uniq -c | xargs)"

# 4. A 60 MB body is refused before Django reads it.
code=$(head -c 60000000 /dev/zero | status -H "Content-Type: application/octet-stream" \
  --data-binary @- "${BASE}${LOGIN}")
[[ "$code" == 413 ]]
verdict "corps de 60 Mo : 413" $? "$code"

# 5. The health page tells anonymous visitors no exception names.
"${CURL[@]}" -o "$WORK/sante" "${BASE}/sante/"
! grep -Eq 'Error|Exception|Traceback|erreur : [A-Z]' "$WORK/sante"
verdict "/sante/ anonyme sans nom d'exception" $? "$(head -c 160 "$WORK/sante" | tr '\n' ' ')"

# 6. Out-of-range numbers and garbage ids: 4xx or a form error, never a 500.
cookie="sessionid=${SESSION}"
jar="$WORK/referent.jar"
printf '127.0.0.1\tFALSE\t/\tFALSE\t0\tsessionid\t%s\n' "$SESSION" >"$jar"
propose="/mon-espace/structures/${ORGANISATION}/evenements/proposer/"
token=$(csrf "$jar" "$propose")
code=$(status -c "$jar" -b "$jar" -H "Referer: ${BASE}${propose}" --data-urlencode "csrfmiddlewaretoken=${token}" \
  --data-urlencode "title=Sonde" --data-urlencode "summary=Sonde" --data-urlencode "starts_at=2030-01-01T10:00" \
  --data-urlencode "ends_at=2030-01-01T12:00" --data-urlencode "capacity=99999999999999999999" "${BASE}${propose}")
[[ "$code" != 5* && "$code" != 000 ]]
verdict "capacité 99999999999999999999 : pas de 500" $? "$code"
if [[ -n "$EVENT" ]]; then
  attendance="/agenda/${EVENT}/presences/"
  token=$(csrf "$jar" "$attendance")
  code=$(status -c "$jar" -b "$jar" -H "Referer: ${BASE}${attendance}" --data-urlencode "csrfmiddlewaretoken=${token}" \
    --data-urlencode "walk_in_count=9223372036854775808" --data-urlencode "attended=9223372036854775808" \
    "${BASE}${attendance}")
  [[ "$code" != 5* && "$code" != 000 ]]
  verdict "walk_in 9223372036854775808 : pas de 500" $? "$code"
fi
for path in "/clubs/x/pratiques/9223372036854775808/" "/clubs/?page=99999999999999999999" \
  "/agenda/?commune=9223372036854775808" "/agenda/?theme=%00" "/clubs/?commune=abc" \
  "/agenda/%00/" "/admin/pacte/event/abc/change/"; do
  code=$(status -b "$cookie" "${BASE}${path}")
  [[ "$code" != 5* && "$code" != 000 ]]
  verdict "GET ${path} : pas de 500" $? "$code"
done

# 7. The page cache stores neither unknown page numbers nor htmx requests; no X-Page-Cache.
pages() { redis-cli -h 127.0.0.1 -n "$REDIS_DB" --scan --pattern '*page-cache:page:*' | wc -l; }
before=$(pages)
"${CURL[@]}" -o /dev/null "${BASE}/clubs/?page=aaa1"
"${CURL[@]}" -o /dev/null "${BASE}/clubs/?page=aaa1"
after=$(pages)
[[ "$before" == "$after" ]]
verdict "?page=aaa1 non stocké dans le cache de pages" $? "entrées ${before} → ${after}"
before=$(pages)
"${CURL[@]}" -o /dev/null -H "HX-Request: 1" "${BASE}/agenda/?page=aaa1"
"${CURL[@]}" -o /dev/null -H "HX-Request: 1" "${BASE}/clubs/?page=aaa1"
after=$(pages)
[[ "$before" == "$after" ]]
verdict "HX-Request: 1 avec ?page=aaa1 non stocké" $? "entrées ${before} → ${after}"
# Control: a known page is stored, so the counts above measure something.
"${CURL[@]}" -o /dev/null "${BASE}/clubs/"
control=$(pages)
[[ "$control" -gt "$after" ]]
verdict "contrôle : /clubs/ est bien stocké" $? "entrées ${after} → ${control}"
# An htmx history restore (or "HX-Request: 1", which is not htmx) is stored under the page's
# key: what every visitor gets next must be the whole page, never a fragment.
for path in /associations/ /lettre/fiches/ /agenda/ /clubs/pratiques/; do
  redis-cli -h 127.0.0.1 -n "$REDIS_DB" flushdb >/dev/null
  "${CURL[@]}" -o /dev/null -H "HX-Request: true" -H "HX-History-Restore-Request: true" "${BASE}${path}"
  "${CURL[@]}" -o /dev/null -H "HX-Request: 1" "${BASE}${path}"
  "${CURL[@]}" -o "$WORK/page" "${BASE}${path}"
  grep -q '</html>' "$WORK/page"
  verdict "${path} : le cache ne sert pas un fragment htmx comme page" $? "$(wc -c <"$WORK/page") octets"
done
headers=$("${CURL[@]}" -D - -o /dev/null "${BASE}/clubs/"; "${CURL[@]}" -D - -o /dev/null "${BASE}/clubs/")
! grep -qi '^x-page-cache' <<<"$headers"
verdict "en-tête X-Page-Cache absent" $? "$(grep -i '^x-page-cache' <<<"$headers" | tr -d '\r' | head -1)"

# 8. The personal space is never stored by a browser or a proxy.
control=$("${CURL[@]}" -D - -o /dev/null -b "$cookie" "${BASE}/mon-espace/" | tr -d '\r' |
  awk -F': ' 'tolower($1) == "cache-control" {print $2}')
[[ "$control" == *private* && "$control" == *no-store* ]]
verdict "Cache-Control de /mon-espace/ : private, no-store" $? "$control"

if grep -q "Traceback\|Internal Server Error" "$WORK/gunicorn.log" 2>/dev/null; then
  printf 'Journal gunicorn :\n'
  tail -40 "$WORK/gunicorn.log"
fi
printf '== %s échec(s)\n' "$FAILURES"
exit "$FAILURES"
