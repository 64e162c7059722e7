"""Placeholder until the equal-access checker lands: its helper replaces this module."""

from flask import Blueprint

bp = Blueprint("equal_access", __name__)
