"""System checks for what the brand library relies on."""

from django.apps import apps

from wagtail_distmark.media.forms import BrandDocumentForm
from wagtail_distmark.media.system_checks import (
    check_settings_app_installed,
    check_upload_form_bases,
)


def test_the_settings_app_is_required(monkeypatch):
    assert check_settings_app_installed(None) == []
    real = apps.is_installed
    monkeypatch.setattr(
        apps,
        "is_installed",
        lambda name: name != "wagtail.contrib.settings" and real(name),
    )
    (error,) = check_settings_app_installed(None)
    assert error.id == "wagtail_distmark.E003"


def ids(messages):
    return [message.id for message in messages]


def test_our_form_bases_or_none_pass(settings):
    assert check_upload_form_bases(None) == []
    del settings.WAGTAILIMAGES_IMAGE_FORM_BASE
    del settings.WAGTAILDOCS_DOCUMENT_FORM_BASE
    assert check_upload_form_bases(None) == []


def test_a_projects_own_form_base_must_subclass_ours(settings):
    settings.WAGTAILIMAGES_IMAGE_FORM_BASE = "wagtail.images.forms.BaseImageForm"
    settings.WAGTAILDOCS_DOCUMENT_FORM_BASE = (
        "tests.media.test_system_checks.ProjectDocumentForm"
    )

    (warning,) = check_upload_form_bases(None)
    assert warning.id == "wagtail_distmark.W003"
    assert warning.msg.startswith(
        "WAGTAILIMAGES_IMAGE_FORM_BASE is wagtail.images.forms.BaseImageForm, "
        "which is not a subclass of wagtail_distmark.media.forms.BrandImageForm"
    )


def test_a_form_base_that_cannot_be_imported_is_an_error(settings):
    settings.WAGTAILDOCS_DOCUMENT_FORM_BASE = "project.forms.Missing"
    assert ids(check_upload_form_bases(None)) == ["wagtail_distmark.E006"]


class ProjectDocumentForm(BrandDocumentForm):
    """A project's own base, as the installation guide says to write it."""
