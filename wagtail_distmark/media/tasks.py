from django_tasks import task

from .usage import notify_unusable_asset_uses, report_unusable_assets


@task()
def check_assets_task():
    """Daily: report pages still using unusable assets to HQ and the outlets."""
    report = report_unusable_assets()
    notify_unusable_asset_uses(report)
    return len(report)
