"""Contacts: each outlet's customers, partitioned by outlet.

A contact belongs to one outlet; the same person known to two outlets is two
rows, each outlet's own (unique per outlet and normalised email). Addresses
nobody may target (bounces, complaints, unsubscribes, erased people) are on
the network-wide suppression list, kept as hashes.
"""

import datetime
import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef
from django.db.models.functions import Lower
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from ..outlets.models import Outlet


def normalise_email(email):
    """The form an address is stored and compared in: trimmed, lower case."""
    return (email or "").strip().lower()


def normalise_locale(locale):
    """Language tags as stored: lower case, ``-`` between parts (``fr-be``),
    so segments compare them without a function on every row."""
    return (locale or "").strip().lower().replace("_", "-")


def email_hash(email):
    """SHA-256 of the normalised address: how the suppression list knows it."""
    return hashlib.sha256(normalise_email(email).encode()).hexdigest()


#: The year a birthday without one is stored in (vCard's and Apple's "no
#: year", and imports' for Mailchimp's ``MM/DD``): a leap year, so the 29th
#: of February exists, and one no real birthday has. The month and day are
#: real, so "birthday this month" finds the contact; an age is unknown.
YEAR_UNKNOWN = 1604
#: Birthdays on or before this day have no year: the one condition an age
#: rule adds (an index range, no function on the column).
LAST_YEARLESS_DAY = datetime.date(YEAR_UNKNOWN, 12, 31)


def yearless_birthday(month, day):
    """A birthday whose year nobody knows, as stored."""
    return datetime.date(YEAR_UNKNOWN, month, day)


def is_yearless(birthday):
    return birthday is not None and birthday.year == YEAR_UNKNOWN


def birthday_iso(birthday):
    """ISO 8601: ``1985-07-14``, or without a year ``--07-14`` (never 1604)."""
    if birthday is None:
        return None
    if is_yearless(birthday):
        return f"--{birthday:%m-%d}"
    return birthday.isoformat()


def birthday_display(birthday, format="DATE_FORMAT"):
    """A birthday in the active language; without a year, its day and month
    only ("3 décembre", "December 3"). Empty for none."""
    if birthday is None:
        return ""
    if is_yearless(birthday):
        return date_format(birthday, "MONTH_DAY_FORMAT")
    return date_format(birthday, format)


class Visibility(models.TextChoices):
    """Who sees a contact field or attribute, besides HQ (who sees all)."""

    HQ = "hq", _("HQ only")
    MANAGERS = "managers", _("HQ and managers")
    EVERYONE = "everyone", _("Everyone with access to the outlet's contacts")


class AttributeDefinition(models.Model):
    """A custom contact attribute HQ declares: its key, type and who sees it."""

    class Type(models.TextChoices):
        TEXT = "text", _("Text")
        NUMBER = "number", _("Number")
        DATE = "date", _("Date")
        BOOLEAN = "boolean", _("Yes/no")
        CHOICE = "choice", _("Choice")

    key = models.SlugField(
        _("key"),
        max_length=50,
        unique=True,
        help_text=_(
            "The column name in import files and segments, e.g. loyalty_level."
        ),
    )
    label = models.CharField(_("label"), max_length=100)
    type = models.CharField(_("type"), max_length=10, choices=Type, default=Type.TEXT)
    choices = models.TextField(
        _("choices"), blank=True, help_text=_("For a choice: one value per line.")
    )
    visibility = models.CharField(
        _("visible to"), max_length=10, choices=Visibility, default=Visibility.HQ
    )

    class Meta:
        verbose_name = _("contact attribute")
        verbose_name_plural = _("contact attributes")
        ordering = ["label"]

    def __str__(self):
        return self.label

    @property
    def choice_list(self):
        return [line.strip() for line in self.choices.splitlines() if line.strip()]


class Gender(models.TextChoices):
    FEMALE = "f", _("Female")
    MALE = "m", _("Male")
    OTHER = "x", _("Other")


class Consent(models.TextChoices):
    NONE = "none", _("No consent")
    PENDING = "pending", _("Waiting for confirmation")
    GRANTED = "granted", _("Granted")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ContactQuerySet(models.QuerySet):
    def not_suppressed(self):
        # NOT EXISTS: an anti-join, whatever the size of the list.
        return self.exclude(
            Exists(Suppression.objects.filter(email_hash=OuterRef("email_hash")))
        )

    def reachable_by_email(self):
        """Contacts a campaign may email: consent granted, not suppressed, not erased."""
        return self.filter(
            email_consent=Consent.GRANTED, erased_at__isnull=True
        ).not_suppressed()


