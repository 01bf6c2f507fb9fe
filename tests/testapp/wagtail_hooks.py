from wagtail.snippets.models import register_snippet

from wagtail_distmark.outlets.snippets import OutletScopedSnippetViewSet

from .models import LocalOffer


class LocalOfferViewSet(OutletScopedSnippetViewSet):
    model = LocalOffer


register_snippet(LocalOfferViewSet)
