"""Hypothesis profiles of the reliability suite: "suite" (make test), "ci" and "long" (make fuzz-long).

A profile is loaded only when HYPOTHESIS_PROFILE names it, so other test folders keep hypothesis's
defaults; the tests here set their own case counts and a relaxed deadline per test.
"""

import os

from hypothesis import settings
from reliability_support import RELAXED

settings.register_profile("suite", **RELAXED)
settings.register_profile("ci", **RELAXED)
settings.register_profile("long", **RELAXED)
if os.environ.get("HYPOTHESIS_PROFILE") in ("suite", "ci", "long"):
    settings.load_profile(os.environ["HYPOTHESIS_PROFILE"])
