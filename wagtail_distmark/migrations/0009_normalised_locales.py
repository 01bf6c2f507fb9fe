from django.db import migrations

# Contacts store their language normalised from now on (lower case, "-"
# between parts: ``Contact.save()``, imports); bring stored ones in line so
# segments can compare them without a function on every row.
NORMALISED = "LOWER(REPLACE(TRIM(locale), '_', '-'))"


class Migration(migrations.Migration):
    dependencies = [
        ("wagtail_distmark", "0008_import_indexes"),
    ]

    operations = [
        migrations.RunSQL(
            sql=f"UPDATE wagtail_distmark_contact SET locale = {NORMALISED} "
            f"WHERE locale <> {NORMALISED}",
            reverse_sql=migrations.RunSQL.noop,
        ),
    ]
