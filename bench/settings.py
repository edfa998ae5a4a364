"""Settings of `make bench`: the production settings, with static files collected into a temporary
folder (bench/run.sh sets BENCH_STATIC_ROOT) so the benchmark never writes into the project."""

import os

from pacte.settings import *  # noqa: F403

STATIC_ROOT = os.environ["BENCH_STATIC_ROOT"]
