"""Forms of the indicators app (the area/year switcher is a plain GET form in the templates)."""
