"""Clause 1.3.3's "as prominent as any other choice", measured as a visitor perceives the controls.

A visitor notices a control by where it is (on the first screen), how its text reads (size, weight,
contrast) and how big a target it is (height, and WCAG 2.5.8's 24×24 px floor). Width follows the
label: "Reject All" beside "Accept All Cookies" is narrower because it says less, so width counts only
for a text link or a control far narrower than its label explains (docs/clauses.md states the rule).
"""

from extension.contrast import contrast_ratio

MIN_TARGET_PX = 24  # WCAG 2.2 SC 2.5.8 Target Size (Minimum)
TEXT_SLACK = 0.9  # text 10 % smaller does not read as smaller
HEIGHT_SLACK = 0.75  # a neighbour whose label wraps onto two lines is taller without standing out more
WEIGHT_GAP = 300  # bold (700) beside regular (400) stands out; semi-bold (600) beside regular does not
FAR_NARROWER = 0.6  # under 60 % of the width its label's length accounts for
AREA_SLACK = 0.9  # a text link's box against a choice's box
MIN_CONTRAST = 4.5  # WCAG 1.4.3 for normal text
MIN_CONTRAST_LARGE = 3.0  # large text: 24 px, or 18.66 px bold
EDGE_PX = 1  # sub-pixel rounding at the screen's edge


def on_first_screen(control: dict, viewport: dict | None) -> bool:
    """Whether the control is shown whole in the first screen, before any scrolling."""
    if not control.get("visible", True):
        return False
    if not viewport:
        return True
    rect = control["rect"]
    return (rect["x"] >= -EDGE_PX and rect["y"] >= -EDGE_PX
            and rect["x"] + rect["width"] <= viewport["width"] + EDGE_PX
            and rect["y"] + rect["height"] <= viewport["height"] + EDGE_PX)


def text_contrast(control: dict) -> float | None:
    """The control's text against its own background (None when the colours were not measured)."""
    layers = (control.get("background") or {}).get("layers")
    if not control.get("color") or layers is None:
        return None
    return contrast_ratio(control["color"], layers)


def needed_contrast(control: dict) -> float:
    """WCAG's minimum for the control's text size and weight."""
    size = control.get("fontSize") or 0
    large = size >= 24 or (size >= 18.66 and (control.get("fontWeight") or 400) >= 700)
    return MIN_CONTRAST_LARGE if large else MIN_CONTRAST


def is_text_link(control: dict) -> bool:
    """A control without a box of its own (no fill, no border) reads as a link; an unmeasured link too."""
    if "boxed" in control:
        return not control["boxed"]
    return control.get("tag") == "a"


def label_share(opt_out: dict, other: dict) -> float:
    """How wide the opt-out may fairly be beside the other, from its label's length (at most as wide)."""
    mine = len((opt_out.get("name") or "").strip()) or 1
    theirs = len((other.get("name") or "").strip()) or 1
    return min(1.0, mine / theirs)


def under_floor(control: dict) -> bool:
    """Whether a control's target is under WCAG 2.5.8's 24×24 px."""
    return control["rect"]["width"] < MIN_TARGET_PX or control["rect"]["height"] < MIN_TARGET_PX


def target_problems(opt_out: dict, shown: list) -> list:
    """The 24×24 px floor of WCAG 2.5.8, where another choice meets it (all choices under it are alike)."""
    if opt_out.get("visible", True) and under_floor(opt_out) and any(not under_floor(other) for other in shown):
        width, height = opt_out["rect"]["width"], opt_out["rect"]["height"]
        return [f"its target is {width:.0f}×{height:.0f} px, under WCAG 2.5.8's {MIN_TARGET_PX}×{MIN_TARGET_PX} px"]
    return []


def text_problems(opt_out: dict, other: dict, label: str) -> list:
    """Text that reads smaller, lighter or fainter than the other choice's."""
    problems = []
    if opt_out.get("fontSize") and other.get("fontSize") and opt_out["fontSize"] < TEXT_SLACK * other["fontSize"]:
        problems.append(f"its text is smaller than that of {label}")
    mine, theirs = opt_out.get("fontWeight"), other.get("fontWeight")
    if mine and theirs and theirs - mine >= WEIGHT_GAP:
        problems.append(f"its text is lighter than that of {label} (weight {mine:.0f} against {theirs:.0f})")
    ratio, other_ratio = text_contrast(opt_out), text_contrast(other)
    needs = needed_contrast(opt_out)
    if ratio is not None and ratio < needs and (other_ratio is None or other_ratio > ratio):
        problems.append(f"its text contrast is {ratio}:1, under {needs}:1"
                        + (f", where {label} has {other_ratio}:1" if other_ratio is not None else ""))
    return problems


def size_problems(opt_out: dict, other: dict, label: str) -> list:
    """A smaller target: lower, a text link with less area, or far narrower than its label explains."""
    mine, theirs = opt_out["rect"], other["rect"]
    if mine["height"] < HEIGHT_SLACK * theirs["height"]:
        return [f"it is smaller than {label} ({mine['height']:.0f} px high against {theirs['height']:.0f} px)"]
    if is_text_link(opt_out) and not is_text_link(other):
        if mine["width"] * mine["height"] < AREA_SLACK * theirs["width"] * theirs["height"]:
            return [f"it is a text link, smaller than the button {label}"]
        return []
    if mine["width"] < FAR_NARROWER * label_share(opt_out, other) * theirs["width"]:
        return [f"it is smaller than {label} ({mine['width']:.0f} px wide against {theirs['width']:.0f} px, "
                "far narrower than its label explains)"]
    return []


def prominence(opt_out: dict, others: list, viewport: dict | None = None) -> list:
    """Ways the opt-out control is less prominent than another choice shown on the first screen."""
    shown = [other for other in others if on_first_screen(other, viewport)]
    problems = target_problems(opt_out, shown)
    for other in shown:
        label = f"“{other['name']}”"
        if not on_first_screen(opt_out, viewport):
            problems.append(f"it is not on the first screen without scrolling, where {label} is")
            continue
        problems += text_problems(opt_out, other, label) + size_problems(opt_out, other, label)
    return list(dict.fromkeys(problems))
