"""The trend chart is accessible SVG: labelled, described value by value, gaps for no data."""

from __future__ import annotations

from xml.etree import ElementTree

from msht.governance.engine.charts import trend_chart

SVG = "{http://www.w3.org/2000/svg}"


def test_the_chart_describes_every_quarter_and_breaks_the_line_at_a_missing_value() -> None:
    svg = trend_chart(
        "c1",
        "Overdue actions",
        ["Q1", "Q2", "Q3", "Q4"],
        [1.0, 2.0, None, 4.0],
        unit="actions",
        target=0.0,
    )
    root = ElementTree.fromstring(svg)  # noqa: S314 - our own output

    assert root.get("role") == "img"
    description = root.find(f"{SVG}desc")
    assert description is not None
    assert (
        description.text
        == "Q1: 1 actions; Q2: 2 actions; Q3: no data; Q4: 4 actions; target 0 actions."
    )
    assert len(root.findall(f"{SVG}circle")) == 3
    # Q1 to Q2 is one line; Q4 stands alone after the gap.
    assert len(root.findall(f"{SVG}polyline")) == 1
    assert "style=" not in svg
