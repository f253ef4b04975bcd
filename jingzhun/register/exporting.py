"""Export of the filtered household list to xlsx (streamed, write-only openpyxl).

The filter is the household list's (``selectors.household_search(user, params)``), so the file holds
exactly what the user could page through. ID numbers, phone numbers, bank accounts and health /
disability details are masked unless the user holds ``core.reveal_sensitive`` at the household's area.
Every export writes one audit event: who, which filter, how many households and members, masked or not.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from django.db import transaction

from jingzhun.core.masking import mask_account, mask_id_number, mask_phone
from jingzhun.core.scoping import paths_q, user_paths
from jingzhun.core.services import audit_record
from jingzhun.core.tabular import write_xlsx

from .choices import HEAD_RELATION, MemberStatus, PovertyStatus, Sex
from .models import Member
from .selectors import code_tables, household_search

FILTER_KEYS = (
    "area",
    "poverty_status",
    "attribute",
    "main_cause",
    "year_identified_from",
    "year_identified_to",
    "year_exited_from",
    "year_exited_to",
    "is_monitored",
    "q",
)
FILTER_LABELS = {
    "area": "区划代码",
    "poverty_status": "贫困状态",
    "attribute": "贫困户属性",
    "main_cause": "主要致贫原因",
    "year_identified_from": "识别年度起",
    "year_identified_to": "识别年度止",
    "year_exited_from": "脱贫年度起",
    "year_exited_to": "脱贫年度止",
    "is_monitored": "监测对象",
    "q": "搜索",
}
HIDDEN = "***"

HOUSEHOLD_HEADERS = [
    "户编号",
    "所在村（组）",
    "区划代码",
    "户主姓名",
    "户主身份证号",
    "在册人数",
    "贫困状态",
    "识别年度",
    "脱贫年度",
    "识别标准",
    "贫困户属性",
    "主要致贫原因",
    "其他致贫原因",
    "监测对象",
    "住址",
    "联系电话",
    "住房安全等级",
    "饮水状况",
    "人均日供水量(升)",
    "取水往返时间(分钟)",
    "全年缺水天数",
    "开户银行",
    "银行账号",
]
MEMBER_HEADERS = [
    "户编号",
    "人编号",
    "姓名",
    "性别",
    "身份证号",
    "出生日期",
    "与户主关系",
    "民族",
    "文化程度",
    "在校生状况",
    "健康状况",
    "残疾类别",
    "残疾等级",
    "劳动技能",
    "务工时间(月)",
    "联系电话",
]


def clean_filter(params: Mapping) -> dict[str, str]:
    """The list filters present in ``params`` (a QueryDict or dict), as plain strings for the job."""
    out = {}
    for key in FILTER_KEYS:
        value = params.get(key)
        if value not in (None, ""):
            out[key] = str(value)[:100]
    return out


def describe_filter(params: Mapping) -> str:
    parts = [f"{FILTER_LABELS[k]}={v}" for k, v in clean_filter(params).items()]
    return "；".join(parts) or "全部"


def export_queryset(user, params: Mapping):
    """The list's queryset, narrowed to the areas where the user may also export."""
    qs = household_search(user, clean_filter(params))
    paths = user_paths(user, "register.export")
    return qs if paths is None else qs.filter(paths_q("area_path", paths))


class _Revealer:
    """Is the user allowed to see sensitive values at a household's area path? (no query per row)"""

    def __init__(self, user):
        self.paths = user_paths(user, "core.reveal_sensitive")

    def __call__(self, area_path: str) -> bool:
        return self.paths is None or any(area_path.startswith(p) for p in self.paths)

    @property
    def anywhere(self) -> bool:
        return self.paths is None or bool(self.paths)


