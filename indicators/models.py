from .surveys.models import *  # noqa: F403
