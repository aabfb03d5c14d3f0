"""Writes of the analytics app: refreshing the store and publishing statistics (audited)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import io
import shutil
import tempfile
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import duckdb
from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from msht.accounts.models import User
from msht.accounts.rules import Action, Actor, require
from msht.analytics.engine.dashboard_store import (
    StoredDashboards,
    dashboard_plan,
    store_dashboards,
)
from msht.analytics.engine.disclosure import DisclosureRules, Quantity
from msht.analytics.engine.files import write_csv, write_notes_csv, write_ods
from msht.analytics.engine.layout import (
    Protected,
    StatTable,
    protect_release,
    release_caveats,
    release_tables,
    table_from_json,
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
from msht.analytics.store import (
    dashboard_threshold,
    default_store_path,
    open_store,
    put_in_place,
    remove_staging,
    staging_path,
)
from msht.audit.models import AuditEventType
from msht.audit.services import audit_record
from msht.core import policy
from msht.core.errors import ValidationError

# Dashboards a scheduled refresh protects: every quarter of every organisation took 279 s
# more per refresh on 5,000 referrals (32 quarters, 88 organisations); dashboards serve the
# recent quarters, publications the rest.
DEFAULT_DASHBOARD_QUARTERS = 8
RELEASE_STYLESHEET = "statistics-release.css"
STYLESHEET_DIRECTORY = Path(__file__).resolve().parent.parent / "static" / "msht"
RECIPIENT_MISSING = "Say who the statistics are for (the recipient)"
JUSTIFICATION_MISSING = "Say why the statistics are being released (the justification)"
UNKNOWN_TABLE = "The publication has no table called {key}"
DOWNLOAD_REFUSED = "The download cannot be made"


def pseudonym_key() -> bytes:
    """The analytics pseudonym key, derived from SECRET_KEY so keys are stable across refreshes."""
    return derive_key(str(settings.SECRET_KEY))


@dataclass(frozen=True)
class RefreshSummary(SnapshotSummary):
    """What a refresh wrote: the snapshot's rows, and the dashboards protected from it."""

    dashboards: StoredDashboards | None = None
    snapshot_seconds: float = 0.0
    dashboard_seconds: float = 0.0


