"""The contact form, through the admin's add and edit views: a birthday
with or without a year; tags as stored."""

import datetime
import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from tests.contacts.factories import contact
from wagtail_distmark.contacts.models import Contact, ContactAccess

pytestmark = pytest.mark.django_db

EDIT = "distmark_contacts:edit"
ADD = "distmark_contacts:add"


@pytest.fixture
def camille(demo):
    # As an import stores Mailchimp's "12/03": the year 1604, "unknown".
    return contact(
        demo.lille, "camille@example.com", birthday=datetime.date(1604, 12, 3)
    )


class BirthdayInputs(HTMLParser):
    """The birthday's day, month and year as the form shows them."""

    def __init__(self, html):
        super().__init__()
        self.values, self.select = {}, None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name") or ""
        if tag == "input" and name.startswith("birthday_"):
            self.values[name] = attrs.get("value", "")
        elif tag == "select":
            self.select = name if name.startswith("birthday_") else None
        elif tag == "option" and self.select and "selected" in attrs:
            self.values[self.select] = attrs["value"]


def shown_birthday(client, contact):
    response = client.get(reverse(EDIT, args=[contact.pk]))
    values = BirthdayInputs(response.content.decode()).values
    return tuple(values.get(f"birthday_{part}") for part in ("day", "month", "year"))


def post_data(contact, **fields):
    return {
        "email": contact.email,
        "first_name": "Camille",
        "email_consent": "granted",
        "sms_consent": "none",
        **fields,
    }


def test_the_edit_form_shows_a_birthday_without_a_year_as_day_and_month(login, camille):
    client = login("lille-editor")
    html = client.get(reverse(EDIT, args=[camille.pk])).content.decode()
    assert not re.search(r"\b1604\b", html)
    assert "Year (if known)" in html
    assert shown_birthday(client, camille) == ("3", "12", "")  # no year


def test_saving_keeps_a_birthday_without_a_year(login, camille):
    client = login("lille-editor")
    response = client.post(
        reverse(EDIT, args=[camille.pk]),
        post_data(camille, birthday_day="3", birthday_month="12", birthday_year=""),
    )
    assert response.status_code == 302
    camille.refresh_from_db()
    assert camille.birthday == datetime.date(1604, 12, 3)
    assert camille.first_name == "Camille"
    # The form posted back as the edit view shows it changes nothing.
    day, month, year = shown_birthday(client, camille)
    client.post(
        reverse(EDIT, args=[camille.pk]),
        post_data(camille, birthday_day=day, birthday_month=month, birthday_year=year),
    )
    camille.refresh_from_db()
    assert camille.birthday == datetime.date(1604, 12, 3)
    # Nor does the access log see a change.
    change = ContactAccess.objects.filter(action="change").latest("pk")
    assert change.detail["fields"] == []


def test_a_day_and_month_alone_add_a_birthday_without_a_year(login, demo):
    response = login("lille-editor").post(
        reverse(ADD),
        {
            "outlet": demo.lille.pk,
            "email": "leap@example.com",
            "birthday_day": "29",
            "birthday_month": "2",
            "birthday_year": "",
            "email_consent": "granted",
            "sms_consent": "none",
        },
    )
    assert response.status_code == 302
    leap = Contact.objects.get(email="leap@example.com")
    assert leap.birthday == datetime.date(1604, 2, 29) and leap.birthday_month == 2


def test_a_year_makes_it_a_dated_birthday(login, camille):
    client = login("lille-editor")
    client.post(
        reverse(EDIT, args=[camille.pk]),
        post_data(camille, birthday_day="3", birthday_month="12", birthday_year="1990"),
    )
    camille.refresh_from_db()
    assert camille.birthday == datetime.date(1990, 12, 3)
    assert shown_birthday(client, camille) == ("3", "12", "1990")


@pytest.mark.parametrize(
    "day, month, year, error",
    [
        ("31", "2", "", "There is no 31 February."),
        ("3", "", "", "Give the day and the month."),
        ("", "12", "1990", "Give the day and the month."),
        ("3", "12", "1604", "Give a year from 1900 to"),
        ("3", "12", "2999", "Give a year from 1900 to"),
        ("3", "12", "19x", "Enter a whole number."),
    ],
)
def test_an_impossible_birthday_is_refused_clearly(
    login, camille, day, month, year, error
):
    response = login("lille-editor").post(
        reverse(EDIT, args=[camille.pk]),
        post_data(camille, birthday_day=day, birthday_month=month, birthday_year=year),
    )
    assert response.status_code == 200
    assert error in " ".join(response.context["form"].errors["birthday"])
    camille.refresh_from_db()
    assert camille.birthday == datetime.date(1604, 12, 3)


def test_clearing_the_day_and_month_removes_the_birthday(login, camille):
    login("lille-editor").post(
        reverse(EDIT, args=[camille.pk]),
        post_data(camille, birthday_day="", birthday_month="", birthday_year=""),
    )
    camille.refresh_from_db()
    assert camille.birthday is None and camille.birthday_month is None


