"""The link policy, judged against how a browser reads a link.

The example-based cases live with the blocks that use the policy
(tests/blocks/test_library.py) and the page editor; here, properties over
links assembled from the pieces that fool URL parsers.
"""

from urllib.parse import urljoin, urlsplit

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.utils.html import escape
from hypothesis import example, given, settings
from hypothesis import strategies as st

from wagtail_distmark.links import (
    browser_scheme,
    check_link_form,
    is_external_link,
    links_in_html,
    shown_link,
    validate_link,
    validate_rich_text_links,
)
from wagtail_distmark.sanitizing import sanitize_rich_text

PAGE_URL = "https://lille.brand.example/spring/"
SPECIAL_SCHEMES = {"http", "https", "ftp", "ws", "wss", "file"}

PIECES = [
    "/", "//", "\\", ":", "@", "#", "?", ".", "%", "%5C", "%5c", "%2F", "%252F",
    "\t", "\n", "\r", " ", "\x00", "\x1f", "\x7f",
    "https", "http", "HtTpS", "javascript", "JaVa", "script", "data", "mailto",
    "tel", "ftp", "brand.example", "evil.example", "xn--brnd-63d", "br\u0430nd",
    "\uff42rand", "a", "1", "+33", "&", "=",
]  # fmt: skip
PREFIXES = ["", "https://", "http://", "/", "//", "\\\\", " ", "https://brand.example"]

links = st.builds(
    lambda prefix, pieces: prefix + "".join(pieces),
    st.sampled_from(PREFIXES),
    st.lists(st.sampled_from(PIECES), max_size=8),
)


def as_browser_reads(link):
    """(scheme, ASCII host) a browser goes to from ``PAGE_URL``, per the
    WHATWG URL standard's rules that matter here."""
    url = link.strip("".join(chr(code) for code in range(0x21)))
    for character in "\t\n\r":
        url = url.replace(character, "")
    scheme = browser_scheme(url)
    if scheme in SPECIAL_SCHEMES or not scheme:
        url = url.replace("\\", "/")
    target = urlsplit(urljoin(PAGE_URL, url))
    # "brand.example." is brand.example, fully qualified.
    host = (target.hostname or "").rstrip(".").encode("idna").decode("ascii")
    return target.scheme, host


def accepted(link):
    try:
        validate_link(link)
    except ValidationError:
        return False
    return True


@override_settings(WAGTAIL_DISTMARK={"ALLOWED_LINK_DOMAINS": ["brand.example"]})
@settings(deadline=None)  # a busy CI machine is not a failure
@given(links)
@example("https://evil.example\\@brand.example/")
@example("/\\evil.example/")
@example("/%5Cevil.example")
@example("https://br\u0430nd.example/")
def test_an_accepted_link_goes_where_the_policy_says(link):
    if not accepted(link):
        return
    scheme, host = as_browser_reads(link)
    assert scheme in ("http", "https", "mailto", "tel")
    if scheme in ("http", "https"):
        # The site itself (a path) or an allowed domain, as the browser sees it.
        assert host == "brand.example" or host.endswith(".brand.example")
        # Python reads the same host: nothing a parser could disagree on.
        python_host = urlsplit(urljoin(PAGE_URL, link.strip())).hostname or ""
        assert python_host.rstrip(".").encode("idna").decode("ascii") == host
    if not browser_scheme(link):
        assert host == "lille.brand.example"


@settings(deadline=None)
@given(links)
def test_sanitised_rich_text_keeps_only_links_of_a_safe_form(link):
    html = sanitize_rich_text(f'<p><a href="{escape(link)}">x</a></p>')
    for href in links_in_html(html):
        check_link_form(href)  # raises on a link of an unsafe form


@settings(deadline=None)
@given(links)
def test_rich_text_is_refused_exactly_when_one_of_its_links_is(link):
    html = f'<p><a href="{escape(link)}">x</a> <a href="/contact">contact</a></p>'
    if accepted(link):
        validate_rich_text_links(html)
    else:
        with pytest.raises(ValidationError):
            validate_rich_text_links(html)


def test_links_are_read_from_html_as_a_browser_reads_them():
    html = (
        '<a href="&#47;&#47;evil.example/">a</a><A HREF = //x.example/>b</A>'
        '<a href=\'/ok\'>c</a><a linktype="page" id="3">d</a>'
    )
    assert links_in_html(html) == ["//evil.example/", "//x.example/", "/ok"]
    assert links_in_html("") == []


def test_refused_links_are_shown_with_their_hidden_characters():
    with pytest.raises(ValidationError) as excinfo:
        validate_rich_text_links('<a href="java&#9;script:alert(1)">x</a>')
    assert excinfo.value.messages[0].startswith("Link “java\\x09script:alert(1)”: ")
    assert shown_link("https://brand.example/" + "a" * 100).endswith("a…")


def test_only_web_addresses_are_external():
    assert is_external_link("HTTPS://brand.example/")
    assert is_external_link(" https://brand.example/")
    assert not is_external_link("/contact")
    assert not is_external_link("mailto:a@brand.example")
    assert not is_external_link("")
    assert not is_external_link(None)
