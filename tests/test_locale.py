"""The app's translation catalogs are complete, well-formed and compiled.

Pure Python on purpose: no polib, and no gettext tools (msgfmt is not installed
on a fresh CI machine). What ``msgfmt --check`` would catch that matters here
(placeholders, header) is checked directly.

To refresh the catalogs after changing strings, from ``wagtail_distmark/``:

    DATABASE_URL=sqlite:///:memory: DJANGO_SETTINGS_MODULE=example_site.settings \\
    PYTHONPATH=..:../example_site ../.venv/bin/django-admin \\
        makemessages -l fr -l nl --no-obsolete
    # translate the new or fuzzy entries, then, same environment:
    ../.venv/bin/django-admin compilemessages
"""

import ast
import gettext
import re
from pathlib import Path

import pytest
from django.utils import translation

import wagtail_distmark
from wagtail_distmark.outlets.models import Outlet

PACKAGE_DIR = Path(wagtail_distmark.__file__).resolve().parent
# The example site's own strings (its example blocks, audience filter and 404
# page) have their own catalog, checked alike.
EXAMPLE_SITE_DIR = PACKAGE_DIR.parent / "example_site" / "example_site"
PACKAGES = {"wagtail_distmark": PACKAGE_DIR, "example_site": EXAMPLE_SITE_DIR}
LANGUAGES = ("fr", "nl")
PLURAL_FORMS = {
    "fr": "nplurals=2; plural=(n > 1);",
    "nl": "nplurals=2; plural=(n != 1);",
}
REFRESH_HINT = (
    "run makemessages and compilemessages in wagtail_distmark/ or "
    "example_site/example_site/ (see the docstring of tests/test_locale.py)"
)


# -- A minimal .po reader -----------------------------------------------------


class PoEntry:
    def __init__(self):
        self.flags = set()
        self.msgctxt = None
        self.msgid = None
        self.msgid_plural = None
        self.msgstr = {}  # plural index -> text; 0 for a singular entry
        self.line = 0

    @property
    def key(self):
        """The entry's key in a ``GNUTranslations`` catalog, context included."""
        if self.msgctxt is None:
            return self.msgid
        return f"{self.msgctxt}\x04{self.msgid}"


def _unquote(text, path, line):
    text = text.strip()
    if not (len(text) >= 2 and text[0] == text[-1] == '"'):
        raise AssertionError(f"{path}:{line}: expected a quoted string, got {text!r}")
    return ast.literal_eval(text)


