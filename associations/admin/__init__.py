"""Admin of action 3: labels, campaigns, and the instruction of applications (instructor board,
transitions, payments, messages, private notes, exports). Every change goes through the services."""

from ..reseau import admin as reseau_admin  # noqa: F401 — the relais network's showcase
from ..reseau.tools import admin as _tools_admin  # noqa: F401 — action 4's tool library
from . import applications, campaigns, label  # noqa: F401 — registers the model admins
