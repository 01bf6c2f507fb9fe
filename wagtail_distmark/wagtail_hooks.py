# Wagtail imports this module; each capability registers its own hooks.
from wagtail import hooks

from .audiences import wagtail_hooks as audiences_hooks  # noqa: F401
from .contacts import wagtail_hooks as contacts_hooks  # noqa: F401
from .inheritance import wagtail_hooks as inheritance_hooks  # noqa: F401
from .isolation import wagtail_hooks as isolation_hooks  # noqa: F401
from .media import wagtail_hooks as media_hooks  # noqa: F401
from .outlets import wagtail_hooks as outlets_hooks  # noqa: F401
from .workflows import wagtail_hooks as workflows_hooks  # noqa: F401


@hooks.register("construct_homepage_panels")
def add_todo_panel(request, panels):
    from .dashboard import ToDoPanel, todo_for

    todo = todo_for(request.user)
    if todo:
        panels.append(ToDoPanel(todo))