def parse_po(path):
    """The entries of a .po file (obsolete ``#~`` entries left out)."""
    entries, entry, field = [], None, None

    def finish():
        if entry is not None and entry.msgid is not None:
            entries.append(entry)

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line:
            finish()
            entry, field = None, None
            continue
        if line.startswith("#~"):
            continue
        if entry is None:
            entry = PoEntry()
            entry.line = number
        if line.startswith("#,"):
            entry.flags.update(f.strip() for f in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif line.startswith("msgctxt "):
            field, entry.msgctxt = "msgctxt", _unquote(line[8:], path, number)
        elif line.startswith("msgid_plural "):
            field, entry.msgid_plural = (
                "msgid_plural",
                _unquote(line[13:], path, number),
            )
        elif line.startswith("msgid "):
            field, entry.msgid = "msgid", _unquote(line[6:], path, number)
        elif line.startswith("msgstr["):
            index, _, rest = line[7:].partition("]")
            field = ("msgstr", int(index))
            entry.msgstr[int(index)] = _unquote(rest, path, number)
        elif line.startswith("msgstr "):
            field = ("msgstr", 0)
            entry.msgstr[0] = _unquote(line[7:], path, number)
        elif line.startswith('"') and field is not None:
            text = _unquote(line, path, number)
            if isinstance(field, tuple):
                entry.msgstr[field[1]] += text
            else:
                setattr(entry, field, getattr(entry, field) + text)
        else:
            raise AssertionError(f"{path}:{number}: cannot parse {raw!r}")
    finish()
    return entries


def po_header(entries):
    header = next((e for e in entries if e.msgid == "" and e.msgctxt is None), None)
    assert header is not None, "no header entry"
    fields = {}
    for line in header.msgstr.get(0, "").splitlines():
        name, _, value = line.partition(":")
        fields[name.strip()] = value.strip()
    return header, fields


def messages(entries):
    return [e for e in entries if e.msgid != ""]


def describe(entry):
    return f"line {entry.line}: {entry.msgid!r}"


# -- Catalog files ------------------------------------------------------------


class Catalog(str):
    """A language's catalog in one package; compares and prints as the language."""

    def __new__(cls, package, language):
        catalog = super().__new__(cls, language)
        catalog.package = package
        return catalog

    def path(self, suffix):
        return PACKAGES[self.package] / "locale" / self / "LC_MESSAGES" / suffix


def po_path(language):
    return language.path("django.po")


def mo_path(language):
    return language.path("django.mo")


@pytest.fixture(
    params=[(package, code) for package in PACKAGES for code in LANGUAGES],
    ids=lambda param: "-".join(param),
)
def language(request):
    catalog = Catalog(*request.param)
    path = po_path(catalog)
    assert path.is_file(), f"{path} is missing: {REFRESH_HINT}"
    return catalog


@pytest.mark.parametrize("package", PACKAGES)
def test_every_language_in_locale_dir_is_checked(package):
    locale_dir = PACKAGES[package] / "locale"
    found = {p.parent.parent.name for p in locale_dir.glob("*/LC_MESSAGES/*.po")}
    assert found == set(LANGUAGES), (
        f"{package}: catalogs found for {sorted(found)}; "
        f"this test checks {list(LANGUAGES)}"
    )


def test_header(language):
    header, fields = po_header(parse_po(po_path(language)))
    assert "fuzzy" not in header.flags, "the header is still marked fuzzy"
    assert fields.get("Language") == language
    assert fields.get("Plural-Forms") == PLURAL_FORMS[language]
    assert fields.get("Content-Type") == "text/plain; charset=UTF-8"


def test_no_untranslated_or_fuzzy_entries(language):
    entries = messages(parse_po(po_path(language)))
    assert entries, "the catalog has no messages"
    fuzzy = [describe(e) for e in entries if "fuzzy" in e.flags]
    untranslated = [
        describe(e)
        for e in entries
        if not e.msgstr or not all(text.strip() for text in e.msgstr.values())
    ]
    assert not fuzzy, f"{language}: fuzzy entries: {fuzzy}"
    assert not untranslated, f"{language}: untranslated entries: {untranslated}"


PERCENT_PLACEHOLDER = re.compile(
    r"%(?:\((?P<name>[^)]*)\))?[#0 +-]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?"
    r"(?P<conversion>[diouxXeEfFgGcrsa%])"
)
BRACE_PLACEHOLDER = re.compile(r"(?<!\{)\{(\w*)[^{}]*\}(?!\})")


def percent_placeholders(text):
    """Named ``%(x)s`` placeholders as a set; unnamed ones as an ordered list."""
    named, unnamed = set(), []
    for match in PERCENT_PLACEHOLDER.finditer(text):
        if match["conversion"] == "%":
            continue
        if match["name"] is None:
            unnamed.append(match["conversion"])
        else:
            named.add((match["name"], match["conversion"]))
    return named, unnamed


def placeholders_ok(entry, text):
    sources = [entry.msgid] + ([entry.msgid_plural] if entry.msgid_plural else [])
    if "python-format" in entry.flags:
        named, unnamed = percent_placeholders(text)
        wanted = [percent_placeholders(s) for s in sources]
        if entry.msgid_plural is None:
            if (named, unnamed) != wanted[0]:
                return False
        else:
            # A plural form may leave out the count ("one file" for n == 1).
            if not named <= set().union(*(w[0] for w in wanted)):
                return False
            if unnamed and unnamed not in [w[1] for w in wanted]:
                return False
    if "python-brace-format" in entry.flags:
        wanted = set().union(*(BRACE_PLACEHOLDER.findall(s) for s in sources))
        found = set(BRACE_PLACEHOLDER.findall(text))
        if entry.msgid_plural is None and found != wanted or not found <= wanted:
            return False
    return True


def test_placeholders_match_the_source(language):
    mismatches = [
        f"{describe(entry)} -> {text!r}"
        for entry in messages(parse_po(po_path(language)))
        for text in entry.msgstr.values()
        if text and not placeholders_ok(entry, text)
    ]
    assert not mismatches, f"{language}: placeholders differ: {mismatches}"


def test_compiled_catalog_matches_po(language):
    """The .mo holds exactly the .po's translations.

    Compared by content, not by modification time: a git checkout gives both
    files the checkout time, whichever was edited last.
    """
    mo = mo_path(language)
    assert mo.is_file(), f"{mo} is missing: {REFRESH_HINT}"
    with mo.open("rb") as fileobj:
        catalog = dict(gettext.GNUTranslations(fileobj)._catalog)
    catalog.pop("", None)  # the header
    expected = {}
    for entry in messages(parse_po(po_path(language))):
        if "fuzzy" in entry.flags:
            continue  # msgfmt leaves fuzzy entries out
        if entry.msgid_plural is None:
            expected[entry.key] = entry.msgstr.get(0, "")
        else:
            for index, text in entry.msgstr.items():
                expected[(entry.key, index)] = text
    expected = {key: text for key, text in expected.items() if text}
    stale = sorted(map(str, expected.keys() - catalog.keys()))
    extra = sorted(map(str, catalog.keys() - expected.keys()))
    changed = sorted(
        str(k) for k in expected.keys() & catalog.keys() if expected[k] != catalog[k]
    )
    assert not (stale or extra or changed), (
        f"{mo.name} for {language} is out of sync with django.po "
        f"(missing: {stale}, not in .po: {extra}, different: {changed}): "
        f"{REFRESH_HINT}"
    )


# -- Source strings -----------------------------------------------------------

GETTEXT_FUNCTIONS = {
    "_",
    "gettext",
    "gettext_lazy",
    "gettext_noop",
    "ngettext",
    "ngettext_lazy",
    "pgettext",
    "pgettext_lazy",
    "npgettext",
    "npgettext_lazy",
}
TEMPLATE_TRANSLATE = re.compile(
    r"""\{%\s*(?:translate|trans)\s+(?P<q>["'])(?P<text>.*?)(?P=q)"""
    r"""(?:\s+context\s+(?P<cq>["'])(?P<context>.*?)(?P=cq))?"""
)


def source_msgids(package_dir=PACKAGE_DIR):
    """(msgctxt, msgid) of every literal marked for translation in the package.

    Covers gettext calls in Python and ``{% translate "…" %}`` in templates;
    ``{% blocktranslate %}`` blocks are left to makemessages.
    """
    found = {}
    for path in sorted(package_dir.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = getattr(func, "id", None) or getattr(func, "attr", None)
            if name not in GETTEXT_FUNCTIONS:
                continue
            args = [
                a.value
                if isinstance(a, ast.Constant) and isinstance(a.value, str)
                else None
                for a in node.args
            ]
            context = None
            if name.startswith(("pgettext", "npgettext")):
                context, args = (args[0] if args else None), args[1:]
            if args and args[0] is not None:
                where = f"{path.relative_to(package_dir)}:{node.lineno}"
                found.setdefault((context, args[0]), where)
    for path in sorted(package_dir.rglob("templates/**/*.html")):
        text = path.read_text(encoding="utf-8")
        for match in TEMPLATE_TRANSLATE.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            where = f"{path.relative_to(package_dir)}:{line}"
            found.setdefault((match["context"], match["text"]), where)
    return found


def test_every_marked_string_is_in_the_catalog(language):
    catalog = {(e.msgctxt, e.msgid) for e in messages(parse_po(po_path(language)))}
    missing = [
        f"{where}: {msgid!r}"
        for (context, msgid), where in source_msgids(PACKAGES[language.package]).items()
        if (context, msgid) not in catalog
    ]
    assert not missing, f"{language}: not in django.po yet ({REFRESH_HINT}): {missing}"


# -- Translations in use ------------------------------------------------------


@pytest.mark.parametrize(
    ("language_code", "singular", "plural"),
    [
        ("fr", "point de vente", "points de vente"),
        ("nl", "vestiging", "vestigingen"),
        ("en", "outlet", "outlets"),
    ],
)
def test_outlet_verbose_name_is_translated(language_code, singular, plural):
    with translation.override(language_code):
        assert str(Outlet._meta.verbose_name) == singular
        assert str(Outlet._meta.verbose_name_plural) == plural
