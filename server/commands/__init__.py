"""`consent-service`: the service's command line (group.py), one module per concern of commands."""
