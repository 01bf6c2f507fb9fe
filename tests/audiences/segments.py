"""Helpers: segments as the admin posts them, and as code creates them."""

from django.urls import reverse
from wagtail.test.utils.form_data import nested_form_data, streamfield

from wagtail_distmark.audiences.models import Segment

INDEX = "distmark_segments:index"
ADD = "distmark_segments:add"
EDIT = "distmark_segments:edit"
INSPECT = "distmark_segments:inspect"
DELETE = "distmark_segments:delete"
COUNT = "distmark_segments:count"
SAVED_COUNT = "distmark_segments:saved_count"


def url(name, segment=None):
    return reverse(name, args=[segment.pk]) if segment is not None else reverse(name)


# Rules as ("type", value) pairs; a group's value holds its own rule list.
def tag(name, has="yes"):
    return ("tag", {"has": has, "tag": name})


def consent(status="granted", channel="email"):
    return ("consent", {"channel": channel, "status": status})


def birthday(month="this"):
    return ("birthday_month", {"month": str(month)})


def created(days=None, since=None):
    return ("created_since", {"days": days, "since": since})


def engaged(when="within", days=None):
    return ("last_engagement", {"when": when, "days": days})


def language(code):
    return ("language", {"language": code})


def gender(code):
    return ("gender", {"gender": code})


def attribute(key, operator="eq", value=""):
    return ("attribute", {"attribute": key, "operator": operator, "value": value})


def group(match, *rules):
    return ("group", {"match": match, "rules": list(rules)})


def _raw(rules):
    """Rules in the JSON form the StreamField stores."""
    raw = []
    for kind, value in rules:
        if kind == "group":
            value = {**value, "rules": _raw(value["rules"])}
        raw.append({"type": kind, "value": value})
    return raw


def make_segment(name="Segment", outlet=None, *rules, match="all"):
    return Segment.objects.create(
        name=name, outlet=outlet, match=match, rules=_raw(rules)
    )


def _posted(rules):
    items = []
    for kind, value in rules:
        if kind == "group":
            value = {
                "match": value["match"],
                "rules": streamfield(_posted(value["rules"])),
            }
        else:
            value = {k: ("" if v is None else v) for k, v in value.items()}
        items.append((kind, value))
    return items


def form_data(name="Segment", outlet=None, *rules, match="all"):
    """The add / edit form's POST data, as Wagtail's editor sends it."""
    return nested_form_data(
        {
            "name": name,
            "outlet": "" if outlet is None else getattr(outlet, "pk", outlet),
            "match": match,
            "rules": streamfield(_posted(rules)),
        }
    )
