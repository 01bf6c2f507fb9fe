"""Tag autocomplete as local users reach it."""

from django.urls import reverse

from tests.isolation.test_media import media  # noqa: F401


def suggestions(client, term, *args):
    url = reverse(
        "wagtailadmin_tag_model_autocomplete"
        if args
        else "wagtailadmin_tag_autocomplete",
        args=args,
    )
    response = client.get(url, {"term": term})
    assert response.status_code == 200
    return response.json()


def test_autocomplete_suggests_only_tags_of_the_users_media(login, media):  # noqa: F811
    client = login("lille-editor")
    assert suggestions(client, "c") == []
    assert suggestions(client, "v") == ["vitrine"]
    assert suggestions(client, "c", "taggit", "tag") == []
    assert suggestions(login("hq"), "c") == ["calanques"]


def test_autocomplete_of_a_model_that_is_no_tag_model_is_a_404(login, media):  # noqa: F811
    url = reverse(
        "wagtailadmin_tag_model_autocomplete", args=["wagtailimages", "image"]
    )
    assert login("lille-editor").get(url, {"term": "c"}).status_code == 404