class EqualityIndex(models.Index):
    """An index for ``=`` lookups only: a hash index on PostgreSQL, a B-tree
    elsewhere.

    For the email hash: 64 random characters, so as a B-tree its index is the
    contact table's largest (about 90 bytes a row) and each new contact writes
    into a random page of it; with millions of contacts those pages are no
    longer in memory and an import slows down. A hash index keeps 4 bytes of
    each key (a quarter of the size), and nothing asks the email hash for a
    range or an order.
    """

    def create_sql(self, model, schema_editor, using="", **kwargs):
        if schema_editor.connection.vendor == "postgresql":
            using = " USING hash"
        return super().create_sql(model, schema_editor, using=using, **kwargs)


class Contact(models.Model):
    # No index of its own: (outlet, email), unique, starts with it. Every
    # index is written by each imported row.
    outlet = models.ForeignKey(
        Outlet,
        verbose_name=_("outlet"),
        on_delete=models.PROTECT,
        related_name="contacts",
        db_index=False,
    )
    email = models.EmailField(_("email"), max_length=254)
    email_hash = models.CharField(max_length=64, editable=False)
    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    last_name = models.CharField(_("last name"), max_length=100, blank=True)
    locale = models.CharField(_("language"), max_length=10, blank=True)
    birthday = models.DateField(_("birthday"), null=True, blank=True)
    # Stored so "birthdays this month" is an indexed lookup on any database.
    birthday_month = models.PositiveSmallIntegerField(null=True, editable=False)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    attributes = models.JSONField(_("attributes"), default=dict, blank=True)

    email_consent = models.CharField(
        _("email consent"), max_length=10, choices=Consent, default=Consent.NONE
    )
    email_consent_at = models.DateTimeField(
        _("email consent given or changed at"), null=True, blank=True
    )
    email_consent_source = models.CharField(
        _("email consent source"), max_length=255, blank=True
    )
    sms_consent = models.CharField(
        _("SMS consent"), max_length=10, choices=Consent, default=Consent.NONE
    )
    sms_consent_at = models.DateTimeField(
        _("SMS consent given or changed at"), null=True, blank=True
    )
    sms_consent_source = models.CharField(
        _("SMS consent source"), max_length=255, blank=True
    )

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    last_engaged_at = models.DateTimeField(_("last engagement"), null=True, blank=True)
    erased_at = models.DateTimeField(
        _("erased at"), null=True, blank=True, editable=False
    )

    objects = ContactQuerySet.as_manager()

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        constraints = [
            models.UniqueConstraint(
                fields=["outlet", "email"],
                name="distmark_contact_unique_email_per_outlet",
            ),
        ]
        indexes = [
            # Not db_index: that adds a LIKE index on PostgreSQL that no query
            # uses. Hash on PostgreSQL, see EqualityIndex.
            EqualityIndex(fields=["email_hash"], name="distmark_contact_email_hash"),
            models.Index(
                fields=["outlet", "created_at"], name="distmark_contact_created"
            ),
            models.Index(
                fields=["outlet", "birthday_month"], name="distmark_contact_bday_month"
            ),
            # Network-wide "birthday in <month>" segments read one month in
            # twelve.
            models.Index(fields=["birthday_month"], name="distmark_contact_bday_all"),
            models.Index(
                fields=["outlet", "email_consent"], name="distmark_contact_consent"
            ),
        ]

    def __str__(self):
        name = f"{self.first_name} {self.last_name}".strip()
        return name or self.email

    def save(self, *args, **kwargs):
        self.email = normalise_email(self.email)
        self.email_hash = email_hash(self.email)
        self.locale = normalise_locale(self.locale)
        self.birthday_month = self.birthday.month if self.birthday else None
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {
                *update_fields,
                "email_hash",
                "locale",
                "birthday_month",
                "updated_at",
            }
        super().save(*args, **kwargs)


class ContactTag(models.Model):
    """One tag on one contact: a row, so segments filter tags with an index."""

    # Indexed by (contact, name), unique, which starts with it.
    contact = models.ForeignKey(
        Contact, on_delete=models.CASCADE, related_name="tags", db_index=False
    )
    name = models.CharField(_("tag"), max_length=64)

    class Meta:
        verbose_name = _("contact tag")
        verbose_name_plural = _("contact tags")
        constraints = [
            models.UniqueConstraint(
                fields=["contact", "name"], name="distmark_contact_tag_unique"
            ),
        ]
        # Segments find a tag without case ("VIP" finds "vip"): by its
        # lower-case form, indexed.
        indexes = [models.Index(Lower("name"), name="distmark_contact_tag_lower")]

    def __str__(self):
        return self.name


