"""The background task that runs template deployments."""

from django_tasks.base import TaskResultStatus

from tests.inheritance.test_deploy import make_template
from wagtail_distmark.inheritance.deploy import DeployTemplateAction
from wagtail_distmark.inheritance.models import LocalPage, TemplateDeployment
from wagtail_distmark.inheritance.tasks import deploy_template_task


def test_task_runs_the_deployment(demo):
    template = make_template()
    deployment = DeployTemplateAction(
        template, demo.users["hq"], target={"all": True}
    ).execute(enqueue=False)

    result = deploy_template_task.enqueue(deployment.pk)

    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == {
        "status": "done",
        "total": 3,
        "created": 3,
        "skipped": 0,
        "failed": 0,
    }
    deployment.refresh_from_db()
    assert deployment.status == TemplateDeployment.DONE
    assert LocalPage.objects.filter(hq_template=template).count() == 3


def test_action_enqueues_the_task_once_committed(
    demo, django_capture_on_commit_callbacks
):
    template = make_template()
    with django_capture_on_commit_callbacks() as callbacks:
        deployment = DeployTemplateAction(
            template, demo.users["hq"], target={"regions": [demo.north.pk]}
        ).execute()
        assert deployment.status == TemplateDeployment.PENDING
    assert len(callbacks) == 1
    assert not LocalPage.objects.filter(hq_template=template).exists()

    callbacks[0]()  # the transaction committed

    deployment.refresh_from_db()
    assert deployment.status == TemplateDeployment.DONE
    assert deployment.created_count == 2


def test_task_leaves_a_finished_deployment_alone(demo):
    template = make_template()
    deployment = DeployTemplateAction(
        template, demo.users["hq"], target={"all": True}
    ).execute(enqueue=False)
    deploy_template_task.enqueue(deployment.pk)
    deployment.refresh_from_db()
    started_at = deployment.started_at

    # Delivered a second time: the counts of the real run stay.
    result = deploy_template_task.enqueue(deployment.pk)

    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value["created"] == 3
    deployment.refresh_from_db()
    assert (deployment.created_count, deployment.skipped_count) == (3, 0)
    assert deployment.started_at == started_at


def test_task_for_a_deleted_deployment_does_nothing(db):
    result = deploy_template_task.enqueue(987654)
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value is None
