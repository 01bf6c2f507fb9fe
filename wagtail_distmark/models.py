# Django discovers models here; each capability keeps its own in its subpackage.
from .audiences.models import Segment  # noqa: F401
from .contacts.models import (  # noqa: F401
    AttributeDefinition,
    Contact,
    ContactAccess,
    ContactImport,
    ContactTag,
    Suppression,
)
from .inheritance.models import (  # noqa: F401, E402
    LocalPage,
    TemplateDeployment,
    TemplateLibraryPage,
    TemplatePage,
)
from .media.models import DocumentRights, ImageRights  # noqa: F401
from .outlets.models import (  # noqa: F401
    OpeningHours,
    Outlet,
    OutletHomePage,
    Region,
    RegionPage,
)
from .workflows.models import (  # noqa: F401
    BrandComplianceTask,
    ComplianceTaskState,
    HQReviewTask,
    HQReviewTaskState,
    OutletApprovalTask,
)
