"""The one link policy: what a link written by an editor may be.

Every link an editor writes goes through :func:`validate_link`: the call to
action and hero button (``LinkBlock``), every ``<a href>`` in rich text
(:func:`validate_rich_text_links`, run when the block is cleaned, so the
editor refuses the page at save time), web address fields, and the
``link_domains`` brand check, which finds what reached a page another way.

A link is judged as a browser reads it (the WHATWG URL standard), not as
Python's ``urllib.parse`` does: browsers strip leading and trailing control
characters and spaces, drop tabs and newlines anywhere (``java\\tscript:`` is
``javascript:``), read a backslash as a slash in web and relative URLs
(``/\\evil.example`` is ``//evil.example``, another site), and treat the
scheme case-insensitively. Python keeps backslashes, so
``https://evil.example\\@brand.example/`` has the host ``brand.example`` for
``urlsplit`` and ``evil.example`` for a browser. Rather than guess which
reading a mail client or a crawler would follow, links holding characters
the readings disagree on (backslashes, control characters, percent-encoded
slashes or backslashes in a path) are refused outright.

Accepted: ``https://`` and ``http://`` web addresses (on
``ALLOWED_LINK_DOMAINS`` when set, compared in their ASCII form, so a
look-alike such as ``brаnd.example`` with a Cyrillic “а” never matches
``brand.example``), ``mailto:`` and ``tel:`` links, and paths on the site
starting with one ``/``.
"""

import re
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.utils.translation import gettext_lazy as _

from .conf import distmark_settings

LINK_SCHEMES = ("http", "https", "mailto", "tel")

INVALID_LINK_MESSAGE = _(
    "Enter a web address starting with https://, http://, mailto: or tel:, "
    "or a path on this site starting with /."
)
OFF_SITE_PATH_MESSAGE = _(
    "This link leads to another site without saying so (// or a backslash "
    "after the first slash): write the full web address, starting with https://."
)

# What a browser strips from both ends of a URL (C0 controls and space) and
# removes anywhere in it (tab, newline).
_C0_OR_SPACE = "".join(chr(code) for code in range(0x21))
_TAB_OR_NEWLINE = re.compile(r"[\t\n\r]")
# Characters Python and browsers read differently, or that hide a scheme.
_AMBIGUOUS = re.compile(r"[\\\x00-\x1f\x7f]")
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")
_WEB_URL = URLValidator(schemes=("http", "https"))
_EMAIL = EmailValidator()
_PHONE = re.compile(r"\+?[0-9][0-9 ().-]{1,30}")


def browser_reading(value):
    """``value`` as a browser reads it in an ``href``: without the control
    characters and spaces it strips from both ends, nor the tabs and
    newlines it drops anywhere."""
    return _TAB_OR_NEWLINE.sub("", value.strip(_C0_OR_SPACE))


def browser_scheme(value):
    """The scheme a browser reads in ``value`` (lower case), or "" for a
    relative link: ``" Java\\tScript:alert(1)"`` is ``"javascript"``."""
    match = _SCHEME.match(browser_reading(value))
    return match.group(1).lower() if match else ""


def leads_off_site(value):
    """Whether a browser (or a server decoding the path) reads the relative
    link ``value`` as another site: ``//host``, ``/\\host``, ``\\\\host``,
    ``/%5Chost``, ``/%2F/host``."""
    url = browser_reading(value)
    if browser_scheme(url):
        return False
    path = re.split(r"[?#]", url, maxsplit=1)[0]
    return _fully_unquoted(path).replace("\\", "/").startswith("//")


def _ascii_host(host):
    host = host.strip(".").lower()
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return host


def allowed_link_domains():
    """``ALLOWED_LINK_DOMAINS`` in ASCII (punycode) form; empty: any domain."""
    domains = distmark_settings.ALLOWED_LINK_DOMAINS
    if isinstance(domains, str):  # "brand.example" written without the tuple
        domains = (domains,)
    return tuple(
        _ascii_host(domain.removeprefix("*."))
        for domain in domains
        if domain.strip(".*")
    )


def _invalid():
    return ValidationError(INVALID_LINK_MESSAGE, code="invalid_link")


def _fully_unquoted(text):
    # "%255C" is "%5C" once decoded and "\" twice: a server that decodes a
    # path before redirecting may do it more than once.
    for _round in range(3):
        decoded = unquote(text)
        if decoded == text:
            break
        text = decoded
    return text


def _check_site_path(value):
    """A path on this site: one leading slash, no host hidden in it."""
    if not value.startswith("/") or re.search(r"\s", value):
        raise _invalid()
    path = re.split(r"[?#]", value, maxsplit=1)[0]
    if _AMBIGUOUS.search(_fully_unquoted(path)):
        # "/%5C…" and "/%0A…" hide a backslash or a control character from
        # this check, not from a server that decodes paths.
        raise _invalid()


