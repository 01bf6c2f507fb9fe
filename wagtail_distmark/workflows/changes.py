"""What a submission changes since its page or campaign last went live.

The conditional HQ review counts these changes, not the differences from
HQ's template: once HQ reviewed an outlet's customised page, a later change
of the open day's date alone does not send it to HQ again.
"""

from ..blocks.base import REQUIRED
from .checks import ComplianceSubject


def live_version(obj):
    """The version of ``obj`` that is live (last approved), or None."""
    if getattr(obj, "pk", None) is None or not hasattr(obj, "live_revision_id"):
        return None
    row = type(obj)._default_manager.filter(pk=obj.pk).first()
    if row is None or not row.live:
        return None
    if row.live_revision_id is None:
        return row  # published before revisions were kept: the row is live
    return row.live_revision.as_object()


def changed_block_count(obj):
    """How many blocks ``obj`` changes, hides or shows again since it went live.

    For an outlet page built on a template: the template blocks whose shown
    value differs from the live version's. Required blocks never count: their
    open fields (the open day's date) are what HQ asked outlets to fill. For
    other objects: the content parts (stream blocks, fields) that differ.
    Never published: every change from HQ's template (or every part) counts.
    """
    live = live_version(obj)
    subject = ComplianceSubject(obj)
    if subject.merge is not None:
        return _changed_template_blocks(subject.merge, _merge_of(live))
    return _changed_parts(subject, ComplianceSubject(live) if live else None)


def _merge_of(live):
    if live is None:
        return None
    subject = ComplianceSubject(live)
    return subject.merge


def _shown(merged):
    """What the page shows for one template block, comparable across versions."""
    from ..inheritance.merge import HIDDEN, _as_json

    return "hidden" if merged.state == HIDDEN else _as_json(merged.raw)


def _changed_template_blocks(merge, live_merge):
    live_by_id = (
        {merged.id: merged for merged in live_merge.blocks} if live_merge else {}
    )
    changed = 0
    for merged in merge.blocks:
        if merged.distributable and merged.policy == REQUIRED:
            continue
        live = live_by_id.get(merged.id)
        # Never live: compared with HQ's own value, as the template shows it.
        before = _shown(live) if live is not None else _as_hq(merged)
        if _shown(merged) != before:
            changed += 1
    return changed


def _as_hq(merged):
    from ..inheritance.merge import _as_json

    return _as_json(merged.hq_raw)


def _changed_parts(subject, live_subject):
    def values(of):
        return {
            part.path: _comparable(part)
            for part in of.local_parts
            if not part.is_title and part.path
        }

    now = values(subject)
    before = values(live_subject) if live_subject is not None else {}
    return sum(
        1 for path in now.keys() | before.keys() if now.get(path) != before.get(path)
    )


def _comparable(part):
    from ..inheritance.merge import _as_json

    value = part.value
    if part.block is not None:
        value = part.block.get_prep_value(value)
    return _as_json(getattr(value, "source", value))
