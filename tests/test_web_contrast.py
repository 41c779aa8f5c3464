"""The dashboard's colours meet WCAG 2.1 AA contrast, computed from styles.css itself."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

STYLES = Path(__file__).resolve().parents[1] / "src/cosmodrome/web/static/styles.css"
TEXT_COLOURS = ("--ink", "--muted", "--accent", "--ok", "--bad")  # text, links, series labels
BACKGROUNDS = ("#ffffff", "--panel", "--accent-soft", "--warn-bg")
AA_TEXT = 4.5  # WCAG 2.1 SC 1.4.3, normal text
AA_UI = 3.0  # WCAG 2.1 SC 1.4.11, focus rings and other non-text indicators


def variables() -> dict[str, str]:
    root = re.search(r":root\s*\{(.*?)\}", STYLES.read_text(encoding="utf-8"), flags=re.DOTALL)
    assert root, "styles.css has no :root block"
    return dict(re.findall(r"(--[\w-]+):\s*(#[0-9a-fA-F]{6})", root.group(1)))


def luminance(hex_colour: str) -> float:
    """Relative luminance, WCAG 2.1 definition."""
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_contrast_formula_reference_values() -> None:
    # Black on white is 21:1 and white on white 1:1 by the WCAG definition.
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#ffffff", "#ffffff") == pytest.approx(1.0)


@pytest.mark.parametrize("text", TEXT_COLOURS)
@pytest.mark.parametrize("background", BACKGROUNDS)
def test_text_colours_are_readable_on_every_background(text: str, background: str) -> None:
    colours = variables()
    fg = colours[text]
    bg = colours.get(background, background)
    assert contrast(fg, bg) >= AA_TEXT, (text, background, round(contrast(fg, bg), 2))


def test_white_on_accent_and_focus_ring() -> None:
    colours = variables()
    assert contrast("#ffffff", colours["--accent"]) >= AA_TEXT  # the current-page nav item
    assert contrast(colours["--focus"], "#ffffff") >= AA_UI
    assert contrast(colours["--focus"], colours["--panel"]) >= AA_UI
