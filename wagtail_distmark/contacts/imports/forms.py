"""The import's forms: the upload, then the column mapping."""

import itertools

from django import forms
from django.utils.translation import gettext_lazy as _

from ...outlets.models import Outlet
from .mapping import (
    CONSENT_CONFIRMATIONS,
    FIELDS,
    IGNORE,
    auto_map,
    target_choices,
)
from .reader import ImportFileError, open_table
from .services import (
    REPORT_REFUSED,
    importable_definitions,
    importable_outlets,
    is_rejected_rows_report,
    restrict_mapping,
    writable_fields,
)

#: The largest file the admin accepts (the command has no limit).
MAX_UPLOAD_BYTES = 50 * 1024 * 1024
ALLOWED_SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx")
#: Rows shown in the mapping step's preview.
PREVIEW_ROWS = 5


def guess_email_column(header, rows):
    """The column whose first cells look like addresses, when no header says
    "email": ``None`` when there is none."""
    for index in range(len(header)):
        cells = [str(c[index]) for c in rows if index < len(c) and c[index]]
        if cells and all("@" in c and "." in c.split("@")[-1] for c in cells):
            return index
    return None


def read_preview(fileobj):
    """``(header, first rows)``, each row ``(line, cells)`` with its line in
    the file (the header is line 1), as the messages name it:
    ``ImportFileError`` if the file is unreadable."""
    table = open_table(fileobj)
    try:
        rows = list(itertools.islice(table.rows, PREVIEW_ROWS))
    finally:
        table.close()
    return table.header, rows


class UploadForm(forms.Form):
    outlet = forms.ModelChoiceField(
        label=_("Outlet"), queryset=Outlet.objects.none(), empty_label=None
    )
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "A CSV file (comma, semicolon or tab separated; UTF-8 or Windows "
            "encoding, as Excel saves it) or an Excel workbook (.xlsx). The first "
            "row names the columns."
        ),
    )
    dry_run = forms.BooleanField(
        label=_("Dry run"),
        required=False,
        help_text=_("Check the file and count what would change, without saving."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["outlet"].queryset = importable_outlets(user).order_by("name")
        self.fields["file"].widget.attrs["accept"] = ",".join(ALLOWED_SUFFIXES)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is too large: at most %(size)s MB.")
                % {"size": MAX_UPLOAD_BYTES // (1024 * 1024)}
            )
        if not upload.name.lower().endswith(ALLOWED_SUFFIXES):
            raise forms.ValidationError(
                _("Upload a CSV file or an Excel workbook (.xlsx).")
            )
        if upload.size == 0:
            raise forms.ValidationError(_("The file is empty."))
        try:
            header, rows = read_preview(upload)
        except ImportFileError as error:
            raise forms.ValidationError(str(error)) from None
        finally:
            upload.seek(0)
        if is_rejected_rows_report(header):
            raise forms.ValidationError(REPORT_REFUSED)
        self.header, self.rows = header, [cells for _line, cells in rows]
        return upload

    def clean(self):
        cleaned = super().clean()
        outlet = cleaned.get("outlet")
        if outlet is None or not hasattr(self, "header"):
            return cleaned
        header, rows = self.header, self.rows
        keys = [d.key for d in importable_definitions(self.user, outlet.pk)]
        mapping, self.left_out = restrict_mapping(
            auto_map(header, keys), self.user, outlet.pk
        )
        if "email" not in mapping:
            guessed = guess_email_column(header, rows)
            if guessed is None:
                self.add_error(
                    "file",
                    _(
                        "The file has no email column. Name one column “email” "
                        "(or e-mail, courriel, e-mailadres) and upload it again."
                    ),
                )
                return cleaned
            mapping[guessed] = "email"
        self.mapping = mapping
        return cleaned


class MappingForm(forms.Form):
    """One select per column of the file; for an export whose rows gave
    email consent as a whole (Mailchimp's subscribed members, Brevo's), the
    box the user ticks to confirm it."""

    def __init__(self, *args, header, mapping, user, outlet_id, origin="", **kwargs):
        super().__init__(*args, **kwargs)
        self.header = header
        self.origin = origin
        # Only what the user may fill: a crafted choice is "not one of the
        # available choices".
        allowed = writable_fields(user, outlet_id)
        choices = [
            (target, label)
            for target, label in target_choices(
                importable_definitions(user, outlet_id), mapping
            )
            if target not in FIELDS or target in allowed
        ]
        for index, name in enumerate(header):
            self.fields[f"column_{index}"] = forms.ChoiceField(
                label=name or _("Column %(number)s") % {"number": index + 1},
                choices=choices,
                required=False,
                initial=mapping[index] if index < len(mapping) else IGNORE,
            )
        if origin in CONSENT_CONFIRMATIONS and "email_consent" in allowed:
            self.fields["consent_confirmed"] = forms.BooleanField(
                label=CONSENT_CONFIRMATIONS[origin],
                required=False,
                help_text=_(
                    "Tick only if it is true. Unticked, no email consent is "
                    "imported. Ticked, each contact's email consent is "
                    "recorded as given, with your name and the file as its "
                    "source, except for contacts the file marks as "
                    "unsubscribed or blocklisted."
                ),
            )

    def clean(self):
        cleaned = super().clean()
        targets = [cleaned.get(f"column_{i}", IGNORE) for i in range(len(self.header))]
        if "email" not in targets:
            raise forms.ValidationError(_("Choose the column with the email address."))
        chosen = [t for t in targets if t != IGNORE]
        if len(chosen) != len(set(chosen)):
            raise forms.ValidationError(
                _("Two columns fill the same field: choose one, leave the other out.")
            )
        self.columns = targets
        self.consent_confirmed = bool(cleaned.get("consent_confirmed"))
        return cleaned

    def rows(self):
        """The form's fields with their column's name, for the template."""
        return [self[f"column_{i}"] for i in range(len(self.header))]

    def targets(self):
        """Each column's target as the page shows it: as posted, else as
        suggested."""
        return [self[f"column_{i}"].value() or IGNORE for i in range(len(self.header))]
