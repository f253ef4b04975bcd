"""Users, roles as data, and (role, area) assignments that drive scoping."""

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from jingzhun.core.models import TimeStampedModel
from jingzhun.core.scoping import ScopedManager, ScopedQuerySet, minimal_paths, paths_q


class Capability(models.Model):
    """Something a role may do (``areas.view``). Declared by the apps in code, synced as rows."""

    code = models.CharField(_("代码"), max_length=64, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    module = models.CharField(_("模块"), max_length=32)

    class Meta:
        verbose_name = _("权限项")
        verbose_name_plural = _("权限项")
        ordering = ["module", "code"]

    def __str__(self):
        # The stored name is the Chinese text declared in code, which is also its msgid.
        name = gettext(self.name) if self.name else ""
        return gettext("%(name)s（%(code)s）") % {"name": name, "code": self.code}


class Role(TimeStampedModel):
    """A role such as 乡镇管理员, with the capabilities it grants. Data, editable by administrators."""

    code = models.SlugField(_("代码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=50, unique=True)
    rank = models.PositiveSmallIntegerField(
        _("权限等级"), help_text=_("数值越大权限越高；只能授予低于自己等级的角色。")
    )
    usual_level = models.CharField(_("通常分配的区划级别"), max_length=16, blank=True)
    capabilities = models.ManyToManyField(
        Capability, verbose_name=_("权限"), blank=True, related_name="roles"
    )
    is_system = models.BooleanField(_("系统内置"), default=False)
    description = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("角色")
        verbose_name_plural = _("角色")
        ordering = ["-rank", "code"]

    def __str__(self):
        # Default roles are stored with their Chinese names, which are msgids (accounts/choices.py).
        return gettext(str(self.name)) if self.name else ""


class ScopedUserManager(UserManager.from_queryset(ScopedQuerySet)):
    pass


phone_validator = RegexValidator(
    r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$", _("请输入有效的手机号或固定电话（如 0834-1234567）。")
)


class User(AbstractUser):
    """A person who logs in. ``area`` is the unit the account belongs to (its manager's scope)."""

    full_name = models.CharField(_("姓名"), max_length=50, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True, validators=[phone_validator])
    unit = models.CharField(_("工作单位"), max_length=100, blank=True)
    area = models.ForeignKey(
        "areas.Area",
        verbose_name=_("归属区域"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = ScopedUserManager()
    scope_capabilities = {"view": "accounts.view", "manage": "accounts.manage"}

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        ordering = ["username"]

    def __str__(self):
        return self.full_name or self.username

    @classmethod
    def scope_q(cls, paths):
        in_scope = RoleAssignment.objects.filter(paths_q("area__path", paths), user=OuterRef("pk"))
        return paths_q("area__path", paths) | Q(Exists(in_scope))

    # --- scoping support ---------------------------------------------------------------------------
    def _assignment_rows(self) -> list[tuple[str, str, int, frozenset]]:
        cache = getattr(self, "_jz_assignments", None)
        if cache is None:
            rows = (
                RoleAssignment.objects.filter(user=self, role__isnull=False)
                .select_related("role", "area")
                .prefetch_related("role__capabilities")
            )
            cache = [
                (a.area.path, a.role.code, a.role.rank, frozenset(c.code for c in a.role.capabilities.all()))
                for a in rows
            ]
            self._jz_assignments = cache
        return cache

    def scope_paths(self, capability: str) -> list[str]:
        return minimal_paths(p for p, _code, _rank, caps in self._assignment_rows() if capability in caps)

    def has_capability(self, capability: str) -> bool:
        return self.is_superuser or bool(self.scope_paths(capability))

    def rank_at(self, area, capability: str = "accounts.manage") -> int:
        """Highest rank among roles holding ``capability`` at an area containing ``area``."""
        if self.is_superuser:
            return 10_000
        ranks = [
            r for p, _c, r, caps in self._assignment_rows() if capability in caps and area.path.startswith(p)
        ]
        return max(ranks, default=-1)

    def forget_assignments(self) -> None:
        self.__dict__.pop("_jz_assignments", None)


class RoleAssignment(TimeStampedModel):
    """User U holds role R over area A (and A's subtree)."""

    user = models.ForeignKey(
        User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="assignments"
    )
    role = models.ForeignKey(
        Role, verbose_name=_("角色"), on_delete=models.PROTECT, related_name="assignments"
    )
    area = models.ForeignKey("areas.Area", verbose_name=_("区域"), on_delete=models.PROTECT, related_name="+")

    objects = ScopedManager()
    scope_area_path = "area__path"
    scope_capabilities = {"view": "accounts.view", "manage": "accounts.manage"}

    class Meta:
        verbose_name = _("角色分配")
        verbose_name_plural = _("角色分配")
        ordering = ["user", "-role__rank"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "area"], name="roleassignment_unique_user_role_area"
            )
        ]

    def __str__(self):
        return f"{self.user} · {self.role} · {self.area}"
