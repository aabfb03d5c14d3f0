"""The executive committee's board pack for a quarter: an accessible HTML report and a PDF
with charts, from the same stored indicator values (issue 9).

The indicators are computed for the quarter (again) and for any of the trend's earlier
quarters not yet stored; stored earlier quarters are kept as they were computed.
"""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from msht.accounts.models import Directorate
from msht.accounts.rules import Action as Permission
from msht.accounts.rules import Actor, require
from msht.audit.models import AuditEventType
from msht.audit.services import audit_record
from msht.core.periods import Quarter
from msht.governance import selectors
from msht.governance.engine.pdf import PdfIndicator, PdfPack, render_pdf
from msht.governance.services import indicator_values_compute
from msht.governance.templatetags.governance import figure

STYLESHEET = Path(__file__).with_name("boardpack.css")
HTML_NAME = "boardpack.html"
PDF_NAME = "boardpack.pdf"


@dataclass(frozen=True)
class BoardPack:
    html: Path
    pdf: Path
    period: Quarter


def _pdf_rows(rows: list[selectors.ScorecardRow]) -> list[PdfIndicator]:
    return [
        PdfIndicator(
            name=row.definition.name + (f": {row.label}" if row.breakdown else ""),
            value=figure(row.value, row.definition.unit),
            target=figure(row.definition.target, row.definition.unit),
            status=str(row.rag),
            trend=str(row.trend),
            unit=row.definition.unit,
            quarters=row.quarters,
            values=[None if value is None else float(value) for value in row.history],
            target_value=None if row.definition.target is None else float(row.definition.target),
        )
        for row in rows
    ]


def _inspection_table(reports: list[selectors.ReportPicture]) -> list[list[str]]:
    table = [["Report", "Received", "Response due", "Published", "Response", "Overdue actions"]]
    for picture in reports:
        report = picture.report
        table.append(
            [
                report.title,
                f"{report.received_on:%d %b %Y}",
                f"{report.response_due_on:%d %b %Y}",
                f"{report.published_on:%d %b %Y}" if report.published_on else "not yet",
                "OVERDUE" if picture.response_overdue else "within the window",
                str(sum(line.overdue_actions for line in picture.lines)),
            ]
        )
    return table


def _plan_table(plan: list[selectors.PlanStrand]) -> list[list[str]]:
    table = [["Strand", "Objective", "Owner", "Due", "Status"]]
    for item in plan:
        if not item.objectives:
            table.append([item.strand.name, "No objective agreed", "", "", ""])
        for objective in item.objectives:
            due = f"{objective.due_on:%d %b %Y}" if objective.due_on else "not set"
            table.append(
                [
                    item.strand.name,
                    objective.title,
                    str(objective.owner),
                    due,
                    objective.get_status_display(),
                ]
            )
    return table


def boardpack_write(
    actor: Actor | None, *, period: Quarter, out: Path, as_of: dt.date | None = None
) -> BoardPack:
    """Compute the quarter's indicators, then write the HTML pack (with its stylesheet) and
    the PDF into ``out``; the export is audited."""
    if actor is not None:
        require(actor, Permission.GOVERNANCE_VIEW)
    today = as_of or timezone.localdate()
    for earlier in period.trailing(selectors.TREND_QUARTERS)[:-1]:
        indicator_values_compute(actor, period=earlier, as_of=today, replace=False)
    indicator_values_compute(actor, period=period, as_of=today)
    national = selectors.scorecard(actor, period=period)
    directorates = [
        (label, selectors.scorecard(actor, period=period, directorate=code))
        for code, label in Directorate.choices
    ]
    reports = selectors.inspection_reports(actor, today=today)
    matrix = selectors.raci_matrix(actor)
    skills = selectors.skills_gaps(actor, today=today)
    plan = selectors.delivery_plan(actor, period=period)
    title = f"Modern slavery governance board pack: {period.label}"
    generated = timezone.localtime()
    context = {
        "title": title,
        "period": period,
        "generated": generated,
        "national": national,
        "directorates": directorates,
        "breakdowns": selectors.scorecard_breakdowns(actor, period=period),
        "reports": reports,
        "matrix": matrix,
        "skills": skills,
        "plan": plan,
    }
    out.mkdir(parents=True, exist_ok=True)
    html = out / HTML_NAME
    html.write_text(render_to_string("governance/boardpack.html", context), encoding="utf-8")
    shutil.copyfile(STYLESHEET, out / STYLESHEET.name)
    gaps = ", ".join(strand.name for strand in matrix.gaps) or "none"
    overlaps = ", ".join(strand.name for strand, _ in matrix.overlaps) or "none"
    pack = PdfPack(
        title=title,
        subtitle=f"{period} ({period.label}). Generated {generated:%d %B %Y %H:%M}.",
        national=_pdf_rows(national),
        sections=[(f"{label} scorecard", _pdf_rows(rows)) for label, rows in directorates],
        tables=[
            ("Inspection reports and responses", _inspection_table(reports)),
            ("Delivery plan", _plan_table(plan)),
        ],
        notes=[
            f"Roles and responsibilities: strands nobody is responsible for: {gaps}; "
            f"strands with several accountable: {overlaps}.",
            f"Skills: {len(skills.lapsing)} training records lapse in the next 90 days.",
        ],
    )
    pdf = render_pdf(pack, out / PDF_NAME)
    with transaction.atomic():
        audit_record(
            actor,
            event_type=AuditEventType.RECORD_EXPORTED,
            object_type="governance.boardpack",
            object_id=str(period),
            details={"period": str(period), "files": [HTML_NAME, PDF_NAME]},
        )
    return BoardPack(html, pdf, period)
