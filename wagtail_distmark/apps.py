from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WagtailDistmarkAppConfig(AppConfig):
    name = "wagtail_distmark"
    label = "wagtail_distmark"
    verbose_name = _("Distributed marketing")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Object permissions are declared with django-rules; importing the module
        # registers them whether or not the project lists rules' autodiscovery app.
        from . import rules  # noqa: F401
        from . import system_checks as app_checks  # noqa: F401
        from .contacts import system_checks as contact_checks  # noqa: F401
        from .isolation import system_checks as isolation_checks  # noqa: F401
        from .media import system_checks as media_checks  # noqa: F401
        from .workflows import system_checks  # noqa: F401

        self.connect_signals()
        self.index_references()
        self.translate_chooser_labels()

    def translate_chooser_labels(self):
        # Wagtail 8.0's ChooserViewSet reads these labels with gettext when
        # its module is imported, so every chooser (images, documents,
        # snippets) says "Search" to French and Dutch users. Viewsets read
        # them when their URLs are built, after ready(): lazy labels are
        # then translated per request. Remove once Wagtail makes them lazy.
        from wagtail.admin.viewsets.chooser import ChooserViewSet

        ChooserViewSet.search_tab_label = _("Search")
        ChooserViewSet.create_action_label = _("Create")
        ChooserViewSet.choose_one_text = _("Choose")
        ChooserViewSet.choose_another_text = _("Choose another")
        ChooserViewSet.edit_item_text = _("Edit")

    def index_references(self):
        # An outlet's profile shows its manager's photo on every outlet page:
        # Wagtail's reference index then counts it among the image's uses, and
        # the unusable asset check reports it.
        from wagtail.models import ReferenceIndex

        from .outlets.models import Outlet

        ReferenceIndex.register_model(Outlet)

    def connect_signals(self):
        from django.core.signals import request_finished

        from .sqlite import optimize_sqlite

        request_finished.connect(
            optimize_sqlite, dispatch_uid="distmark_sqlite_optimize"
        )
        from wagtail.signals import page_published, post_page_move, task_submitted

        from .inheritance.indexing import on_template_published
        from .inheritance.models import TemplatePage
        from .inheritance.signal_handlers import on_page_moved

        page_published.connect(
            on_template_published,
            sender=TemplatePage,
            dispatch_uid="distmark_reindex_outlet_pages",
        )
        post_page_move.connect(on_page_moved, dispatch_uid="distmark_outlet_page_moved")

        from .workflows.notifications import on_task_submitted

        task_submitted.connect(
            on_task_submitted, dispatch_uid="distmark_approval_requested_email"
        )

        from django.db.models.signals import post_init
        from wagtail.models import GroupApprovalTask, Task, Workflow

        from .workflows.models import (
            BrandComplianceTask,
            HQReviewTask,
            OutletApprovalTask,
        )
        from .workflows.services import show_default_names_translated

        # The default workflow's name in the reader's language (one sender per
        # model: post_init fires for the concrete class only).
        for model in (
            Workflow,
            Task,
            GroupApprovalTask,
            BrandComplianceTask,
            OutletApprovalTask,
            HQReviewTask,
        ):
            post_init.connect(
                show_default_names_translated,
                sender=model,
                dispatch_uid=f"distmark_translated_name_{model.__name__}",
            )
