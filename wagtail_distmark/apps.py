from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WagtailDistmarkAppConfig(AppConfig):
    name = "wagtail_distmark"
    label = "wagtail_distmark"
    verbose_name = _("Distributed marketing")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Object permissions are declared with django-rules; importing the module
        # registers them whether or not the project lists rules' autodiscovery app.
        from . import rules  # noqa: F401
