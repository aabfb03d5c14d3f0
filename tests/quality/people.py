"""A hand-built case for consistency against other sources: two people, each with a
police and an NGO record (and the first a referral too), put in one entity each as
record linkage would."""

from __future__ import annotations

from pathlib import Path

from msht.accounts.models import Organisation
from msht.core.models import Nationality
from msht.ingest.models import IngestedRecord
from msht.ingest.services import batch_ingest
from msht.referrals.models import PersonEntity, PersonRecord, PersonRecordSource
from tests.ingest.exports import police_row, write_police

NGO_HEADER = (
    "Client ID;First name;Surname;Organisation;Date of birth;Gender;Nationality;"
    "Type of exploitation;Date of first contact;Exploitation began;Phone;Postcode"
)


def link_people(tmp_path: Path) -> dict[str, PersonRecord]:
    """Police and NGO records of two people, and a referral of the first, linked by hand.

    Person 1 agrees everywhere. Person 2: the NGO gives another year of birth and sex, and
    one of the two nationalities the police give.
    """
    police = write_police(tmp_path / "p.csv", [police_row(1), police_row(2)])
    batch_ingest(None, source_code="police", path=police)
    ngo = tmp_path / "n.csv"
    ngo.write_text(
        "\n".join(
            [
                NGO_HEADER,
                "C1;Given1;Family1;salvation-army;02-Feb-1971;Woman;Albania;Forced labour;"
                "14-Mar-2024;;;",
                "C2;Given2;Family2;salvation-army;03-Mar-1973;Woman;Romania;Forced labour;"
                "14-Mar-2024;;;",
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    assert batch_ingest(None, source_code="ngo", path=ngo).counts.loaded == 2
    records = {
        record.record_key: record.person_record
        for record in IngestedRecord.objects.select_related("person_record")
        if record.person_record is not None
    }
    referral = PersonRecord.objects.create(
        source=PersonRecordSource.REFERRAL,
        source_organisation=Organisation.objects.get(code="police-metropolitan"),
        birth_year=1971,
        gender="female",
    )
    referral.nationalities.add(Nationality.objects.get(code="ALB"))
    first, second = PersonEntity.objects.create(), PersonEntity.objects.create()
    for key in ("URN000001", "C1"):
        records[key].entity = first
        records[key].save(update_fields=["entity"])
    referral.entity = first
    referral.save(update_fields=["entity"])
    for key in ("URN000002", "C2"):
        records[key].entity = second
        records[key].save(update_fields=["entity"])
    return records
