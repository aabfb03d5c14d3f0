"""Writes of the linkage app: a linkage run and a reviewer's decision (audited).

A run reads every record of a kind from the store (committed data, through ADBC), links
them with the engine, and in one transaction stores the run, gives every record its
stable entity, logs merges and splits, and refreshes the clerical review queue.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import duckdb
from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from msht.accounts.models import User
from msht.accounts.rules import Action, Actor, require
from msht.audit.models import AuditEventType
from msht.audit.services import audit_record, audit_record_many
from msht.core.errors import ValidationError
from msht.intelligence.models import SuspectEntity, SuspectRecord
from msht.linkage.engine import (
    Decision,
    DuckDBBackend,
    EntityAssignment,
    LinkageResult,
    SparkBackend,
    Thresholds,
    TrainingPlan,
    assign_entities,
    link,
    prepare_records,
    spark_session,
)
from msht.linkage.engine.pipeline import COMPARISON_NAMES
from msht.linkage.engine.weights import comparison_levels
from msht.linkage.models import (
    ClericalDecision,
    ClericalPair,
    EntityChange,
    EntityChangeKind,
    LinkageEngine,
    LinkageKind,
    LinkageRun,
    LinkageRunStatus,
)
from msht.linkage.sources import store_records
from msht.referrals.models import PersonEntity, PersonRecord

UNKNOWN_KIND = "Linkage links persons or suspects, not {kind!r}."
UNKNOWN_ENGINE = "Linkage runs on duckdb or spark, not {engine!r}."
SPARK_NEEDS_MASTER = "A Spark run needs --spark-master (for example local[2])."
NOT_A_DECISION = "A decision is 'match' or 'not_match', not {decision!r}."
PAIR_ALREADY_DECIDED = "This pair was decided by another reviewer at {when}."
RUN_ALREADY_ACTIVE = (
    "A linkage run of {kind} started at {when} has not finished yet; wait for it to finish."
)
RUN_NOT_QUEUED = "Run {pk} is {status}, not waiting to start."
RUN_OTHER_KIND = "Run {pk} links {kind}, not {asked}."
RUN_NOT_STARTED = "The run's process could not be started: {error}"
RUN_PROCESS_GONE = "The run's process ended without finishing (see its log)."

ProgressCallback = Callable[[str], None]

_ENTITY_MODELS: dict[str, tuple[type[Model], type[Model], str, str]] = {
    LinkageKind.PERSONS: (
        PersonRecord,
        PersonEntity,
        "referrals.personrecord",
        "referrals.personentity",
    ),
    LinkageKind.SUSPECTS: (
        SuspectRecord,
        SuspectEntity,
        "intelligence.suspectrecord",
        "intelligence.suspectentity",
    ),
}


def review_action(kind: str) -> Action:
    """Who may review pairs of this kind (accounts.rules)."""
    if kind == LinkageKind.SUSPECTS:
        return Action.LINKAGE_REVIEW_SUSPECTS
    return Action.LINKAGE_REVIEW_PERSONS


def _decisions(kind: str) -> list[Decision]:
    """Every decision ever taken on pairs of this kind (they outrank the model)."""
    return [
        Decision(str(left), str(right), is_match=decision == ClericalDecision.MATCH)
        for left, right, decision in ClericalPair.objects.filter(kind=kind)
        .exclude(decision=ClericalDecision.UNDECIDED)
        .values_list("record_l_id", "record_r_id", "decision")
    ]


def _link(
    kind: str,
    engine: str,
    spark_master: str,
    thresholds: Thresholds,
    plan: TrainingPlan,
    progress: ProgressCallback | None,
) -> tuple[LinkageResult, dict[str, str]]:
    """Extract, prepare and link on the chosen engine; the run's own DuckDB connection
    holds the identifying data and is closed when the run ends."""
    if progress is not None:
        progress("extract")
    raw, previous = store_records(kind)
    connection = duckdb.connect()
    try:
        prepare_records(connection, raw)
        backend: DuckDBBackend | SparkBackend
        if engine == LinkageEngine.SPARK:
            backend = SparkBackend(connection, spark_session(spark_master))
        else:
            backend = DuckDBBackend(connection)
        result = link(
            backend,
            thresholds=thresholds,
            decisions=_decisions(kind),
            plan=plan,
            progress=progress,
        )
    finally:
        connection.close()
    return result, previous


def _evidence(model: dict[str, Any], row: dict[str, Any]) -> list[dict[str, Any]]:
    """A pair's comparison levels, labelled, with their match weights (for reviewers)."""
    found = []
    for comparison in comparison_levels(model):
        if comparison.name not in COMPARISON_NAMES:
            continue
        gamma = int(row[f"gamma_{comparison.name}"])
        level = comparison.level(gamma)
        found.append(
            {
                "comparison": comparison.name,
                "level": level.label if level else str(gamma),
                "match_weight": round(float(row[f"mw_{comparison.name}"]), 2),
            }
        )
    return found


