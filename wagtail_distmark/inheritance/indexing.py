"""Keep outlet pages' search entries in step with their template.

An outlet page's search text is its merged content (template + overrides).
Publishing a template changes what every outlet page built on it shows
without writing those pages, so their search entries are refreshed in the
background, in batches, rather than inside HQ's publish request.
"""

from django.db import transaction
from django_tasks import task
from wagtail.search.backends import get_search_backends

from .models import LocalPage, TemplatePage

BATCH_SIZE = 200


def reindex_outlet_pages(template_page):
    """Refresh the search entries of every outlet page built on ``template_page``."""
    backends = list(get_search_backends(with_auto_update=True))
    if not backends:
        return 0
    pages = LocalPage.objects.filter(hq_template=template_page).order_by("pk")
    done = 0
    last_pk = 0
    while True:
        batch = list(pages.filter(pk__gt=last_pk)[:BATCH_SIZE])
        if not batch:
            return done
        for page in batch:
            # One template object for the batch: no query per page to merge.
            page.hq_template = template_page
        for backend in backends:
            backend.add_bulk(LocalPage, batch)
        done += len(batch)
        last_pk = batch[-1].pk


@task()
def reindex_outlet_pages_task(template_page_id):
    template_page = TemplatePage.objects.filter(pk=template_page_id).first()
    if template_page is not None:
        reindex_outlet_pages(template_page)


def on_template_published(sender, instance, **kwargs):
    transaction.on_commit(lambda: reindex_outlet_pages_task.enqueue(instance.pk))
