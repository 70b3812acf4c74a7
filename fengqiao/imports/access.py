"""Who may import, and the scoped lookup of import jobs: the chief and officers of the job's own station."""

from django.http import Http404

from fengqiao.imports.models import ImportJob, ImportJobQuerySet
from fengqiao.staff.models import User


def may_import(user: User) -> bool:
    return user.is_active and user.is_sworn


def jobs_for_user(user: User) -> ImportJobQuerySet:
    if not may_import(user) or user.station_id is None:
        return ImportJob.objects.none()
    return ImportJob.objects.filter(station_id=user.station_id)


def get_job_for_user(user: User, job_id: int) -> ImportJob:
    """The job, or 404 when it belongs to another station (or the user may not import at all)."""
    job = jobs_for_user(user).select_related("station").filter(pk=job_id).first()
    if job is None:
        raise Http404
    return job
