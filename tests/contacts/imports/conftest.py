"""Helpers for import tests: files as Excel writes them, and running one."""

import io

import pytest
from django.core.files.base import ContentFile

from wagtail_distmark.contacts.imports.services import ImportContactsAction
from wagtail_distmark.contacts.models import ContactImport

FRENCH_CSV = (
    "Courriel;Prénom;Nom;Date de naissance;Consentement;Étiquettes\r\n"
    "anne.leclerc@example.fr;Anne;Leclerc;14/07/1985;oui;vip|fidèle\r\n"
    "Eloise.Brehat@Example.FR ;Éloïse;Bréhat;01/02/1990;oui;\r\n"
    "jean@example.fr;Jean;Dupont-Gaël;;oui;vip\r\n"
)


def xlsx_bytes(rows):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def make_import(outlet, content, name="contacts.csv", *, user=None, **fields):
    job = ContactImport(outlet=outlet, original_name=name, created_by=user, **fields)
    job.file.save(name, ContentFile(content), save=False)
    job.save()
    return job


def run_import(outlet, content, name="contacts.csv", *, user=None, **fields):
    """Import ``content`` (bytes) into ``outlet``; the finished ContactImport."""
    chunk_size = fields.pop("chunk_size", None)
    job = make_import(outlet, content, name, user=user, **fields)
    return ImportContactsAction(job, user, chunk_size=chunk_size).execute()


def report_rows(job):
    import csv

    with job.report.open("rb") as f:
        return list(csv.reader(io.StringIO(f.read().decode("utf-8"))))[1:]


@pytest.fixture
def french_csv():
    return FRENCH_CSV.encode("cp1252")


def ours(domains=("example.com", "example.fr")):
    """Contacts the tests import (the demo has its own, on ``*.example``)."""
    from functools import reduce
    from operator import or_

    from django.db.models import Q

    from wagtail_distmark.contacts.models import Contact

    return Contact.objects.filter(
        reduce(or_, (Q(email__endswith=f"@{domain}") for domain in domains))
    )


def our_tags():
    from wagtail_distmark.contacts.models import ContactTag

    return ContactTag.objects.filter(contact__in=ours())
