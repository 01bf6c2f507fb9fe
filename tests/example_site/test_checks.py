"""The example site's brand check, registered through the public hook."""

import pytest

from tests.workflows.flow import filled, result, spring_page, with_values
from wagtail_distmark.inheritance import demo as spring
from wagtail_distmark.workflows.checks import get_checks, run_checks

pytestmark = pytest.mark.django_db


def test_the_example_check_is_registered():
    assert "no_shouting" in [check.name for check in get_checks()]


def test_capitals_in_what_the_outlet_wrote_are_findings(demo):
    page = with_values(
        filled(spring_page(demo.lille)),
        spring.HERO_ID,
        subtitle="GRANDES SOLDES à Lille",
    )
    shouting = result(run_checks(page), "no_shouting")
    assert [str(f) for f in shouting.findings] == [
        "Hero › Subtitle: Write “GRANDES” in lower case.",
        "Hero › Subtitle: Write “SOLDES” in lower case.",
    ]


def test_short_acronyms_pass(demo):
    page = with_values(
        filled(spring_page(demo.lille)),
        spring.HERO_ID,
        subtitle="Livraison TNT offerte",
    )
    assert result(run_checks(page), "no_shouting").findings == []
