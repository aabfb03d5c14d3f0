"""Reads of the data quality figures: per source, nationally, and over time."""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass, field

from msht.accounts.rules import Action, Actor, require
from msht.ingest.models import Batch, Source
from msht.quality.engine import dimensions
from msht.quality.models import Dimension, Measurement, QualityRun

RECENT_BATCHES = 10


@dataclass(frozen=True)
class SourceSummary:
    """One source in one run: a headline figure per dimension (None where not measurable)."""

    source: Source
    run: QualityRun
    scores: dict[str, float | None]
    records: int


@dataclass(frozen=True)
class AgreementRow:
    """How often one source's records agree on one field with other sources' records of the
    same person, and the other source it agrees with least."""

    source: Source
    field: str
    value: float | None
    agreed: int
    compared: int
    least_with: str
    least_value: float | None


@dataclass(frozen=True)
class NationalPicture:
    """The latest run: every source's headline figures, each field across sources, and
    each source's agreement with the others (least agreement first)."""

    run: QualityRun | None
    sources: list[SourceSummary]
    fields: list[dimensions.FieldPicture]
    agreement: list[AgreementRow] = field(default_factory=list)


@dataclass(frozen=True)
class BatchPicture:
    """One batch: its counts and its completeness per export column and group."""

    batch: Batch
    validity: float | None
    timeliness: float | None
    columns: list[Measurement]
    groups: dict[str, list[Measurement]]


@dataclass
class SourcePicture:
    """A source's page: latest figures by dimension, history, recent batches."""

    summary: SourceSummary | None
    measures: dict[str, list[Measurement]] = field(default_factory=dict)
    history: list[SourceSummary] = field(default_factory=list)
    batches: list[BatchPicture] = field(default_factory=list)


def _require(actor: Actor | None) -> None:
    """Analysts, governance and administrators; None is the operator at the command line."""
    if actor is not None:
        require(actor, Action.DATA_QUALITY_VIEW)


def _headline(measures: list[Measurement]) -> dict[str, float | None]:
    """One figure per dimension: completeness, consistency and accuracy are means over their
    fields; uniqueness is of whole rows; validity of the latest batch; timeliness in days."""
    by_dimension: dict[str, list[Measurement]] = defaultdict(list)
    for measure in measures:
        if not measure.group:
            by_dimension[measure.dimension].append(measure)
    scores: dict[str, float | None] = {}
    for dimension in Dimension.values:
        values = [m.value for m in by_dimension.get(dimension, []) if m.value is not None]
        if dimension == Dimension.UNIQUENESS:
            values = [
                m.value
                for m in by_dimension.get(dimension, [])
                if m.field == "(whole row)" and m.value is not None
            ]
        if dimension == Dimension.VALIDITY:
            values = [
                m.value
                for m in by_dimension.get(dimension, [])
                if not m.field and m.value is not None
            ]
        scores[dimension] = statistics.fmean(values) if values else None
    return scores


def _summaries(run: QualityRun) -> list[SourceSummary]:
    by_source: dict[int, list[Measurement]] = defaultdict(list)
    for measure in run.measurements.filter(batch=None).select_related("source"):
        by_source[measure.source_id].append(measure)
    summaries = []
    for measures in by_source.values():
        records = max(
            (m.denominator for m in measures if m.dimension == Dimension.COMPLETENESS), default=0
        )
        summaries.append(SourceSummary(measures[0].source, run, _headline(measures), records))
    return sorted(summaries, key=lambda summary: summary.source.code)


def _agreement(run: QualityRun) -> list[AgreementRow]:
    """Consistency against other sources, per source and field, least agreement first."""
    names = [name for name, _, _ in dimensions.AGREEMENT_FIELDS]
    overall: dict[tuple[int, str], Measurement] = {}
    per_other: dict[tuple[int, str], list[Measurement]] = defaultdict(list)
    for measure in run.measurements.filter(
        batch=None, dimension=Dimension.CONSISTENCY, field__in=names
    ).select_related("source"):
        key = (measure.source_id, measure.field)
        if measure.group:
            per_other[key].append(measure)
        else:
            overall[key] = measure
    rows = []
    for key, measure in overall.items():
        least = min(
            (other for other in per_other[key] if other.value is not None),
            key=lambda other: (other.value, other.group),
            default=None,
        )
        rows.append(
            AgreementRow(
                source=measure.source,
                field=measure.field,
                value=measure.value,
                agreed=measure.numerator,
                compared=measure.denominator,
                least_with=least.group if least else "",
                least_value=least.value if least else None,
            )
        )
    return sorted(
        rows,
        key=lambda row: (
            row.value if row.value is not None else 2.0,
            row.source.code,
            row.field,
        ),
    )


def quality_national(actor: Actor | None) -> NationalPicture:
    """Every source's headline figures and, per field, which source drags it down."""
    _require(actor)
    run = QualityRun.objects.first()
    if run is None:
        return NationalPicture(None, [], [])
    by_source: dict[str, list[dimensions.Measure]] = defaultdict(list)
    for measure in run.measurements.filter(
        batch=None, dimension=Dimension.COMPLETENESS, group=""
    ).select_related("source"):
        by_source[measure.source.code].append(
            dimensions.Measure(
                measure.dimension,
                measure.value,
                measure.numerator,
                measure.denominator,
                field=measure.field,
            )
        )
    return NationalPicture(
        run, _summaries(run), dimensions.national_fields(by_source), _agreement(run)
    )


def quality_sources(actor: Actor | None) -> list[Source]:
    """The sources there are figures for."""
    _require(actor)
    return list(Source.objects.all())


def _batch_picture(batch: Batch) -> BatchPicture:
    """A batch's validity, timeliness and completeness per column and group."""
    measures = Measurement.objects.filter(batch=batch).order_by("dimension", "group", "field")
    groups: dict[str, list[Measurement]] = defaultdict(list)
    columns = []
    validity = timeliness = None
    for measure in measures:
        if measure.dimension == Dimension.VALIDITY and not measure.field:
            validity = measure.value
        elif measure.dimension == Dimension.TIMELINESS:
            timeliness = measure.value
        elif measure.dimension == Dimension.COMPLETENESS and measure.group:
            groups[measure.group].append(measure)
        elif measure.dimension == Dimension.COMPLETENESS:
            columns.append(measure)
    return BatchPicture(batch, validity, timeliness, columns, dict(groups))


def quality_source(actor: Actor | None, *, code: str) -> SourcePicture:
    """One source: latest figures per dimension and field, history per run, recent batches."""
    _require(actor)
    source = Source.objects.get(code=code)
    picture = SourcePicture(summary=None)
    runs = QualityRun.objects.filter(measurements__source=source).distinct()
    for run in runs:
        measures = list(run.measurements.filter(source=source, batch=None))
        if not measures:
            continue
        summary = SourceSummary(source, run, _headline(measures), 0)
        if picture.summary is None:
            picture.summary = summary
            for measure in measures:
                picture.measures.setdefault(measure.dimension, []).append(measure)
        picture.history.append(summary)
    batches = Batch.objects.filter(source=source).order_by("-started_at", "-pk")[:RECENT_BATCHES]
    picture.batches.extend(_batch_picture(batch) for batch in batches)
    return picture
