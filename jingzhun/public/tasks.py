"""Background tasks of the public app: none (the portal's writes are small and synchronous)."""
