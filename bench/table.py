"""Print the table of `make bench` from the rows bench/run.sh collected (no Django needed).

Each input line: section, label, path, cache state, then wrk's "req/s p95 requests socket-errors
http-errors". The ratio divides a row's req/s by the first row's (the anonymous minimal view).
"""

import sys


def main(path: str) -> None:
    rows = []
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            section, label, url, cache_state, result = line.rstrip("\n").split("\t")
            rps, p95, requests, socket_errors, http_errors = result.split()
            rows.append(
                (
                    section,
                    label,
                    url,
                    cache_state,
                    float(rps),
                    float(p95),
                    int(requests),
                    int(socket_errors),
                    int(http_errors),
                )
            )
    if not rows:
        return
    baseline = rows[0][4]
    # Rows arrive page by page; print them section by section, in the order sections appeared.
    order = {name: index for index, name in reversed(list(enumerate(row[0] for row in rows)))}
    rows.sort(key=lambda row: order[row[0]])
    header = f"{'page':<34} {'chemin':<28} {'cache':<6} {'req/s':>8} {'p95 ms':>8} {'ratio':>6}"
    print(header)
    print("-" * len(header))
    section = None
    for name, label, url, cache_state, rps, p95, requests, socket_errors, http_errors in rows:
        if name != section:
            section = name
            print(f"[{section}]")
        url = url if len(url) <= 28 else url[:25] + "..."
        ratio = rps / baseline if baseline else 0.0
        line = f"{label:<34} {url:<28} {cache_state:<6} {rps:>8.1f} {p95:>8.1f} {ratio:>6.2f}"
        if socket_errors or http_errors:
            line += f"  erreurs : {socket_errors} socket, {http_errors} HTTP sur {requests}"
        print(line)


if __name__ == "__main__":
    main(sys.argv[1])