# Tags: shown as they are stored (a tag with a comma quoted) and read back the
# same way, so a form saved unchanged changes nothing.


class FormValues(HTMLParser):
    """The values a browser would post for the rendered contact form."""

    def __init__(self, html):
        super().__init__()
        self.values, self.select, self.in_form = {}, None, False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and "contact" in (attrs.get("action") or ""):
            self.in_form = True
        name = attrs.get("name")
        if not self.in_form or not name:
            if tag == "option" and self.select and "selected" in attrs:
                self.values[self.select] = attrs["value"]
            return
        if tag == "input":
            kind = attrs.get("type", "text")
            if kind in ("radio", "checkbox"):
                if "checked" in attrs:
                    self.values[name] = attrs.get("value", "on")
            elif kind not in ("submit", "button"):
                self.values[name] = attrs.get("value", "")
        elif tag == "select":
            self.select = name
            self.values.setdefault(name, "")

    def handle_endtag(self, tag):
        if tag == "select":
            self.select = None
        elif tag == "form":
            self.in_form = False


def rendered_form(client, contact):
    response = client.get(reverse(EDIT, args=[contact.pk]))
    assert response.status_code == 200
    return FormValues(response.content.decode()).values


def tag_names(contact):
    return sorted(contact.tags.values_list("name", flat=True))


@pytest.fixture
def mailchimp_friend(demo):
    # As an import stores Mailchimp's tags cell "Amis, famille","VIP".
    return contact(
        demo.lille, "ami@example.com", first_name="Ami", tags=["Amis, famille", "VIP"]
    )


def test_the_edit_form_quotes_a_tag_with_a_comma(login, mailchimp_friend):
    values = rendered_form(login("lille-manager"), mailchimp_friend)
    assert values["tags"] == '"Amis, famille", VIP'


def test_a_form_saved_unchanged_keeps_tags_with_commas_and_capitals(
    login, mailchimp_friend
):
    client = login("lille-manager")
    values = rendered_form(client, mailchimp_friend)
    response = client.post(reverse(EDIT, args=[mailchimp_friend.pk]), values)
    assert response.status_code == 302
    assert tag_names(mailchimp_friend) == ["Amis, famille", "VIP"]
    change = ContactAccess.objects.filter(action="change").latest("pk")
    assert change.detail["fields"] == []


def test_a_new_tag_keeps_the_others_as_they_are(login, mailchimp_friend):
    client = login("lille-manager")
    values = rendered_form(client, mailchimp_friend)
    values["tags"] += ", Club membre"
    client.post(reverse(EDIT, args=[mailchimp_friend.pk]), values)
    assert tag_names(mailchimp_friend) == ["Amis, famille", "Club membre", "VIP"]
    change = ContactAccess.objects.filter(action="change").latest("pk")
    assert change.detail["fields"] == ["tags"]
    # Shown again as stored, the new one (with a space, no comma) unquoted.
    assert rendered_form(client, mailchimp_friend)["tags"] == (
        '"Amis, famille", Club membre, VIP'
    )


def test_a_tag_in_another_case_is_the_same_tag(login, mailchimp_friend):
    client = login("lille-manager")
    values = rendered_form(client, mailchimp_friend)
    # The stored spelling wins; two new spellings of one tag make one tag.
    values["tags"] = '"amis, FAMILLE", vip, Lille, LILLE'
    client.post(reverse(EDIT, args=[mailchimp_friend.pk]), values)
    assert tag_names(mailchimp_friend) == ["Amis, famille", "Lille", "VIP"]


def test_removing_a_quoted_tag_keeps_the_rest(login, mailchimp_friend):
    client = login("lille-manager")
    values = rendered_form(client, mailchimp_friend)
    values["tags"] = "VIP"
    client.post(reverse(EDIT, args=[mailchimp_friend.pk]), values)
    assert tag_names(mailchimp_friend) == ["VIP"]
    change = ContactAccess.objects.filter(action="change").latest("pk")
    assert change.detail["fields"] == ["tags"]


def test_a_tag_with_double_quotes_survives_an_unchanged_save(login, demo):
    quoted = contact(demo.lille, "q@example.com", tags=['Le "club"', "a,b"])
    client = login("lille-manager")
    values = rendered_form(client, quoted)
    client.post(reverse(EDIT, args=[quoted.pk]), values)
    assert tag_names(quoted) == ['Le "club"', "a,b"]


def test_an_overlong_tags_text_is_refused_clearly(login, mailchimp_friend):
    client = login("lille-manager")
    values = rendered_form(client, mailchimp_friend)
    values["tags"] = "x" * 200_000  # past what the csv module reads
    response = client.post(reverse(EDIT, args=[mailchimp_friend.pk]), values)
    assert response.status_code == 200
    assert "Ensure this value has at most 3960 characters" in response.content.decode()
    assert tag_names(mailchimp_friend) == ["Amis, famille", "VIP"]