class Suppression(models.Model):
    """An address nobody in the network may target, known by its hash only."""

    class Reason(models.TextChoices):
        HARD_BOUNCE = "bounce", _("Hard bounce")
        COMPLAINT = "complaint", _("Spam complaint")
        UNSUBSCRIBED = "unsubscribed", _("Unsubscribed")
        ERASED = "erased", _("Erased on request (GDPR)")
        MANUAL = "manual", _("Added by HQ")

    email_hash = models.CharField(max_length=64, unique=True)
    reason = models.CharField(_("reason"), max_length=12, choices=Reason)
    source = models.CharField(_("source"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("suppressed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("suppressed address")
        verbose_name_plural = _("suppressed addresses")

    def __str__(self):
        return f"{self.get_reason_display()} ({self.email_hash[:12]}…)"

    @classmethod
    def is_suppressed(cls, email):
        return cls.objects.filter(email_hash=email_hash(email)).exists()

    @classmethod
    def suppress(cls, email, reason, source=""):
        """Add an address (idempotent: the first reason is kept)."""
        row, _created = cls.objects.get_or_create(
            email_hash=email_hash(email), defaults={"reason": reason, "source": source}
        )
        return row


class ContactAccess(models.Model):
    """Who viewed, exported, changed or erased which contacts, and when."""

    class Action(models.TextChoices):
        LIST = "list", _("Listed")
        VIEW = "view", _("Viewed")
        EXPORT = "export", _("Exported")
        DATA_EXPORT = "data_export", _("Exported personal data (GDPR)")
        ERASE = "erase", _("Erased (GDPR)")
        IMPORT = "import", _("Imported")
        CHANGE = "change", _("Changed")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Kept when the user account is deleted.
    username = models.CharField(max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=12, choices=Action)
    outlet = models.ForeignKey(
        Outlet, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    contact_ids = models.JSONField(_("contacts"), default=list, blank=True)
    contact_count = models.PositiveIntegerField(_("number of contacts"), default=0)
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    created_at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log entries")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.username} {self.get_action_display()} {self.contact_count}"


def private_storage():
    """Where import files and reports live: never the public media storage.

    The ``PRIVATE_STORAGE_ALIAS`` entry of ``STORAGES``; without one, a
    ``distmark_private`` directory beside ``MEDIA_ROOT``, not served.
    """
    from pathlib import Path

    from django.core.files.storage import FileSystemStorage, storages

    from ..conf import distmark_settings

    alias = distmark_settings.PRIVATE_STORAGE_ALIAS
    if alias in settings.STORAGES:
        return storages[alias]
    media_root = Path(settings.MEDIA_ROOT or ".").resolve()
    return FileSystemStorage(location=media_root.parent / "distmark_private")


class ContactImport(models.Model):
    """An import of a CSV or XLSX file into one outlet, run as a task."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    outlet = models.ForeignKey(
        Outlet, verbose_name=_("outlet"), on_delete=models.CASCADE, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    file = models.FileField(
        _("file"), storage=private_storage, upload_to="distmark/imports/"
    )
    original_name = models.CharField(_("file name"), max_length=255)
    mapping = models.JSONField(_("column mapping"), default=dict, blank=True)
    dry_run = models.BooleanField(_("dry run"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Status, default=Status.PENDING
    )
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(_("created"), default=0)
    updated_count = models.PositiveIntegerField(_("updated"), default=0)
    unchanged_count = models.PositiveIntegerField(_("unchanged"), default=0)
    rejected_count = models.PositiveIntegerField(_("rejected"), default=0)
    report = models.FileField(
        _("rejected rows"),
        storage=private_storage,
        upload_to="distmark/import-reports/",
        blank=True,
    )
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("contact import")
        verbose_name_plural = _("contact imports")
        ordering = ["-created_at"]

    def __str__(self):
        return self.original_name

    @property
    def progress(self):
        """Percent done, for the progress bar."""
        if self.status == self.Status.DONE:
            return 100
        if not self.total_rows:
            return 0
        return min(100, int(100 * self.processed_rows / self.total_rows))
