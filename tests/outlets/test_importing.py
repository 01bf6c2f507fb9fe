import csv
import io
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from wagtail.models import Collection, Page, Site

from wagtail_distmark.outlets import onboarding
from wagtail_distmark.outlets.importing import OutletImportError, import_outlets
from wagtail_distmark.outlets.models import Outlet, Region
from wagtail_distmark.outlets.onboarding import create_region

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
BAD = FIXTURES / "outlets-bad.csv"
EXCEL_FR = FIXTURES / "outlets-excel-fr.csv"
SAMPLE = FIXTURES / "outlets-50.csv"  # the first 50 rows of outlets-1000.csv
REGION_SLUGS = ("france-nord", "benelux", "quebec")
# Onboarding an outlet takes a good tenth of a second: most tests import the
# first 12 rows of the sample, the smallest start using all three regions.
SMALL = 12


@pytest.fixture
def regions(db):
    return {slug: create_region(name=slug.title(), slug=slug) for slug in REGION_SLUGS}


def footprint():
    """How many of each object onboarding creates exist."""
    return {
        "outlets": Outlet.objects.count(),
        "sites": Site.objects.count(),
        "collections": Collection.objects.count(),
        "groups": Group.objects.count(),
        "pages": Page.objects.count(),
        "regions": Region.objects.count(),
    }


def grown_by(before, outlets, regions=0):
    """The footprint after onboarding ``outlets`` complete outlets."""
    return {
        "outlets": before["outlets"] + outlets,
        "sites": before["sites"] + outlets,
        # A region brings its managers group, page and collection.
        "collections": before["collections"] + outlets + regions,
        "groups": before["groups"] + 2 * outlets + regions,
        "pages": before["pages"] + outlets + regions,
        "regions": before["regions"] + regions,
    }


def read_rows(path):
    with open(path, encoding="utf-8", newline="") as fileobj:
        return list(csv.DictReader(fileobj))


def small_sample(tmp_path, rows=SMALL):
    return write_rows(tmp_path / f"outlets-{rows}.csv", read_rows(SAMPLE)[:rows])


def write_rows(path, rows, fieldnames=None):
    fieldnames = fieldnames or list(rows[0])
    with open(path, "w", encoding="utf-8", newline="") as fileobj:
        writer = csv.DictWriter(fileobj, fieldnames=fieldnames)
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_bad_file_imports_valid_rows_and_reports_each_faulty_line(regions):
    before = footprint()
    report = import_outlets(BAD)

    assert report.counts == {"created": 2, "updated": 0, "unchanged": 0, "rejected": 6}
    assert sorted(report.created) == ["liege-0008", "lille-0001"]
    assert [(e.line, e.column) for e in report.errors] == [
        (3, "slug"),
        (4, "region"),
        (5, "name"),
        (6, "timezone"),
        (7, "hostname"),
        (8, "email"),
    ]
    messages = {e.line: str(e.message) for e in report.errors}
    assert "line 2" in messages[3]  # points at the first use of the slug
    assert "atlantis" in messages[4]
    assert "Europe/Lile" in messages[6]
    assert "line 2" in messages[7]
    assert str(report.errors[0]).startswith("line 3, column slug: ")
    # Only the two valid outlets exist, each complete; no rejected row left a
    # site, page, collection or group behind.
    assert footprint() == grown_by(before, outlets=2)
    liege = Outlet.objects.get(slug="liege-0008")
    assert liege.site.hostname == "liege-0008.localhost"
    assert liege.site.root_page_id == liege.home_page_id
    assert liege.region == regions["benelux"]
    assert liege.editors_group and liege.managers_group and liege.collection


def test_excel_french_file_keeps_accents(regions):
    report = import_outlets(EXCEL_FR)

    assert (report.encoding, report.delimiter) == ("cp1252", ";")
    assert report.counts == {
        "created": 40,
        "updated": 0,
        "unchanged": 0,
        "rejected": 0,
    }
    liege = Outlet.objects.get(slug="liege-0008")
    assert (liege.name, liege.city, liege.manager_name) == (
        "Liège Centre 8",
        "Liège",
        "Léa O'Brien",
    )
    # CRLF: nothing trails the last column.
    assert liege.manager_email == "manager.liege-0008@example.org"
    assert Outlet.objects.get(slug="quebec-0012").city == "Québec"
    assert Outlet.objects.get(slug="quebec-0012").region == regions["quebec"]
    etienne = Outlet.objects.get(slug="saint-etienne-0013")
    assert etienne.name == "Saint-Étienne Zuid 13"
    assert etienne.site.site_name == "Saint-Étienne Zuid 13"


def test_utf8_with_bom_and_crlf_from_a_file_object(regions, tmp_path):
    data = b"\xef\xbb\xbf" + small_sample(tmp_path, rows=3).read_bytes()
    assert b"\r\n" in data  # the csv module writes CRLF

    report = import_outlets(io.BytesIO(data))

    assert (report.encoding, report.delimiter) == ("utf-8-sig", ",")
    assert report.counts["created"] == 3
    assert Outlet.objects.get(slug="lille-0001").manager_name == "Thijs Müller"


