"""Equal access (policy 1.3.3): do visitors who opt out get the same information? Pure comparison, no network."""
