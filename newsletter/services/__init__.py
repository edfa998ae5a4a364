"""Every write of the letter (docs/conventions.md): atomic, validated, audited, e-mails after commit.

- `subscriptions`: subscribe (double opt-in), confirm, preferences, unsubscribe, deactivate;
- `sheets`: experience sheets and their review workflow;
- `issues`: issues, their sections, test sends, scheduling and the start of a sending;
- `sending`: the delivery of an issue to its subscribers, exactly once (read its docstring).
"""

from .issues import (
    issue_cancel_schedule,
    issue_finish_if_done,
    issue_save,
    issue_schedule,
    issue_send_now,
    issue_send_test,
    issues_start_due,
    section_delete,
    section_save,
)
from .sending import BatchResult, deliveries_send_batch
from .sheets import sheet_publish, sheet_return_to_draft, sheet_save, sheet_submit
from .subscriptions import (
    CONSENT_TEXT,
    confirm_token,
    personal_token,
    read_confirm_token,
    read_personal_token,
    subscriber_confirm,
    subscriber_deactivate,
    subscriber_subscribe,
    subscriber_subscribe_account,
    subscriber_unsubscribe,
    subscriber_update_preferences,
    subscribers_erase,
    subscribers_export,
)

__all__ = [
    "CONSENT_TEXT",
    "BatchResult",
    "confirm_token",
    "deliveries_send_batch",
    "issue_cancel_schedule",
    "issue_finish_if_done",
    "issue_save",
    "issue_schedule",
    "issue_send_now",
    "issue_send_test",
    "issues_start_due",
    "personal_token",
    "read_confirm_token",
    "read_personal_token",
    "section_delete",
    "section_save",
    "sheet_publish",
    "sheet_return_to_draft",
    "sheet_save",
    "sheet_submit",
    "subscriber_confirm",
    "subscriber_deactivate",
    "subscriber_subscribe",
    "subscriber_subscribe_account",
    "subscriber_unsubscribe",
    "subscriber_update_preferences",
    "subscribers_erase",
    "subscribers_export",
]
