"""The monitoring dashboard: the agencies × clauses matrix, an agency's history, a run's report, their JSON twins."""