def _write_entities(
    kind: str, run: LinkageRun, assignment: EntityAssignment, actor: Actor | None
) -> None:
    """New entities, every changed record's entity, the merge and split log, audited."""
    record_model, entity_model, record_type, entity_type = _ENTITY_MODELS[kind]
    entity_model.objects.bulk_create(  # type: ignore[attr-defined]
        [entity_model(id=uuid.UUID(hex=entity)) for entity in assignment.created],
        batch_size=2000,
    )
    record_model.objects.bulk_update(  # type: ignore[attr-defined]
        [
            record_model(pk=int(record), entity_id=uuid.UUID(hex=assignment.entity_of[record]))
            for record in assignment.changed_records
        ],
        ["entity"],
        batch_size=1000,
    )
    audit_record_many(
        actor,
        event_type=AuditEventType.LINKAGE_RUN,
        object_type=record_type,
        object_ids=assignment.changed_records,
        details={"run": run.pk, "change": "entity set"},
    )
    for merge in assignment.merges:
        change = EntityChange.objects.create(
            run=run,
            change=EntityChangeKind.MERGED,
            entity_id=uuid.UUID(hex=merge.into),
            other_entity_ids=[str(uuid.UUID(hex=other)) for other in merge.absorbed],
            records=merge.records,
        )
        audit_record(
            actor,
            event_type=AuditEventType.ENTITY_MERGED,
            object_type=entity_type,
            object_id=str(change.entity_id),
            details={"run": run.pk, "absorbed": change.other_entity_ids},
        )
    for split in assignment.splits:
        change = EntityChange.objects.create(
            run=run,
            change=EntityChangeKind.SPLIT,
            entity_id=uuid.UUID(hex=split.entity),
            other_entity_ids=[str(uuid.UUID(hex=other)) for other in split.into],
        )
        audit_record(
            actor,
            event_type=AuditEventType.ENTITY_SPLIT,
            object_type=entity_type,
            object_id=str(change.entity_id),
            details={"run": run.pk, "into": change.other_entity_ids},
        )
    # An entity absorbed by a merge is kept, with no record: other apps may point at it
    # (a network's ranking), and the merge log says which entity its records joined.


def _refresh_review_queue(kind: str, run: LinkageRun, result: LinkageResult) -> int:
    """Undecided pairs are replaced by this run's; decided pairs are kept for good."""
    ClericalPair.objects.filter(kind=kind, decision=ClericalDecision.UNDECIDED).delete()
    pairs = []
    for row in result.review_pairs.to_pylist():
        left, right = sorted((int(row["unique_id_l"]), int(row["unique_id_r"])))
        pairs.append(
            ClericalPair(
                kind=kind,
                record_l_id=left,
                record_r_id=right,
                run=run,
                match_probability=float(row["match_probability"]),
                match_weight=float(row["match_weight"]),
                evidence=_evidence(result.model, row),
            )
        )
    ClericalPair.objects.bulk_create(pairs, batch_size=1000, ignore_conflicts=True)
    return len(pairs)


def clerical_precision(kind: str) -> dict[str, Any]:
    """The model's precision as reviewers found it: of the pairs they decided, the share
    that were the same person, beside the share the model expected (its mean probability)."""
    decided = list(
        ClericalPair.objects.filter(kind=kind)
        .exclude(decision=ClericalDecision.UNDECIDED)
        .values_list("decision", "match_probability")
    )
    if not decided:
        return {"decided": 0}
    matches = sum(1 for decision, _ in decided if decision == ClericalDecision.MATCH)
    return {
        "decided": len(decided),
        "matches": matches,
        "precision": round(matches / len(decided), 4),
        "expected_precision": round(sum(p for _, p in decided) / len(decided), 4),
    }


@dataclass(frozen=True)
class RunSummary:
    """The stored run and its entity changes, for the command line to print."""

    run: LinkageRun
    assignment: EntityAssignment


