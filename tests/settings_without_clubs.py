"""The portal's settings with the clubs app removed: proves the kernel stands without it."""

from pacte.settings import *  # noqa: F401,F403
from pacte.settings import INSTALLED_APPS

INSTALLED_APPS = [app for app in INSTALLED_APPS if app != "clubs"]
