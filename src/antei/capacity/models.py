"""The limits registry: every upper limit of every system and component (active AND standby),
its measurements, the data-flow links between limits, and batch runs (C07, C08).

Catalog: M-2.2, M-2.3, A1-I-7, A1-I-8, A2-SWA-8, A2-PERF-SET-1..3, 6, 7, A2-PERF-CAP-1.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.db import models
from django.utils.translation import gettext_lazy as _

from antei.capacity import domain
from antei.inventory.models import Component, System
from antei.org.models import Department, Person


def _choices(codes: tuple[str, ...],
             labels: Mapping[str, object]) -> list[tuple[str, object]]:
    return [(c, labels.get(c, c)) for c in codes]


KIND_LABELS = {
    "cpu": _("CPU"), "memory": _("memory"), "disk": _("disk"), "log_area": _("log area"),
    "network": _("line/network utilisation"), "connection_pool": _("connection pool"),
    "queue_depth": _("queue depth"), "sequence_per_day": _("sequence number per day"),
    "numeric_digits": _("numeric digits"), "input_records": _("input record count"),
    "output_records": _("output record count"), "work_area": _("work area"),
    "file_size": _("file size"), "licence_count": _("licence count"), "other": _("other"),
}
LAYER_LABELS = {"os": _("OS"), "dbms": _("DBMS"), "package": _("package"),
                "application": _("application")}
OVERFLOW_LABELS = {"stop": _("stops"), "wrap": _("wraps to the start"),
                   "truncate": _("truncates"), "reject": _("rejects input")}


class Limit(models.Model):
    """One upper limit: where it is set, what happens at overflow, its levels and reviews."""

    system = models.ForeignKey(System, on_delete=models.CASCADE, related_name="limits",
                               verbose_name=_("system"))
    component = models.ForeignKey(Component, null=True, blank=True, on_delete=models.CASCADE,
                                  related_name="limits", verbose_name=_("component"))
    kind = models.CharField(_("kind"), max_length=24, choices=_choices(domain.KINDS, KIND_LABELS))
    layer = models.CharField(_("layer"), max_length=16, default="application",
                             choices=_choices(domain.LAYERS, LAYER_LABELS))
    name = models.CharField(_("name"), max_length=100)
    value = models.FloatField(_("limit value"))
    unit = models.CharField(_("unit"), max_length=32, blank=True)
    overflow = models.CharField(_("on overflow"), max_length=16, default="stop",
                                choices=_choices(domain.OVERFLOWS, OVERFLOW_LABELS))
    warning = models.FloatField(_("warning level"))
    critical = models.FloatField(_("critical level"))
    margin_percent = models.FloatField(_("required margin over the expected peak (%)"),
                                       default=20.0)
    has_production_equivalent_test = models.BooleanField(
        _("tested at production-equivalent load"), default=False)
    owner_person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="limits", verbose_name=_("owner (person)"))
    owner_department = models.ForeignKey(Department, null=True, blank=True,
                                         on_delete=models.PROTECT, related_name="limits",
                                         verbose_name=_("owner (department)"))
    review_interval_days = models.PositiveIntegerField(_("review interval (days)"), null=True,
                                                       blank=True)
    last_reviewed_on = models.DateField(_("last reviewed on"), null=True, blank=True)
    housekeeping_interval_days = models.PositiveIntegerField(
        _("housekeeping interval (days)"), null=True, blank=True)
    next_housekeeping_on = models.DateField(_("next housekeeping on"), null=True, blank=True)
    promql = models.TextField(_("PromQL expression"), blank=True)
    measurement_interval_seconds = models.PositiveIntegerField(
        _("measurement interval (seconds)"), default=86400)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["system__code", "kind", "name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["system", "component", "kind", "name"],
                                    condition=models.Q(component__isnull=False),
                                    name="limit_unique_per_component"),
            models.UniqueConstraint(fields=["system", "kind", "name"],
                                    condition=models.Q(component__isnull=True),
                                    name="limit_unique_per_system"),
            models.CheckConstraint(condition=models.Q(warning__lte=models.F("critical"))
                                   & models.Q(critical__lte=models.F("value")),
                                   name="limit_levels_ordered"),
        ]

    def __str__(self) -> str:
        where = self.component.name if self.component else self.system.code
        return f"{where} {self.name}"


class LimitLink(models.Model):
    """Data flows from ``upstream`` to ``downstream`` (input -> work area -> output)."""

    upstream = models.ForeignKey(Limit, on_delete=models.CASCADE, related_name="downstream_links")
    downstream = models.ForeignKey(Limit, on_delete=models.CASCADE, related_name="upstream_links")

    class Meta:
        ordering = ["upstream_id", "downstream_id"]
        constraints = [
            models.UniqueConstraint(fields=["upstream", "downstream"], name="limit_link_unique"),
            models.CheckConstraint(condition=~models.Q(upstream=models.F("downstream")),
                                   name="limit_link_not_to_itself"),
        ]

    def __str__(self) -> str:
        return f"{self.upstream_id} → {self.downstream_id}"


class Measurement(models.Model):
    """One reading of a limit's quantity; the unique (limit, at) index serves every read."""

    limit = models.ForeignKey(Limit, on_delete=models.CASCADE, related_name="measurements")
    at = models.DateTimeField(_("measured at"))
    value = models.FloatField(_("value"))

    class Meta:
        ordering = ["limit_id", "at"]
        constraints = [models.UniqueConstraint(fields=["limit", "at"],
                                               name="measurement_unique")]

    def __str__(self) -> str:
        return f"{self.limit_id} {self.at:%Y-%m-%d %H:%M} {self.value}"


class BatchRun(models.Model):
    """One run of a batch job: when it started and ended, and how many records (A1-I-7)."""

    system = models.ForeignKey(System, on_delete=models.CASCADE, related_name="batch_runs")
    job = models.CharField(_("job"), max_length=100)
    started_at = models.DateTimeField(_("started at"))
    ended_at = models.DateTimeField(_("ended at"))
    records = models.BigIntegerField(_("records"), null=True, blank=True)

    class Meta:
        ordering = ["system_id", "job", "started_at"]
        constraints = [
            models.UniqueConstraint(fields=["system", "job", "started_at"],
                                    name="batch_run_unique"),
            models.CheckConstraint(condition=models.Q(ended_at__gte=models.F("started_at")),
                                   name="batch_run_ends_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.job} {self.started_at:%Y-%m-%d %H:%M}"


class ResponseTime(models.Model):
    """Online response-time percentiles of a system over one interval (M-2.3, C07)."""

    system = models.ForeignKey(System, on_delete=models.CASCADE, related_name="response_times")
    at = models.DateTimeField(_("measured at"))
    p50_ms = models.FloatField(_("median (ms)"))
    p95_ms = models.FloatField(_("95th percentile (ms)"))
    p99_ms = models.FloatField(_("99th percentile (ms)"))

    class Meta:
        ordering = ["system_id", "at"]
        constraints = [
            models.UniqueConstraint(fields=["system", "at"], name="response_time_unique"),
            models.CheckConstraint(condition=models.Q(p50_ms__lte=models.F("p95_ms"))
                                   & models.Q(p95_ms__lte=models.F("p99_ms")),
                                   name="response_time_percentiles_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.system_id} {self.at:%Y-%m-%d %H:%M} p95={self.p95_ms}"
