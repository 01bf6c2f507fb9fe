"""What the app sets up when Django starts."""

import pytest
from django.contrib.auth import get_user_model
from wagtail.users.models import UserProfile

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language, label", [("fr", "Rechercher"), ("nl", "Zoeken")])
def test_choosers_speak_the_users_language(login, demo, language, label):
    """Wagtail's chooser viewsets translate their "Search" tab when Wagtail
    starts, in English, whatever the user's language."""
    user = get_user_model().objects.get(username="lille-editor")
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = language
    profile.save()
    client = login("lille-editor")
    for url in ("/admin/images/chooser/", "/admin/documents/chooser/"):
        html = client.get(url).json()["html"]
        tab = html.split('id="tab-label-search"')[1].split("<div")[0]
        assert label in tab and "Search" not in tab, (url, tab)
