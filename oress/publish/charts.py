"""matplotlib charts for the publications: Inter from the shipped fonts, colour-blind-safe colours,
deterministic SVG (fixed hash salt, no date) embedded as data URIs.

Chart text stays text (svg.fonttype "none"): WeasyPrint sets it in the Inter of the stylesheet's
@font-face (checked with every system font hidden), it can be selected and read aloud, and the PDF is
written twice as fast as with one outline per glyph (measured: 0.45 s against 1.05 s per panorama).

Only known values are drawn: a secret value is absent from the chart and the caller names it in a note.
"""
from __future__ import annotations

import base64
import io
from dataclasses import dataclass

from oress.config import TEMPLATES_DIR

MM = 1 / 25.4
INK = "#1d2433"
GRID = "#d5dcdb"
MUTED = "#5b6473"
# Okabe–Ito derived: distinguishable with every common colour-vision deficiency, and by lightness
ESS = "#0b6e69"
PRIVE = "#e69f00"
PUBLIC = "#56b4e9"
REFERENCES = ("#0b6e69", "#7a8c99", "#b4c0c8", "#dfe5e8")   # territory, département, région, France
CHAMP_COLOURS = {"ess": ESS, "prive_hors_ess": PRIVE, "public": PUBLIC, "ensemble": "#7a8c99"}

_ready = False


def setup() -> None:
    """Agg backend, the shipped Inter faces, a fixed SVG salt: the same input draws the same bytes."""
    global _ready
    if _ready:
        return
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import font_manager

    for font in sorted((TEMPLATES_DIR / "fonts").glob("Inter-*.otf")):
        font_manager.fontManager.addfont(str(font))
    matplotlib.rcParams.update({
        "font.family": "Inter", "font.size": 7.5, "text.color": INK, "axes.labelcolor": INK,
        "axes.edgecolor": GRID, "xtick.color": MUTED, "ytick.color": INK, "axes.linewidth": 0.6,
        "svg.hashsalt": "oress", "svg.fonttype": "none", "path.simplify": True,
        "axes.spines.top": False, "axes.spines.right": False, "legend.frameon": False,
        "figure.dpi": 100, "savefig.transparent": False, "axes.unicode_minus": True, "hatch.linewidth": 0.45,
    })
    _ready = True


def svg_uri(figure) -> str:
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    plt.close(figure)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


@dataclass(frozen=True)
class Series:
    label: str
    values: tuple[float | None, ...]     # one per category; None = not drawn (secret or not applicable)
    colour: str


def grouped_bars(categories: list[str], series: list[Series], formatter, width_mm: float = 170,
                 bar_mm: float = 3.6, xmax: float | None = None, legend: bool = True) -> str:
    """Horizontal grouped bars, categories top to bottom, each bar labelled with its formatted value."""
    setup()
    import matplotlib.pyplot as plt

    n_series, n_cat = len(series), len(categories)
    group_mm = bar_mm * n_series + 3.2
    height_mm = group_mm * n_cat + (9 if legend and n_series > 1 else 3) + 5
    figure, axis = plt.subplots(figsize=(width_mm * MM, height_mm * MM))
    step = 1.0 / (n_series + 0.9)
    known = [v for s in series for v in s.values if v is not None]
    top = xmax if xmax is not None else (max(known) if known else 1.0) or 1.0
    for i, serie in enumerate(series):
        ys = [c + (i - (n_series - 1) / 2) * step for c in range(n_cat)]
        pairs = [(y, v) for y, v in zip(ys, serie.values) if v is not None]
        if not pairs:
            axis.barh([], [], color=serie.colour, label=serie.label)
            continue
        axis.barh([y for y, _ in pairs], [v for _, v in pairs], height=step * 0.88, color=serie.colour,
                  label=serie.label, zorder=2)
        for y, v in pairs:   # the label at the bar's end, on its outer side
            axis.text(v + (top * 0.012 if v >= 0 else -top * 0.012), y, formatter(v), va="center",
                      ha="left" if v >= 0 else "right", fontsize=6.8, color=INK)
    axis.set_yticks(range(n_cat), categories)
    axis.invert_yaxis()
    bottom = min(0, *(known or [0]))
    axis.set_xlim(bottom - (top - bottom) * 0.16 if bottom < 0 else 0, top * 1.16)
    if bottom < 0:
        axis.axvline(0, color=GRID, linewidth=0.8, zorder=1)
    axis.xaxis.set_visible(False)
    axis.spines["bottom"].set_visible(False)
    axis.tick_params(axis="y", length=0, pad=4)
    if legend and n_series > 1:
        axis.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncols=n_series, fontsize=7, handlelength=1.2,
                    handleheight=0.9, columnspacing=1.4, borderaxespad=0.2)
    figure.tight_layout(pad=0.4)
    return svg_uri(figure)


