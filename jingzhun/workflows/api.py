"""REST API of the workflows app. ``ROUTES`` is collected by config/api_urls.py."""

from .api_notices import ROUTES as NOTICE_ROUTES
from .api_procedures import ROUTES as PROCEDURE_ROUTES

# (prefix under /api/v1/, viewset, basename)
ROUTES: list = [*PROCEDURE_ROUTES, *NOTICE_ROUTES]
