from .audit import AuditEntry
from .base import TimeStampedModel
from .documents import PrivateDocument
from .events import Event, Registration
from .geo import Commune
from .organisations import Membership, Organisation
from .themes import Theme
from .users import User

__all__ = [
    "AuditEntry",
    "Commune",
    "Event",
    "Membership",
    "Organisation",
    "PrivateDocument",
    "Registration",
    "Theme",
    "TimeStampedModel",
    "User",
]
