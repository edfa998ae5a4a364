from .clubs import *  # noqa: F401,F403
from .gardens import *  # noqa: F401,F403
from .practices import *  # noqa: F401,F403
