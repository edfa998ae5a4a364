from .audit import AuditEntry
from .base import TimeStampedModel
from .documents import PrivateDocument
from .events import Event, Registration
from .exchanges import ExchangeNetwork, ExchangeOptOut, Reply, Topic
from .geo import Commune, CommuneOutline
from .organisations import Invitation, Membership, Organisation
from .themes import Theme
from .users import User

__all__ = [
    "AuditEntry",
    "Commune",
    "CommuneOutline",
    "Event",
    "ExchangeNetwork",
    "ExchangeOptOut",
    "Invitation",
    "Membership",
    "Organisation",
    "PrivateDocument",
    "Registration",
    "Reply",
    "Theme",
    "Topic",
    "TimeStampedModel",
    "User",
]