def analytics_refresh(
    actor: Actor | None,
    *,
    out: Path | None = None,
    progress: object | None = None,
    dashboards: bool = True,
    dashboard_quarters: int | None = None,
    dashboard_progress: Callable[[int, int], None] | None = None,
) -> RefreshSummary:
    """Snapshot the operational store into the pseudonymised analytics store (ARCHITECTURE.md,
    'The flow of data'), with every dashboard's figures protected from that snapshot by
    the publication's disclosure control (policy disclosure_minimum_count); the command
    line (actor None) runs as the operator.

    The new store is built and its dashboards computed beside the old one, then renamed
    over it, so pages read either the old snapshot's figures or the new one's.

    Args:
        actor: who refreshes; must be allowed ANALYTICS_REFRESH unless None.
        out: the DuckDB file to write (default VAR_DIR/analytics.duckdb).
        progress: a callable told the name of each step of the snapshot.
        dashboards: compute the dashboards' figures (pages say they are missing without).
        dashboard_quarters: only for the latest this many quarters (default every quarter).
        dashboard_progress: told (dashboards done, dashboards in all) after each one.

    Returns:
        The rows written per table, the share of referrals whose person is linked, the
        dashboards stored and the seconds each part took.
    """
    if actor is not None:
        require(actor, Action.ANALYTICS_REFRESH)
    destination = out or default_store_path()
    refreshed_at = timezone.now()
    staging = staging_path(destination)
    try:
        started = time.perf_counter()
        snapshot = build_snapshot(
            extract_store(),
            key=pseudonym_key(),
            destination=staging,
            source=database_vendor(),
            refreshed_at=refreshed_at,
            progress=progress if callable(progress) else None,
        )
        snapshot_seconds = time.perf_counter() - started
        stored = None
        if dashboards:
            with duckdb.connect(str(staging)) as connection:
                stored = store_dashboards(
                    connection,
                    rules=DisclosureRules(threshold=dashboard_threshold()),
                    plan=dashboard_plan(connection, latest_quarters=dashboard_quarters),
                    progress=dashboard_progress,
                )
        dashboard_seconds = time.perf_counter() - started - snapshot_seconds
        put_in_place(staging, destination)
    finally:
        remove_staging(staging)
    summary = RefreshSummary(
        path=destination,
        rows=snapshot.rows,
        linked_share=snapshot.linked_share,
        dashboards=stored,
        snapshot_seconds=snapshot_seconds,
        dashboard_seconds=dashboard_seconds,
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
                "dashboards": None if stored is None else dataclasses.asdict(stored),
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


def release_title(quarter: Quarter) -> str:
    """The title of a quarter's release (Home Office's own title, DOMAIN.md)."""
    return (
        "Modern Slavery: National Referral Mechanism and Duty to Notify statistics, UK, "
        f"{quarter.label}"
    )


def release_cover(
    quarter: Quarter,
    *,
    published_at: dt.datetime,
    threshold: int,
    round_to: int | None,
    rules_version: str,
) -> list[str]:
    """The cover sheet's lines: period, date, disclosure control and rules version."""
    return [
        f"Period: {quarter.label} ({quarter}), with the year to date, the year ending "
        f"{quarter.last_day:%B %Y} and the same quarter a year earlier.",
        f"Published: {published_at:%d %B %Y}.",
        f"Disclosure control: counts from 1 to {threshold - 1} are suppressed ([c]) with "
        "secondary suppression"
        + (f"; counts are rounded to the nearest {round_to}." if round_to else "."),
        f"Rules version: {rules_version}.",
        "Source: MSHT analytics store (pseudonymised).",
    ]


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
    shutil.copyfile(STYLESHEET_DIRECTORY / RELEASE_STYLESHEET, directory / RELEASE_STYLESHEET)
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
    title = release_title(quarter)
    cover = release_cover(
        quarter,
        published_at=published_at,
        threshold=rules.threshold,
        round_to=round_to,
        rules_version=rules_version,
    )
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


class DownloadFormat(StrEnum):
    """What of a stored publication can be downloaded."""

    ODS = "ods"
    CSV_ZIP = "csv_zip"
    CSV_TABLE = "csv_table"
    HTML = "html"


@dataclass(frozen=True)
class PublicationDownload:
    """One file made from a stored publication, ready to send."""

    filename: str
    content_type: str
    content: bytes


def _stored_release(publication: Publication) -> tuple[str, list[str], list[StatTable]]:
    quarter = Quarter.parse(publication.period)
    cover = release_cover(
        quarter,
        published_at=publication.published_at,
        threshold=publication.threshold,
        round_to=publication.round_to,
        rules_version=publication.rules_version,
    )
    return release_title(quarter), cover, [table_from_json(data) for data in publication.tables]


def _download_file(
    publication: Publication, file_format: DownloadFormat, table_key: str
) -> PublicationDownload:
    """The file, made again from the tables stored with the publication (exactly what was
    released), with every text cell escaped against formula injection (files.py)."""
    title, cover, tables = _stored_release(publication)
    stem = f"nrm-statistics-{publication.period}"
    with tempfile.TemporaryDirectory(prefix="msht-publication-") as scratch:
        directory = Path(scratch)
        if file_format is DownloadFormat.ODS:
            path = write_ods(
                directory / f"{stem}.ods",
                title=title,
                cover=cover,
                caveats=publication.caveats,
                tables=tables,
            )
            return PublicationDownload(
                path.name, "application/vnd.oasis.opendocument.spreadsheet", path.read_bytes()
            )
        if file_format is DownloadFormat.CSV_TABLE:
            chosen = [table for table in tables if table.key == table_key]
            if not chosen:
                raise ValidationError(DOWNLOAD_REFUSED, [UNKNOWN_TABLE.format(key=table_key)])
            path = write_csv(chosen[0], directory)
            return PublicationDownload(
                f"{stem}-{path.name}", "text/csv; charset=utf-8", path.read_bytes()
            )
        if file_format is DownloadFormat.CSV_ZIP:
            paths = [write_csv(table, directory) for table in tables]
            paths.append(write_notes_csv(tables, publication.caveats, directory))
            archive = io.BytesIO()
            with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as bundle:
                for path in paths:
                    bundle.write(path, f"{stem}/{path.name}")
            return PublicationDownload(f"{stem}-csv.zip", "application/zip", archive.getvalue())
    html = render_to_string(
        "analytics/release_document.html",
        {
            "title": title,
            "cover": cover,
            "caveats": publication.caveats,
            "sections": release_sections(tables),
            # One file on its own: the stylesheet goes inside it, and nothing links to the
            # CSV and ODS files it would sit beside in a published directory.
            "stylesheet": (STYLESHEET_DIRECTORY / RELEASE_STYLESHEET).read_text(encoding="utf-8"),
        },
    )
    return PublicationDownload(f"{stem}.html", "text/html; charset=utf-8", html.encode())


def publication_download(
    actor: Actor,
    *,
    publication: Publication,
    file_format: DownloadFormat,
    recipient: str,
    justification: str,
    table_key: str = "",
) -> PublicationDownload:
    """A stored publication as ODS, CSV (zip or one table) or HTML, released to a named
    recipient for a stated reason: a disclosure, audited as the audit app records them
    (record.disclosed with recipient and justification; DOMAIN.md, 'The national picture').

    Args:
        actor: who downloads; must be allowed STATISTICS_PUBLISH (analysts).
        publication: the stored publication.
        file_format: ODS workbook, every CSV in a zip, one table's CSV, or the HTML page.
        recipient: who the file is for.
        justification: why it is released.
        table_key: the table, for one table's CSV (``nationality_qtr``).

    Returns:
        The file's name, content type and bytes.
    """
    require(actor, Action.STATISTICS_PUBLISH)
    problems = [
        message
        for value, message in (
            (recipient, RECIPIENT_MISSING),
            (justification, JUSTIFICATION_MISSING),
        )
        if not value.strip()
    ]
    if problems:
        raise ValidationError(DOWNLOAD_REFUSED, problems)
    download = _download_file(publication, file_format, table_key)
    with transaction.atomic():
        audit_record(
            actor,
            event_type=AuditEventType.RECORD_DISCLOSED,
            obj=publication,
            details={
                "export": "statistics_publication",
                "period": publication.period,
                "format": str(file_format),
                "table": table_key if file_format is DownloadFormat.CSV_TABLE else "",
                "file": download.filename,
                "sha256": hashlib.sha256(download.content).hexdigest(),
                "recipient": recipient.strip(),
                "justification": justification.strip(),
            },
        )
    return download