def export_households(*, actor, params: Mapping, progress: Callable[[float, str], None] | None = None):
    """Build the xlsx; returns (bytes, households, members). Writes the audit event."""
    progress = progress or (lambda percent, message: None)
    filters = clean_filter(params)
    qs = export_queryset(actor, filters)
    total = qs.count()
    progress(2, f"共 {total} 户，正在导出…")
    codes = code_tables()
    reveal = _Revealer(actor)
    counts = {"households": 0, "members": 0}
    area_names = {}
    status_names = dict(PovertyStatus.choices)

    def name(kind, code):
        return codes.get(kind, {}).get(code, code or "")

    def household_rows():
        fields = ["id", "household_no", "area_id", "area_path", "head_name", "size", "poverty_status"]
        fields += ["year_identified", "year_exited", "standard", "attribute", "main_cause", "other_causes"]
        fields += ["is_monitored", "address", "phone", "house_grade", "water", "water_lpd", "water_minutes"]
        fields += ["water_short_days", "bank_name", "bank_account"]
        heads = _heads(actor, qs)
        for i, h in enumerate(qs.values(*fields).iterator(chunk_size=2000), start=1):
            open_ = reveal(h["area_path"])
            if h["area_id"] not in area_names:
                area_names.update(_area_names([h["area_id"]]))
            area_name, area_code = area_names[h["area_id"]]
            head_id = heads.get(h["id"], "")
            counts["households"] = i
            if i % 1000 == 0:
                progress(5 + 60 * i / max(total, 1), f"已导出 {i} / {total} 户")
            yield [
                h["household_no"],
                area_name,
                area_code,
                h["head_name"],
                head_id if open_ else mask_id_number(head_id),
                h["size"],
                str(status_names.get(h["poverty_status"], h["poverty_status"])),
                h["year_identified"],
                h["year_exited"],
                name("standard", h["standard"]),
                name("attribute", h["attribute"]),
                name("cause", h["main_cause"]),
                "、".join(name("cause", c) for c in h["other_causes"] or []),
                "是" if h["is_monitored"] else "",
                h["address"],
                h["phone"] if open_ else mask_phone(h["phone"]),
                h["house_grade"],
                name("water", h["water"]),
                h["water_lpd"],
                h["water_minutes"],
                h["water_short_days"],
                h["bank_name"],
                h["bank_account"] if open_ else mask_account(h["bank_account"]),
            ]

    def member_rows():
        members = (
            Member.objects.for_user(actor)
            .filter(household_id__in=qs.values("id"), status=MemberStatus.ACTIVE)
            .order_by("household__household_no", "member_no")
            .values_list(
                "household__household_no",
                "household__area_path",
                "member_no",
                "name",
                "sex",
                "id_number",
                "birth_date",
                "relation",
                "ethnicity",
                "education",
                "in_school",
                "health",
                "disability_type",
                "disability_grade",
                "labour",
                "migrant_months",
                "phone",
            )
        )
        sexes = dict(Sex.choices)
        for i, row in enumerate(members.iterator(chunk_size=5000), start=1):
            (
                hno,
                path,
                mno,
                mname,
                sex,
                idn,
                birth,
                rel,
                eth,
                edu,
                school,
                health,
                dtype,
                dgrade,
                lab,
                months,
                phone,
            ) = row
            open_ = reveal(path)
            counts["members"] = i
            if i % 5000 == 0:
                progress(65 + 30 * min(1, i / max(total * 4, 1)), f"已导出成员 {i} 人")
            yield [
                hno,
                mno,
                mname,
                str(sexes.get(sex, sex)),
                idn if open_ else mask_id_number(idn),
                birth.isoformat() if birth and open_ else (str(birth.year) + "年" if birth else ""),
                name("relation", rel),
                name("ethnicity", eth),
                name("education", edu),
                name("in_school", school),
                name("health", health) if open_ else HIDDEN,
                name("disability_type", dtype) if open_ else (HIDDEN if dtype else ""),
                (dgrade or "") if open_ else (HIDDEN if dgrade else ""),
                name("labour", lab),
                months,
                phone if open_ else mask_phone(phone),
            ]

    masked_note = "" if reveal.anywhere else "（身份证号等敏感信息已打码）"
    data = write_xlsx(
        [("农户名单", HOUSEHOLD_HEADERS, household_rows()), ("家庭成员", MEMBER_HEADERS, member_rows())],
        title_line=f"农户名单导出 筛选条件：{describe_filter(filters)}{masked_note}",
    )
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="household.export",
            target_type="register.household",
            target_label=f"农户名单导出：{describe_filter(filters)}"[:200],
            area=getattr(actor, "area", None),
            after={
                "filter": filters,
                "households": counts["households"],
                "members": counts["members"],
                "revealed": reveal.anywhere,
            },
        )
    return data, counts["households"], counts["members"]


def _heads(actor, qs) -> dict[int, str]:
    """Head's ID number per household of the export (one query over the scoped households)."""
    rows = (
        Member.objects.for_user(actor)
        .filter(household_id__in=qs.values("id"), status=MemberStatus.ACTIVE, relation=HEAD_RELATION)
        .values_list("household_id", "id_number")
    )
    return dict(rows.iterator(chunk_size=5000))


def _area_names(ids) -> dict[int, tuple[str, str]]:
    from jingzhun.areas.models import Area

    out = {}
    for area in Area.objects.filter(pk__in=ids).select_related("parent"):
        label = area.name
        if area.level in ("group", "hamlet") and area.parent_id:
            label = f"{area.parent.name}{area.name}"
        out[area.pk] = (label, area.code)
    return out
