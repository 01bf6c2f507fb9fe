"""The one place that reads the ``WAGTAIL_DISTMARK`` settings dict.

Use ``from wagtail_distmark.conf import distmark_settings`` and read attributes:
``distmark_settings.SITE_PORT``. Every key has a documented default here.
"""

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver

DEFAULTS = {
    # Port of the Wagtail Site created for each outlet (80 in production behind
    # a proxy; the example site uses 8000).
    "SITE_PORT": 80,
    # Hostname given to a new outlet when none is supplied: "{slug}.localhost".
    "DEFAULT_HOSTNAME_PATTERN": "{slug}.localhost",
    # Name of the Wagtail group whose members are HQ staff for the whole network.
    "HQ_GROUP_NAME": "Network HQ",
    # Name of the root region (the network itself).
    "ROOT_REGION_NAME": "Network",
    # Collection under which every outlet gets its own collection.
    "OUTLETS_COLLECTION_NAME": "Outlets",
    # Group names; {name} and {slug} are the outlet's or region's.
    "OUTLET_EDITORS_GROUP_NAME": "Outlet {slug}: editors",
    "OUTLET_MANAGERS_GROUP_NAME": "Outlet {slug}: managers",
    "REGION_MANAGERS_GROUP_NAME": "Region {slug}: managers",
    # Languages an outlet may communicate in.
    "LOCALES": [("fr", "Français"), ("nl", "Nederlands"), ("en", "English")],
    "DEFAULT_TIMEZONE": "Europe/Paris",
    # Domains that links typed in blocks may point to (subdomains included);
    # empty: any domain. Mail, phone and site-relative links are not affected.
    "ALLOWED_LINK_DOMAINS": (),
    # Collection (under the root) holding HQ's brand assets.
    "BRAND_LIBRARY_NAME": "Brand library",
    # Smallest image (pixels) the image form accepts, with
    # WAGTAILIMAGES_IMAGE_FORM_BASE = "wagtail_distmark.media.forms.BrandImageForm".
    "IMAGE_MIN_WIDTH": 0,
    "IMAGE_MIN_HEIGHT": 0,
    # Largest document (bytes) the document form accepts, with
    # WAGTAILDOCS_DOCUMENT_FORM_BASE = "wagtail_distmark.media.forms.BrandDocumentForm";
    # None: no limit beyond the web server's.
    "DOCUMENT_MAX_UPLOAD_SIZE": None,
    # Who sees each contact field besides HQ: "everyone", "managers" or "hq";
    # merged over wagtail_distmark.contacts.visibility.DEFAULT_FIELD_VISIBILITY.
    "CONTACT_FIELD_VISIBILITY": {},
    # Local roles that may export their outlets' contacts (HQ always may):
    # "manager", "region_manager", "editor".
    "CONTACT_EXPORT_ROLES": ("manager", "region_manager"),
    # Subscription forms: attempts per client address and outlet per hour, and
    # how long the confirmation link stays valid.
    "SUBSCRIPTION_RATE_LIMIT": 10,
    "SUBSCRIPTION_CONFIRM_DAYS": 7,
    # The Django cache (settings.CACHES alias) counting subscription attempts:
    # one every process shares (Redis, database), not a per-process LocMemCache.
    "SUBSCRIPTION_CACHE_ALIAS": "default",
    # Behind a reverse proxy: the request.META key of the header it appends the
    # client's address to ("HTTP_X_FORWARDED_FOR"), and how many proxies of
    # yours append to it. None: the client is REMOTE_ADDR.
    "SUBSCRIPTION_CLIENT_IP_HEADER": None,
    "SUBSCRIPTION_TRUSTED_PROXY_COUNT": 1,
    # Django storage alias (settings.STORAGES) for contact import files and
    # reports: personal data, never the public media storage.
    "PRIVATE_STORAGE_ALIAS": "distmark_private",
    # Words and phrases outlets may not publish (brand compliance check);
    # matched case-insensitively as whole words.
    "BANNED_WORDS": (),
    # Brand compliance checks to leave out, by name (see docs/workflows.md).
    "DISABLED_CHECKS": (),
    # Name of the workflow created for outlet publishing on first setup.
    "DEFAULT_WORKFLOW_NAME": "Local publishing",
    # Who is emailed when: event -> recipients among "approvers", "submitter",
    # "outlet_managers" and "hq". Leave a list empty to send nothing.
    "WORKFLOW_NOTIFICATIONS": {
        "approval_requested": ("approvers",),
        "compliance_failed": ("submitter",),
    },
}


class DistmarkSettings:
    def __init__(self, defaults):
        self._defaults = defaults
        self._cache = {}

    def __getattr__(self, name):
        if name not in self._defaults:
            raise AttributeError(f"Unknown WAGTAIL_DISTMARK setting: {name!r}")
        if name not in self._cache:
            user_settings = getattr(settings, "WAGTAIL_DISTMARK", {}) or {}
            self._cache[name] = user_settings.get(name, self._defaults[name])
        return self._cache[name]

    def reload(self):
        self._cache.clear()


distmark_settings = DistmarkSettings(DEFAULTS)


@receiver(setting_changed)
def _reload_distmark_settings(*, setting, **kwargs):
    if setting == "WAGTAIL_DISTMARK":
        distmark_settings.reload()
