from celery import shared_task


@shared_task(ignore_result=True)
def send_label_reminders():
    """Daily: 60 and 15 days before a label expires (safe to run twice)."""
    from .services.label import label_send_expiry_reminders

    return label_send_expiry_reminders()


@shared_task(ignore_result=True)
def send_bilan_reminders():
    """Daily: call for the bilans of ended programmes, remind before and after the due date."""
    from .services.bilans import bilan_send_reminders

    return bilan_send_reminders()
