"""Helpers shared by the reliability tests: case counts per profile."""

import os
from pathlib import Path

from hypothesis import HealthCheck

REPO_ROOT = Path(__file__).resolve().parents[2]
SHIPPED_AGENCIES = REPO_ROOT / "agencies"
# Generated agency files and HTTP round trips are slow by hypothesis's standards, and slower on a busy machine.
RELAXED = {"deadline": None, "print_blob": True,
           "suppress_health_check": [HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large]}


# `make test` (profile "suite") runs this share of the "ci" figures; `make fuzz-long` the full "long" ones.
SUITE_SHARE = 4


def examples(ci, long, variable=None):
    """Cases per property: the environment variable if given and set, else the hypothesis profile's figure."""
    explicit = os.environ.get(variable) if variable else None
    if explicit:
        return int(explicit)
    profile = os.environ.get("HYPOTHESIS_PROFILE")
    if profile == "long":
        return long
    if profile == "suite":
        return max(1, ci // SUITE_SHARE)
    return ci
