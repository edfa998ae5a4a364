from ..gardens.models import *  # noqa: F401,F403
from .clubs import *  # noqa: F401,F403
from .practices import *  # noqa: F401,F403
