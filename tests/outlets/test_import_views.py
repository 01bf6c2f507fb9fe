"""The outlet import through the real admin views: HQ only."""

import csv
import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from wagtail.users.models import UserProfile

from tests.workflows.flow import refused
from wagtail_distmark.outlets.import_jobs import OutletImportJob
from wagtail_distmark.outlets.models import Outlet, Region
from wagtail_distmark.outlets.onboarding import create_region

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
BAD = FIXTURES / "outlets-bad.csv"
SAMPLE = FIXTURES / "outlets-50.csv"
REGION_SLUGS = ("france-nord", "benelux", "quebec")

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"distmark_outlet_imports:{name}", args=args)


@pytest.fixture
def regions(demo):
    return {slug: create_region(name=slug.title(), slug=slug) for slug in REGION_SLUGS}


def upload(client, content, *, dry_run=False, create_regions=False, name="o.csv"):
    data = {"file": SimpleUploadedFile(name, content)}
    if dry_run:
        data["dry_run"] = "on"
    if create_regions:
        data["create_regions"] = "on"
    return client.post(url("upload"), data)


def job_id(response):
    assert response.status_code == 302, response
    return response["Location"].rstrip("/").rsplit("/", 1)[-1]


def first_rows(count):
    """The sample's header and first ``count`` rows, as bytes."""
    lines = SAMPLE.read_bytes().splitlines(keepends=True)
    return b"".join(lines[: count + 1])


def test_hq_dry_run_then_import_for_real(login, regions):
    client = login("hq")
    form = client.get(url("upload"))
    assert form.status_code == 200
    assert form.context["form"].fields["dry_run"].initial is True
    outlets_before = Outlet.objects.count()

    job = job_id(upload(client, BAD.read_bytes(), dry_run=True, name="bad.csv"))
    page = client.get(url("detail", job))

    assert page.status_code == 200
    html = page.content.decode()
    assert "Import of bad.csv" in html
    assert "Dry run: nothing is saved." in html
    assert page.context["counts"] == {
        "created": 1,
        "updated": 0,
        "unchanged": 0,
        "repeated": 0,
        "rejected": 7,
    }
    # Every faulty line with its column and reason, the pair naming each other.
    errors = [(e.line, e.column) for e in page.context["errors"]]
    assert errors == [
        (2, "slug"),
        (2, "hostname"),
        (3, "slug"),
        (4, "region"),
        (5, "name"),
        (6, "timezone"),
        (7, "hostname"),
        (8, "email"),
    ]
    assert "Line 3 has the same slug “lille-0001”" in html
    assert Outlet.objects.count() == outlets_before

    response = client.post(url("run", job))
    real = job_id(response)
    assert real != job
    page = client.get(url("detail", real))
    assert "Dry run" not in page.content.decode()
    assert page.context["report"].created == ["liege-0008"]
    assert Outlet.objects.count() == outlets_before + 1
    # A finished import cannot be run again from its page.
    assert client.post(url("run", real)).status_code == 404


def test_unknown_region_offers_the_checkbox_which_creates_it(login, demo):
    client = login("hq")
    content = first_rows(3)

    page = client.get(url("detail", job_id(upload(client, content))))

    message = str(page.context["errors"][0].message)
    assert page.context["errors"][0].column == "region"
    assert "Existing regions: network, north, south." in message
    assert "with “Create missing regions”" in message
    assert "--create-regions" not in message
    assert not Outlet.objects.filter(slug="lille-0001").exists()

    page = client.get(
        url("detail", job_id(upload(client, content, create_regions=True)))
    )

    assert page.context["counts"]["created"] == 3
    assert page.context["report"].created_regions == ["france-nord"]
    assert "Regions created: france-nord" in page.content.decode()
    region = Region.objects.get(slug="france-nord")
    assert region.get_parent() == Region.get_root_nodes().get()


def test_changes_to_existing_outlets_are_listed(login, demo):
    client = login("hq")
    content = (
        b"slug,name,region,city\n"
        b"lille,Lille Centre,north,Lille-Centre\n"
        b"gent,Gent Korenmarkt,north,Gent\n"
    )

    page = client.get(url("detail", job_id(upload(client, content))))

    assert page.context["updates"] == [("lille", ["city"])]
    assert "lille: city" in page.content.decode()


def test_rejected_rows_download_imports_again_as_it_is(login, regions):
    client = login("hq")
    job = job_id(upload(client, BAD.read_bytes()))

    response = client.get(url("rejected", job))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    content = response.content
    assert content.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
    assert [row["line"] for row in rows] == ["2", "3", "4", "5", "6", "7", "8"]
    assert "atlantis" in rows[2]["errors"]
    # Imported again as it is, the pair is still refused: no outlet is
    # built from either row.
    page = client.get(url("detail", job_id(upload(client, content))))
    assert page.context["counts"]["created"] == 0
    assert {e.line for e in page.context["errors"]} == {2, 3, 4, 5, 6, 7, 8}
    assert not Outlet.objects.filter(slug="lille-0001").exists()


def test_a_file_that_cannot_be_imported_is_said_at_once(login, demo):
    client = login("hq")

    response = upload(client, b"slug;name\nlens;Lens\n")

    assert response.status_code == 200
    assert "Required column(s) missing from the header: region." in str(
        response.context["form"].errors["file"]
    )


def test_the_import_speaks_the_uploader_language(login, demo):
    profile = UserProfile.get_for_user(demo.users["hq"])
    profile.preferred_language = "fr"
    profile.save()
    client = login("hq")
    content = b"slug,name,region\nlens,,north\n"

    page = client.get(url("detail", job_id(upload(client, content))))

    assert str(page.context["errors"][0].message) == "Ce champ est obligatoire."


def test_unknown_job_is_not_found(login, demo):
    client = login("hq")
    assert client.get(url("detail", "0" * 32)).status_code == 404
    assert client.get(url("rejected", "0" * 32)).status_code == 404


@pytest.mark.parametrize("username", ["lille-editor", "lille-manager", "north-manager"])
def test_local_roles_are_refused_everywhere(client, login, demo, username):
    hq = login("hq")
    content = b"slug,name,region\nlens,Lens,atlantis\n"
    dry = job_id(upload(hq, content, dry_run=True))
    jobs_before = OutletImportJob.get(dry)
    assert jobs_before is not None

    client = login(username)
    for response in (
        client.get(url("upload")),
        upload(client, content, create_regions=True),
        client.get(url("detail", dry)),
        client.get(url("rejected", dry)),
        client.post(url("run", dry)),
    ):
        assert refused(response), response
    assert not Region.objects.filter(slug="atlantis").exists()
    assert not Outlet.objects.filter(slug="lens").exists()


def test_the_outlets_listing_offers_the_import_to_hq_only(login, demo):
    page = login("hq").get(reverse("outlets:index"))
    assert url("upload") in page.content.decode()
    page = login("lille-manager").get(reverse("outlets:index"))
    assert page.status_code == 200
    assert url("upload") not in page.content.decode()
