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


UNDER_WRITES = "anonyme, cache de pages, sous écritures (2 inscriptions/s)"


def writes_file(tmp_path, **values):
    defaults = {
        "rate": "2",
        "asked": "48",
        "answered": "48",
        "errors": "0",
        "seconds": "24.1",
        "registered": "48",
        "places_db": "152",
        "places_shown": "152 152",
    }
    defaults.update(values)
    path = tmp_path / "writes"
    path.write_text("".join(f"{name} {value}\n" for name, value in defaults.items()), encoding="utf-8")
    return str(path)


def test_the_write_mode_is_summarised_and_its_pages_held_to_the_page_cache_target(tmp_path, capsys):
    measured = [*rows(), (UNDER_WRITES, "/agenda/", "/agenda/", "hit", "300 9 100 0 0")]
    assert table.main(*write(tmp_path, measured, [(MINIMAL, 0, 1), ("/", 2, 3)]), writes_file(tmp_path)) == 0
    out = capsys.readouterr().out
    assert f"[{UNDER_WRITES}]" in out
    assert "48 inscriptions demandées en 24 s (1.99/s pour 2/s visé), 48 traitées, 0 erreurs" in out
    assert "places restantes en base 152, affichées 152 puis 152" in out

    slow = [*rows(), (UNDER_WRITES, "/agenda/", "/agenda/", "hit", "200 9 100 0 0")]
    assert table.main(*write(tmp_path, slow, [(MINIMAL, 0, 1)]), writes_file(tmp_path)) == 1
    assert "ratio 0.20 < 0.25" in capsys.readouterr().out


def test_stale_pages_lost_writes_and_a_slow_writer_are_missed_targets(tmp_path, capsys):
    files = write(tmp_path, rows(), [(MINIMAL, 0, 1)])
    assert table.main(*files, writes_file(tmp_path, places_shown="153 152")) == 1
    assert "n'affiche pas les places restantes de la base" in capsys.readouterr().out
    assert table.main(*files, writes_file(tmp_path, registered="47")) == 1
    assert "47 inscriptions en base pour 48 traitées" in capsys.readouterr().out
    assert table.main(*files, writes_file(tmp_path, asked="30", answered="30", registered="30")) == 1
    assert "1.24 inscriptions/s < 1.80" in capsys.readouterr().out
    assert table.main(*files, writes_file(tmp_path, errors="2")) == 1
    assert "2 erreurs" in capsys.readouterr().out


def test_a_write_mode_that_did_not_report_is_a_missed_target(tmp_path, capsys):
    empty = tmp_path / "writes"
    empty.write_text("rate 2\nregistered 0\n", encoding="utf-8")
    assert table.main(*write(tmp_path, rows(), [(MINIMAL, 0, 1)]), str(empty)) == 1
    assert "n'a pas rendu compte" in capsys.readouterr().out
    # Skipped (BENCH_WRITE_RATE=0): an empty file, nothing checked.
    empty.write_text("", encoding="utf-8")
    assert table.main(*write(tmp_path, rows(), [(MINIMAL, 0, 1)]), str(empty)) == 0


def test_the_baselines_are_the_medians_of_the_minimal_views_measured_through_the_run(tmp_path, capsys):
    """A moment of load during one measurement of a minimal view does not skew every ratio."""
    measured = [
        *rows(),
        (ANONYMOUS, "vue minimale", MINIMAL, "-", "100 90 100 0 0"),  # a load spike
        (ANONYMOUS, "vue minimale", MINIMAL, "-", "1000 5 100 0 0"),
        (SIGNED_IN, "vue minimale", MINIMAL, "-", "500 10 100 0 0"),
        (SIGNED_IN, "vue minimale", MINIMAL, "-", "50 10 100 0 0"),
    ]
    assert table.main(*write(tmp_path, measured, [(MINIMAL, 0, 0), ("/", 2, 3)])) == 0
    out = capsys.readouterr().out
    assert "anonyme 1000.0 req/s, connectée 500.0 req/s, ratio 0.50" in out
    accueil_busted = [line for line in out.splitlines() if line.startswith("accueil")][1]
    assert accueil_busted.split()[-2] == "0.20"  # 200 ÷ the median 1000, not ÷ 100

    slow = [*rows()[:-1], (SIGNED_IN, "vue minimale", MINIMAL, "-", "400 10 100 0 0")]
    assert table.main(*write(tmp_path, slow, [(MINIMAL, 0, 0)])) == 1
    assert "vue minimale [connecté·e] : ratio 0.40 < 0.5" in capsys.readouterr().out
