"""WCAG contrast from computed colours, including translucent layers."""

import pytest

from extension.contrast import contrast_ratio
from extension.contrast import flatten
from extension.contrast import parse_color


def test_parse_color_forms():
    assert parse_color("rgb(1, 2, 3)") == (1, 2, 3, 1.0)
    assert parse_color("rgba(1, 2, 3, 0.5)") == (1, 2, 3, 0.5)
    assert parse_color("rgb(1 2 3 / 50%)") == (1, 2, 3, 0.5)
    assert parse_color("oklch(0.5 0.1 20)") is None


@pytest.mark.parametrize("fg, layers, ratio", [
    ("rgb(0, 0, 0)", ["rgb(255, 255, 255)"], 21.0),
    ("rgb(0, 0, 0)", [], 21.0),  # nothing painted: the white page
    ("rgb(119, 119, 119)", ["rgb(255, 255, 255)"], 4.48),
    ("rgb(10, 10, 10)", ["rgb(10, 10, 10)"], 1.0),
])
def test_contrast_ratio(fg, layers, ratio):
    assert contrast_ratio(fg, layers) == pytest.approx(ratio, abs=0.01)


def test_translucent_background_is_composited_over_what_is_below():
    assert flatten(["rgba(0, 0, 0, 0.5)", "rgb(255, 255, 255)"])[:3] == (127.5, 127.5, 127.5)
    assert contrast_ratio("rgba(0, 0, 0, 0)", ["rgb(255, 255, 255)"]) == 1.0


def test_unknown_text_colour_is_not_judged():
    assert contrast_ratio("color(display-p3 1 0 0)", []) is None

