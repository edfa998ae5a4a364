"""In-process timings and profiles of the bench pages, for iterating between two `make bench` runs.

    python bench/profile.py [--mode anonymous|busted|signed-in] [--repeat N] [--profile] [PATH...]

Runs with the environment of bench/run.sh (bench settings, the bench database in DATABASE_URL,
Redis in REDIS_URL so that sessions and caches are the production ones). Each page is requested
through the whole middleware stack by Django's test client (no network, no gunicorn): the median
and the best of N requests in milliseconds, the CPU time of this process per request (steadier
than wall time on a busy machine) and the queries of the last one. With --profile, the
pages are profiled together by pyinstrument (requirements-dev.txt) and its tree is printed.
Without PATH: the minimal view and every page of bench/prepare.py pages().
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
os.environ.setdefault("BENCH_STATIC_ROOT", "/tmp/pacte-bench-static")

from bench import prepare  # noqa: E402  (sets Django up)


def main() -> int:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    parser = argparse.ArgumentParser()
    parser.add_argument("--mode", default="signed-in", choices=["anonymous", "busted", "signed-in"])
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("paths", nargs="*")
    options = parser.parse_args()
    paths = options.paths or [prepare.MINIMAL] + [path for _, path in prepare.pages()]

    client = Client(HTTP_HOST="127.0.0.1")
    if options.mode == "signed-in":
        # The bench's own signed-in session (a real session, stored by the configured engine).
        from django.conf import settings

        client.cookies[settings.SESSION_COOKIE_NAME] = prepare.session_key()

    counter = 0

    def get(path):
        nonlocal counter
        counter += 1
        if options.mode == "busted":
            separator = "&" if "?" in path else "?"
            path = f"{path}{separator}_bench=p{os.getpid()}-{counter}"
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        return response

    profiler = None
    if options.profile:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.0005)
    for path in paths:
        for _ in range(3):  # warm per-process and shared caches
            get(path)
        timings = []
        if profiler:
            profiler.start()
        cpu_start = time.process_time()
        for _ in range(options.repeat):
            start = time.perf_counter()
            get(path)
            timings.append((time.perf_counter() - start) * 1000)
        cpu = (time.process_time() - cpu_start) * 1000 / options.repeat
        if profiler:
            profiler.stop()
        with CaptureQueriesContext(connection) as queries:
            get(path)
        print(
            f"{path[:45]:<45} median {statistics.median(timings):7.2f} ms  best {min(timings):7.2f} ms"
            f"  CPU {cpu:7.2f} ms  {len(queries):3d} queries",
            flush=True,
        )
    if profiler:
        print(
            profiler.output_text(
                unicode=True,
                color=False,
                flat=bool(os.environ.get("PROFILE_FLAT")),
                show_all=bool(os.environ.get("PROFILE_ALL")),
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
