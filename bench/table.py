"""Print the table of `make bench` from the rows bench/run.sh collected, and check the targets.

    python bench/table.py ROWS [QUERIES [WRITES]]

Each ROWS line: section, label, path, cache state, then wrk's "req/s p95 requests socket-errors
http-errors". The first row is the anonymous minimal view; the signed-in section also holds rows
for the minimal view (path /_bench/minimal/). Both are measured several times through the run and
their medians are the baselines: signed-in pages are compared with the signed-in minimal view
(what a page costs on top of signing in), every other page with the anonymous one.
Each QUERIES line (bench/prepare.py queries): path, queries anonymous, queries signed in.
WRITES (the write mode of run.sh, empty when skipped) holds "name value…" lines: rate (asked per
second), asked, answered, errors, seconds (bench/writer.py), registered (new live registrations in
the database), places_db (places left in the database after the writes) and places_shown (what
two anonymous requests of the event page showed right after). The rows measured meanwhile are in
a section of their own and are held to the page cache's target.

Exit status 1 when a target is missed (the list is printed), 0 otherwise. No Django needed.
"""

import statistics
import sys

MINIMAL = "/_bench/minimal/"
SIGNED_IN = "connecté·e"  # the start of the signed-in section's name in run.sh
BUSTED = "cache contourné"
MIXED = "écritures"

# The targets: ratios against the right baseline, p95 at 16 connections, queries a page.
TARGET_SIGNED_IN = 0.35  # signed-in page ÷ signed-in minimal view
TARGET_BUSTED = 0.15  # page rendered anonymously ÷ anonymous minimal view
TARGET_SIGNED_IN_MINIMAL = 0.5  # signed-in minimal view ÷ anonymous minimal view
TARGET_CACHED = 0.25  # cached anonymous page ÷ anonymous minimal view (also under writes)
TARGET_P95_MS = 100.0
TARGET_QUERIES = 6
# The write mode must keep its rate: at least this share of the registrations asked for.
TARGET_WRITE_RATE_SHARE = 0.9


def read_rows(path: str) -> list[tuple]:
    rows = []
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            section, label, url, cache_state, result = line.rstrip("\n").split("\t")
            rps, p95, requests, socket_errors, http_errors = result.split()
            rows.append(
                (section, label, url, cache_state, float(rps), float(p95), int(requests))
                + (int(socket_errors), int(http_errors))
            )
    return rows


def read_queries(path: str | None) -> dict[str, tuple[int, int]]:
    if not path:
        return {}
    found = {}
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            url, anonymous, signed_in = line.rstrip("\n").split("\t")
            found[url] = (int(anonymous), int(signed_in))
    return found


def read_writes(path: str | None) -> dict[str, list[str]]:
    if not path:
        return {}
    found = {}
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            name, *values = line.split()
            found[name] = values
    return found


def check_writes(writes: dict[str, list[str]]) -> tuple[list[str], list[str]]:
    """(lines to print, targets missed) of the write mode; nothing when it did not run."""
    if not writes:
        return [], []

    def number(name, index=0):
        try:
            return float(writes[name][index])
        except (KeyError, IndexError, ValueError):
            return None

    rate, asked, answered = number("rate"), number("asked"), number("answered")
    errors, seconds, registered = number("errors"), number("seconds"), number("registered")
    places_db = number("places_db")
    shown = [number("places_shown", index) for index in (0, 1)]
    if None in (rate, asked, answered, errors, seconds, registered):
        return ["écritures : mesure incomplète"], ["écritures : le processus d'écriture n'a pas rendu compte"]
    achieved = asked / seconds if seconds else 0.0
    lines = [
        f"écritures : {asked:.0f} inscriptions demandées en {seconds:.0f} s ({achieved:.2f}/s pour {rate:g}/s"
        f" visé), {answered:.0f} traitées, {errors:.0f} erreurs, {registered:.0f} nouvelles en base ;"
        f" places restantes en base {'-' if places_db is None else f'{places_db:.0f}'}, affichées"
        f" {' puis '.join('-' if value is None else f'{value:.0f}' for value in shown)}"
    ]
    missed = []
    if achieved < TARGET_WRITE_RATE_SHARE * rate:
        missed.append(f"écritures : {achieved:.2f} inscriptions/s < {TARGET_WRITE_RATE_SHARE * rate:.2f}")
    if errors:
        missed.append(f"écritures : {errors:.0f} erreurs")
    if registered != answered:
        missed.append(f"écritures : {registered:.0f} inscriptions en base pour {answered:.0f} traitées")
    if places_db is None or any(value != places_db for value in shown):
        missed.append("écritures : la page de l'événement n'affiche pas les places restantes de la base")
    return lines, missed


