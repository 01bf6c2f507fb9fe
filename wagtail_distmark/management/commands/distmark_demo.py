"""Create the demo network: HQ, two regions, three outlets and their people.

Idempotent: a second run finds everything in place and changes nothing.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from wagtail_distmark.conf import distmark_settings
from wagtail_distmark.outlets.models import Outlet, Region
from wagtail_distmark.outlets.onboarding import (
    apply_outlet_user_defaults,
    create_region,
    ensure_network,
    onboard_outlet,
)

DEMO_PASSWORD = "distmark-demo"

REGIONS = [
    {"slug": "north", "name": "Nord / Noord"},
    {"slug": "south", "name": "Sud"},
]

OUTLETS = [
    {
        "slug": "lille",
        "name": "Lille Centre",
        "region": "north",
        "address": "12 rue Esquermoise",
        "postcode": "59000",
        "city": "Lille",
        "country": "FR",
        "phone": "+33 3 20 00 00 01",
        "email": "lille@distmark.example",
        "timezone": "Europe/Paris",
        "locale": "fr",
        "manager_name": "Claire Lefebvre",
        "manager_email": "lille-manager@distmark.example",
        "manager_signature": "Claire Lefebvre, directrice du magasin",
    },
    {
        "slug": "marseille",
        "name": "Marseille Vieux-Port",
        "region": "south",
        "address": "4 quai du Port",
        "postcode": "13002",
        "city": "Marseille",
        "country": "FR",
        "phone": "+33 4 91 00 00 02",
        "email": "marseille@distmark.example",
        "timezone": "Europe/Paris",
        "locale": "fr",
        "manager_name": "Karim Benali",
        "manager_email": "marseille-manager@distmark.example",
        "manager_signature": "Karim Benali, directeur du magasin",
    },
    {
        "slug": "gent",
        "name": "Gent Korenmarkt",
        "region": "north",
        "address": "Korenmarkt 7",
        "postcode": "9000",
        "city": "Gent",
        "country": "BE",
        "phone": "+32 9 000 00 03",
        "email": "gent@distmark.example",
        "timezone": "Europe/Brussels",
        "locale": "nl",
        "manager_name": "Lotte Peeters",
        "manager_email": "gent-manager@distmark.example",
        "manager_signature": "Lotte Peeters, winkelverantwoordelijke",
    },
]

# username -> (first name, last name, how to find their group)
USERS = {
    "hq": ("Hélène", "Quartier", ("hq", None)),
    "lille-editor": ("Léa", "Martin", ("editors", "lille")),
    "lille-manager": ("Claire", "Lefebvre", ("managers", "lille")),
    "marseille-editor": ("Marius", "Olive", ("editors", "marseille")),
    "gent-editor": ("Jens", "De Smet", ("editors", "gent")),
    "north-manager": ("Nora", "Noord", ("region", "north")),
}

# Admin language and time zone of the users outside any outlet (outlet users
# get their outlet's). The network's regional manager for Lille and Gent
# works in French.
NETWORK_USER_PREFERENCES = {
    "hq": ("en", "Europe/Paris"),
    "north-manager": ("fr", "Europe/Paris"),
}

OPENING_HOURS = [(day, "09:30", "19:00") for day in range(0, 6)]


def set_demo_user_preferences(user):
    """Lille's editor gets a French admin, Gent's a Dutch one, as onboarding
    gives any outlet's new user; a language a user chose stays."""
    if user.username not in NETWORK_USER_PREFERENCES:
        apply_outlet_user_defaults(user)
        return
    from wagtail.users.models import UserProfile

    profile = UserProfile.get_for_user(user)
    if not profile.preferred_language:
        language, time_zone = NETWORK_USER_PREFERENCES[user.username]
        profile.preferred_language = language
        profile.current_time_zone = profile.current_time_zone or time_zone
        profile.save(update_fields=["preferred_language", "current_time_zone"])