def sector_panels(categories: list[str], postes: list[float | None], poids: list[float | None],
                  poids_reference: list[float | None], reference_label: str, count_fmt, pct_fmt,
                  width_mm: float = 170, own_label: str = "Territoire", row_mm: float = 6.2) -> str:
    """Two panels sharing the sector axis: ESS posts (bars), ESS weight in the sector (bar + reference dot)."""
    setup()
    import matplotlib.pyplot as plt

    n = len(categories)
    figure, (left, right) = plt.subplots(1, 2, sharey=True, figsize=(width_mm * MM, (row_mm * n + 12) * MM),
                                         layout="constrained")
    known = [v for v in postes if v is not None]
    top = max(known) if known else 1.0
    rows = [(i, v) for i, v in enumerate(postes) if v is not None]
    left.barh([i for i, _ in rows], [v for _, v in rows], height=0.62, color=ESS, zorder=2)
    for i, v in rows:
        left.text(v + top * 0.015, i, count_fmt(v), va="center", fontsize=6.8)
    left.set_xlim(0, (top or 1) * 1.22)
    left.set_title("Postes salariés de l’ESS", fontsize=7.5, loc="left", color=MUTED)
    weights = [(i, v) for i, v in enumerate(poids) if v is not None]
    right.barh([i for i, _ in weights], [v for _, v in weights], height=0.62, color="#8cc5c0", zorder=2,
               label=own_label)
    for i, v in weights:
        right.text(min(v, 100) + 1.5, i, pct_fmt(v), va="center", fontsize=6.8)
    refs = [(i, v) for i, v in enumerate(poids_reference) if v is not None]
    if refs:
        right.scatter([v for _, v in refs], [i for i, _ in refs], marker="|", s=70, linewidths=1.6, color=INK,
                      zorder=3, label=reference_label)
    right.set_xlim(0, 122)
    right.set_title("Poids de l’ESS dans le secteur", fontsize=7.5, loc="left", color=MUTED)
    if refs:   # a legend only when there is a reference to tell apart
        handles, names = right.get_legend_handles_labels()
        right.legend(handles[::-1], names[::-1], loc="upper right", fontsize=6.5, ncols=2,
                     bbox_to_anchor=(1.0, 0.0), handlelength=1.0, columnspacing=1.0)
    for axis in (left, right):
        axis.xaxis.set_visible(False)
        axis.spines["bottom"].set_visible(False)
        axis.tick_params(axis="y", length=0, pad=4)
    right.spines["left"].set_visible(False)
    left.set_yticks(range(n), categories)
    left.invert_yaxis()
    return svg_uri(figure)


def index_lines(periods: list[str], series: list[Series], width_mm: float = 170, height_mm: float = 68,
                base_label: str = "") -> str:
    """Index curves (base 100) over quarters, one line per series; gaps where a value is not published, the
    last known value written at the line's end."""
    setup()
    import matplotlib.pyplot as plt

    figure, axis = plt.subplots(figsize=(width_mm * MM, height_mm * MM))
    axis.axhline(100, color=GRID, linewidth=0.8, zorder=1)
    for serie in series:
        values = [float("nan") if v is None else v for v in serie.values]
        axis.plot(range(len(periods)), values, color=serie.colour, linewidth=1.6, marker="o", markersize=2.6,
                  label=serie.label, zorder=2)
        known = [(i, v) for i, v in enumerate(serie.values) if v is not None]
        if known:
            i, v = known[-1]
            axis.annotate(f"{v:.1f}".replace(".", ","), (i, v), xytext=(4, 0), textcoords="offset points",
                          va="center", fontsize=6.8, color=serie.colour)
    step = max(1, len(periods) // 12)
    axis.set_xticks(range(0, len(periods), step), [periods[i] for i in range(0, len(periods), step)], fontsize=6.8)
    axis.set_xlim(-0.3, len(periods) - 0.4)
    axis.tick_params(axis="y", labelsize=6.8)
    axis.yaxis.set_major_formatter(lambda v, _: f"{v:.1f}".replace(".", ","))   # decimal comma
    axis.grid(axis="y", color=GRID, linewidth=0.4)
    if base_label:
        axis.set_ylabel(base_label, fontsize=6.8, color=MUTED)
    axis.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncols=min(len(series), 4), fontsize=7, handlelength=1.6,
                columnspacing=1.4, borderaxespad=0.2)
    figure.tight_layout(pad=0.4)
    return svg_uri(figure)
