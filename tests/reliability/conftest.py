"""Hypothesis profiles of the reliability suite: "ci" for the normal run, "long" for make fuzz-long."""

import os

from hypothesis import HealthCheck
from hypothesis import settings

PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")
settings.register_profile("ci", deadline=None, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                                                 HealthCheck.data_too_large])
settings.register_profile("long", parent=settings.get_profile("ci"))
settings.load_profile(PROFILE if PROFILE in ("ci", "long") else "ci")
