"""Indicator definitions as data: what is counted, where, for which year, broken down by what.

An ``Indicator`` counts rows of one *subject* model (households, persons, monitoring cases, villages,
procedures, notices) that satisfy ``where(year)`` — a ``Q`` built from the year — optionally divided by a
denominator (the area's rural population, or another indicator). The same ``Q`` serves twice:

- the refresh job counts the rows in grouped SQL (``engine.py``: one GROUP BY village per indicator,
  year and breakdown; sums roll up the tree), and
- the drill-down lists the rows (``drill.py``), through the subject model's ``for_user`` scoping,

so a figure and the list behind it cannot drift apart.

Other apps add indicators with ``register(...)`` in a module named ``indicator_defs.py`` (found by
``autodiscover``), e.g. the assessment app's incidence by its own rules or the funds app's payments.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.db.models import Q
from django.utils.module_loading import autodiscover_modules

YearQ = Callable[[int], Q]


@dataclass(frozen=True)
class Subject:
    """What an indicator counts: rows of ``model`` (app_label.Model), placed by ``path`` (area path)."""

    key: str
    model_label: str
    path: str  # lookup of the area path on the model ("area_path", "household__area_path", "path")
    label: str = ""

    @property
    def model(self):
        return apps.get_model(self.model_label)


@dataclass(frozen=True)
class Dim:
    """A breakdown. ``field`` groups in SQL; ``members`` (for JSON lists such as risk types) makes the
    engine run one filtered count per member instead. ``q(member, year)`` filters a drill-down."""

    key: str
    label: str
    field: str = ""
    members: Callable[[], list[str]] | None = None
    q: Callable[[str, int], Q] | None = None
    labels: Callable[[], dict[str, str]] = dict

    def filter_q(self, member: str, year: int) -> Q:
        if self.q is not None:
            return self.q(member, year)
        return Q(**{self.field: member})


@dataclass(frozen=True)
class Indicator:
    code: str
    name: str
    unit: str
    subject: Subject
    where: YearQ
    breakdowns: tuple[str, ...] = ()
    # "rural_population" (AreaYearStat) or the code of another indicator; value = numerator ÷ denominator
    denominator: str = ""
    scale: int = 1  # 100 for a percentage
    snapshot: bool = False  # describes the present state (open notices …): stored for the current year only
    description: str = ""  # the counting rule in words, shown in the appendix and the drill-down page
    # first year worth computing (e.g. the first year with assistance records); earlier years are skipped
    since: Callable[[], int | None] | None = None
    group: str = "register"
    provider: str = "indicators"

    @property
    def is_ratio(self) -> bool:
        return bool(self.denominator)


_REGISTRY: dict[str, Indicator] = {}
_DIMS: dict[str, Dim] = {}
_discovered = False


def register(*indicators: Indicator) -> None:
    for ind in indicators:
        _REGISTRY[ind.code] = ind


def register_dim(*dims: Dim) -> None:
    for d in dims:
        _DIMS[d.key] = d


def autodiscover() -> None:
    """Load the built-in definitions and every app's ``indicator_defs`` module (once)."""
    global _discovered
    if _discovered:
        return
    _discovered = True
    from . import definitions  # noqa: F401 - registers the built-in indicators

    autodiscover_modules("indicator_defs")


def all_indicators() -> list[Indicator]:
    autodiscover()
    return list(_REGISTRY.values())


def get(code: str) -> Indicator | None:
    autodiscover()
    return _REGISTRY.get(code)


def dim(key: str) -> Dim | None:
    autodiscover()
    return _DIMS.get(key)


def year_end(year: int) -> datetime.date:
    return datetime.date(year, 12, 31)
