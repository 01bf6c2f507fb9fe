# Django discovers models here; each capability keeps its own in its subpackage.
from .outlets.models import (  # noqa: F401
    OpeningHours,
    Outlet,
    OutletHomePage,
    Region,
    RegionPage,
)
