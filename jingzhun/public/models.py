"""What the public sends in through the portal (/gs/) besides objections to a notice."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jingzhun.core.models import TimeStampedModel
from jingzhun.core.scoping import ScopedManager

from .choices import SubmissionKind, SubmissionStatus


class PublicSubmission(TimeStampedModel):
    """An appeal, complaint or self-report of hardship (农户自主申报) sent from the public portal about a
    village, anonymous or with a name/phone. Self-reports feed monitoring (see selectors.submissions_for)."""

    receipt_no = models.CharField(_("回执编号"), max_length=20, unique=True)
    area = models.ForeignKey(
        "areas.Area", verbose_name=_("所在村"), on_delete=models.PROTECT, related_name="+"
    )
    area_path = models.CharField(_("区域路径"), max_length=15, db_index=True)
    kind = models.CharField(_("类型"), max_length=12, choices=SubmissionKind.choices)
    content = models.TextField(_("内容"))
    contact_name = models.CharField(_("姓名"), max_length=50, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    source_key = models.CharField(_("来源标识"), max_length=64, blank=True, db_index=True)
    status = models.CharField(
        _("状态"),
        max_length=10,
        choices=SubmissionStatus.choices,
        default=SubmissionStatus.NEW,
        db_index=True,
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("处理人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    handled_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    handling_note = models.TextField(_("处理情况"), blank=True)

    objects = ScopedManager()
    scope_area_path = "area_path"
    scope_capabilities = {"view": "public.handle", "handle": "public.handle"}

    class Meta:
        verbose_name = _("群众反映")
        verbose_name_plural = _("群众反映")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="new") | ~Q(handling_note=""), name="public_submission_handled_has_note"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["appeal", "complaint", "self_report"]),
                name="public_submission_kind_valid",
            ),
        ]

    def __str__(self):
        return f"{self.receipt_no} {self.get_kind_display()}"
