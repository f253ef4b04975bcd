"""Background jobs of the evaluation app: none — a county's draw (≈ 30 villages × 10 households) and its
rates take well under a second, so they run in the request."""