def _process_alive(process_id: int) -> bool:
    """Whether a process of this id still runs on this machine."""
    try:
        os.kill(process_id, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _active_run(kind: str) -> LinkageRun | None:
    """A run of ``kind`` waiting to start or running, if any; one whose process has gone
    (killed, or the machine restarted) is marked failed instead, so it blocks no one."""
    unfinished = LinkageRun.objects.select_for_update().filter(
        kind=kind, status__in=(LinkageRunStatus.QUEUED, LinkageRunStatus.RUNNING)
    )
    for run in unfinished.order_by("-started_at"):
        if run.process_id is not None and not _process_alive(run.process_id):
            run.status = LinkageRunStatus.FAILED
            run.error = RUN_PROCESS_GONE
            run.finished_at = timezone.now()
            run.save(update_fields=["status", "error", "finished_at"])
            continue
        return run
    return None


def linkage_run_request(actor: Actor, *, kind: str) -> LinkageRun:
    """Queue a run from the runs page and start ``msht link`` for it once the queued row is
    committed; the request does not wait for the run (a run takes minutes at scale).

    Args:
        actor: who asks; must be allowed LINKAGE_RUN.
        kind: ``persons`` or ``suspects``.

    Returns:
        The queued LinkageRun, which the started process moves to running, then finished
        or failed.

    Examples:
        >>> linkage_run_request(analyst, kind="persons").status  # doctest: +SKIP
        'queued'
    """
    require(actor, Action.LINKAGE_RUN)
    if kind not in LinkageKind.values:
        raise ValidationError(UNKNOWN_KIND.format(kind=kind))
    thresholds = Thresholds()
    with transaction.atomic():
        # One run of a kind at a time: a second would link the same records twice over.
        active = _active_run(kind)
        if active is not None:
            raise ValidationError(
                RUN_ALREADY_ACTIVE.format(
                    kind=kind, when=f"{timezone.localtime(active.started_at):%d %B %Y %H:%M}"
                )
            )
        run = LinkageRun.objects.create(
            kind=kind,
            engine=LinkageEngine.DUCKDB,
            status=LinkageRunStatus.QUEUED,
            started_by=actor if isinstance(actor, User) else None,
            started_at=timezone.now(),
            upper_threshold=thresholds.upper,
            lower_threshold=thresholds.lower,
        )
        audit_record(
            actor,
            event_type=AuditEventType.LINKAGE_RUN,
            obj=run,
            details={"kind": kind, "engine": run.engine, "status": LinkageRunStatus.QUEUED},
        )
        transaction.on_commit(lambda: _start(run.pk, kind))
    return run


def _start(run_pk: int, kind: str) -> None:
    """Start the run's process and note its id; a failure to start fails the run."""
    from msht.linkage import launcher

    try:
        process_id = launcher.start_detached(run_pk=run_pk, kind=kind)
    except OSError as error:
        LinkageRun.objects.filter(pk=run_pk).update(
            status=LinkageRunStatus.FAILED,
            error=RUN_NOT_STARTED.format(error=error),
            finished_at=timezone.now(),
        )
        return
    LinkageRun.objects.filter(pk=run_pk, process_id=None).update(process_id=process_id)


def queued_run_get(*, pk: int, kind: str) -> LinkageRun:
    """The queued run a detached ``msht link --run`` process is to carry out."""
    run = LinkageRun.objects.select_related("started_by").get(pk=pk)
    if run.kind != kind:
        raise ValidationError(RUN_OTHER_KIND.format(pk=pk, kind=run.kind, asked=kind))
    if run.status != LinkageRunStatus.QUEUED:
        raise ValidationError(RUN_NOT_QUEUED.format(pk=pk, status=run.get_status_display()))
    return run


def _check_run(actor: Actor | None, kind: str, engine: str, spark_master: str) -> None:
    """Who may run linkage, and on what (accounts.rules; the command line runs as None)."""
    if actor is not None:
        require(actor, Action.LINKAGE_RUN)
    if kind not in LinkageKind.values:
        raise ValidationError(UNKNOWN_KIND.format(kind=kind))
    if engine not in LinkageEngine.values:
        raise ValidationError(UNKNOWN_ENGINE.format(engine=engine))
    if engine == LinkageEngine.SPARK and not spark_master:
        raise ValidationError(SPARK_NEEDS_MASTER)


def linkage_run(
    actor: Actor | None,
    *,
    kind: str,
    engine: str = LinkageEngine.DUCKDB,
    spark_master: str = "",
    thresholds: Thresholds | None = None,
    plan: TrainingPlan | None = None,
    progress: ProgressCallback | None = None,
    queued: LinkageRun | None = None,
) -> RunSummary:
    """Link every record of ``kind`` and give each a stable entity (ARCHITECTURE.md,
    'Records and entities'); the command line (actor None) runs as the operator.

    Args:
        actor: who runs it; must be allowed LINKAGE_RUN unless None.
        kind: ``persons`` or ``suspects``.
        engine: ``duckdb`` or ``spark``.
        spark_master: the Spark master URL when ``engine`` is ``spark``.
        thresholds: link and review thresholds (default Thresholds()).
        plan: how to train the model (default TrainingPlan()).
        progress: told the name of each step as it starts.
        queued: a run queued from the runs page (linkage_run_request) to carry out; it is
            marked running now, and finished or failed (with the reason) at the end.

    Returns:
        The stored LinkageRun and the entity assignment it wrote.

    Examples:
        >>> linkage_run(None, kind="persons").run.counts["clusters"]  # doctest: +SKIP
        2818
    """
    thresholds = thresholds or Thresholds()
    started_at = timezone.now()
    started = time.perf_counter()
    try:
        _check_run(actor, kind, engine, spark_master)
        if queued is not None:
            LinkageRun.objects.filter(pk=queued.pk).update(
                status=LinkageRunStatus.RUNNING, process_id=os.getpid()
            )
            thresholds = Thresholds(upper=queued.upper_threshold, lower=queued.lower_threshold)
        result, previous = _link(
            kind, engine, spark_master, thresholds, plan or TrainingPlan(), progress
        )
        if progress is not None:
            progress("store")
        return _store(
            actor, kind, engine, thresholds, started_at, started, result, previous, queued
        )
    except Exception as error:
        if queued is not None:
            _fail(queued, error)
        raise


def _fail(queued: LinkageRun, error: Exception) -> None:
    """A queued run that failed says why on its page (the process's log has the rest)."""
    LinkageRun.objects.filter(pk=queued.pk).update(
        status=LinkageRunStatus.FAILED,
        error=f"{type(error).__name__}: {error}"[:2000],
        finished_at=timezone.now(),
    )


def _store(
    actor: Actor | None,
    kind: str,
    engine: str,
    thresholds: Thresholds,
    started_at: Any,
    started: float,
    result: LinkageResult,
    previous: dict[str, str],
    queued: LinkageRun | None,
) -> RunSummary:
    """Entities, the merge and split log, the review queue and the run, in one transaction."""
    clusters = dict(
        zip(
            result.clusters.column("record_id").to_pylist(),
            result.clusters.column("cluster_id").to_pylist(),
            strict=True,
        )
    )
    assignment = assign_entities(clusters, previous, lambda: uuid.uuid4().hex)
    with transaction.atomic():
        figures = {
            "status": LinkageRunStatus.FINISHED,
            "finished_at": timezone.now(),
            "upper_threshold": thresholds.upper,
            "lower_threshold": thresholds.lower,
            "model": result.model,
            "counts": result.counts,
            "timings": {**result.timings, "total": round(time.perf_counter() - started, 3)},
            "entities_created": len(assignment.created),
            "merges": len(assignment.merges),
            "splits": len(assignment.splits),
            "records_changed": len(assignment.changed_records),
        }
        if queued is None:
            run = LinkageRun.objects.create(
                kind=kind,
                engine=engine,
                started_by=actor if isinstance(actor, User) else None,
                started_at=started_at,
                **figures,
            )
        else:
            run = LinkageRun.objects.select_for_update().get(pk=queued.pk)
            for name, value in figures.items():
                setattr(run, name, value)
            run.save()
        _write_entities(kind, run, assignment, actor)
        review = _refresh_review_queue(kind, run, result)
        run.metrics = {
            "entities_before": len(set(previous.values())),
            "entities_after": len(set(assignment.entity_of.values())),
            "pairs_queued_for_review": review,
            "clerical": clerical_precision(kind),
        }
        run.save(update_fields=["metrics"])
        audit_record(
            actor,
            event_type=AuditEventType.LINKAGE_RUN,
            obj=run,
            details={
                "kind": kind,
                "engine": engine,
                **result.counts,
                "entities_created": run.entities_created,
                "merges": run.merges,
                "splits": run.splits,
            },
        )
    return RunSummary(run=run, assignment=assignment)


def clerical_pair_decide(actor: Actor, *, pair: ClericalPair, decision: str) -> ClericalPair:
    """Record a reviewer's decision on a pair; it outranks the model in every later run
    (ARCHITECTURE.md, 'Records and entities'). A decided pair is not decided again."""
    require(actor, review_action(pair.kind), pair)
    if decision not in (ClericalDecision.MATCH, ClericalDecision.NOT_MATCH):
        raise ValidationError(NOT_A_DECISION.format(decision=decision))
    with transaction.atomic():
        locked = ClericalPair.objects.select_for_update().get(pk=pair.pk)
        if locked.decision:
            raise ValidationError(
                PAIR_ALREADY_DECIDED.format(when=f"{locked.decided_at:%d %B %Y %H:%M}")
            )
        locked.decision = decision
        locked.reviewer = actor if isinstance(actor, User) else None
        locked.decided_at = timezone.now()
        locked.save(update_fields=["decision", "reviewer", "decided_at"])
        audit_record(
            actor,
            event_type=AuditEventType.CLERICAL_DECISION,
            obj=locked,
            details={
                "kind": locked.kind,
                "records": [locked.record_l_id, locked.record_r_id],
                "decision": decision,
                "match_probability": round(locked.match_probability, 4),
            },
        )
    return locked
