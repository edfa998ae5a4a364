"""Print the table of `make bench` from the rows bench/run.sh collected, and check the targets.

    python bench/table.py ROWS [QUERIES]

Each ROWS line: section, label, path, cache state, then wrk's "req/s p95 requests socket-errors
http-errors". The first row is the anonymous minimal view; the signed-in section also holds a
row for the minimal view (path /_bench/minimal/). Signed-in pages are compared with the signed-in
minimal view (what a page costs on top of signing in), every other page with the anonymous one.
Each QUERIES line (bench/prepare.py queries): path, queries anonymous, queries signed in.

Exit status 1 when a target is missed (the list is printed), 0 otherwise. No Django needed.
"""

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


def main(path: str, queries_path: str | None = None) -> int:
    rows = read_rows(path)
    queries = read_queries(queries_path)
    if not rows:
        return 1
    anonymous_minimal = rows[0][4]
    signed_in_minimal = next(
        (row[4] for row in rows if row[0].startswith(SIGNED_IN) and row[2] == MINIMAL), 0.0
    )
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
            baseline, target = anonymous_minimal, TARGET_SIGNED_IN_MINIMAL
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
    sys.exit(main(*sys.argv[1:3]))
