"""Installed speed-ups that change no output."""

from __future__ import annotations

import types


def test_reportlab_uses_its_c_helpers() -> None:
    """reportlab[accel] is a dependency: without rl_accel, reportlab silently falls back to
    pure-Python text measuring and number formatting, and the PDFs take about a tenth
    longer to build (the same bytes either way)."""
    from reportlab.lib import rl_accel

    for name in ("fp_str", "instanceStringWidthTTF", "asciiBase85Encode", "unicode2T1"):
        assert isinstance(getattr(rl_accel, name), types.BuiltinFunctionType), name
