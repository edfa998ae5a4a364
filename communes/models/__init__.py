from .actions import ActionDocument, ActionPhoto, CommuneAction, Replication
from .conventions import Commitment, Convention

__all__ = ["ActionDocument", "ActionPhoto", "Commitment", "CommuneAction", "Convention", "Replication"]
