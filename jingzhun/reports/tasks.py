"""Background jobs of the reports app: none yet — a report of a county renders in a few seconds, so it
is generated in the request (see bench/report.py)."""
