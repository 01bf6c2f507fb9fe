import pytest
from django_tasks.base import TaskResultStatus

from wagtail_distmark.contacts.imports.tasks import import_contacts_task
from wagtail_distmark.contacts.models import ContactImport

from .conftest import make_import, ours

pytestmark = pytest.mark.django_db


def test_the_task_runs_an_import_by_id(demo):
    job = make_import(
        demo.lille,
        b"email,consent\na@example.com,yes\n",
        user=demo.users["lille-editor"],
    )
    result = import_contacts_task.enqueue(job.pk)
    assert result.return_value == ContactImport.Status.DONE
    job.refresh_from_db()
    assert job.created_count == 1 and ours().filter(outlet=demo.lille).count() == 1


def test_the_task_checks_the_user_again(demo):
    # The user lost the outlet (or never had it): nothing is imported.
    job = make_import(
        demo.marseille,
        b"email,consent\na@example.com,yes\n",
        user=demo.users["lille-editor"],
    )
    result = import_contacts_task.enqueue(job.pk)
    assert result.status == TaskResultStatus.FAILED
    assert "PermissionDenied" in result.errors[0].exception_class_path
    assert not ours().exists()


def test_an_import_runs_once_even_if_enqueued_twice(demo):
    job = make_import(demo.lille, b"email,consent,first_name\na@example.com,yes,A\n")
    import_contacts_task.enqueue(job.pk)
    ours().update(first_name="Changed since")
    assert import_contacts_task.enqueue(job.pk).return_value == "done"
    assert ours().get().first_name == "Changed since"
