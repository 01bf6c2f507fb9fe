"""What an outlet's own values may point at: never another outlet's media or pages."""

from collections import defaultdict

from wagtail.models import CollectionMember, Page

from ..outlets.models import Region


def out_of_scope_references(outlet, references):
    """The ``(model, id)`` pairs among ``references`` that ``outlet`` may not use.

    ``references`` are Wagtail reference tuples (``block.extract_references``).
    Images and documents in another outlet's collection, and pages in another
    outlet's tree, are out of scope; HQ's and shared ones are not. With no
    outlet (a page not yet placed), every outlet's media and pages are.
    """
    root = Region.get_root_nodes().select_related("page", "collection").first()
    if root is None or root.page is None or root.collection is None:
        return []
    ids_by_model = defaultdict(set)
    for model, object_id, *_rest in references:
        ids_by_model[model].add(object_id)
    refused = []
    for model, ids in ids_by_model.items():
        if issubclass(model, CollectionMember):
            network, own, field = (
                root.collection.path,
                _path(outlet, "collection"),
                "collection__path",
            )
        elif issubclass(model, Page):
            network, own, field = root.page.path, _path(outlet, "home_page"), "path"
        else:
            continue
        pks = [pk for pk in ids if str(pk).isdigit()]
        for pk, path in model.objects.filter(pk__in=pks).values_list("pk", field):
            if path.startswith(network) and not (own and path.startswith(own)):
                refused.append((model, pk))
    return refused


def _path(outlet, relation):
    target = getattr(outlet, relation, None) if outlet is not None else None
    return target.path if target is not None else None
