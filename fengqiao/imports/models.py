"""Ledger imports: one job per file, and one row per problem found in it.

The job row is also the checkpoint: `rows_done` is committed in the same transaction as the matters of each
batch, so a killed import resumes exactly after the last committed batch.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fengqiao.matters.models import Channel


class JobStatus(models.TextChoices):
    DRAFT = "draft", _("Awaiting confirmation")
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


UNFINISHED = (JobStatus.QUEUED, JobStatus.RUNNING)


class ImportJobQuerySet(models.QuerySet["ImportJob"]):
    pass


class ImportJob(models.Model):
    station = models.ForeignKey(
        "stations.Station", on_delete=models.CASCADE, related_name="import_jobs", verbose_name=_("station")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("imported by"),
    )
    file_path = models.CharField(_("file"), max_length=500)
    original_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    # One entry per column of the header row: the field it fills, "extra" or "ignore".
    headers = models.JSONField(_("headers"), default=list)
    mapping = models.JSONField(_("mapping"), default=list)
    header_row = models.PositiveIntegerField(_("header row"), default=0)
    channel = models.CharField(_("channel"), max_length=24, choices=Channel.choices, default=Channel.CALL_110)
    status = models.CharField(_("status"), max_length=12, choices=JobStatus.choices, default=JobStatus.DRAFT)
    message = models.TextField(_("message"), blank=True)

    rows_total = models.PositiveIntegerField(_("rows (estimate)"), null=True, blank=True)
    # Rows below the header consumed so far, blank ones included: the checkpoint.
    rows_done = models.PositiveIntegerField(_("rows done"), default=0)
    rows_read = models.PositiveIntegerField(_("rows read"), default=0)
    imported = models.PositiveIntegerField(_("imported"), default=0)
    skipped = models.PositiveIntegerField(_("already present"), default=0)
    rejected = models.PositiveIntegerField(_("rejected"), default=0)
    warnings = models.PositiveIntegerField(_("warnings"), default=0)

    # Local days (ISO) of the matters committed so far whose statistics rollup is still to be recounted: once, at the
    # end of the job, instead of after every batch; kept with the checkpoint so that a resumed job recounts them too.
    rollup_days = models.JSONField(_("days to recount"), default=list, blank=True)

    report_xlsx = models.CharField(_("error report (XLSX)"), max_length=500, blank=True)
    report_csv = models.CharField(_("error report (CSV)"), max_length=500, blank=True)

    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    # Touched by every committed batch: a running job whose heartbeat is old has lost its worker.
    heartbeat_at = models.DateTimeField(_("last progress"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "heartbeat_at"], name="importjob_status_heartbeat")]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.get_status_display()})"

    @property
    def is_finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)

    @property
    def percent(self) -> int | None:
        if not self.rows_total:
            return None
        return min(100, round(100 * self.rows_done / self.rows_total))


class Severity(models.TextChoices):
    ERROR = "error", pgettext_lazy("import row", "Rejected")
    WARNING = "warning", _("Warning")


class ImportProblem(models.Model):
    """One problem with one value of one row; rows are numbered as the spreadsheet shows them."""

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="problems", verbose_name=_("job"))
    row = models.PositiveIntegerField(_("row"))
    column = models.CharField(_("column"), max_length=128, blank=True)
    problem = models.TextField(_("problem"))  # the English message; `text` is what the reader sees
    value = models.TextField(_("original value"), blank=True)
    severity = models.CharField(_("severity"), max_length=8, choices=Severity.choices)
    params = models.JSONField(_("message values"), default=dict, blank=True)

    class Meta:
        verbose_name = _("import problem")
        verbose_name_plural = _("import problems")
        ordering = ["row", "id"]

    def __str__(self) -> str:
        return f"{self.row} {self.column}: {self.text}"

    @property
    def text(self) -> str:
        from fengqiao.imports.domain.rows import problem_text  # the domain imports the models

        return problem_text(self.problem, self.params)
