"""The linkage engine: Splink on DuckDB or Spark, with no Django (import-linter enforces it).

Records come in as Arrow (``prepare.RAW_SCHEMA``), are normalised into DuckDB, linked
by ``pipeline.link`` and given stable entity ids by ``entities.assign_entities``.
"""

from msht.linkage.engine.backends import DuckDBBackend, SparkBackend, spark_session
from msht.linkage.engine.entities import EntityAssignment, Merge, Split, assign_entities
from msht.linkage.engine.evaluation import Evaluation, Scores, evaluate
from msht.linkage.engine.model import Thresholds, TrainingPlan
from msht.linkage.engine.pipeline import Decision, LinkageResult, link
from msht.linkage.engine.prepare import RAW_SCHEMA, prepare_records

__all__ = [
    "RAW_SCHEMA",
    "Decision",
    "DuckDBBackend",
    "EntityAssignment",
    "Evaluation",
    "LinkageResult",
    "Merge",
    "Scores",
    "SparkBackend",
    "Split",
    "Thresholds",
    "TrainingPlan",
    "assign_entities",
    "evaluate",
    "link",
    "prepare_records",
    "spark_session",
]
