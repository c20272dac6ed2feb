"""Background tasks of the shared kernel: e-mail, and pruning the queue's history."""

from __future__ import annotations

from datetime import timedelta

from django.core.mail import send_mail
from django.utils import timezone
from django_tasks import TaskContext, TaskResultStatus, task
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from kam.background.schedule import every

KEEP_FINISHED = timedelta(days=30)


@task(takes_context=True)
def send_email(
    context: TaskContext,
    *,
    subject: str,
    message: str,
    recipients: list[str],
    html_message: str = "",
    from_email: str = "",
) -> None:
    """Send one e-mail (plain text, with an HTML version when given, from the given sender or
    the default one); a failure is recorded on the task (not hidden).

    The message may hold a personal survey link, which is a credential: once the e-mail is
    sent (or has failed) its text is blanked in the queue, so it is kept only while waiting.
    """
    try:
        send_mail(
            subject=subject,
            message=message,
            from_email=from_email or None,
            recipient_list=recipients,
            html_message=html_message or None,
        )
    finally:
        # Only the database backend keeps the text; the immediate one (tests) keeps none.
        if isinstance(context.task_result.task.get_backend(), DatabaseBackend):
            DBTaskResult.objects.filter(pk=context.task_result.id).update(
                args_kwargs={"args": [], "kwargs": {"redacted": True}}
            )


def enqueue_email(
    *,
    subject: str,
    message: str,
    recipients: list[str],
    html_message: str = "",
    from_email: str = "",
) -> None:
    """Queue an e-mail. Inside a transaction the queue row commits (or not) with it."""
    send_email.enqueue(
        subject=str(subject),
        message=str(message),
        recipients=recipients,
        html_message=str(html_message),
        from_email=str(from_email),
    )


@every(timedelta(days=1))
@task()
def prune_finished_tasks() -> int:
    """Forget finished tasks older than KEEP_FINISHED; how many were removed."""
    cutoff = timezone.now() - KEEP_FINISHED
    deleted, _ = DBTaskResult.objects.filter(
        status__in=[TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED], finished_at__lt=cutoff
    ).delete()
    return deleted
