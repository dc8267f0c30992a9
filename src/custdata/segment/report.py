"""A self-contained HTML report: RFM grid heatmaps, segment sizes, cohort retention.

Charts are drawn with matplotlib and embedded as inline SVG: the page has no scripts, no CDN
and no external files, so it opens offline, prints well and stays small (about 100-200 KB for
the three charts; plotly would add ~3.5 MB of inlined JavaScript for the same pictures).
Text in the SVG stays text (``svg.fonttype = none``), so Cyrillic labels render with the
browser's fonts and can be searched and copied.
"""

from __future__ import annotations

import datetime as dt
import html
import io
from collections.abc import Callable
from typing import TYPE_CHECKING

import polars as pl

from custdata.errors import require_package
from custdata.segment.rfm_model import rfm_grid, segment_summary

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.image import AxesImage
    from numpy.typing import ArrayLike

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;margin:2rem auto;
max-width:1100px;color:#1f2933;padding:0 1rem}
h1{font-size:1.6rem;margin-bottom:.2rem} h2{font-size:1.2rem;margin-top:2.2rem;border-bottom:1px solid #d9e2ec}
.meta{color:#52606d;font-size:.9rem}
table{border-collapse:collapse;font-size:.9rem;margin-top:.6rem}
th,td{padding:.3rem .7rem;border-bottom:1px solid #e4e7eb;text-align:right}
th:first-child,td:first-child{text-align:left} th{background:#f5f7fa}
figure{margin:0} svg{max-width:100%;height:auto}
.cards{display:flex;gap:1rem;flex-wrap:wrap;margin-top:1rem}
.card{background:#f5f7fa;border-radius:8px;padding:.7rem 1rem;min-width:9rem}
.card b{display:block;font-size:1.3rem}
"""


def _need_matplotlib() -> None:
    require_package("matplotlib", feature="the HTML report's charts", extra="report")


def _svg(fig: Figure) -> str:
    from matplotlib.backends.backend_svg import FigureCanvasSVG

    buf = io.StringIO()
    FigureCanvasSVG(fig)
    fig.savefig(buf, format="svg", bbox_inches="tight")
    text = buf.getvalue()
    start = text.find("<svg")
    return text[start:] if start >= 0 else text


def _figure(width: float, height: float) -> Figure:
    _need_matplotlib()
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height))


def _heatmap(
    ax: Axes,
    matrix: ArrayLike,
    *,
    rows: list[str],
    cols: list[str],
    fmt: Callable[[float], str],
    cmap: str,
    title: str,
    xlabel: str,
    ylabel: str,
    legend: str | None = None,
) -> AxesImage:
    import numpy as np
    from matplotlib.ticker import FuncFormatter

    data = np.ma.masked_invalid(np.asarray(matrix, dtype=float))
    image = ax.imshow(data, cmap=cmap, aspect="auto")
    # cells without data show the hatched background, never the colour of a zero
    ax.set_facecolor("#f3f4f6")
    ax.patch.set_hatch("////")
    ax.patch.set_edgecolor("#c8ccd2")
    if legend is not None:  # a colour legend, labelled in the cells' own format
        bar = ax.figure.colorbar(image, ax=ax, fraction=0.035, pad=0.02)
        bar.ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: fmt(float(v)) or "0"))
        bar.set_label(legend, fontsize=9)
    ax.set_xticks(range(len(cols)), labels=cols)
    ax.set_yticks(range(len(rows)), labels=rows)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title, fontsize=11)
    top = float(data.max()) if data.count() else 0.0
    for i in range(data.shape[0]):
        for j in range(data.shape[1]):
            value = data[i, j]
            if value is np.ma.masked:
                continue
            color = "white" if top and value > 0.6 * top else "#1f2933"
            ax.text(j, i, fmt(float(value)), ha="center", va="center", fontsize=8, color=color)
    return image


def _money(value: float) -> str:
    if abs(value) >= 1e6:
        return f"{value / 1e6:.1f}M"
    if abs(value) >= 1e3:
        return f"{value / 1e3:.0f}k"
    return f"{value:.0f}"


def rfm_grid_svg(table: pl.DataFrame, *, bins: int = 5) -> str:
    """SVG of two R x F heatmaps (customers, revenue) for an :func:`~custdata.segment.rfm` table.

    >>> t = pl.DataFrame({"r_score": [5, 1], "f_score": [5, 1], "monetary": [10.0, 2.0]})
    >>> rfm_grid_svg(t).startswith("<svg")
    True
    """
    _need_matplotlib()
    from matplotlib import rc_context

    grid = rfm_grid(table, bins=bins)
    rows = [str(r) for r in range(bins, 0, -1)]
    cols = [str(f) for f in range(1, bins + 1)]

    def matrix(value: str) -> list[list[float]]:
        lookup = {(r, f): v for r, f, v in grid.select("r_score", "f_score", value).iter_rows()}
        return [
            [float(lookup.get((r, f), 0)) for f in range(1, bins + 1)] for r in range(bins, 0, -1)
        ]

    with rc_context({"svg.fonttype": "none", "font.family": "sans-serif"}):
        fig = _figure(10, 4.2)
        left, right = fig.subplots(1, 2)
        _heatmap(
            left,
            matrix("customers"),
            rows=rows,
            cols=cols,
            fmt=lambda v: f"{v:.0f}",
            cmap="Blues",
            title="Customers by R and F score",
            xlabel="F score (frequency)",
            ylabel="R score (recency)",
            legend="customers",
        )
        _heatmap(
            right,
            matrix("revenue"),
            rows=rows,
            cols=cols,
            fmt=_money,
            cmap="Greens",
            title="Revenue by R and F score",
            legend="revenue",
            xlabel="F score (frequency)",
            ylabel="R score (recency)",
        )
        return _svg(fig)


def segments_svg(summary: pl.DataFrame, *, segment: str = "rfm_segment") -> str:
    """SVG bar chart of customers and revenue share per segment (a :func:`segment_summary`).

    >>> s = pl.DataFrame({"rfm_segment": ["A"], "customers": [3], "share": [1.0], "revenue": [5.0],
    ...                   "revenue_share": [1.0]})
    >>> "<svg" in segments_svg(s)
    True
    """
    _need_matplotlib()
    from matplotlib import rc_context

    data = summary.sort("customers")
    labels = [str(x) for x in data[segment].to_list()]
    with rc_context({"svg.fonttype": "none", "font.family": "sans-serif"}):
        fig = _figure(10, 0.35 * max(len(labels), 3) + 1.2)
        left, right = fig.subplots(1, 2, sharey=True)
        left.barh(labels, data["share"].to_list(), color="#3e7cb1")
        left.set_title("Share of customers", fontsize=11)
        right.barh(labels, data["revenue_share"].to_list(), color="#4c9f70")
        right.set_title("Share of revenue", fontsize=11)
        for ax in (left, right):
            ax.xaxis.set_major_formatter(lambda v, _pos: f"{v:.0%}")
            ax.spines[["top", "right"]].set_visible(False)
        return _svg(fig)


def retention_svg(cohort_table: pl.DataFrame, *, max_periods: int = 24) -> str:
    """SVG heatmap of a :func:`~custdata.segment.cohorts` table (retention by month since first
    order; the first column, always 100%, is left out).

    >>> t = pl.DataFrame({"cohort": ["2024-01", "2024-01"], "period": [0, 1], "customers": [2, 2],
    ...                   "retention": [1.0, 0.5]})
    >>> retention_svg(t).startswith("<svg")
    True
    """
    _need_matplotlib()
    from matplotlib import rc_context

    from custdata.segment.cohorts import retention_matrix

    wide = retention_matrix(cohort_table)
    periods = [c for c in wide.columns if c.startswith("m") and c != "m0"][:max_periods]
    rows = [f"{c} ({n})" for c, n in wide.select("cohort", "customers").iter_rows()]
    matrix = (
        [
            [float("nan") if v is None else float(v) for v in row]
            for row in wide.select(periods).iter_rows()
        ]
        if periods
        else [[float("nan")] for _ in rows]
    )
    with rc_context({"svg.fonttype": "none", "font.family": "sans-serif"}):
        fig = _figure(10, 0.28 * max(len(rows), 4) + 1.4)
        ax = fig.subplots()
        _heatmap(
            ax,
            matrix,
            rows=rows,
            cols=[p[1:] for p in periods] or ["1"],
            fmt=lambda v: f"{v:.0%}",  # 0% is written: a month without orders, not "no data"
            cmap="YlOrRd",
            title="Share of each cohort ordering again, by months since the first order "
            "(hatched: after the end of the data)",
            xlabel="months since the first order",
            ylabel="cohort (customers)",
            legend="share of the cohort ordering that month",
        )
        return _svg(fig)


def _table(frame: pl.DataFrame, formats: dict[str, str]) -> str:
    head = "".join(f"<th>{html.escape(c)}</th>" for c in frame.columns)
    body = []
    for row in frame.iter_rows():
        cells = []
        for column, value in zip(frame.columns, row, strict=True):
            fmt = formats.get(column)
            text = "" if value is None else (format(value, fmt) if fmt else str(value))
            cells.append(f"<td>{html.escape(text)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def html_report(
    table: pl.DataFrame,
    *,
    cohort_table: pl.DataFrame | None = None,
    bins: int = 5,
    title: str = "Customer segments (RFM)",
    as_of: dt.date | str | None = None,
    notes: list[str] | None = None,
) -> str:
    """The whole report as one HTML string (the caller writes it to a file).

    ``table`` is an :func:`~custdata.segment.rfm` result; ``cohort_table`` a
    :func:`~custdata.segment.cohorts` result (its section is left out when None); ``notes`` are
    lines about the input shown under the title (e.g. how many returns were found).

    >>> t = pl.DataFrame({"r_score": [5, 1], "f_score": [5, 1], "monetary": [10.0, 2.0],
    ...                   "rfm_segment": ["Champions", "Hibernating"]})
    >>> page = html_report(t)
    >>> page.startswith("<!DOCTYPE html>") and "<script" not in page
    True
    """
    summary = segment_summary(table)
    scored = table.filter(pl.col("r_score").is_not_null())
    revenue = float(table["monetary"].sum() or 0.0)
    cards = [
        ("customers", f"{table.height:,}"),
        ("with purchases", f"{scored.height:,}"),
        ("net revenue", f"{revenue:,.0f}"),
    ]
    if "frequency" in table.columns:
        cards.append(("orders", f"{int(table['frequency'].sum() or 0):,}"))
    meta = f"Generated {dt.date.today().isoformat()}"
    if as_of:
        meta += f" · as of {as_of}"
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{html.escape(title)}</title><style>{_CSS}</style></head><body>",
        f'<h1>{html.escape(title)}</h1><p class="meta">{html.escape(meta)}</p>',
        '<div class="cards">'
        + "".join(
            f'<div class="card"><b>{html.escape(v)}</b>{html.escape(k)}</div>' for k, v in cards
        )
        + "</div>",
    ]
    if notes:
        parts.append(
            '<ul class="meta">' + "".join(f"<li>{html.escape(n)}</li>" for n in notes) + "</ul>"
        )
    parts += [
        "<h2>RFM grid</h2>",
        "<p>Rows: recency score (5 = bought most recently); columns: frequency score "
        "(5 = most orders). Each cell shows customers and their net revenue.</p>",
        f"<figure>{rfm_grid_svg(scored, bins=bins)}</figure>",
        "<h2>Segments</h2>",
        f"<figure>{segments_svg(summary)}</figure>",
        _table(summary, {"share": ".1%", "revenue": ",.0f", "revenue_share": ".1%"}),
    ]
    if cohort_table is not None and cohort_table.height:
        parts += ["<h2>Cohort retention</h2>", f"<figure>{retention_svg(cohort_table)}</figure>"]
    parts.append("</body></html>")
    return "\n".join(parts)
