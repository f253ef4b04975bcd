"""Background jobs of the workflows app. None yet: batch steps act on a village's list (tens of
households) within a request; notices close on a user's action."""
