"""Writes of the analytics app: refreshing the store and publishing statistics (audited)."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from msht.accounts.models import User
from msht.accounts.rules import Action, Actor, require
from msht.analytics.engine.disclosure import DisclosureRules, Quantity
from msht.analytics.engine.files import write_csv, write_notes_csv, write_ods
from msht.analytics.engine.layout import (
    Protected,
    StatTable,
    protect_release,
    release_caveats,
    release_tables,
    table_to_json,
)
from msht.analytics.engine.page import release_sections
from msht.analytics.engine.periods import Quarter
from msht.analytics.engine.pseudonym import derive_key
from msht.analytics.engine.snapshot import SnapshotSummary, build_snapshot
from msht.analytics.engine.tables import compute_release
from msht.analytics.extract import database_vendor
from msht.analytics.models import Publication
from msht.analytics.sources import extract_store
from msht.analytics.store import default_store_path, open_store
from msht.audit.models import AuditEventType
from msht.audit.services import audit_record
from msht.core import policy

RELEASE_STYLESHEET = "statistics-release.css"


def pseudonym_key() -> bytes:
    """The analytics pseudonym key, derived from SECRET_KEY so keys are stable across refreshes."""
    return derive_key(str(settings.SECRET_KEY))


def analytics_refresh(
    actor: Actor | None,
    *,
    out: Path | None = None,
    progress: object | None = None,
) -> SnapshotSummary:
    """Snapshot the operational store into the pseudonymised analytics store (ARCHITECTURE.md,
    'The flow of data'); the command line (actor None) runs as the operator.

    Args:
        actor: who refreshes; must be allowed ANALYTICS_REFRESH unless None.
        out: the DuckDB file to write (default VAR_DIR/analytics.duckdb).
        progress: a callable told the name of each step.

    Returns:
        The rows written per table and the share of referrals whose person is linked.
    """
    if actor is not None:
        require(actor, Action.ANALYTICS_REFRESH)
    destination = out or default_store_path()
    refreshed_at = timezone.now()
    raw = extract_store()
    summary = build_snapshot(
        raw,
        key=pseudonym_key(),
        destination=destination,
        source=database_vendor(),
        refreshed_at=refreshed_at,
        progress=progress if callable(progress) else None,
    )
    with transaction.atomic():
        audit_record(
            actor,
            event_type=AuditEventType.ANALYTICS_REFRESHED,
            object_type="analytics.store",
            object_id=destination.name,
            details={
                "rows": summary.rows,
                "linked_share": round(summary.linked_share, 6),
                "refreshed_at": refreshed_at.isoformat(),
            },
        )
    return summary


@dataclass(frozen=True)
class PublicationResult:
    """The publication recorded and the files written."""

    publication: Publication
    files: tuple[Path, ...]
    suppressed: int
    figures: int


def _earlier_pattern(before: Publication | None = None) -> dict[Quantity, bool]:
    """Every figure earlier publications showed: suppressed only if no release showed it."""
    earlier: dict[Quantity, bool] = {}
    publications = Publication.objects.all()
    if before is not None:
        publications = publications.exclude(pk=before.pk)
    for stored in publications.only("suppression_pattern"):
        for system, family, category, column, span, hidden in stored.suppression_pattern:
            quantity = Quantity(system, family, category, column, tuple(span))
            earlier[quantity] = earlier.get(quantity, True) and bool(hidden)
    return earlier


def _write_release(
    directory: Path,
    *,
    protected: Protected,
    tables: list[StatTable],
    caveats: list[str],
    cover: list[str],
    title: str,
) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    files = [write_csv(table, directory) for table in tables]
    files.append(write_notes_csv(tables, caveats, directory))
    files.append(
        write_ods(
            directory / f"nrm-statistics-{protected.release.quarter}.ods",
            title=title,
            cover=cover,
            caveats=caveats,
            tables=tables,
        )
    )
    html = render_to_string(
        "analytics/release_document.html",
        {
            "title": title,
            "cover": cover,
            "caveats": caveats,
            "sections": release_sections(tables),
            "csv_links": True,
            "ods_name": files[-1].name,
        },
    )
    page = directory / "index.html"
    page.write_text(html, encoding="utf-8")
    stylesheet = Path(__file__).resolve().parent.parent / "static" / "msht"
    shutil.copyfile(stylesheet / RELEASE_STYLESHEET, directory / RELEASE_STYLESHEET)
    files.extend([page, directory / RELEASE_STYLESHEET])
    return files


def statistics_publish(
    actor: Actor | None,
    *,
    period: str,
    out: Path,
    round_to: int | None = None,
    store: Path | None = None,
) -> PublicationResult:
    """Publish the quarterly NRM and Duty to Notify statistics for ``period`` with
    disclosure control (DOMAIN.md, 'The national picture'; policy disclosure_minimum_count).

    Args:
        actor: who publishes; must be allowed STATISTICS_PUBLISH unless None (operator).
        period: the quarter, written 2024Q3.
        out: the directory to write the ODS workbook, the CSV files and the HTML page to.
        round_to: round every published count to the nearest this (5), or not at all.
        store: the analytics store to read (default VAR_DIR/analytics.duckdb).

    Returns:
        The publication recorded, the files written and how many figures were suppressed.
    """
    if actor is not None:
        require(actor, Action.STATISTICS_PUBLISH)
    quarter = Quarter.parse(period)
    rules = DisclosureRules(
        threshold=int(policy.DISCLOSURE_MINIMUM_COUNT.default), round_to=round_to
    )
    earlier = _earlier_pattern()
    with open_store(store) as connection:
        release = compute_release(
            connection,
            quarter,
            also_quarters={q for quantity in earlier for q in quantity.span},
        )
    protected = protect_release(release, rules, earlier)
    tables = release_tables(protected)
    caveats = release_caveats(protected)
    published_at = timezone.now()
    rules_version = policy.rules_version_on(quarter.last_day)
    title = (
        "Modern Slavery: National Referral Mechanism and Duty to Notify statistics, UK, "
        f"{quarter.label}"
    )
    cover = [
        f"Period: {quarter.label} ({quarter}), with the year to date, the year ending "
        f"{quarter.last_day:%B %Y} and the same quarter a year earlier.",
        f"Published: {published_at:%d %B %Y}.",
        f"Disclosure control: counts from 1 to {rules.threshold - 1} are suppressed ([c]) with "
        "secondary suppression"
        + (f"; counts are rounded to the nearest {round_to}." if round_to else "."),
        f"Rules version: {rules_version}.",
        "Source: MSHT analytics store (pseudonymised).",
    ]
    files = _write_release(
        out, protected=protected, tables=tables, caveats=caveats, cover=cover, title=title
    )
    pattern = [
        [q.system, q.family, q.category, q.column, list(q.span), hidden]
        for q, hidden in protected.pattern.items()
    ]
    with transaction.atomic():
        publication = Publication.objects.create(
            period=str(quarter),
            published_at=published_at,
            published_by=actor if isinstance(actor, User) else None,
            rules_version=rules_version,
            threshold=rules.threshold,
            round_to=round_to,
            store_refreshed_at=release.refreshed_at,
            output_directory=str(out),
            suppression_pattern=pattern,
            tables=[table_to_json(table) for table in tables],
            caveats=caveats,
        )
        suppressed = sum(1 for hidden in protected.pattern.values() if hidden)
        audit_record(
            actor,
            event_type=AuditEventType.STATISTICS_PUBLISHED,
            obj=publication,
            details={
                "period": str(quarter),
                "rules_version": rules_version,
                "threshold": rules.threshold,
                "round_to": round_to,
                "tables": len(tables),
                "figures": len(protected.pattern),
                "suppressed": suppressed,
                "files": [path.name for path in files],
            },
        )
    return PublicationResult(publication, tuple(files), suppressed, len(protected.pattern))
