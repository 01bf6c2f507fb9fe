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


def test_bad_file_rejects_both_rows_of_each_conflicting_pair(regions):
    """The shared README expected line 2 to be imported and only its duplicate
    (line 3) rejected. Line 3 is the inconsistent one (slug lille-0001 with
    Marseille's name, host and email), so the importer cannot tell which one
    is meant: both lines of a conflicting pair are rejected, each naming the
    other. Line 2 also shares its hostname with line 7. Only line 9 is left."""
    before = footprint()
    report = import_outlets(BAD)

    assert report.counts == {
        "created": 1,
        "updated": 0,
        "unchanged": 0,
        "repeated": 0,
        "rejected": 7,
    }
    assert report.created == ["liege-0008"]
    assert [(e.line, e.column) for e in report.errors] == [
        (2, "slug"),
        (2, "hostname"),
        (3, "slug"),
        (4, "region"),
        (5, "name"),
        (6, "timezone"),
        (7, "hostname"),
        (8, "email"),
    ]
    messages = {(e.line, e.column): str(e.message) for e in report.errors}
    # Each row of a pair names the other's line and the shared value.
    assert "Line 3" in messages[2, "slug"] and "lille-0001" in messages[2, "slug"]
    assert "Line 2" in messages[3, "slug"]
    assert "Line 7" in messages[2, "hostname"]
    assert "Line 2" in messages[7, "hostname"]
    assert "lille-0001.localhost" in messages[7, "hostname"]
    assert "atlantis" in messages[4, "region"]
    assert "Europe/Lile" in messages[6, "timezone"]
    assert str(report.errors[0]).startswith("line 2, column “slug”: ")
    # Only the valid outlet exists, complete; no rejected row left a site,
    # page, collection or group behind.
    assert footprint() == grown_by(before, outlets=1)
    liege = Outlet.objects.get(slug="liege-0008")
    assert liege.site.hostname == "liege-0008.localhost"
    assert liege.site.root_page_id == liege.home_page_id
    assert liege.region == regions["benelux"]
    assert liege.editors_group and liege.managers_group and liege.collection


def test_the_second_row_of_a_pair_may_be_the_right_one(regions, tmp_path):
    """The first row of a pair is not preferred: when it is the inconsistent
    one, importing the file leaves no outlet built from it."""
    rows = read_rows(SAMPLE)[:2]
    wrong = rows[1] | {"slug": rows[0]["slug"]}  # Marseille's row, Lille's slug
    path = write_rows(tmp_path / "pair.csv", [wrong, rows[0]])

    report = import_outlets(path)

    assert [(e.line, e.column) for e in report.errors] == [(2, "slug"), (3, "slug")]
    assert "Line 3" in str(report.errors[0].message)
    assert "Line 2" in str(report.errors[1].message)
    assert not Outlet.objects.exists()


def test_identical_rows_are_imported_once(regions, tmp_path):
    rows = read_rows(SAMPLE)[:2]
    # The same row again, as a spreadsheet may leave it: padded, host in capitals.
    again = {key: f" {value} " for key, value in rows[0].items()}
    again["hostname"] = rows[0]["hostname"].upper()
    path = write_rows(tmp_path / "repeated.csv", [rows[0], rows[1], again])

    report = import_outlets(path)

    assert report.counts == {
        "created": 2,
        "updated": 0,
        "unchanged": 0,
        "repeated": 1,
        "rejected": 0,
    }
    assert [(r.line, r.same_as) for r in report.repeated] == [(4, 2)]
    assert Outlet.objects.count() == 2


def test_a_default_hostname_conflicts_with_the_same_hostname_typed(regions, tmp_path):
    rows = read_rows(SAMPLE)[:2]
    rows[0]["hostname"] = ""  # gets lille-0001.localhost
    rows[1]["hostname"] = "lille-0001.localhost"
    path = write_rows(tmp_path / "default-host.csv", rows)

    report = import_outlets(path)

    assert [(e.line, e.column) for e in report.errors] == [
        (2, "hostname"),
        (3, "hostname"),
    ]
    assert str(report.errors[0].message).startswith(
        "With no hostname in this row, its outlet's hostname is "
        "“lille-0001.localhost”, which line 3 also uses"
    )
    assert "Line 2" in str(report.errors[1].message)
    assert not Outlet.objects.exists()


