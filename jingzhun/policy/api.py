"""REST API of the policy app. ``ROUTES`` is collected by config/api_urls.py."""

# (prefix under /api/v1/, viewset, basename)
ROUTES: list = []
