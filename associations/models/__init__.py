"""Action 3's models: the Relais COP21 label, the yearly subsidy campaigns, the applications with
their actions, budget, documents, messages, notes and payments, and the bilan that closes them.

Action 4 (the relais network) will live in its own sub-package, `associations/reseau/`.
"""

# Action 4, the relais network: its models live in its sub-package; imported here so Django sees them.
from ..reseau.models import ShowcaseAction, ShowcasePhoto, ShowcaseReport
from .applications import (
    ApplicationDocument,
    ApplicationMessage,
    BudgetLine,
    InstructorNote,
    Payment,
    PlannedAction,
    SubsidyApplication,
)
from .bilans import Bilan, BilanParticipation, BilanPhoto
from .campaigns import Campaign, CampaignDocument, CampaignQuestion
from .label import CHARTER_VERSION, RelaisLabel

# isort: split
# Action 4's tool library (its own sub-package), imported here so that Django sees its models; after
# the label, which its access rules (associations.reseau.access) import.
from ..reseau.tools.models import Loan, LoanHandoff, Tool, ToolCopy, ToolFile, ToolPhoto

__all__ = [
    "CHARTER_VERSION",
    "ApplicationDocument",
    "ApplicationMessage",
    "Bilan",
    "BilanParticipation",
    "BilanPhoto",
    "BudgetLine",
    "Campaign",
    "CampaignDocument",
    "CampaignQuestion",
    "InstructorNote",
    "Loan",
    "LoanHandoff",
    "Payment",
    "PlannedAction",
    "RelaisLabel",
    "ShowcaseAction",
    "ShowcasePhoto",
    "ShowcaseReport",
    "SubsidyApplication",
    "Tool",
    "ToolCopy",
    "ToolFile",
    "ToolPhoto",
]
