"""REST API of the comparison app. ``ROUTES`` is collected by config/api_urls.py.

Scoped like the pages: suspects in the user's area (evidence with masked IDs), batches the user uploaded
or manages (their bad rows, never their usable rows), runs with statistics by area, types, relatives,
alerts. Every write calls the service the page calls, so permissions, validation and audit stay in one
place: a DomainError is a 400 field map, AccessDenied a 403, both in Chinese (core.api.exception_handler).
Dry runs, loads and matching runs are the pages' background jobs, followed at /api/v1/jobs/<id>/.
"""

from .batches import BatchViewSet, DatasetTypeViewSet
from .runs import AlertViewSet, RelativeViewSet, RunViewSet
from .suspects import SuspectViewSet

# (prefix under /api/v1/, viewset, basename)
ROUTES: list = [
    ("comparison/suspects", SuspectViewSet, "comparison-suspect"),
    ("comparison/batches", BatchViewSet, "comparison-batch"),
    ("comparison/runs", RunViewSet, "comparison-run"),
    ("comparison/types", DatasetTypeViewSet, "comparison-type"),
    ("comparison/relatives", RelativeViewSet, "comparison-relative"),
    ("comparison/alerts", AlertViewSet, "comparison-alert"),
]
