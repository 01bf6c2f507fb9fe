"""Uploads through Wagtail's image form: what outlets cannot slip in."""

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image as PILImage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

pytestmark = pytest.mark.django_db


def jpeg(size=(640, 480)):
    buffer = BytesIO()
    PILImage.new("RGB", size, (10, 120, 200)).save(buffer, format="JPEG")
    return buffer.getvalue()


def upload(client, name, content, collection, content_type="image/jpeg"):
    return client.post(
        reverse("wagtailimages:add"),
        {
            "title": "Upload",
            "file": SimpleUploadedFile(name, content, content_type=content_type),
            "collection": collection.pk,
        },
    )


def file_errors(response):
    return " ".join(response.context["form"].errors.get("file", []))


def test_an_outlet_uploads_a_photo_into_its_own_collection(login, demo):
    response = upload(login("lille-editor"), "shop.jpg", jpeg(), demo.lille.collection)
    assert response.status_code == 302
    assert (
        get_image_model()
        .objects.filter(title="Upload", collection=demo.lille.collection)
        .exists()
    )


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "offer.jpg",
            b"<html><script>alert(1)</script></html>",
            "The extension does not match the file format",
        ),
        (
            "logo.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "Not a supported image format",
        ),
        ("tiny.jpg", jpeg((120, 90)), "images must be at least 200×150 pixels"),
    ],
)
def test_disguised_unsupported_or_too_small_files_are_refused(
    login, demo, name, content, message
):
    before = get_image_model().objects.count()
    response = upload(login("lille-editor"), name, content, demo.lille.collection)
    assert response.status_code == 200
    assert message in file_errors(response)
    assert get_image_model().objects.count() == before


def test_oversized_files_are_refused(login, demo, settings):
    settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE = 1000

    response = upload(login("lille-editor"), "big.jpg", jpeg(), demo.lille.collection)
    assert response.status_code == 200
    assert "This file is too big" in file_errors(response)
    assert not get_image_model().objects.filter(title="Upload").exists()


def test_a_crafted_upload_never_lands_in_another_collection(login, demo):
    from wagtail_distmark.media.services import brand_library

    client = login("lille-editor")
    for target in (demo.marseille.collection, brand_library()):
        upload(client, "shop.jpg", jpeg(), target)
    # Lille's editor may add to one collection only: Wagtail ignores the
    # posted one and files the upload there.
    assert set(
        get_image_model()
        .objects.filter(title="Upload")
        .values_list("collection_id", flat=True)
    ) == {demo.lille.collection_id}


def upload_document(client, name, content, collection):
    return client.post(
        reverse("wagtaildocs:add"),
        {
            "title": "Flyer",
            "file": SimpleUploadedFile(name, content),
            "collection": collection.pk,
        },
    )


PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"


def test_an_outlet_uploads_a_pdf_flyer(login, demo):
    response = upload_document(
        login("lille-editor"), "flyer.pdf", PDF, demo.lille.collection
    )
    assert response.status_code == 302
    assert (
        get_document_model()
        .objects.filter(title="Flyer", collection=demo.lille.collection)
        .exists()
    )


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "flyer.pdf",
            b"<html><script>alert(1)</script></html>",
            "This file is named .pdf but its content is not a .pdf file.",
        ),
        (
            "prices.xlsx",
            PDF,
            "This file is named .xlsx but its content is not a .xlsx file.",
        ),
        (
            "prices.csv",
            b"name;price\n<script>alert(1)</script>;3\n",
            "holds a web page or binary data",
        ),
        ("offer.html", b"<html></html>", "File extension"),
        ("logo.svg", b"<svg></svg>", "File extension"),
    ],
)
def test_disguised_documents_are_refused_and_nothing_stored(
    login, demo, name, content, message
):
    before = get_document_model().objects.count()
    response = upload_document(
        login("lille-editor"), name, content, demo.lille.collection
    )
    assert response.status_code == 200
    assert message in file_errors(response)
    assert "“”" not in file_errors(response)  # one clear message, not two
    assert get_document_model().objects.count() == before


def test_documents_over_the_size_limit_are_refused(login, demo, settings):
    settings.WAGTAIL_DISTMARK = {
        **settings.WAGTAIL_DISTMARK,
        "DOCUMENT_MAX_UPLOAD_SIZE": 1024,
    }
    response = upload_document(
        login("lille-editor"), "big.pdf", PDF + b"0" * 2048, demo.lille.collection
    )
    assert file_errors(response) == (
        "This file is 2.1\xa0KB; documents may be 1.0\xa0KB at most."
    )
    assert not get_document_model().objects.filter(title="Flyer").exists()


def test_the_multiple_uploader_applies_the_same_rules(login, demo):
    response = login("lille-editor").post(
        reverse("wagtaildocs:add_multiple"),
        {
            "files[]": SimpleUploadedFile("flyer.pdf", b"<html>not a pdf</html>"),
            "collection": demo.lille.collection.pk,
        },
    )
    assert response.json()["success"] is False
    assert "its content is not a .pdf file" in response.json()["error_message"]
    assert not get_document_model().objects.exists()


# Wagtail's multiple uploader edits each document with a form that has no
# "file" field. The document model's own check of WAGTAILDOCS_EXTENSIONS still
# reports on "file", which Django cannot attach to such a form (ValueError
# "has no field named 'file'"): the upload itself was checked on arrival.


def test_a_document_stored_with_another_extension_stays_editable_in_the_uploader(
    login, demo, settings
):
    document = get_document_model().objects.create(
        title="Old leaflet",
        file=SimpleUploadedFile("leaflet.gif", b"GIF89a..."),
        collection=demo.lille.collection,
    )
    settings.WAGTAILDOCS_EXTENSIONS = ["pdf", "docx"]

    response = login("lille-editor").post(
        reverse("wagtaildocs:edit_multiple", args=[document.pk]),
        {
            f"doc-{document.pk}-title": "Spring leaflet",
            f"doc-{document.pk}-collection": demo.lille.collection.pk,
        },
    )

    assert response.json()["success"] is True
    document.refresh_from_db()
    assert document.title == "Spring leaflet"


def test_a_held_upload_becomes_a_document_once_its_details_are_filled_in(login, demo):
    # With a custom document model whose extra fields are required, the
    # uploader holds each file as an UploadedFile until the editor fills the
    # fields in, then builds the document from this form.
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import UploadedFile

    editor = demo.users["lille-editor"]
    held = UploadedFile.objects.create(
        for_content_type=ContentType.objects.get_for_model(get_document_model()),
        file=SimpleUploadedFile("flyer.pdf", PDF),
        uploaded_by_user=editor,
    )

    response = login("lille-editor").post(
        reverse("wagtaildocs:create_multiple_from_uploaded_document", args=[held.pk]),
        {
            f"uploaded-document-{held.pk}-title": "Flyer",
            f"uploaded-document-{held.pk}-collection": demo.lille.collection.pk,
        },
    )

    assert response.json()["success"] is True
    document = get_document_model().objects.get(title="Flyer")
    assert document.collection == demo.lille.collection
    assert document.file.name.endswith(".pdf")
    assert not UploadedFile.objects.filter(pk=held.pk).exists()
