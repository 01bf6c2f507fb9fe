"""Outlet import jobs as a worker runs them: outside any request."""

import io
from types import SimpleNamespace

import pytest
from django.utils import translation

from wagtail_distmark.outlets import import_jobs
from wagtail_distmark.outlets.import_jobs import OutletImportJob, import_outlets_task
from wagtail_distmark.outlets.models import Outlet

pytestmark = pytest.mark.django_db

ROWS = b"slug,name,region\nlens,,north\narras,Arras,north\n"


def stored_job(user, monkeypatch, **options):
    """A job stored as the admin stores it, its task not run yet (as when a
    worker picks it up later)."""
    monkeypatch.setattr(
        import_jobs, "import_outlets_task", SimpleNamespace(enqueue=lambda job_id: None)
    )
    options = {"dry_run": False, "create_regions": False} | options
    return OutletImportJob.start(
        user=user, fileobj=io.BytesIO(ROWS), original_name="o.csv", **options
    )


def test_the_worker_runs_the_job_in_the_uploader_language(demo, monkeypatch):
    with translation.override("fr"):
        job = stored_job(demo.users["hq"], monkeypatch)

    with translation.override("en"):
        import_outlets_task.call(job.id)

    report = OutletImportJob.get(job.id).report
    assert report.created == ["arras"]
    assert [str(e.message) for e in report.errors] == ["Ce champ est obligatoire."]


def test_a_job_enqueued_twice_runs_once(demo, monkeypatch):
    job = stored_job(demo.users["hq"], monkeypatch)
    import_outlets_task.call(job.id)
    Outlet.objects.filter(slug="arras").delete()

    import_outlets_task.call(job.id)

    assert not Outlet.objects.filter(slug="arras").exists()


def test_a_job_started_by_a_local_role_imports_nothing(demo, monkeypatch):
    # The views refuse them; the service checks again.
    job = stored_job(demo.users["lille-manager"], monkeypatch)

    import_outlets_task.call(job.id)

    assert OutletImportJob.get(job.id).error == "Only HQ staff may import outlets."
    assert not Outlet.objects.filter(slug="arras").exists()


def test_an_unexpected_failure_is_recorded(demo, monkeypatch):
    job = stored_job(demo.users["hq"], monkeypatch)

    def crash(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(import_jobs, "import_outlets", crash)

    with pytest.raises(RuntimeError):
        import_outlets_task.call(job.id)

    job = OutletImportJob.get(job.id)
    assert job.finished and job.report is None
    assert "unexpected error" in job.error


def test_a_dry_run_job_saves_nothing(demo, monkeypatch):
    job = stored_job(demo.users["hq"], monkeypatch, dry_run=True)

    import_outlets_task.call(job.id)

    assert OutletImportJob.get(job.id).report.created == ["arras"]
    assert not Outlet.objects.filter(slug="arras").exists()
