from .bookings import Booking, BookingSeries, Residency
from .calls import Application, ApplicationDocument, Call, Criterion, RequiredDocument, Review, Score
from .venue import Closure, OpeningHours, Space, Venue

__all__ = [
    "Application",
    "ApplicationDocument",
    "Booking",
    "BookingSeries",
    "Call",
    "Closure",
    "Criterion",
    "OpeningHours",
    "RequiredDocument",
    "Residency",
    "Review",
    "Score",
    "Space",
    "Venue",
]