class Command(BaseCommand):
    help = "Create the demo network (HQ, regions, outlets, users). Safe to re-run."

    def add_arguments(self, parser):
        parser.add_argument(
            "--port",
            type=int,
            default=None,
            help="Port of the outlet sites (default: WAGTAIL_DISTMARK['SITE_PORT']).",
        )

    @transaction.atomic
    def handle(self, *args, port=None, **options):
        from wagtail_distmark.outlets.models import OpeningHours

        port = port or distmark_settings.SITE_PORT
        network = ensure_network()
        for spec in REGIONS:
            if not Region.objects.filter(slug=spec["slug"]).exists():
                create_region(name=spec["name"], slug=spec["slug"])
                self.stdout.write(f"Created region {spec['name']}")

        for spec in OUTLETS:
            if Outlet.objects.filter(slug=spec["slug"]).exists():
                continue
            hours = [
                OpeningHours(weekday=day, opens=opens, closes=closes)
                for day, opens, closes in OPENING_HOURS
            ]
            onboard_outlet(
                hostname=f"{spec['slug']}.localhost",
                port=port,
                opening_hours=hours,
                **spec,
            )
            self.stdout.write(f"Onboarded outlet {spec['name']}")

        User = get_user_model()
        for username, (first_name, last_name, (kind, slug)) in USERS.items():
            user, created = User.objects.get_or_create(
                username=username,
                defaults={
                    "first_name": first_name,
                    "last_name": last_name,
                    "email": f"{username}@distmark.example",
                },
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save()
                self.stdout.write(f"Created user {username}")
            user.groups.add(self._group_for(kind, slug, network))
            if getattr(settings, "DISTMARK_DEMO_USER_LANGUAGES", True):
                set_demo_user_preferences(user)

        from wagtail_distmark.inheritance.demo import ensure_spring_promotion

        template, pages = ensure_spring_promotion(
            user=User.objects.get(username="hq"),
            outlets=Outlet.objects.filter(slug__in=[o["slug"] for o in OUTLETS]),
        )
        for page in pages:
            self.stdout.write(f"Deployed “{template.title}” to {page.outlet}")

        from wagtail_distmark.media.demo import ensure_brand_assets

        ensure_brand_assets(
            outlets=Outlet.objects.filter(slug__in=["lille", "marseille"])
        )

        from wagtail_distmark.contacts.demo import ensure_demo_contacts

        made = ensure_demo_contacts(
            Outlet.objects.filter(slug__in=[o["slug"] for o in OUTLETS])
        )
        if made:
            self.stdout.write(f"Created {made} demo contacts")

        from wagtail_distmark.audiences.demo import ensure_demo_segments

        ensure_demo_segments()

        self._print_summary(port)

    def _group_for(self, kind, slug, network):
        if kind == "hq":
            return network.hq_group
        if kind == "region":
            return Region.objects.get(slug=slug).managers_group
        outlet = Outlet.objects.get(slug=slug)
        return outlet.editors_group if kind == "editors" else outlet.managers_group

    def _print_summary(self, port):
        write = self.stdout.write
        write("")
        write(self.style.SUCCESS("Demo network ready."))
        write(f"  Admin:          http://127.0.0.1:{port}/admin/")
        base_url = getattr(settings, "WAGTAILADMIN_BASE_URL", "") or ""
        write(f"  Links in emails: {base_url or '(WAGTAILADMIN_BASE_URL not set)'}")
        if urlsplit(base_url).port not in (None, port):
            # The emails' review links would lead to another server.
            write(
                self.style.WARNING(
                    f"  WAGTAILADMIN_BASE_URL names another port than {port}: "
                    f"serve the site with PORT={port} in its environment "
                    "(PORT=... make demo does), or set WAGTAILADMIN_BASE_URL."
                )
            )
        for outlet in Outlet.objects.filter(
            slug__in=[o["slug"] for o in OUTLETS]
        ).select_related("site"):
            write(f"  {outlet.name + ':':<22}http://{outlet.site.hostname}:{port}/")
        write(f"  Logins (password “{DEMO_PASSWORD}”): {', '.join(USERS)}")
