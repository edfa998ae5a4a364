from celery import shared_task


@shared_task(ignore_result=True)
def send_loan_reminders():
    """Daily: before an accepted loan starts and after an out loan should have ended (each once)."""
    from .services import loan_send_reminders

    return loan_send_reminders()
