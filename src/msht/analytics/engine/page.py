"""The release page's sections: each table with its chart (server-drawn SVG)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from msht.analytics.engine.charts import Series, bar_chart, line_chart
from msht.analytics.engine.layout import CellValue, StatTable
from msht.analytics.engine.tables import TOTAL_LABEL


@dataclass(frozen=True)
class Section:
    """One table on the page, with its chart when it has one."""

    table: StatTable
    chart: str | None
    headline: bool


def _number(value: CellValue) -> float | None:
    return float(value) if isinstance(value, int | float) else None


def _total_heading(table: StatTable) -> str:
    return next(heading for heading in table.columns if heading.endswith(f": {TOTAL_LABEL}"))


def _series_chart(table: StatTable) -> str:
    labels = [label for label, _values in table.rows]
    lines = []
    for heading in table.columns:
        if heading.endswith(f": {TOTAL_LABEL}"):
            values = tuple(_number(value) for value in table.column(heading))
            if any(value is not None for value in values):
                lines.append(Series(heading.removesuffix(f": {TOTAL_LABEL}"), values))
    if not lines:
        lines.append(Series("Total", tuple(None for _label in labels)))
    return line_chart(f"chart-{table.key}", table.title, labels, lines)


def _bar(table: StatTable) -> str:
    heading = _total_heading(table)
    rows = [(label, values) for label, values in table.rows if label != TOTAL_LABEL]
    position = table.columns.index(heading)
    return bar_chart(
        f"chart-{table.key}",
        f"{table.title}: {heading.lower()}",
        [label for label, _values in rows],
        [_number(values[position]) for _label, values in rows],
    )


def release_sections(tables: Sequence[StatTable]) -> list[Section]:
    """Trend tables get a line chart, the quarter's tables a bar chart, the rest none."""
    sections = []
    for table in tables:
        if table.period == "series":
            sections.append(Section(table, _series_chart(table), headline=True))
        elif table.period == "qtr" or table.key.endswith("_qtr"):
            chart = None if table.dimension == "time_taken" else _bar(table)
            sections.append(Section(table, chart, headline=True))
        else:
            sections.append(Section(table, None, headline=False))
    return sections
