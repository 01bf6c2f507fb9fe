"""Admin hooks for audiences (segments)."""

from wagtail import hooks
from wagtail.permissions import register_permission_policy

from .models import Segment
from .viewsets import SegmentViewSet, segment_permission_policy

register_permission_policy(Segment, segment_permission_policy)


@hooks.register("register_admin_viewset")
def register_segment_viewset():
    return SegmentViewSet("distmark_segments", url_prefix="segments")
