"""Kernel signal handlers, connected in every process (web, Celery worker, shell) by apps.ready."""

# The page cache's receivers bump the content version on writes; importing it here rather than
# from the views means a worker's or a shell's writes invalidate cached pages too.
from . import cache  # noqa: F401