def test_reimporting_the_rejected_rows_never_overwrites_an_outlet(regions, tmp_path):
    """Lille (line 2 of the bad file) already exists. Before, the import kept
    it, rejected line 3, and importing the rejected rows then renamed Lille
    to "Marseille Gare 2" and moved its site to Marseille's hostname."""
    import_outlets(write_rows(tmp_path / "lille.csv", read_rows(BAD)[:1]))
    lille = Outlet.objects.get(slug="lille-0001")
    rejected_csv = tmp_path / "rejected.csv"
    out = StringIO()

    call_command(
        "distmark_import_outlets",
        str(BAD),
        report=str(rejected_csv),
        stdout=out,
        stderr=StringIO(),
    )
    call_command(
        "distmark_import_outlets", str(rejected_csv), stdout=out, stderr=StringIO()
    )

    def assert_lille_intact():
        lille.refresh_from_db()
        assert (lille.name, lille.site.hostname, lille.email) == (
            "Lille Centre 1",
            "lille-0001.localhost",
            "lille-0001@example.org",
        )
        assert not Outlet.objects.filter(name="Marseille Gare 2").exists()

    assert_lille_intact()
    # Even with its partner left out, the inconsistent row is refused: it
    # would rename Lille and move its site at once.
    rows = list(csv.DictReader(StringIO(rejected_csv.read_text("utf-8-sig"))))
    [line_3] = [row for row in rows if row["line"] == "3"]
    report = import_outlets(write_rows(tmp_path / "line-3.csv", [line_3]))

    assert [(e.line, e.column) for e in report.errors] == [(2, "slug")]
    message = str(report.errors[0].message)
    assert "Lille Centre 1" in message and "Marseille Gare 2" in message
    assert_lille_intact()


def test_a_hostname_of_another_outlet_is_refused_naming_it(demo, tmp_path):
    path = write_rows(
        tmp_path / "steal.csv",
        [
            {
                "slug": "lille",
                "name": "Lille Centre",
                "region": "north",
                "hostname": "gent.localhost",
            }
        ],
    )

    report = import_outlets(path)

    assert [(e.line, e.column) for e in report.errors] == [(2, "hostname")]
    assert "Gent Korenmarkt" in str(report.errors[0].message)
    assert Outlet.objects.get(slug="lille").site.hostname == "lille.localhost"
    assert Outlet.objects.get(slug="gent").site.hostname == "gent.localhost"


