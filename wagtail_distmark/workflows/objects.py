"""Which outlet a moderated object belongs to: pages by their place in the
page tree, snippets (campaigns) by their ``outlet`` field.

Workflows serve pages and snippets alike, so the tasks only ever ask these
functions, never the object's type.
"""

from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField
from django.db.models.functions import Cast
from wagtail.models import Page

from ..outlets.models import Outlet


def outlet_for(obj):
    """The outlet ``obj`` belongs to, or None for HQ content.

    A page by its place in the tree, read from the live row: a revision's
    copy of a moved page still names its old outlet.
    """
    if isinstance(obj, Page):
        path = Page.objects.filter(pk=obj.pk).values_list("path", flat=True).first()
        if not path:
            return None
        step = Page.steplen
        ancestors = [path[:end] for end in range(step, len(path) + 1, step)]
        return (
            Outlet.objects.filter(home_page__path__in=ancestors)
            .select_related("region")
            .first()
        )
    if getattr(obj, "outlet_id", None) is not None:
        return Outlet.objects.filter(pk=obj.outlet_id).first()
    return None


def _outlets_by_home_path():
    return dict(
        Outlet.objects.exclude(home_page=None).values_list("home_page__path", "pk")
    )


def outlet_ids_for_objects(keys):
    """Map ``(base content type id, object id)`` pairs to outlet ids, in a few queries.

    Pages are placed by their tree path, other models by their ``outlet_id``;
    objects outside every outlet map to None.
    """
    page_type = ContentType.objects.get_for_model(Page)
    by_type = {}
    for content_type_id, object_id in keys:
        by_type.setdefault(content_type_id, set()).add(str(object_id))
    found = {}
    for content_type_id, object_ids in by_type.items():
        if content_type_id == page_type.pk:
            paths = dict(
                Page.objects.filter(pk__in=_int_ids(object_ids)).values_list(
                    "pk", "path"
                )
            )
            homes = _outlets_by_home_path()
            step = Page.steplen
            for pk, path in paths.items():
                outlet_id = next(
                    (
                        homes[path[:end]]
                        for end in range(len(path), 0, -step)
                        if path[:end] in homes
                    ),
                    None,
                )
                found[(content_type_id, str(pk))] = outlet_id
            continue
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        if model is Outlet:  # an outlet's profile (its manager's photo)
            found.update(
                ((content_type_id, str(pk)), pk)
                for pk in Outlet.objects.filter(
                    pk__in=_int_ids(object_ids)
                ).values_list("pk", flat=True)
            )
            continue
        if model is None or not _has_outlet_field(model):
            continue
        rows = model._default_manager.filter(pk__in=_int_ids(object_ids)).values_list(
            "pk", "outlet_id"
        )
        for pk, outlet_id in rows:
            found[(content_type_id, str(pk))] = outlet_id
    return {
        (content_type_id, str(object_id)): found.get((content_type_id, str(object_id)))
        for content_type_id, object_id in keys
    }


def objects_in_reach_q(user, prefix="workflow_state__"):
    """A filter on workflow or task states: objects of the outlets ``user``
    manages, directly or through a region; None when they manage none.

    Pages are matched by the page subtrees of their outlets and regions (a
    regional manager's whole region is one condition, however many outlets it
    holds), snippets by their ``outlet``. One SQL condition per moderated
    model, so the dashboard is narrowed before anything is loaded.
    """
    from django.db.models import Q
    from wagtail.snippets.models import get_workflow_enabled_models

    from ..outlets.access import get_network_roles
    from ..outlets.models import Region

    roles = get_network_roles(user)
    outlet_ids = roles.manager_of | roles.region_manager_of
    if not outlet_ids:
        return None
    roots = set(
        Outlet.objects.filter(pk__in=roles.manager_of)
        .exclude(home_page=None)
        .values_list("home_page__path", flat=True)
    )
    roots |= set(
        Region.objects.filter(managers_group__user=user)
        .exclude(page=None)
        .values_list("page__path", flat=True)
    )
    q = Q(pk__in=[])
    if roots:
        tree = Q()
        for path in sorted(roots):
            tree |= Q(path__startswith=path)
        page_ids = (
            Page.objects.filter(tree)
            .annotate(key=Cast("pk", CharField()))
            .values("key")
        )
        q |= Q(
            **{
                f"{prefix}base_content_type": ContentType.objects.get_for_model(Page),
                f"{prefix}object_id__in": page_ids,
            }
        )
    for model in get_workflow_enabled_models():
        if not _has_outlet_field(model):
            continue
        ids = (
            model._default_manager.filter(outlet_id__in=outlet_ids)
            .annotate(key=Cast("pk", CharField()))
            .values("key")
        )
        q |= Q(
            **{
                f"{prefix}base_content_type": base_content_type(model),
                f"{prefix}object_id__in": ids,
            }
        )
    return q


def base_content_type(model):
    """The content type Wagtail files a model's workflow states under."""
    parents = model._meta.get_parent_list()
    return ContentType.objects.get_for_model(
        parents[-1] if parents else model, for_concrete_model=False
    )


def _has_outlet_field(model):
    return any(field.name == "outlet" for field in model._meta.get_fields())


def _int_ids(object_ids):
    return [int(value) for value in object_ids if str(value).isdigit()]
