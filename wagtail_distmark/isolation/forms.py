"""Wagtail's form pages listing (wagtail.contrib.forms) for local users.

Imported only when the route is reached, so projects without
``wagtail.contrib.forms`` never import it.
"""

from wagtail.contrib.forms.views import FormPageFilterSet, FormPagesListView

from .filters import ScopedChoicesMixin


class ScopedFormPageFilterSet(ScopedChoicesMixin, FormPageFilterSet):
    pass


class ScopedFormPagesListView(FormPagesListView):
    filterset_class = ScopedFormPageFilterSet


form_pages_view = ScopedFormPagesListView.as_view()
form_pages_results_view = ScopedFormPagesListView.as_view(results_only=True)