def test_excel_french_file_keeps_accents(regions):
    report = import_outlets(EXCEL_FR)

    assert (report.encoding, report.delimiter) == ("cp1252", ";")
    assert report.counts == {
        "created": 40,
        "updated": 0,
        "unchanged": 0,
        "repeated": 0,
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
        "repeated": 0,
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
        "repeated": 0,
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
    assert report.counts == {
        "created": 1,
        "updated": 0,
        "unchanged": 0,
        "repeated": 0,
        "rejected": 7,
    }
    assert [e.line for e in report.errors] == [2, 2, 3, 4, 5, 6, 7, 8]
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


def test_unknown_region_names_the_regions_and_the_way_forward(regions, tmp_path):
    rows = read_rows(SAMPLE)[:1]
    rows[0]["region"] = "france-nrod"
    path = write_rows(tmp_path / "typo.csv", rows)

    report = import_outlets(path)

    [error] = report.errors
    assert error.column == "region"
    assert str(error.message) == (
        "Region “france-nrod” does not exist. Did you mean “france-nord”?"
    )
    [summary] = report.unknown_region_messages()
    assert summary == (
        "Region “france-nrod” does not exist (row 2). Did you mean “france-nord”?"
    )
    help_text = report.unknown_regions_help()
    assert (
        "Existing regions: Benelux (benelux), France-Nord (france-nord), "
        "Network (network), Quebec (quebec)." in help_text
    )
    assert "--create-regions" in help_text


def test_unknown_region_lists_at_most_twenty_regions(regions, tmp_path):
    for number in range(30):
        create_region(name=f"Zone {number}", slug=f"zone-{number:02d}")
    rows = read_rows(SAMPLE)[:1]
    rows[0]["region"] = "atlantis"

    report = import_outlets(
        write_rows(tmp_path / "many.csv", rows), create_regions_option="X"
    )

    message = report.unknown_regions_help()
    # 34 regions with the root: the first 20 by slug, then how many more.
    listed = (
        "Benelux (benelux), France-Nord (france-nord), Network (network), "
        "Quebec (quebec), "
    ) + ", ".join(f"Zone {number} (zone-{number:02d})" for number in range(16))
    assert f"Existing regions: {listed} and 14 more." in message
    assert "zone-16" not in message
    assert "with X" in message


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
    assert import_outlets(BAD, user=hq_user, dry_run=True).counts["rejected"] == 7


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
    assert "8 rows: 1 created, 0 updated, 0 unchanged, 7 rejected." in output
    assert "line 2, column “slug”: " in output
    assert "line 8, column “email”: " in output
    assert "Region “atlantis” does not exist (row 4)." in output
    assert "[" + "#" * 30 + "] 8/8" in err.getvalue()
    # The rejected rows come back with their errors and can be corrected and
    # imported as they are.
    rejected = list(csv.DictReader(StringIO(rejected_csv.read_text("utf-8-sig"))))
    assert [row["line"] for row in rejected] == ["2", "3", "4", "5", "6", "7", "8"]
    assert "atlantis" in rejected[2]["errors"]
    fixed = rejected[2] | {"region": "benelux"}
    fixed_csv = write_rows(tmp_path / "fixed.csv", [fixed])
    out = StringIO()
    call_command("distmark_import_outlets", str(fixed_csv), stdout=out, stderr=err)
    assert "1 created" in out.getvalue()
    assert "Columns ignored: “line”, “errors”" in out.getvalue()


def test_command_lists_what_each_update_changed_and_the_repeats(regions, tmp_path):
    rows = read_rows(SAMPLE)[:2]
    import_outlets(write_rows(tmp_path / "two.csv", rows))
    rows[0].update(city="Lille-Centre", hostname="lille.example.com")
    path = write_rows(tmp_path / "changed.csv", [rows[0], rows[1], rows[0]])
    out = StringIO()

    call_command("distmark_import_outlets", str(path), stdout=out, stderr=StringIO())

    output = out.getvalue()
    assert "3 rows: 0 created, 1 updated, 1 unchanged, 0 rejected." in output
    assert "Updated lille-0001: “city”, “hostname”" in output
    assert "line 4: the same as line 2, imported once." in output


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
    assert "Regions to be created: benelux, france-nord, quebec" in out.getvalue()
    assert "Regions created" not in out.getvalue()
    assert not Outlet.objects.exists()
    assert not Region.objects.filter(slug__in=REGION_SLUGS).exists()

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


def test_command_sums_up_unknown_regions_once_per_region(regions, tmp_path):
    rows = read_rows(SAMPLE)[:6]
    for row in rows[:5]:
        row["region"] = "bretagne"
    path = write_rows(tmp_path / "bretagne.csv", rows)
    out = StringIO()

    call_command("distmark_import_outlets", str(path), stdout=out, stderr=StringIO())

    output = out.getvalue()
    assert "Region “bretagne” does not exist (rows 2, 3, 4 and 2 more)." in output
    assert output.count("bretagne") == 1
    assert output.count("Existing regions: ") == 1
    assert "--create-regions" in output
    assert "column “region”" not in output


def test_near_duplicate_regions_are_never_created(regions, tmp_path):
    create_region(name="Île-de-France", slug="ile-de-france")
    rows = read_rows(SAMPLE)[:4]
    rows[0]["region"] = "Ile-de-France"  # the slug once slugified
    rows[1]["region"] = "BENELUX"  # another case (the exact name would do)
    rows[2]["region"] = "Pays-Basque"
    rows[3]["region"] = "pays basque"  # the same new region, spelt otherwise
    before = footprint()

    report = import_outlets(
        write_rows(tmp_path / "near.csv", rows), create_regions=True
    )

    messages = {e.line: str(e.message) for e in report.errors}
    assert "“Île-de-France” (slug ile-de-france)" in messages[2]
    assert "use its slug “ile-de-france”" in messages[2]
    assert "“Benelux” (slug benelux)" in messages[3]
    assert "(“Pays-Basque”, “pays basque”)" in messages[4]
    assert messages[4] == messages[5]
    assert not report.only_unknown_regions
    assert report.created_regions == []
    assert footprint() == before


def test_an_import_stopping_on_an_unexpected_error_saves_nothing(
    db, monkeypatch, tmp_path
):
    """The import is one transaction: regions and outlets of the rows before
    the failure are rolled back with it."""
    rows = read_rows(SAMPLE)[:3]
    real_sync = onboarding.sync_outlet_permissions

    def crash_on_the_last_row(outlet, *args, **kwargs):
        if outlet.slug == rows[2]["slug"]:
            raise RuntimeError("disk full")
        real_sync(outlet, *args, **kwargs)

    monkeypatch.setattr(onboarding, "sync_outlet_permissions", crash_on_the_last_row)
    path = write_rows(tmp_path / "three.csv", rows)
    before = footprint()

    with pytest.raises(RuntimeError):
        import_outlets(path, create_regions=True)

    assert footprint() == before
    assert not Region.objects.filter(slug="france-nord").exists()
