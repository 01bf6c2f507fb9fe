"""Django system checks for what the whole app relies on."""

from django.conf import settings
from django.core.checks import Warning, register


@register()
def check_task_backend(app_configs, **kwargs):
    # Imports, template deployments and search index updates are background
    # tasks: with the immediate backend they run inside the request that
    # starts them, which is fine on a developer's machine only.
    from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
    from django_tasks.backends.immediate import ImmediateBackend
    from django_tasks.exceptions import InvalidTaskBackendError

    if settings.DEBUG:
        return []
    try:
        backend = task_backends[DEFAULT_TASK_BACKEND_ALIAS]
    except InvalidTaskBackendError:
        return []  # django-tasks' own checks report a misconfigured backend
    if not isinstance(backend, ImmediateBackend):
        return []
    return [
        Warning(
            "Background tasks run inside the web request: the default task "
            "backend is the immediate backend.",
            hint=(
                "Outlet and contact imports, template deployments and search "
                "index updates then keep people waiting and can time out. Set "
                "TASKS to a backend with a worker, for example django-tasks-db's "
                '"django_tasks_db.DatabaseBackend", and run "manage.py '
                'db_worker" (see the installation guide).'
            ),
            id="wagtail_distmark.W002",
        )
    ]
