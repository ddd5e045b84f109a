"""Charts drawn on the server as inline SVG: no chart library, no script, and they print.

A horizontal bar chart writes each bar's figure beside it in words ("85%", "12 件"), or inside the
bar's end where a long figure would run off the picture, so nothing is read from a colour or from the
bar's length alone; the chart is one image to a screen reader, named
by its <title> and described by a <desc> that reads every bar out. The page's tables carry the same
figures for anyone who wants the numbers.

    bar_chart("各联系干部的响应率", [Bar("王芳", 0.85, "85%"), ...], ident="help-response", scale=1.0)
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

WIDTH = 640
LABEL_WIDTH = 170  # the labels' column; a bar starts after it
BAR_AREA = 370  # the longest bar; the rest of the width is for the figure written beside it
ROW = 34
BAR_HEIGHT = 22
TOP = 8
LABEL_CHARS = 9  # about what fits in LABEL_WIDTH at 16px; longer labels are cut, in full in <desc>
BAR_FILL = "#0b4f9c"  # console.css's --accent (an SVG attribute cannot read a CSS variable)
TRACK_FILL = "#f2f2f2"
INK = "#111"
ON_BAR = "#fff"  # a figure written inside the bar: white on BAR_FILL is well over 4.5:1
WIDE_CHAR, NARROW_CHAR = 16, 10  # about what a character takes at 16px bold (CJK, Latin/digits)


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None  # None: no figure for it (no bar is drawn, the text says so)
    text: str  # written beside the bar: the figure as a person reads it


def rate_text(value: float | None) -> str:
    """A share the services give as 0..1, as people say it: 85%; — when there is nothing to divide."""
    return "—" if value is None else f"{round(value * 100)}%"


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"


def _text_width(text: str) -> int:
    """Roughly, in px: enough to tell whether a figure still fits beside its bar."""
    return sum(WIDE_CHAR if ord(char) >= 0x2E80 else NARROW_CHAR for char in text)


def _figure(x_end: float, middle: float, text: str) -> str:
    """The figure beside the bar's end; inside it (right-aligned, white) when it would run off the
    picture beside it and fits inside."""
    width = _text_width(text)
    if x_end + 8 + width > WIDTH and x_end - LABEL_WIDTH >= width + 16:
        return (f'<text x="{x_end - 8}" y="{middle}" text-anchor="end" dominant-baseline="central" '
                f'fill="{ON_BAR}" font-weight="bold">{escape(text)}</text>')
    return (f'<text x="{x_end + 8}" y="{middle}" dominant-baseline="central" fill="{INK}" '
            f'font-weight="bold">{escape(text)}</text>')


def _row(n: int, bar: Bar, scale: float) -> str:
    y = TOP + n * ROW
    middle = y + BAR_HEIGHT / 2
    share = 0.0 if bar.value is None or scale <= 0 else max(0.0, min(1.0, bar.value / scale))
    length = round(share * BAR_AREA, 1)
    if bar.value is not None and bar.value > 0 and length < 2:
        length = 2.0  # a figure above nothing still shows a sliver
    text = bar.text if bar.value is not None else f"{bar.text}（没有数据）"
    return (
        f'<g><text x="{LABEL_WIDTH - 10}" y="{middle}" text-anchor="end" dominant-baseline="central" '
        f'fill="{INK}">{escape(_short(bar.label))}</text>'
        f'<rect x="{LABEL_WIDTH}" y="{y}" width="{BAR_AREA}" height="{BAR_HEIGHT}" fill="{TRACK_FILL}"/>'
        f'<rect x="{LABEL_WIDTH}" y="{y}" width="{length}" height="{BAR_HEIGHT}" fill="{BAR_FILL}"/>'
        f'{_figure(LABEL_WIDTH + length, middle, text)}</g>'
    )


def bar_chart(title: str, bars: Sequence[Bar], *, ident: str, scale: float | None = None,
              empty: str = "这段时间没有数据。") -> Markup:
    """A horizontal bar chart as inline SVG. `scale`: the value of a full-length bar (1.0 for a
    share); by default the largest value. `ident` makes the ids of its title and description unique
    on the page. Drawn at its own size (16px text), shrunk only where the page is narrower. No bars:
    a sentence saying so instead of an empty picture."""
    if not bars:
        return Markup('<p class="hint">{}：{}</p>').format(title, empty)
    ident = str(escape(ident))
    top = scale if scale is not None else max((b.value or 0.0) for b in bars)
    height = TOP * 2 + len(bars) * ROW
    described = "；".join(f"{b.label} {b.text if b.value is not None else '没有数据'}" for b in bars)
    rows = "".join(_row(n, bar, top) for n, bar in enumerate(bars))
    return Markup(
        f'<figure class="chart"><figcaption>{escape(title)}</figcaption>'
        f'<svg role="img" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" '
        f'style="max-width:100%;height:auto" font-size="16" aria-labelledby="{ident}-t {ident}-d" '
        f'xmlns="http://www.w3.org/2000/svg"><title id="{ident}-t">{escape(title)}</title>'
        f'<desc id="{ident}-d">{escape(described)}</desc>{rows}</svg></figure>'
    )
