"""Admin of action 3: labels, campaigns, and the instruction of applications (instructor board,
transitions, payments, messages, private notes, exports). Every change goes through the services."""

from . import applications, campaigns, label  # noqa: F401 — registers the model admins
