"""What the public sends in through the portal (/gs/) besides objections to a household notice, and the
public face of a village exit notice (贫困村退出公示)."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jingzhun.core.models import TimeStampedModel
from jingzhun.core.scoping import ScopedManager

from .choices import SubmissionKind, SubmissionStatus


class PublicVillageNotice(TimeStampedModel):
    """The 公示 of a village leaving poverty, as the portal shows it: created by the township's notice step
    (``assessment.services_village.village_exit_notice``) with an unguessable ``public_id`` for its page.

    It holds only what is published — names of the places, the issuing unit, the incidence figures and
    the checklist items with whether each is met (``figures``); status, year and dates are read from the
    exit itself, so the portal never needs the exit's log or evidence."""

    public_id = models.UUIDField(_("公开编号"), default=uuid.uuid4, unique=True, editable=False)
    exit = models.OneToOneField(
        "assessment.VillageExit",
        verbose_name=_("贫困村退出"),
        on_delete=models.CASCADE,
        related_name="public_notice",
    )
    area = models.ForeignKey(
        "areas.Area", verbose_name=_("行政村"), on_delete=models.PROTECT, related_name="+"
    )
    area_path = models.CharField(_("区域路径"), max_length=15, db_index=True)
    title = models.CharField(_("标题"), max_length=120)
    village_name = models.CharField(_("村名"), max_length=100)
    township_name = models.CharField(_("乡镇"), max_length=100, blank=True)
    issuing_unit = models.CharField(_("发布单位"), max_length=100)
    phones = models.CharField(_("监督电话"), max_length=100, blank=True)
    figures = models.JSONField(_("公示指标"), default=dict)

    objects = ScopedManager()
    scope_area_path = "area_path"
    scope_capabilities = {"view": "assessment.view"}

    class Meta:
        verbose_name = _("贫困村退出公示")
        verbose_name_plural = _("贫困村退出公示")
        ordering = ["-created_at"]

    def __str__(self):
        return self.title


class PublicSubmission(TimeStampedModel):
    """An appeal, complaint or self-report of hardship (农户自主申报) sent from the public portal about a
    village, anonymous or with a name/phone, or an objection (异议) to a village exit notice
    (``village_notice``). Self-reports feed monitoring (see selectors.submissions_for); an unanswered
    objection blocks the county's announcement of that exit."""

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
    village_notice = models.ForeignKey(
        PublicVillageNotice,
        verbose_name=_("贫困村退出公示"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="objections",
    )

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
                condition=Q(kind__in=["appeal", "complaint", "self_report", "objection"]),
                name="public_submission_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(kind="objection", village_notice__isnull=False)
                | (~Q(kind="objection") & Q(village_notice__isnull=True)),
                name="public_submission_objection_has_notice",
            ),
        ]

    def __str__(self):
        return f"{self.receipt_no} {self.get_kind_display()}"
