from wagtail.snippets.models import register_snippet

from .models import LocalOffer

register_snippet(LocalOffer)