def test_reimporting_the_same_file_changes_nothing(regions):
    import_outlets(SAMPLE)
    before = footprint()
    stamps = dict(Outlet.objects.values_list("slug", "updated_at"))

    report = import_outlets(SAMPLE)

    assert report.counts == {
        "created": 0,
        "updated": 0,
        "unchanged": 50,
        "rejected": 0,
    }
    assert footprint() == before
    assert dict(Outlet.objects.values_list("slug", "updated_at")) == stamps


def test_reimport_with_changed_values_updates_in_place(regions, tmp_path):
    import_outlets(small_sample(tmp_path))
    before = footprint()
    lille = Outlet.objects.get(slug="lille-0001")
    site_id = lille.site_id
    rows = read_rows(SAMPLE)[:SMALL]
    rows[0].update(
        city="Lille-Centre",
        country="be",
        hostname="Lille.Example.com",
        region="benelux",
    )

    report = import_outlets(write_rows(tmp_path / "changed.csv", rows))

    assert report.counts == {
        "created": 0,
        "updated": 1,
        "unchanged": SMALL - 1,
        "rejected": 0,
    }
    assert report.updated == ["lille-0001"]
    lille = Outlet.objects.get(slug="lille-0001")
    assert (lille.city, lille.country) == ("Lille-Centre", "BE")
    assert lille.region == regions["benelux"]
    # Same site, new hostname: no duplicate outlet or site.
    assert (lille.site_id, lille.site.hostname) == (site_id, "lille.example.com")
    assert footprint() == before
    # Its tree moved under benelux: the benelux managers now act on it, the
    # france-nord ones no longer do.
    User = get_user_model()
    benelux_manager = User.objects.create_user("benelux-manager")
    benelux_manager.groups.add(regions["benelux"].managers_group)
    nord_manager = User.objects.create_user("nord-manager")
    nord_manager.groups.add(regions["france-nord"].managers_group)
    home = lille.home_page
    assert home.get_parent().pk == regions["benelux"].page_id
    assert home.permissions_for_user(benelux_manager).can_publish()
    assert not home.permissions_for_user(nord_manager).can_edit()
    assert lille.collection.get_parent().pk == regions["benelux"].collection_id


def test_update_keeps_what_the_file_leaves_out(demo, tmp_path):
    # No phone column and an empty hostname: both stay as they are.
    path = write_rows(
        tmp_path / "partial.csv",
        [{"slug": "lille", "name": "Lille Centre", "region": "north", "city": "Lile"}],
        fieldnames=["slug", "name", "region", "hostname", "city"],
    )

    report = import_outlets(path)

    assert report.updated == ["lille"]
    lille = Outlet.objects.get(slug="lille")
    assert lille.city == "Lile"
    assert lille.phone == "+33 3 20 00 00 01"
    assert lille.site.hostname == "lille.localhost"


def test_hostname_taken_in_the_database_is_rejected(demo, tmp_path):
    rows = read_rows(SAMPLE)[:1]
    rows[0].update(region="north", hostname="gent.localhost")
    before = footprint()

    report = import_outlets(write_rows(tmp_path / "taken.csv", rows))

    assert [(e.line, e.column) for e in report.errors] == [(2, "hostname")]
    assert footprint() == before


def test_dry_run_saves_nothing(regions):
    before = footprint()

    report = import_outlets(BAD, dry_run=True)

    assert report.dry_run
    assert report.counts == {"created": 2, "updated": 0, "unchanged": 0, "rejected": 6}
    assert [e.line for e in report.errors] == [3, 4, 5, 6, 7, 8]
    assert footprint() == before


def test_dry_run_with_region_creation_saves_nothing(db, tmp_path):
    path = small_sample(tmp_path)
    before = footprint()

    report = import_outlets(path, dry_run=True, create_regions=True)

    assert report.counts["created"] == SMALL
    assert sorted(report.created_regions) == sorted(REGION_SLUGS)
    assert footprint() == before
    assert not Region.objects.filter(slug__in=REGION_SLUGS).exists()


def test_missing_required_column_is_one_error_and_creates_nothing(regions, tmp_path):
    rows = read_rows(SAMPLE)[:SMALL]
    for row in rows:
        del row["region"]
    path = write_rows(tmp_path / "no-region.csv", rows)
    before = footprint()

    with pytest.raises(OutletImportError, match="region"):
        import_outlets(path)
    assert footprint() == before


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "empty"),
        (b"PK\x03\x04rest-of-a-zip", "Excel workbook"),
        ("slug;name;region\n\x81".encode("latin-1"), "neither UTF-8"),
    ],
)
def test_unreadable_files_are_refused(db, content, message):
    with pytest.raises(OutletImportError, match=message):
        import_outlets(io.BytesIO(content))


