"""The board pack as PDF, drawn with ReportLab (tables and bar charts, no browser needed).

The HTML board pack is the accessible version; the PDF is for printing and circulating to
the executive committee, so it carries the same figures, each chart with its values in
words beneath it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from reportlab.graphics.shapes import Drawing, Line, Rect, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import (
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from msht.governance.engine.charts import trend_description

BLUE = colors.HexColor("#1d70b8")
BLACK = colors.HexColor("#0b0c0c")
GREY = colors.HexColor("#b1b4b6")
DARK_GREY = colors.HexColor("#505a5f")
RAG_COLOURS = {
    "red": colors.HexColor("#f4cdc6"),
    "amber": colors.HexColor("#fcd6c3"),
    "green": colors.HexColor("#cce2d8"),
}
CHART_WIDTH = 150 * mm
CHART_HEIGHT = 38 * mm


@dataclass(frozen=True)
class PdfIndicator:
    """One scorecard line and the values behind its chart."""

    name: str
    value: str
    target: str
    status: str
    trend: str
    unit: str
    quarters: Sequence[str]
    values: Sequence[float | None]
    target_value: float | None


@dataclass
class PdfPack:
    title: str
    subtitle: str
    national: list[PdfIndicator]
    sections: list[tuple[str, list[PdfIndicator]]] = field(default_factory=list)
    tables: list[tuple[str, list[list[str]]]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def bar_chart(indicator: PdfIndicator) -> Drawing:
    """Bars per quarter, the target as a dashed line; a quarter without a value is labelled
    "no data" and has no bar."""
    drawing = Drawing(CHART_WIDTH, CHART_HEIGHT)
    left, bottom, top = 12 * mm, 8 * mm, CHART_HEIGHT - 4 * mm
    known = [value for value in indicator.values if value is not None]
    ceiling = float(math.ceil(max([*known, indicator.target_value or 0.0, 1.0]) * 1.1))
    slot = (CHART_WIDTH - left) / max(len(indicator.quarters), 1)

    def height(value: float) -> float:
        return float((top - bottom) * value / ceiling)

    drawing.add(Line(left, bottom, CHART_WIDTH, bottom, strokeColor=GREY))
    drawing.add(String(left - 2, top - 6, f"{ceiling:,.0f}", fontSize=7, textAnchor="end"))
    drawing.add(String(left - 2, bottom, "0", fontSize=7, textAnchor="end"))
    for index, (quarter, value) in enumerate(
        zip(indicator.quarters, indicator.values, strict=True)
    ):
        x = left + index * slot + slot * 0.2
        drawing.add(String(x + slot * 0.3, 2, quarter, fontSize=7, textAnchor="middle"))
        if value is None:
            drawing.add(
                String(x + slot * 0.3, bottom + 3, "no data", fontSize=7, textAnchor="middle")
            )
            continue
        drawing.add(Rect(x, bottom, slot * 0.6, height(value), fillColor=BLUE, strokeColor=None))
        drawing.add(
            String(
                x + slot * 0.3,
                bottom + height(value) + 2,
                f"{value:,.1f}".removesuffix(".0"),
                fontSize=7,
                textAnchor="middle",
                fillColor=BLACK,
            )
        )
    if indicator.target_value is not None:
        y = bottom + height(indicator.target_value)
        drawing.add(Line(left, y, CHART_WIDTH, y, strokeColor=DARK_GREY, strokeDashArray=[3, 2]))
    return drawing


def _scorecard_table(rows: list[PdfIndicator], styles: dict[str, ParagraphStyle]) -> Table:
    body = styles["BodyText"]
    data: list[list[object]] = [["Indicator", "Value", "Target", "Status", "Trend"]]
    data += [
        [Paragraph(row.name, body), row.value, row.target, row.status, row.trend] for row in rows
    ]
    table = Table(data, colWidths=[78 * mm, 26 * mm, 26 * mm, 22 * mm, 22 * mm], repeatRows=1)
    commands: list[tuple[object, ...]] = [
        ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
        ("FONTSIZE", (0, 0), (-1, -1), 8),
        ("LINEBELOW", (0, 0), (-1, -1), 0.5, GREY),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
    for index, row in enumerate(rows, start=1):
        colour = RAG_COLOURS.get(row.status)
        if colour is not None:
            commands.append(("BACKGROUND", (3, index), (3, index), colour))
    table.setStyle(TableStyle(commands))
    return table


def _plain_table(rows: list[list[str]], styles: dict[str, ParagraphStyle]) -> Table:
    body = styles["BodyText"]
    data = [[Paragraph(cell, body) for cell in row] for row in rows]
    table = Table(data, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONTSIZE", (0, 0), (-1, -1), 8),
                ("LINEBELOW", (0, 0), (-1, -1), 0.5, GREY),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def render_pdf(pack: PdfPack, path: Path) -> Path:
    """Write the pack to ``path``: title, national scorecard, a chart per indicator, the
    directorates' scorecards, then the inspection and plan tables."""
    sheet = getSampleStyleSheet()
    styles = {name: sheet[name] for name in ("Title", "Heading2", "Heading3", "BodyText")}
    story: list[object] = [
        Paragraph(pack.title, styles["Title"]),
        Paragraph(pack.subtitle, styles["BodyText"]),
        Spacer(1, 4 * mm),
        Paragraph("National scorecard", styles["Heading2"]),
        _scorecard_table(pack.national, styles),
        Paragraph("Trends", styles["Heading2"]),
    ]
    for indicator in pack.national:
        words = trend_description(
            indicator.quarters, indicator.values, indicator.unit, indicator.target_value
        )
        story.append(
            KeepTogether(
                [
                    Paragraph(indicator.name, styles["Heading3"]),
                    bar_chart(indicator),
                    Paragraph(words, styles["BodyText"]),
                ]
            )
        )
    for title, rows in pack.sections:
        story += [Paragraph(title, styles["Heading2"]), _scorecard_table(rows, styles)]
    for title, table_rows in pack.tables:
        story.append(Paragraph(title, styles["Heading2"]))
        story.append(
            _plain_table(table_rows, styles)
            if len(table_rows) > 1
            else Paragraph("None.", styles["BodyText"])
        )
    for note in pack.notes:
        story.append(Paragraph(note, styles["BodyText"]))
    document = SimpleDocTemplate(
        str(path),
        pagesize=A4,
        title=pack.title,
        author="MSHT",
        subject=pack.subtitle,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
    )
    document.build(story)
    return path
