"""The board pack renders for a small synthetic world: HTML with the scorecard and SVG
charts, and a PDF whose pages, turned into PNG with pdftoppm, hold the scorecard table and
drawn charts (issue 9, 'What it must show')."""

from __future__ import annotations

import importlib
import io
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from PIL import Image

from msht.governance.indicators import INDICATORS
from msht.governance.models import IndicatorValue

# The charts' bars are GOV.UK blue; nothing else on the page is drawn in it.
BLUE = (0x1D, 0x70, 0xB8)
POPPLER_TOOLS = ("pdftoppm", "pdftotext")
EXAMPLE_MIGRATION = "msht.governance.migrations.0003_example_inspection_and_competencies"


def _poppler() -> None:
    """pdftoppm and pdftotext come with Debian's poppler-utils."""
    missing = [tool for tool in POPPLER_TOOLS if shutil.which(tool) is None]
    if not missing:
        return
    reason = f"{', '.join(missing)} not installed (apt-get install poppler-utils)"
    if os.environ.get("MSHT_REQUIRE_BROWSER") == "1":
        pytest.fail(reason)
    pytest.skip(reason)


def _blue_pixels(png: Path) -> int:
    with Image.open(png) as image:
        data = image.convert("RGB").tobytes()
    pixels = zip(data[0::3], data[1::3], data[2::3], strict=True)
    return sum(
        all(abs(channel - want) <= 8 for channel, want in zip(pixel, BLUE, strict=True))
        for pixel in pixels
    )


@pytest.fixture
def small_world(tmp_path: Path) -> None:
    """A few hundred synthetic referrals, their decisions and intelligence, loaded, with the
    example inspection (loaded again in case a committed test flushed the database)."""
    importlib.import_module(EXAMPLE_MIGRATION).load(apps, None)
    world = tmp_path / "world"
    call_command("synth", referrals=400, seed=3, out=str(world), stdout=io.StringIO())
    call_command("load", str(world), stdout=io.StringIO())


@pytest.mark.slow
@pytest.mark.django_db
def test_the_board_pack_renders_html_and_a_pdf_with_the_scorecard_and_charts(
    small_world: None, tmp_path: Path
) -> None:
    _poppler()
    out = tmp_path / "pack"
    stdout = io.StringIO()

    call_command("boardpack", "--period", "2024Q3", "--out", str(out), stdout=stdout)

    html = (out / "boardpack.html").read_text(encoding="utf-8")
    assert "boardpack.html" in stdout.getvalue()
    assert (out / "boardpack.css").is_file()
    assert "<caption>Every indicator, nationally</caption>" in html
    for definition in INDICATORS:
        assert definition.name in html
    assert html.count('role="img"') >= len(INDICATORS)
    assert "style=" not in html
    assert "Response overdue" in html  # the example: answered 24 weeks after receipt
    assert IndicatorValue.objects.filter(period="2024Q3").exists()
    assert IndicatorValue.objects.filter(period="2023Q4").exists()

    text = subprocess.run(
        ["pdftotext", "-layout", str(out / "boardpack.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "National scorecard" in text
    assert re.search(r"Overdue inspection actions\s+\d+ actions\s+0 actions", text)
    assert "Inspection reports and responses" in text
    assert "OVERDUE" in text

    subprocess.run(
        ["pdftoppm", "-r", "60", "-png", str(out / "boardpack.pdf"), str(out / "page")],
        check=True,
    )
    pages = sorted(out.glob("page-*.png"))
    assert len(pages) >= 2
    # The first page holds the scorecard and the first charts: their bars are drawn.
    assert _blue_pixels(pages[0]) > 500


@pytest.mark.django_db
def test_the_command_refuses_a_period_that_is_not_a_quarter(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="is not a quarter"):
        call_command("boardpack", "--period", "2024-09", "--out", str(tmp_path))
