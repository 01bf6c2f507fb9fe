"""The example site's own audience filter, "Age", registered by hook."""

import datetime

import pytest
from django.utils import timezone, translation
from wagtail.users.models import UserProfile

from example_site.audiences import AgeFilter, years_before
from tests.audiences.segments import ADD, COUNT, form_data, make_segment, url
from tests.contacts.factories import contact
from wagtail_distmark.audiences.filters import FilterContext, audience_filter_types
from wagtail_distmark.audiences.models import Segment
from wagtail_distmark.audiences.services import segment_contacts
from wagtail_distmark.contacts.models import Contact

pytestmark = pytest.mark.django_db


def age(low=None, high=None):
    return ("age", {"min_age": low, "max_age": high})


@pytest.fixture
def ages(demo):
    Contact.objects.all().delete()
    today = timezone.localdate()
    for years in (17, 18, 30, 65, 66):
        contact(demo.lille, f"aged{years}@x.fr", birthday=years_before(today, years))
    # One day short of 18.
    contact(
        demo.lille,
        "almost18@x.fr",
        birthday=years_before(today, 18) + datetime.timedelta(days=1),
    )
    contact(demo.marseille, "aged30@y.fr", birthday=years_before(today, 30))
    return demo


def found(segment):
    return sorted(c.email for c in segment_contacts(segment, context=FilterContext()))


def test_age_is_registered_by_the_example_sites_hook():
    assert isinstance(dict(audience_filter_types())["age"], AgeFilter)


def test_age_ranges_count_birthdays_to_the_day(ages):
    adults = make_segment("Adults to 65", ages.lille, age(18, 65))
    assert found(adults) == ["aged18@x.fr", "aged30@x.fr", "aged65@x.fr"]
    assert found(make_segment("Under 18", ages.lille, age(high=17))) == [
        "aged17@x.fr",
        "almost18@x.fr",
    ]
    assert found(make_segment("66+", None, age(66))) == ["aged66@x.fr"]


def test_lille_editor_builds_and_counts_an_age_segment(login, ages):
    client = login("lille-editor")
    response = client.post(url(COUNT), form_data("Thirties", ages.lille, age(30, 39)))
    assert response.json()["contacts"] == 1  # Marseille's thirty-year-old is not
    response = client.post(url(ADD), form_data("Thirties", ages.lille, age(30, 39)))
    assert response.status_code == 302
    assert Segment.objects.get(name="Thirties").describe() == "Aged 30 to 39"


def test_an_empty_or_reversed_range_is_refused(login, ages):
    client = login("lille-editor")
    for rule in (age(), age(40, 30)):
        response = client.post(url(COUNT), form_data("Bad", ages.lille, rule))
        assert response.status_code == 400
    assert response.json()["errors"] == ["Must be at least the first age."]


def test_contacts_without_a_birth_year_match_no_age_rule(login, ages):
    # An imported "MM/DD" birthday is stored in the year 1604 ("year
    # unknown"): its age is unknown, not 422.
    contact(ages.lille, "yearless@x.fr", birthday=datetime.date(1604, 12, 3))
    contact(ages.lille, "leapless@x.fr", birthday=datetime.date(1604, 2, 29))
    client = login("lille-editor")
    for rule, expected in (
        (age(66), 1),  # aged66 only
        (age(18, 200), 4),  # aged18, 30, 65, 66
        (age(high=500), 6),  # every contact with a birth year
        (age(400), 0),
    ):
        response = client.post(url(COUNT), form_data("Ages", ages.lille, rule))
        assert response.json()["contacts"] == expected, rule
    assert "yearless@x.fr" not in found(make_segment("Any", ages.lille, age(0)))


def test_the_age_rule_speaks_the_editors_language(login, ages):
    """The example site's strings have their own catalog (fr, nl)."""
    profile = UserProfile.get_for_user(ages.users["lille-editor"])
    profile.preferred_language = "fr"
    profile.save()
    response = login("lille-editor").get(url(ADD))
    # The rule blocks reach the page as JSON, non-ASCII letters escaped.
    assert "\\u00c2ge minimum" in response.content.decode()
    segment = make_segment("Dertigers", ages.lille, age(30, 39))
    with translation.override("nl"):
        assert segment.describe() == "Van 30 tot 39 jaar"
