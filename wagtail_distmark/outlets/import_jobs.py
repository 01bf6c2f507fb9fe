"""Outlet imports started from the admin, run as background tasks.

An import of 1,000 outlets takes about 40 seconds, longer than a web request
should: the admin stores the file, a task imports it (``import_outlets``, as
the command does) and the admin shows its report when it is done.

A job is a folder of the private storage (never the public media storage),
``distmark/outlet-imports/<id>/``, whose files are each written once, so that
no reader ever meets a half-written one and no database table is needed:

* ``job.json``: who started it, in which language, and the options;
* ``upload.csv``: the file as uploaded;
* ``started``: written when the task starts;
* ``result.json``: the report, or the error that stopped the import.
"""

import json
import uuid
from dataclasses import asdict, dataclass, field

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from .importing import OutletImportError, OutletImportReport, import_outlets

JOBS_DIR = "distmark/outlet-imports"


def _storage():
    # The contact import's private storage; imported late, as contacts
    # depends on outlets.
    from ..contacts.models import private_storage

    return private_storage()


@dataclass
class OutletImportJob:
    id: str
    user_id: int
    original_name: str
    dry_run: bool
    create_regions: bool
    language: str = ""
    created_at: str = ""
    # Read from the storage, not saved in job.json.
    started: bool = field(default=False, compare=False)
    result: dict | None = field(default=None, compare=False)

    SAVED = (
        "id",
        "user_id",
        "original_name",
        "dry_run",
        "create_regions",
        "language",
        "created_at",
    )

    @classmethod
    def start(cls, *, user, fileobj, original_name, dry_run, create_regions):
        """Store a new job and enqueue its task; returns the job."""
        job = cls(
            id=uuid.uuid4().hex,
            user_id=user.pk,
            original_name=original_name[:255],
            dry_run=dry_run,
            create_regions=create_regions,
            language=translation.get_language() or "",
            created_at=timezone.now().isoformat(),
        )
        job._write("upload.csv", fileobj.read())
        job._write("job.json", json.dumps({k: asdict(job)[k] for k in cls.SAVED}))
        import_outlets_task.enqueue(job.id)
        return job

    def again(self, *, user, create_regions=None):
        """The same file imported for real (after a dry run), with the same
        options unless ``create_regions`` is given."""
        if create_regions is None:
            create_regions = self.create_regions
        with _storage().open(self._path("upload.csv"), "rb") as fileobj:
            return type(self).start(
                user=user,
                fileobj=fileobj,
                original_name=self.original_name,
                dry_run=False,
                create_regions=create_regions,
            )

    @classmethod
    def get(cls, job_id):
        """The job ``job_id`` with its state; ``None`` if there is none."""
        storage = _storage()
        try:
            with storage.open(f"{JOBS_DIR}/{job_id}/job.json", "rb") as fileobj:
                job = cls(**json.load(fileobj))
        except (FileNotFoundError, ValueError, TypeError):
            return None
        job.started = storage.exists(job._path("started"))
        if storage.exists(job._path("result.json")):
            with storage.open(job._path("result.json"), "rb") as fileobj:
                job.result = json.load(fileobj)
        return job

    @property
    def finished(self):
        return self.result is not None

    @property
    def error(self):
        return (self.result or {}).get("error", "")

    @property
    def report(self):
        data = (self.result or {}).get("report")
        return OutletImportReport.from_dict(data) if data else None

    def run(self):
        """Import the file as the user who uploaded it, in their language."""
        if self.finished or self.started:
            return  # enqueued twice (a double submit): run once
        self._write("started", b"")
        user = get_user_model().objects.filter(pk=self.user_id).first()
        with translation.override(self.language or None):
            try:
                if user is None:
                    raise OutletImportError(
                        _(
                            "This import was started by a user account that "
                            "has since been deleted, so it was not run."
                        )
                    )
                with _storage().open(self._path("upload.csv"), "rb") as fileobj:
                    report = import_outlets(
                        fileobj,
                        dry_run=self.dry_run,
                        create_regions=self.create_regions,
                        user=user,
                        create_regions_option=_("“Create missing regions”"),
                    )
            except OutletImportError as error:
                self._finish({"error": str(error)})
            except Exception:
                # The import is one transaction: it was rolled back whole.
                self._finish(
                    {
                        "error": _(
                            "The import stopped on an unexpected error. Nothing "
                            "was saved; import the file again once the problem "
                            "is solved."
                        )
                    }
                )
                raise
            else:
                self._finish({"report": report.as_dict()})

    def _finish(self, result):
        self.result = result
        self._write("result.json", json.dumps(result))

    def _path(self, name):
        return f"{JOBS_DIR}/{self.id}/{name}"

    def _write(self, name, content):
        if isinstance(content, str):
            content = content.encode("utf-8")
        saved = _storage().save(self._path(name), ContentFile(content))
        if saved != self._path(name):  # never renamed: each file is written once
            _storage().delete(saved)
            raise FileExistsError(self._path(name))


@task()
def import_outlets_task(job_id):
    job = OutletImportJob.get(job_id)
    if job is not None:
        job.run()
