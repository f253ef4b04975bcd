"""The policy app has no background jobs (values are few; assessments that read them run in assessment)."""
