"""How good a clustering is against the truth: pairwise and B-cubed precision and recall.

Pairwise counts every pair of records placed together; B-cubed (Bagga and Baldwin, 1998)
averages, over records, the share of a record's cluster that is truly its entity
(precision) and the share of its entity that its cluster found (recall).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Scores:
    """Precision, recall and F1 of one measure."""

    precision: float
    recall: float

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall (0 when both are 0)."""
        total = self.precision + self.recall
        return 0.0 if total == 0 else 2 * self.precision * self.recall / total


@dataclass(frozen=True)
class Evaluation:
    """Both measures, and the counts behind them."""

    pairwise: Scores
    bcubed: Scores
    records: int
    predicted_entities: int
    true_entities: int
    true_pairs: int
    predicted_pairs: int
    correct_pairs: int


def _pairs(size: int) -> int:
    return size * (size - 1) // 2


def evaluate(predicted: Mapping[str, str], truth: Mapping[str, str]) -> Evaluation:
    """Score ``predicted`` (record -> cluster) against ``truth`` (record -> entity) over the
    records both know."""
    records = [record for record in predicted if record in truth]
    cluster_sizes = Counter(predicted[record] for record in records)
    entity_sizes = Counter(truth[record] for record in records)
    overlap = Counter((predicted[record], truth[record]) for record in records)
    correct_pairs = sum(_pairs(size) for size in overlap.values())
    predicted_pairs = sum(_pairs(size) for size in cluster_sizes.values())
    true_pairs = sum(_pairs(size) for size in entity_sizes.values())
    pairwise = Scores(
        precision=correct_pairs / predicted_pairs if predicted_pairs else 1.0,
        recall=correct_pairs / true_pairs if true_pairs else 1.0,
    )
    precision_sum = 0.0
    recall_sum = 0.0
    for (cluster, entity), size in overlap.items():
        # Each of the ``size`` records shares ``size`` records with both its cluster and entity.
        precision_sum += size * size / cluster_sizes[cluster]
        recall_sum += size * size / entity_sizes[entity]
    count = len(records)
    bcubed = Scores(
        precision=precision_sum / count if count else 1.0,
        recall=recall_sum / count if count else 1.0,
    )
    return Evaluation(
        pairwise=pairwise,
        bcubed=bcubed,
        records=count,
        predicted_entities=len(cluster_sizes),
        true_entities=len(entity_sizes),
        true_pairs=true_pairs,
        predicted_pairs=predicted_pairs,
        correct_pairs=correct_pairs,
    )


def clusters_of(assignments: Mapping[str, str]) -> dict[str, list[str]]:
    """Records grouped by cluster, each group sorted."""
    groups: dict[str, list[str]] = defaultdict(list)
    for record, cluster in assignments.items():
        groups[cluster].append(record)
    return {cluster: sorted(members) for cluster, members in groups.items()}
