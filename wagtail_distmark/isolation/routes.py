"""How local users reach Wagtail's admin routes that have no seam to scope.

Most of Wagtail's admin is scoped through its own hooks and viewsets (see
this package's ``wagtail_hooks.py``). The routes below read or list objects
before any hook runs; ``AdminRouteScopeMiddleware`` applies one rule to each
of them for local users (outlet roles, not HQ):

- ``Hidden``: the route answers 404, and its menu item is not shown;
- ``Guarded(check)``: ``check(request, **url_kwargs)`` raises ``Http404``
  when the object the URL names is out of the user's reach, then Wagtail's
  view runs;
- ``Replaced(view)``: a scoped subclass of Wagtail's view answers instead.

Every admin URL's decision, these included, is walked by
``tests/isolation/test_routes.py``.
"""

from dataclasses import dataclass

from django.http import Http404
from django.utils.module_loading import import_string
from wagtail.admin.auth import require_admin_access


@dataclass(frozen=True)
class Hidden:
    why: str

    def apply(self, request, view_func, view_args, view_kwargs):
        raise Http404


@dataclass(frozen=True)
class Guarded:
    check: str  # dotted path of check(request, **url_kwargs)

    def apply(self, request, view_func, view_args, view_kwargs):
        import_string(self.check)(request, **view_kwargs)
        return None


@dataclass(frozen=True)
class Replaced:
    view: str  # dotted path of the scoped view

    def apply(self, request, view_func, view_args, view_kwargs):
        view = require_admin_access(import_string(self.view))
        return view(request, *view_args, **view_kwargs)


_PAGES = "wagtail_distmark.isolation.pages."
_REPORTS = "wagtail_distmark.isolation.reports."
_MEDIA = "wagtail_distmark.isolation.media."
_TAGS = "wagtail_distmark.isolation.tags."
_FORMS = "wagtail_distmark.isolation.forms."

ROUTE_RULES = {
    # The page chooser reads its parent page, and the pages it is told were
    # chosen, before the chooser queryset hook runs.
    "wagtailadmin_choose_page": Replaced(_PAGES + "browse_from_explorable_root"),
    "wagtailadmin_choose_page_child": Guarded(_PAGES + "require_visible_parent_page"),
    "wagtailadmin_choose_page_chosen_multiple": Guarded(
        _PAGES + "require_visible_chosen_pages"
    ),
    # A pasted URL is matched against every site's pages (and their titles).
    "wagtailadmin_choose_page_external_link": Replaced(_PAGES + "external_link_view"),
    # Reports: filters list every author; the site history reads every log.
    "wagtailadmin_reports:locked_pages": Replaced(_REPORTS + "locked_pages_view"),
    "wagtailadmin_reports:locked_pages_results": Replaced(
        _REPORTS + "locked_pages_results_view"
    ),
    "wagtailadmin_reports:workflow": Replaced(_REPORTS + "workflow_view"),
    "wagtailadmin_reports:workflow_results": Replaced(
        _REPORTS + "workflow_results_view"
    ),
    "wagtailadmin_reports:site_history": Replaced(_REPORTS + "site_history_view"),
    "wagtailadmin_reports:site_history_results": Replaced(
        _REPORTS + "site_history_results_view"
    ),
    "wagtailadmin_reports:page_types_usage": Hidden(
        "counts every page of the network, by site"
    ),
    "wagtailadmin_reports:page_types_usage_results": Hidden(
        "counts every page of the network, by site"
    ),
    # Form pages' listing: its site and author filters.
    "wagtailforms:index": Replaced(_FORMS + "form_pages_view"),
    "wagtailforms:index_results": Replaced(_FORMS + "form_pages_results_view"),
    # Media listings and the image chooser offer the network's popular tags.
    "wagtailimages:index": Replaced(_MEDIA + "image_index_view"),
    "wagtailimages:index_results": Replaced(_MEDIA + "image_index_results_view"),
    "wagtaildocs:index": Replaced(_MEDIA + "document_index_view"),
    "wagtaildocs:index_results": Replaced(_MEDIA + "document_index_results_view"),
    "wagtailimages_chooser:choose": Replaced(_MEDIA + "image_choose_view"),
    "wagtailimages_chooser:choose_results": Replaced(
        _MEDIA + "image_choose_results_view"
    ),
    # Media screens by id: another outlet's asset answers 404, not Wagtail's
    # 403 (which tells the id exists); the chooser's answers for a chosen
    # asset give only assets the user may choose.
    **{
        f"wagtailimages:{name}": Guarded(_MEDIA + "require_reachable_image")
        for name in (
            "edit",
            "delete",
            "url_generator",
            "url_generator_output",
            "preview",
            "image_usage",
            "edit_multiple",
            "delete_multiple",
        )
    },
    **{
        f"wagtaildocs:{name}": Guarded(_MEDIA + "require_reachable_document")
        for name in (
            "edit",
            "delete",
            "document_usage",
            "edit_multiple",
            "delete_multiple",
        )
    },
    **{
        f"wagtailimages_chooser:{name}": Guarded(_MEDIA + "require_choosable_image")
        for name in ("chosen", "chosen_multiple", "select_format")
    },
    **{
        f"wagtaildocs_chooser:{name}": Guarded(_MEDIA + "require_choosable_document")
        for name in ("chosen", "chosen_multiple")
    },
    # Tag autocomplete suggests every tag of the installation.
    "wagtailadmin_tag_autocomplete": Replaced(_TAGS + "scoped_tag_autocomplete"),
    "wagtailadmin_tag_model_autocomplete": Replaced(_TAGS + "scoped_tag_autocomplete"),
    # Workflow tasks are HQ's; Wagtail's task chooser checks nothing.
    "wagtailadmin_workflows:task_chooser": Hidden("workflows are HQ's"),
    "wagtailadmin_workflows:task_chooser_results": Hidden("workflows are HQ's"),
    "wagtailadmin_workflows:task_chooser_create": Hidden("workflows are HQ's"),
    "wagtailadmin_workflows:task_chosen": Hidden("workflows are HQ's"),
}
