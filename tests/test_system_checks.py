"""System checks for what the whole app relies on: a task worker."""

from io import StringIO

from django.core.management import call_command

from wagtail_distmark.system_checks import check_task_backend

IMMEDIATE = "django_tasks.backends.immediate.ImmediateBackend"
DATABASE = "django_tasks_db.DatabaseBackend"


def ids(messages):
    return [message.id for message in messages]


def test_the_immediate_backend_outside_debug_is_warned_about(settings):
    settings.DEBUG = False
    settings.TASKS = {"default": {"BACKEND": IMMEDIATE}}

    assert ids(check_task_backend(None)) == ["wagtail_distmark.W002"]
    output = StringIO()
    call_command("check", stdout=output, stderr=output)
    assert "wagtail_distmark.W002" in output.getvalue()
    assert "Background tasks run inside the web request" in output.getvalue()


def test_a_project_without_tasks_setting_is_warned_about(settings):
    # django-tasks falls back to the immediate backend.
    settings.DEBUG = False
    del settings.TASKS
    assert ids(check_task_backend(None)) == ["wagtail_distmark.W002"]


def test_a_backend_with_a_worker_passes(settings):
    settings.DEBUG = False
    settings.TASKS = {"default": {"BACKEND": DATABASE}}
    assert check_task_backend(None) == []


def test_the_immediate_backend_is_fine_in_development(settings):
    settings.DEBUG = True
    settings.TASKS = {"default": {"BACKEND": IMMEDIATE}}
    assert check_task_backend(None) == []
