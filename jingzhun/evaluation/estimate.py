"""Design-based rates with 95 % confidence intervals (pure arithmetic, no database).

Design: villages are drawn without replacement in strata h (township × poor/non-poor village); a sampled
village i of stratum h has the weight w_i = N_h ÷ n_h (villages in the stratum ÷ villages drawn). Within
a village the households enter unweighted, as the evaluation's formulas count sampled persons
(households per village are fixed by the design, so the village weight carries the design).

For an indicator with village totals y_i (e.g. wrongly exited persons) and x_i (sampled exited persons):

    R̂ = Σ w_i y_i ÷ Σ w_i x_i                                   (ratio estimator)
    z_i = w_i (y_i − R̂ x_i)                                     (linearised residual)
    v(R̂) = 1/X̂² · Σ_h n_h/(n_h − 1) · Σ_{i∈h} (z_i − z̄_h)²    (villages as clusters, X̂ = Σ w_i x_i)
    95 % CI = R̂ ± 1.96 √v(R̂), clipped to [0, 100 %]

This is the usual "ultimate cluster", with-replacement approximation (what R's ``survey`` package or
Stata's ``svy: ratio`` do without a finite population correction): the variance between villages also
carries the variance of the household draw, and leaving out the correction makes the interval slightly
conservative. Strata with one sampled village have no between-village variance of their own; they are
pooled per village class (poor / non-poor) into one collapsed stratum (``variance_strata``). Every sampled
village is a cluster of every indicator, also when it has no household of that indicator's domain
(x_i = 0), as domain estimation requires.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

Z95 = 1.96


@dataclass(frozen=True)
class Cluster:
    stratum: str  # variance stratum
    weight: float
    y: float
    x: float


def variance_strata(design_strata: dict[str, str]) -> dict[str, str]:
    """design stratum key → variance stratum key; singleton strata pooled by class (key "…:class").

    ``design_strata``: village key → design stratum key of the form "<township>:<class>".
    """
    sizes: dict[str, int] = defaultdict(int)
    for s in design_strata.values():
        sizes[s] += 1
    return {v: (s if sizes[s] > 1 else "*:" + s.rsplit(":", 1)[-1]) for v, s in design_strata.items()}


def ratio(clusters: list[Cluster]) -> dict:
    """The ratio estimate in % with its standard error and 95 % CI (None values without a denominator)."""
    y_hat = sum(c.weight * c.y for c in clusters)
    x_hat = sum(c.weight * c.x for c in clusters)
    out = {
        "y": sum(c.y for c in clusters),
        "x": sum(c.x for c in clusters),
        "y_hat": round(y_hat, 4),
        "x_hat": round(x_hat, 4),
        "villages": len(clusters),
        "rate": None,
        "se": None,
        "low": None,
        "high": None,
    }
    if x_hat <= 0:
        return out
    r = y_hat / x_hat
    by_stratum: dict[str, list[float]] = defaultdict(list)
    for c in clusters:
        by_stratum[c.stratum].append(c.weight * (c.y - r * c.x))
    total = 0.0
    for zs in by_stratum.values():
        n = len(zs)
        if n < 2:
            continue
        mean = sum(zs) / n
        total += n / (n - 1) * sum((z - mean) ** 2 for z in zs)
    se = math.sqrt(total) / x_hat
    out.update(
        rate=round(r * 100, 4),
        se=round(se * 100, 4),
        low=round(max(0.0, r - Z95 * se) * 100, 4),
        high=round(min(1.0, r + Z95 * se) * 100, 4),
    )
    return out


def scaled(rate: dict, base: int | None) -> dict | None:
    """An estimated county count: the rate applied to a known county total (e.g. exited persons)."""
    if base is None or rate["rate"] is None:
        return None
    return {
        "base": base,
        "estimate": round(rate["rate"] * base / 100, 4),
        "low": round(rate["low"] * base / 100, 4),
        "high": round(rate["high"] * base / 100, 4),
        "se": rate["se"] * base / 100,
    }


def composite(remaining: int, wrong: dict | None, missed: dict | None, population: int | None) -> dict | None:
    """综合贫困发生率 = (remaining registered poor + est. 漏评 + est. 错退) ÷ rural population.

    Its interval treats the two estimated counts as independent (they come from disjoint households):
    se = √(se_wrong² + se_missed²) ÷ population.
    """
    if not population or wrong is None or missed is None:
        return None
    count = remaining + wrong["estimate"] + missed["estimate"]
    se = math.sqrt(wrong["se"] ** 2 + missed["se"] ** 2)
    rate = count * 100 / population
    half = Z95 * se * 100 / population
    return {
        "remaining": remaining,
        "count": round(count, 4),
        "population": population,
        "rate": round(rate, 4),
        "low": round(max(0.0, rate - half), 4),
        "high": round(min(100.0, rate + half), 4),
    }
