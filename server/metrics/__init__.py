"""What the service counts for Prometheus: visitor requests by endpoint and agency, counts only (never a visitor)."""
