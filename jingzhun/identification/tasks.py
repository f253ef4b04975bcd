"""Background jobs of identification: none yet (candidate lists are a village's size; rule evaluation
runs per household inside the step that needs it)."""
