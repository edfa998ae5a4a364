"""Every write of the communes app (docs/conventions.md): atomic, validated, audited, refused with a reason.

A sub-module per subject; the names are re-exported here for the views, the admin and the tests.
"""

from .actions import action_create, action_delete, action_publish, action_refuse, action_update
from .common import acts_for
from .conventions import (
    commitment_create,
    commitment_delete,
    commitment_update,
    convention_create,
    convention_update,
)
from .network import may_join_exchanges, network_meeting_create, network_reply_create, network_topic_create
from .personal_data import communes_erase, communes_export
from .replications import replication_create

__all__ = [
    "action_create",
    "action_delete",
    "action_publish",
    "action_refuse",
    "action_update",
    "acts_for",
    "commitment_create",
    "commitment_delete",
    "commitment_update",
    "communes_erase",
    "communes_export",
    "convention_create",
    "convention_update",
    "may_join_exchanges",
    "network_meeting_create",
    "network_reply_create",
    "network_topic_create",
    "replication_create",
]
