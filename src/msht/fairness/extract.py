"""The decision table monitoring reads: one row per RG or CG decision with the referral's
factors, read as Arrow through ADBC (committed data only) and labelled for sentences."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from django.db import models

from msht.accounts.models import Organisation, OrganisationType
from msht.analytics.extract import arrow_from_query
from msht.core.models import ExploitationType, Nationality
from msht.core.reference import AgeGroup, Gender, ImmigrationStatus, UkNation
from msht.decisions.models import Decision
from msht.referrals.models import PersonRecord, Referral

MORE_THAN_ONE = "More than one"
NOT_KNOWN = "Not known"


def _table(model: type[models.Model]) -> str:
    return model._meta.db_table


def _decisions_sql(start: dt.date, end: dt.date) -> str:
    # Table names from the models and ISO dates from date objects: never user text.
    return f"""
        SELECT d.id AS decision_id, d.stage AS stage, d.outcome AS outcome,
               d.started_on AS started_on, d.decided_on AS decided_on,
               u.name AS unit, r.id AS referral_id, r.person_record_id AS person_record_id,
               r.immigration_status AS immigration_status,
               o.organisation_type AS referring_organisation_type,
               r.age_group_at_exploitation AS age_group, p.gender AS gender,
               r.nation AS nation
        FROM {_table(Decision)} d
        JOIN {_table(Referral)} r ON d.referral_id = r.id
        JOIN {_table(Organisation)} u ON d.decision_making_unit_id = u.id
        JOIN {_table(Organisation)} o ON r.first_responder_organisation_id = o.id
        JOIN {_table(PersonRecord)} p ON r.person_record_id = p.id
        WHERE d.stage IN ('rg', 'cg')
          AND d.started_on <= '{end.isoformat()}'
          AND (d.decided_on IS NULL OR d.decided_on >= '{start.isoformat()}')
    """  # noqa: S608


def _many_sql(
    field: models.ManyToManyField[models.Model, models.Model], target: type[models.Model]
) -> str:
    through: type[models.Model] = field.remote_field.through  # type: ignore[assignment]
    owner = field.m2m_column_name()
    other = field.m2m_reverse_name()
    return (
        f"SELECT t.{owner} AS owner_id, x.name AS name FROM {_table(through)} t "  # noqa: S608 - model names
        f"JOIN {_table(target)} x ON t.{other} = x.id"
    )


def _one_label(pairs: pd.DataFrame, owners: pd.Series, several: str) -> pd.Series:
    """Each owner's single label, ``several`` when it has more than one, else not known."""
    if pairs.empty:
        return pd.Series(NOT_KNOWN, index=owners.index)
    grouped = pairs.groupby("owner_id")["name"].agg(["first", "count"])
    label = grouped["first"].where(grouped["count"] == 1, several)
    return owners.map(label).fillna(NOT_KNOWN)


def _labels(values: pd.Series, choices: type[models.TextChoices]) -> pd.Series:
    mapping = dict(choices.choices)
    return values.map(lambda value: mapping.get(value, NOT_KNOWN) if value else NOT_KNOWN)


def decision_table(start: dt.date, end: dt.date) -> pd.DataFrame:
    """RG and CG decisions that were made in, or were still open during, the period.

    Nationality is the person record's one nationality ("More than one" or "Not known"
    otherwise); exploitation type likewise the referral's one type or "More than one".
    """
    frame: pd.DataFrame = arrow_from_query(_decisions_sql(start, end)).to_pandas()
    if frame.empty:
        return frame
    nationalities = arrow_from_query(
        _many_sql(PersonRecord._meta.get_field("nationalities"), Nationality)  # type: ignore[arg-type]
    ).to_pandas()
    types = arrow_from_query(
        _many_sql(Referral._meta.get_field("exploitation_types"), ExploitationType)  # type: ignore[arg-type]
    ).to_pandas()
    frame["nationality"] = _one_label(nationalities, frame["person_record_id"], MORE_THAN_ONE)
    frame["exploitation_type"] = _one_label(types, frame["referral_id"], MORE_THAN_ONE)
    frame["immigration_status"] = _labels(frame["immigration_status"], ImmigrationStatus)
    frame["referring_organisation_type"] = _labels(
        frame["referring_organisation_type"], OrganisationType
    )
    frame["age_group"] = _labels(frame["age_group"], AgeGroup)
    frame["gender"] = _labels(frame["gender"], Gender)
    frame["nation"] = _labels(frame["nation"], UkNation)
    frame["outcome"] = frame["outcome"].fillna("")
    for column in ("started_on", "decided_on"):
        frame[column] = pd.to_datetime(frame[column])
    return frame
