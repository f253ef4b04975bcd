"""REST API for notices and objections."""

ROUTES: list = []
