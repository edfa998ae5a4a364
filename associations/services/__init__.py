"""Every write of action 3 (docs/conventions.md): atomic, validated, audited, e-mails after commit.

Views, the admin and the Celery tasks only call these functions.
"""