def main(path: str, queries_path: str | None = None, writes_path: str | None = None) -> int:
    rows = read_rows(path)
    queries = read_queries(queries_path)
    write_lines, write_missed = check_writes(read_writes(writes_path))
    if not rows:
        return 1
    # The minimal views are measured several times through the run (run.sh): the median of each
    # is the baseline, so that a moment of load on a shared machine does not skew every ratio.
    anonymous_section = rows[0][0]
    anonymous_minimal = statistics.median(
        row[4] for row in rows if row[0] == anonymous_section and row[2] == MINIMAL
    )
    signed_in_minimals = [row[4] for row in rows if row[0].startswith(SIGNED_IN) and row[2] == MINIMAL]
    signed_in_minimal = statistics.median(signed_in_minimals) if signed_in_minimals else 0.0
    missed = []
    # Rows arrive page by page; print them section by section, in the order sections appeared.
    order = {name: index for index, name in reversed(list(enumerate(row[0] for row in rows)))}
    rows.sort(key=lambda row: order[row[0]])
    header = (
        f"{'page':<34} {'chemin':<28} {'cache':<6} {'req/s':>8} {'p95 ms':>8} {'ratio':>6} {'requêtes':>8}"
    )
    print(header)
    print("-" * len(header))
    section = None
    for name, label, url, cache_state, rps, p95, requests, socket_errors, http_errors in rows:
        if name != section:
            section = name
            print(f"[{section}]")
        signed_in = name.startswith(SIGNED_IN)
        minimal = url == MINIMAL
        if signed_in and not minimal:
            baseline, target = signed_in_minimal, TARGET_SIGNED_IN
        elif signed_in:
            # Checked once below, on the medians.
            baseline, target = anonymous_minimal, None
        elif BUSTED in name:
            baseline, target = anonymous_minimal, TARGET_BUSTED
        else:
            baseline, target = anonymous_minimal, (None if minimal else TARGET_CACHED)
        ratio = rps / baseline if baseline else 0.0
        count = queries.get(url, (None, None))[1 if signed_in else 0]
        shown = url if len(url) <= 28 else url[:25] + "..."
        line = (
            f"{label:<34} {shown:<28} {cache_state:<6} {rps:>8.1f} {p95:>8.1f} {ratio:>6.2f}"
            f" {'-' if count is None else count:>8}"
        )
        if socket_errors or http_errors:
            line += f"  erreurs : {socket_errors} socket, {http_errors} HTTP sur {requests}"
            missed.append(f"{label} [{name}] : {socket_errors + http_errors} erreurs")
        print(line)
        if target is not None and ratio < target:
            missed.append(f"{label} [{name}] : ratio {ratio:.2f} < {target}")
        if p95 >= TARGET_P95_MS:
            missed.append(f"{label} [{name}] : p95 {p95:.0f} ms ≥ {TARGET_P95_MS:.0f} ms")
        if count is not None and count > TARGET_QUERIES:
            missed.append(f"{label} [{name}] : {count} requêtes > {TARGET_QUERIES}")
    if signed_in_minimals and anonymous_minimal:
        ratio = signed_in_minimal / anonymous_minimal
        print(
            f"vues minimales (médianes de {len(signed_in_minimals)} mesures connectées) : anonyme "
            f"{anonymous_minimal:.1f} req/s, connectée {signed_in_minimal:.1f} req/s, ratio {ratio:.2f}"
        )
        if ratio < TARGET_SIGNED_IN_MINIMAL:
            missed.append(f"vue minimale [{SIGNED_IN}] : ratio {ratio:.2f} < {TARGET_SIGNED_IN_MINIMAL}")
    for line in write_lines:
        print(line)
    missed += write_missed
    print()
    print(
        "ratio : connecté·e ÷ vue minimale connecté·e (la vue minimale connectée ÷ l'anonyme) ; "
        "sinon ÷ vue minimale anonyme."
    )
    print(
        f"Objectifs : connecté·e ≥ {TARGET_SIGNED_IN}, cache contourné ≥ {TARGET_BUSTED}, "
        f"vue minimale connectée ≥ {TARGET_SIGNED_IN_MINIMAL}, cache de pages ≥ {TARGET_CACHED}, "
        f"p95 < {TARGET_P95_MS:.0f} ms, au plus {TARGET_QUERIES} requêtes SQL par page."
    )
    if missed:
        print(f"\n{len(missed)} objectif(s) manqué(s) :")
        for problem in missed:
            print(f"  - {problem}")
        return 1
    print("\nTous les objectifs sont atteints.")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
