"""Demo support: removing a demo county's comparison data before the demo generator deletes households."""

from __future__ import annotations

from jingzhun.core.scoping import paths_q

from .models import AlertProposal, ComparisonRun, DatasetBadRow, DatasetBatch, DatasetRow, Relative, Suspect


def delete_comparison(county) -> None:
    """Suspects, alerts, relatives, runs and batches of ``county`` (rows and visits go with them)."""
    in_county = paths_q("area_path", [county.path])
    Suspect.objects.filter(in_county).delete()
    AlertProposal.objects.filter(in_county).delete()
    Relative.objects.filter(in_county).delete()
    batches = DatasetBatch.objects.filter(in_county)
    DatasetRow.objects.filter(batch__in=batches).delete()
    DatasetBadRow.objects.filter(batch__in=batches).delete()
    runs = ComparisonRun.objects.filter(in_county)
    batches.update(matched_run=None)
    for run in runs:
        run.batches.clear()
    runs.delete()
    batches.delete()
