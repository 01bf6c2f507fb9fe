"""Background tasks of template inheritance (django-tasks, as Wagtail's own)."""

import logging

from django_tasks import task

from .deploy import run_deployment
from .models import TemplateDeployment

logger = logging.getLogger(__name__)


@task()
def deploy_template_task(deployment_id):
    """Run a template deployment; returns its counts.

    A deployment already done is left alone: a task delivered twice must not
    reset its counts (running it again would create nothing anyway).
    """
    deployment = TemplateDeployment.objects.filter(pk=deployment_id).first()
    if deployment is None:
        logger.warning("Template deployment %s no longer exists", deployment_id)
        return None
    if deployment.status != TemplateDeployment.DONE:
        run_deployment(deployment)
    return {
        "status": deployment.status,
        "total": deployment.total,
        "created": deployment.created_count,
        "skipped": deployment.skipped_count,
        "failed": deployment.failed_count,
    }


@task()
def notify_stale_values_task(template_id, stale):
    """Tell outlet managers that a template publish made their values stale.

    ``stale`` maps outlet page ids (as strings: task arguments are JSON) to
    their stale block ids. Returns the number of emails sent.
    """
    from .template_publishing import notify_stale_values

    return notify_stale_values(template_id, stale)
