"""WCAG colour arithmetic on computed CSS colours, so readability is judged in Python where it is tested."""

import re

WHITE = (255.0, 255.0, 255.0, 1.0)
_RGB = re.compile(r"rgba?\(\s*([\d.]+)[,\s]+([\d.]+)[,\s]+([\d.]+)(?:\s*[,/]\s*([\d.]+%?))?\s*\)")


def parse_color(text: str | None) -> tuple | None:
    """(r, g, b, alpha) from a computed 'rgb(...)' or 'rgba(...)'; None for anything else."""
    match = _RGB.fullmatch((text or "").strip())
    if not match:
        return None
    r, g, b, a = match.groups()
    if a is None:
        alpha = 1.0
    elif a.endswith("%"):
        alpha = float(a[:-1]) / 100
    else:
        alpha = float(a)
    return float(r), float(g), float(b), alpha


def over(top: tuple, bottom: tuple) -> tuple:
    """Composite a possibly translucent colour over an opaque one."""
    alpha = top[3]
    return tuple(top[i] * alpha + bottom[i] * (1 - alpha) for i in range(3)) + (1.0,)


def flatten(layers: list) -> tuple:
    """The opaque colour seen through background layers (top first) over a white page."""
    result = WHITE
    for layer in reversed(layers):
        color = parse_color(layer)
        if color is not None:
            result = over(color, result)
    return result


def luminance(color: tuple) -> float:
    """Relative luminance as WCAG 2.1 defines it."""
    def channel(value):
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(v) for v in color[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(foreground: str, background_layers: list) -> float | None:
    """Contrast of text colour against the flattened background; None when a colour is unreadable."""
    fg = parse_color(foreground)
    if fg is None:
        return None
    bg = flatten(background_layers)
    text = over(fg, bg)
    lighter, darker = sorted((luminance(text), luminance(bg)), reverse=True)
    return round((lighter + 0.05) / (darker + 0.05), 2)