def test_unknown_regions_are_created_only_on_request(db, tmp_path):
    path = small_sample(tmp_path)
    report = import_outlets(path)
    assert report.counts["rejected"] == SMALL
    assert {e.column for e in report.errors} == {"region"}
    assert not Outlet.objects.exists()

    before = footprint()
    report = import_outlets(path, create_regions=True)

    assert report.counts["created"] == SMALL
    assert sorted(report.created_regions) == sorted(REGION_SLUGS)
    root = Region.get_root_nodes().get()
    for slug in REGION_SLUGS:
        region = Region.objects.get(slug=slug)
        assert region.get_parent() == root
        assert region.managers_group is not None
    assert footprint() == grown_by(before, outlets=SMALL, regions=3)


def test_row_failing_midway_leaves_nothing_behind(db, monkeypatch, tmp_path):
    """A row that fails after onboarding began (site, page, collection, groups
    already made) is rolled back whole, the region it created included."""
    rows = read_rows(SAMPLE)[:3]
    rows[1]["region"] = "brand-new"
    real_sync = onboarding.sync_outlet_permissions

    def sync_failing_on_second_row(outlet, *args, **kwargs):
        if outlet.slug == rows[1]["slug"]:
            raise ValidationError({"slug": "Simulated failure."})
        real_sync(outlet, *args, **kwargs)

    monkeypatch.setattr(
        onboarding, "sync_outlet_permissions", sync_failing_on_second_row
    )
    path = write_rows(tmp_path / "three.csv", rows)
    create_region(name="France Nord", slug="france-nord")
    before = footprint()

    report = import_outlets(path, create_regions=True)

    assert [(e.line, e.column, e.message) for e in report.errors] == [
        (3, "slug", "Simulated failure.")
    ]
    assert report.created_regions == []
    assert footprint() == grown_by(before, outlets=2)
    assert not Region.objects.filter(slug="brand-new").exists()


def test_only_hq_may_import(demo, regions):
    with pytest.raises(OutletImportError, match="HQ"):
        import_outlets(SAMPLE, user=demo.users["lille-manager"])
    hq_user = get_user_model().objects.get(username="hq")
    assert import_outlets(BAD, user=hq_user, dry_run=True).counts["rejected"] == 6


def test_command_prints_progress_summary_and_rejected_rows(regions, tmp_path):
    out, err = StringIO(), StringIO()
    rejected_csv = tmp_path / "rejected.csv"

    call_command(
        "distmark_import_outlets",
        str(BAD),
        report=str(rejected_csv),
        stdout=out,
        stderr=err,
    )

    output = out.getvalue()
    assert "8 rows: 2 created, 0 updated, 0 unchanged, 6 rejected." in output
    assert "line 3, column slug: " in output
    assert "line 8, column email: " in output
    assert "[" + "#" * 30 + "] 8/8" in err.getvalue()
    # The rejected rows come back with their errors and can be corrected and
    # imported as they are.
    rejected = list(csv.DictReader(StringIO(rejected_csv.read_text("utf-8-sig"))))
    assert [row["line"] for row in rejected] == ["3", "4", "5", "6", "7", "8"]
    assert "atlantis" in rejected[1]["errors"]
    fixed = rejected[1] | {"region": "benelux"}
    fixed_csv = write_rows(tmp_path / "fixed.csv", [fixed])
    out = StringIO()
    call_command("distmark_import_outlets", str(fixed_csv), stdout=out, stderr=err)
    assert "1 created" in out.getvalue()
    assert "Columns ignored: line, errors" in out.getvalue()


def test_command_dry_run_and_region_creation(db, tmp_path):
    sample = small_sample(tmp_path)
    out = StringIO()
    call_command(
        "distmark_import_outlets",
        str(sample),
        dry_run=True,
        create_regions=True,
        stdout=out,
        stderr=StringIO(),
    )
    assert "Dry run" in out.getvalue()
    assert f"{SMALL} would be created" in out.getvalue()
    assert not Outlet.objects.exists()

    out = StringIO()
    call_command(
        "distmark_import_outlets",
        str(sample),
        "--create-regions",
        stdout=out,
        stderr=StringIO(),
    )
    assert f"{SMALL} created" in out.getvalue()
    assert "Regions created: benelux, france-nord, quebec" in out.getvalue()
    assert Outlet.objects.count() == SMALL


def test_command_fails_on_unusable_file(regions, tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("distmark_import_outlets", str(tmp_path / "missing.csv"))
    headless = write_rows(
        tmp_path / "headless.csv", [{"slug": "a", "region": "benelux"}]
    )
    with pytest.raises(CommandError, match="name"):
        call_command("distmark_import_outlets", str(headless), stdout=StringIO())


def test_row_with_an_unquoted_delimiter_is_rejected(regions):
    header = "slug;name;region;address"
    text = f"{header}\nlens;Lens;france-nord;1 rue A; bâtiment B\n"

    report = import_outlets(io.StringIO(text))

    assert report.delimiter == ";"
    assert [(e.line, e.column) for e in report.errors] == [(2, "")]
    assert "5 cells" in str(report.errors[0].message)
    assert not Outlet.objects.filter(slug="lens").exists()