def _check_web_form(url):
    if not re.match(r"(?i)https?://[^/]", url):
        # "https:evil.example", "https:/evil.example" and "https:///evil.example"
        # all lead a browser to evil.example.
        raise _invalid()
    _WEB_URL(url)


def _check_domain(url):
    domains = allowed_link_domains()
    host = _ascii_host(urlsplit(url).hostname or "")
    if domains and not any(
        host == domain or host.endswith("." + domain) for domain in domains
    ):
        raise ValidationError(
            _(
                "Links to “%(host)s” are not allowed. Link to %(domains)s "
                "(or one of their subdomains), or to a page of this site."
            ),
            code="link_domain_not_allowed",
            params={"host": host, "domains": ", ".join(domains)},
        )


def _check_no_credentials(url):
    if "@" in urlsplit(url).netloc:
        # "https://brand.example@evil.example/" goes to evil.example, which
        # the reader of the link may not notice.
        raise ValidationError(
            _("A web address may not contain a user name or password (“@”)."),
            code="link_with_credentials",
        )


def _check_form(value):
    """The link's scheme ("" for a site path) once its form is safe."""
    if not isinstance(value, str):
        raise _invalid()
    if leads_off_site(value):
        # "//host" is another site with the scheme left out; "/%2F/host" and
        # "/%5Chost" become one behind a server that decodes paths.
        raise ValidationError(OFF_SITE_PATH_MESSAGE, code="off_site_path")
    if _AMBIGUOUS.search(value):
        # Control characters and backslashes anywhere, even where browsers
        # would strip them: the stored link must read the same to every program.
        raise _invalid()
    url = value.strip(" ")
    scheme = browser_scheme(url)
    if not scheme:
        _check_site_path(url)
        return ""
    if scheme not in LINK_SCHEMES:
        raise _invalid()
    rest = url[len(scheme) + 1 :]
    if not rest:
        raise _invalid()
    if scheme == "mailto":
        addresses = rest.split("?", 1)[0].split(",")
        for address in addresses:
            _EMAIL(unquote(address).strip())
    elif scheme == "tel" and not _PHONE.fullmatch(rest):
        raise _invalid()
    elif scheme in ("http", "https"):
        _check_web_form(url)
    return scheme


def check_link_form(value):
    """Refuse a link that is not a safe web, mail or phone link or site path,
    whatever the allowed domains (the sanitiser's rule). Raises
    ``ValidationError``."""
    if _check_form(value) in ("http", "https"):
        _check_no_credentials(value.strip(" "))


def validate_link(value):
    """Accept http(s), mailto and tel URLs and site paths, nothing else.

    With ``ALLOWED_LINK_DOMAINS`` set, a web address must point to one of
    those domains or a subdomain. Mail and phone links have no host to check.
    """
    if _check_form(value) in ("http", "https"):
        url = value.strip(" ")
        _check_domain(url)  # first: it names where the link really leads
        _check_no_credentials(url)


def is_external_link(url):
    return browser_scheme(url or "") in ("http", "https")


class _Hrefs(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            # Attribute values come unescaped: "&#106;avascript:" is read as
            # the browser reads it.
            self.hrefs.extend(value or "" for name, value in attrs if name == "href")

    handle_startendtag = handle_starttag


def links_in_html(html):
    """The ``href`` of every ``<a>`` in ``html``, unescaped, in order."""
    if not html:
        return []
    parser = _Hrefs()
    parser.feed(html)
    parser.close()
    return parser.hrefs


def shown_link(link, limit=80):
    """``link`` for a message: control characters visible, long ones cut."""
    shown = re.sub(
        r"[\x00-\x1f\x7f]", lambda match: f"\\x{ord(match.group()):02x}", link
    )
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"


def refused_link_messages(links):
    """A message per refused link in ``links``, naming the link."""
    messages = []
    for link in dict.fromkeys(links):  # each link once, in order
        try:
            validate_link(link)
        except ValidationError as error:
            messages.append(
                _("Link “%(link)s”: %(reason)s")
                % {"link": shown_link(link), "reason": " ".join(error.messages)}
            )
    return messages


def validate_rich_text_links(*sources):
    """Refuse rich text holding a link the policy refuses, naming each link.

    Give the HTML as posted and as sanitised: the sanitiser drops links
    whose scheme is unsafe, which the editor should hear about rather than
    find gone.
    """
    links = [link for html in sources for link in links_in_html(html)]
    messages = refused_link_messages(links)
    if messages:
        raise ValidationError(messages, code="invalid_link")
