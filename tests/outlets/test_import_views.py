"""The outlet import through the real admin views: HQ only."""

import csv
import io
from pathlib import Path
from types import SimpleNamespace

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
    # Every faulty line with its column and reason, the pair naming each other;
    # the unknown region once, apart.
    errors = [(e.line, e.column) for e in page.context["errors"]]
    assert errors == [
        (2, "slug"),
        (2, "hostname"),
        (3, "slug"),
        (5, "name"),
        (6, "timezone"),
        (7, "hostname"),
        (8, "email"),
    ]
    assert "Line 3 has the same slug “lille-0001”" in html
    assert "Region “atlantis” does not exist (row 4)." in html
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

    html = page.content.decode()
    assert "Region “france-nord” does not exist (rows 2, 3, 4)." in html
    assert (
        "Existing regions: Network (network), Nord / Noord (north), Sud (south)."
        in html
    )
    assert "with “Create missing regions”" in html
    assert "--create-regions" not in html
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

    assert page.context["updates"] == [("lille", "“city”")]
    assert "lille: “city”" in page.content.decode()


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
    assert {e.line for e in page.context["report"].errors} == {2, 3, 4, 5, 6, 7, 8}
    assert not Outlet.objects.filter(slug="lille-0001").exists()


def test_a_file_that_cannot_be_imported_is_said_at_once(login, demo):
    client = login("hq")

    response = upload(client, b"slug;name\nlens;Lens\n")

    assert response.status_code == 200
    assert "Column “region” is missing from the header." in str(
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
        client.post(url("run", dry), {"create_regions": "1"}),
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


def rows_with_regions(*regions, extra=b""):
    """A file of one new outlet per region given, in that order (line 2 on)."""
    lines = [b"slug,name,region"]
    for number, region in enumerate(regions, start=1):
        lines.append(f"o-{number:03d},Outlet {number},{region}".encode())
    return b"\n".join(lines) + b"\n" + extra


def test_unknown_regions_are_summarised_once_per_region(login, demo):
    client = login("hq")
    # Bretagne on lines 2, 3, 4 and 12 more; atlantis on line 17 only.
    content = rows_with_regions(*["Bretagne"] * 15, "atlantis")

    page = client.get(url("detail", job_id(upload(client, content, dry_run=True))))

    html = page.content.decode()
    assert "Region “Bretagne” does not exist (rows 2, 3, 4 and 12 more)." in html
    assert "Region “atlantis” does not exist (row 17)." in html
    assert html.count("does not exist (") == 2
    # One line per region, not one per row: the rows table lists none of them.
    assert page.context["errors"] == []
    assert (
        html.count(
            "Existing regions: Network (network), Nord / Noord (north), Sud (south)."
        )
        == 1
    )
    # The download still has every row with its reason, to correct.
    rows = list(
        csv.DictReader(
            io.StringIO(
                client.get(url("rejected", page.context["job"].id)).content.decode(
                    "utf-8-sig"
                )
            )
        )
    )
    assert len(rows) == 16
    assert "“Bretagne”" in rows[0]["errors"]


OFFER = "Import for real, creating the missing regions"


def test_a_dry_run_failing_only_on_unknown_regions_offers_to_create_them(login, demo):
    client = login("hq")
    content = rows_with_regions("bretagne", "north", "bretagne")
    dry = job_id(upload(client, content, dry_run=True))

    page = client.get(url("detail", dry))

    html = page.content.decode()
    assert OFFER in html
    assert 'name="create_regions"' in html
    assert "csrfmiddlewaretoken" in html
    assert not Region.objects.filter(slug="bretagne").exists()

    real = job_id(client.post(url("run", dry), {"create_regions": "1"}))

    page = client.get(url("detail", real))
    assert "Dry run" not in page.content.decode()
    assert page.context["report"].created == ["o-001", "o-002", "o-003"]
    assert page.context["report"].created_regions == ["bretagne"]
    assert Outlet.objects.get(slug="o-003").region.slug == "bretagne"


def test_the_offer_to_create_regions_needs_a_csrf_token(demo):
    from django.test import Client

    hq = Client()
    hq.force_login(demo.users["hq"])
    client = Client(enforce_csrf_checks=True)
    client.force_login(demo.users["hq"])
    dry = job_id(upload(hq, rows_with_regions("bretagne"), dry_run=True))

    response = client.post(url("run", dry), {"create_regions": "1"})

    assert response.status_code == 403
    assert not Region.objects.filter(slug="bretagne").exists()


def test_no_offer_to_create_regions_when_other_errors_remain(login, demo):
    client = login("hq")
    # Line 3 has no name: creating the region would not make the file pass.
    content = rows_with_regions("bretagne", "bretagne").replace(b"Outlet 2", b"")
    dry = job_id(upload(client, content, dry_run=True))

    page = client.get(url("detail", dry))

    assert OFFER not in page.content.decode()
    # Nor can a crafted POST ask for it.
    response = client.post(url("run", dry), {"create_regions": "1"})
    assert response.status_code == 400
    assert not Region.objects.filter(slug="bretagne").exists()
    # A region name that cannot be a slug could not be created either.
    dry = job_id(upload(client, rows_with_regions("Pays de la Loire"), dry_run=True))
    page = client.get(url("detail", dry))
    assert OFFER not in page.content.decode()
    assert "cannot be created under this name" in page.content.decode()


def test_a_dry_run_creating_regions_lists_them_and_saves_nothing(login, demo):
    client = login("hq")
    content = rows_with_regions("bretagne", "normandie", "bretagne")
    regions_before = Region.objects.count()

    page = client.get(
        url(
            "detail",
            job_id(upload(client, content, dry_run=True, create_regions=True)),
        )
    )

    html = page.content.decode()
    assert "Regions to be created: bretagne, normandie" in html
    assert "Regions created" not in html
    assert page.context["counts"]["created"] == 3
    assert Region.objects.count() == regions_before
    assert not Outlet.objects.filter(slug="o-001").exists()


@pytest.mark.parametrize("dry_run", [True, False])
def test_near_duplicate_regions_are_refused_naming_the_region_to_use(
    login, demo, dry_run
):
    create_region(name="Île-de-France", slug="ile-de-france")
    create_region(name="Bretagne", slug="bretagne")
    client = login("hq")
    regions_before = Region.objects.count()
    content = rows_with_regions(
        "Ile-de-France", "Bretagne", "ILE DE FRANCE", "Normandie", "normandie "
    )

    page = client.get(
        url(
            "detail",
            job_id(upload(client, content, dry_run=dry_run, create_regions=True)),
        )
    )

    messages = {e.line: str(e.message) for e in page.context["errors"]}
    # A region's exact name ("Bretagne", line 3) names it, as its slug does.
    assert sorted(messages) == [2, 4, 5, 6]
    assert "“Île-de-France” (slug ile-de-france)" in messages[2]
    assert "use its slug “ile-de-france”" in messages[2]
    assert "“Île-de-France” (slug ile-de-france)" in messages[4]
    # Two spellings of one new region in the file: neither is created.
    assert "“Normandie”, “normandie”" in messages[5]
    assert messages[5] == messages[6]
    assert OFFER not in page.content.decode()
    assert Region.objects.count() == regions_before
    imported = Outlet.objects.filter(slug__startswith="o-")
    assert [o.slug for o in imported] == ([] if dry_run else ["o-002"])


def test_a_real_import_that_fails_midway_writes_nothing(login, demo, monkeypatch):
    from wagtail_distmark.outlets import onboarding

    real_sync = onboarding.sync_outlet_permissions

    def crash_on_the_third_outlet(outlet, *args, **kwargs):
        if outlet.slug == "o-003":
            raise RuntimeError("disk full")
        real_sync(outlet, *args, **kwargs)

    monkeypatch.setattr(
        onboarding, "sync_outlet_permissions", crash_on_the_third_outlet
    )
    client = login("hq")
    regions_before = Region.objects.count()
    content = rows_with_regions("bretagne", "normandie", "north")

    page = client.get(
        url("detail", job_id(upload(client, content, create_regions=True)))
    )

    assert "Nothing was saved" in page.context["job"].error
    assert not Outlet.objects.filter(slug__startswith="o-").exists()
    assert Region.objects.count() == regions_before


def test_wording_of_the_form_and_the_report(login, demo):
    client = login("hq")
    assert "Upload and check" in client.get(url("upload")).content.decode()

    response = upload(client, b"slug;name\nlens;Lens\n")
    assert "Column “region” is missing from the header." in str(
        response.context["form"].errors["file"]
    )

    content = b"slug,name,region,city,colour\nlille,Lille Centre,north,Lille-C\n"
    page = client.get(url("detail", job_id(upload(client, content))))
    html = page.content.decode()
    assert "lille: “city”" in html
    assert "Columns ignored: “colour”" in html


def test_an_import_whose_user_was_deleted_says_so_plainly(login, demo, monkeypatch):
    from django.contrib.auth import get_user_model

    from wagtail_distmark.outlets import import_jobs

    queued, task = [], import_jobs.import_outlets_task
    # Stored but not run yet, as when a worker picks it up later.
    monkeypatch.setattr(
        import_jobs, "import_outlets_task", SimpleNamespace(enqueue=queued.append)
    )
    leaver = get_user_model().objects.create_superuser("leaver", "l@example.org")
    client = login("hq")
    client.force_login(leaver)
    job = job_id(upload(client, rows_with_regions("north")))
    leaver.delete()
    [queued_id] = queued

    task.call(queued_id)

    page = login("hq").get(url("detail", job))
    assert (
        "This import was started by a user account that has since been "
        "deleted, so it was not run." in page.content.decode()
    )
    assert not Outlet.objects.filter(slug="o-001").exists()


NORTH_TO_USE = "but “Nord / Noord” (slug north) matches it: use its slug “north”"


@pytest.mark.parametrize("dry_run", [True, False])
def test_a_part_of_a_region_name_is_refused_naming_the_region(login, demo, dry_run):
    # The demo's north is “Nord / Noord”: its name holds its translations.
    client = login("hq")
    regions_before = Region.objects.count()
    content = rows_with_regions("Nord", "noord", "NOORD", "Nord / Noord")

    page = client.get(
        url(
            "detail",
            job_id(upload(client, content, dry_run=dry_run, create_regions=True)),
        )
    )

    messages = {e.line: str(e.message) for e in page.context["errors"]}
    # The whole name (line 5) names the region, as its slug does.
    assert sorted(messages) == [2, 3, 4]
    assert f"There is no region “Nord”, {NORTH_TO_USE}" in messages[2]
    assert f"There is no region “NOORD”, {NORTH_TO_USE}" in messages[4]
    assert page.context["unknown_regions"] == []
    assert Region.objects.count() == regions_before
    imported = Outlet.objects.filter(slug__startswith="o-")
    assert [o.region.slug for o in imported] == ([] if dry_run else ["north"])


def test_a_part_of_a_region_name_is_never_offered_for_creation(login, demo):
    client = login("hq")
    dry = job_id(upload(client, rows_with_regions("Nord"), dry_run=True))

    page = client.get(url("detail", dry))

    assert OFFER not in page.content.decode()
    assert client.post(url("run", dry), {"create_regions": "1"}).status_code == 400
    assert not Region.objects.filter(name="Nord").exists()


def test_created_regions_have_a_lower_case_slug_and_the_file_spelling(login, demo):
    client = login("hq")
    content = rows_with_regions("Bretagne", "north", "Bretagne")

    page = client.get(
        url("detail", job_id(upload(client, content, create_regions=True)))
    )

    assert page.context["report"].created == ["o-001", "o-002", "o-003"]
    assert page.context["report"].created_regions == ["bretagne"]
    region = Region.objects.get(slug="bretagne")
    assert region.name == "Bretagne"
    assert Outlet.objects.get(slug="o-001").region == region
    assert Outlet.objects.get(slug="o-003").region == region
    assert not Region.objects.filter(slug="Bretagne").exists()
    # The same file again names the region it created: nothing to reject.
    again = client.get(url("detail", job_id(upload(client, content))))
    assert not again.context["errors"] and again.context["report"].unchanged


def test_the_near_duplicate_message_is_true_whatever_matched(login, demo):
    client = login("hq")
    content = rows_with_regions("South", "north")

    page = client.get(url("detail", job_id(upload(client, content, dry_run=True))))

    [error] = page.context["errors"]
    assert str(error.message) == (
        "There is no region “South”, but “Sud” (slug south) matches it: use its "
        "slug “south”. A region this close to an existing one is never created."
    )


def test_existing_regions_are_listed_with_names_and_slugs(login, demo):
    client = login("hq")

    page = client.get(
        url("detail", job_id(upload(client, rows_with_regions("atlantis"))))
    )

    # Outlets may belong to the root region too (the outlet form offers it).
    assert (
        "Existing regions: Network (network), Nord / Noord (north), Sud (south)."
        in page.content.decode()
    )


REAL = "Import this file for real"


def test_a_dry_run_importing_nothing_does_not_offer_the_real_import(login, demo):
    client = login("hq")
    # Every row rejected: one on an unknown region, one without a name.
    content = rows_with_regions("bretagne", "north").replace(b"Outlet 2", b"")
    dry = job_id(upload(client, content, dry_run=True))

    page = client.get(url("detail", dry))

    html = page.content.decode()
    assert REAL not in html
    assert "Importing this file for real would change nothing." in html
    response = client.post(url("run", dry))
    assert response.status_code == 400
    assert not Outlet.objects.filter(slug__startswith="o-").exists()

    # Only unknown regions: the offer to create them, not the plain import.
    dry = job_id(upload(client, rows_with_regions("bretagne"), dry_run=True))
    html = client.get(url("detail", dry)).content.decode()
    assert OFFER in html
    assert REAL not in html

    # Something to import: offered.
    dry = job_id(upload(client, rows_with_regions("north"), dry_run=True))
    assert REAL in client.get(url("detail", dry)).content.decode()


def test_the_rejected_rows_show_each_cells_value(login, regions):
    client = login("hq")
    job = job_id(upload(client, BAD.read_bytes(), dry_run=True, name="bad.csv"))
    page = client.get(url("detail", job))
    shown = {(e.line, e.column): e.value for e in page.context["errors"]}
    assert shown[(3, "slug")] == "lille-0001"
    html = page.content.decode()
    assert "<th>Value</th>" in html
    assert "<td>lille-0001</td>" in html
