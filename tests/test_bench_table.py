"""`make bench`'s table (bench/table.py): the right baselines, the queries column, the exit status."""

from bench import table

MINIMAL = "/_bench/minimal/"
ANONYMOUS = "anonyme, cache de pages"
BUSTED = "anonyme, cache contourné (?_bench=…)"
SIGNED_IN = "connecté·e (jamais en cache)"


def write(tmp_path, rows, queries):
    rows_file, queries_file = tmp_path / "rows", tmp_path / "queries"
    rows_file.write_text("".join("\t".join(row) + "\n" for row in rows), encoding="utf-8")
    queries_file.write_text("".join("\t".join(map(str, q)) + "\n" for q in queries), encoding="utf-8")
    return str(rows_file), str(queries_file)


def rows(signed_in_rps="200", signed_in_p95="20"):
    return [
        (ANONYMOUS, "vue minimale", MINIMAL, "-", "1000 5 100 0 0"),
        (ANONYMOUS, "accueil", "/", "hit", "800 6 100 0 0"),
        (BUSTED, "accueil", "/", "-", "200 30 100 0 0"),
        (SIGNED_IN, "accueil", "/", "-", f"{signed_in_rps} {signed_in_p95} 100 0 0"),
        (SIGNED_IN, "vue minimale", MINIMAL, "-", "500 10 100 0 0"),
    ]


def test_targets_met_exit_zero_and_signed_in_pages_use_the_signed_in_baseline(tmp_path, capsys):
    assert table.main(*write(tmp_path, rows(), [(MINIMAL, 0, 1), ("/", 2, 3)])) == 0
    out = capsys.readouterr().out
    # 200 req/s signed in ÷ 500 for the signed-in minimal view, not ÷ 1000 anonymous.
    accueil_signed_in = [line for line in out.splitlines() if line.startswith("accueil")][-1]
    assert accueil_signed_in.split()[-2:] == ["0.40", "3"]
    assert "Tous les objectifs sont atteints." in out


def test_a_missed_target_is_listed_and_exits_one(tmp_path, capsys):
    files = write(tmp_path, rows(signed_in_rps="100", signed_in_p95="150"), [(MINIMAL, 0, 1), ("/", 2, 9)])
    assert table.main(*files) == 1
    out = capsys.readouterr().out
    assert "ratio 0.20 < 0.35" in out
    assert "p95 150 ms" in out
    assert "9 requêtes > 6" in out
