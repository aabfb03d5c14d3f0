"""Networks of exploiters, the suspect records agencies make of them, intelligence and Pursue.

A network exploits victims of one type and (mostly) one nationality for a few years.
Referrals linked to a network lead agencies to record some of its members as suspect
records, each agency in its own way; intelligence reports, graded 3x5x2, name them; and
investigations run from arrest to conviction at rates near the published conviction
count per referral (calibration.CONVICTIONS_PER_REFERRAL).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from msht.synth.engine import organisations as orgs
from msht.synth.engine import schema
from msht.synth.engine.parameters import Missingness, SynthParameters, Variation
from msht.synth.engine.places import (
    BUSINESS_KINDS,
    BUSINESS_PREFIXES,
    REGISTRATION_PREFIXES,
    TOWNS,
)
from msht.synth.engine.population import (
    FAMILY,
    GENDER_CODES,
    GIVEN,
    MIDDLE,
    NATIONALITIES,
    NATIONALITY_CODES,
    NATIONALITY_CULTURE,
    NATIONALITY_INDEX,
    POLICE_FORCE_AREAS,
    UK,
    Columns,
    IntArray,
    address_texts,
    addresses,
    given_names,
    passport_number,
    pnc_id,
)
from msht.synth.engine.recording import (
    address_formats,
    phone_formats,
    record_births,
    record_names,
    typo,
)
from msht.synth.engine.referrals import CRIMINAL, LABOUR, MAIN_TYPE_CODES
from msht.synth.engine.workdays import iso

ROLES: tuple[str, ...] = ("recruiter", "transporter", "controller", "exploiter", "facilitator")
CONTROLLER = ROLES.index("controller")
# Roles of members other than the controller (assumption: exploiters and recruiters most).
_ROLE_WEIGHTS = np.array([0.25, 0.15, 0.0, 0.35, 0.25])
_VIETNAM = NATIONALITY_INDEX["VNM"]

SUSPECT_COLUMNS: dict[str, npt.DTypeLike] = {
    "network": np.int64,
    "role": np.int8,
    "gender": np.int8,
    "nationality": np.int16,
    "given": np.int32,
    "middle": np.int32,
    "family": np.int32,
    "birth": np.int32,
    "pnc": np.int64,
    "passport": np.int64,
    "phone1": np.int64,
    "phone2": np.int64,
    "phone3": np.int64,
    "vehicle1": np.int64,
    "vehicle2": np.int64,
    "address": np.int64,
}
NETWORK_COLUMNS: dict[str, npt.DTypeLike] = {
    "main_type": np.int8,
    "nationality": np.int16,
    "area": np.int16,
    "active_from": np.int32,
    "active_to": np.int32,
    "size": np.int16,
    "first_member": np.int64,
}
_CONDITIONS = (
    "Not to be disclosed outside law enforcement without the originator's consent.",
    "Share only with the organisations named; not for use in evidence.",
    "Source protection: do not act on this report without contacting the originator.",
)
_GRADE_WEIGHTS = {
    "source": np.array([0.30, 0.60, 0.10]),
    "assessment": np.array([0.15, 0.35, 0.30, 0.15, 0.05]),
}
# (step, chance given the step before, days after it: low, high)
_CHAIN: tuple[tuple[str, float, int, int], ...] = (
    ("arrest", 0.75, 30, 240),
    ("charge", 0.60, 30, 200),
    ("prosecution", 0.95, 60, 365),
    ("conviction", 0.75, 90, 540),
)
# An outcome row: type, suspect record, network reference, day, offence.
Outcome = tuple[str, str, str, int, str]
_TYPE_PHRASE = (
    "labour exploitation",
    "sexual exploitation",
    "criminal exploitation",
    "domestic servitude",
)


def registration(value: int) -> str:
    """A UK registration mark from its code: memory tag, age identifier, three letters."""
    letters, rest = value % 17576, value // 17576
    age, prefix = rest % 100, rest // 100
    tail = "".join(chr(65 + (letters // 26**i) % 26) for i in (2, 1, 0))
    return f"{REGISTRATION_PREFIXES[prefix % len(REGISTRATION_PREFIXES)]}{age:02d} {tail}"


@dataclass
class LinkedReferrals:
    """Referrals of a chunk linked to networks (positions within the chunk and network ids)."""

    rows: list[int] = field(default_factory=list)
    networks: list[int] = field(default_factory=list)


@dataclass
class ChunkReferrals:
    """What the perpetrator model needs of a chunk's referrals."""

    numbers: IntArray
    days: IntArray
    main_type: IntArray
    nationality: IntArray
    area: IntArray
    organisation: IntArray
    first_responder_type: IntArray
    county_lines: npt.NDArray[np.bool_]


class Perpetrators:
    """The networks, suspects and their records, carried from chunk to chunk."""

    def __init__(
        self, rng: np.random.Generator, tag: str, parameters: SynthParameters, end: int
    ) -> None:
        self.rng = rng
        self.tag = tag
        self.parameters = parameters
        self.end = end
        self.networks = Columns(NETWORK_COLUMNS)
        self.suspects = Columns(SUSPECT_COLUMNS)
        self.by_key: dict[tuple[int, int], list[int]] = {}
        self.victims: dict[int, list[tuple[int, int]]] = {}
        self.records: dict[int, list[tuple[str, int]]] = {}
        self.recorded_networks: list[int] = []
        self.first_recorded: dict[int, int] = {}
        self.operations: dict[tuple[int, int], str] = {}
        self.next_record = 1
        self.next_intelligence = 1
        self.output: dict[str, dict[str, list[str]]] = {}

    # -- networks -------------------------------------------------------------------------

    def link(self, chunk: ChunkReferrals) -> IntArray:
        """Link some referrals to new or active networks; returns network ids (-1: none)."""
        n = chunk.days.size
        chance = self.parameters.network_linked_share
        linked = (self.rng.random(n) < chance) & (chunk.main_type >= 0)
        join = self.rng.random(n)
        pick = self.rng.random(n)
        result = np.full(n, -1, dtype=np.int64)
        pending: list[tuple[int, int, int, int]] = []
        active_to = self.networks.column("active_to")
        new_active_to: dict[int, int] = {}
        first_new = len(self.networks)
        join_chance = 1 - 1 / self.parameters.victims_per_network
        for row in np.nonzero(linked)[0].tolist():
            main = int(chunk.main_type[row])
            nationality = int(chunk.nationality[row])
            if main == CRIMINAL and chunk.county_lines[row]:
                nationality = UK
            day = int(chunk.days[row])
            candidates = self.by_key.setdefault((main, nationality), [])
            live = [
                network
                for network in candidates[-50:]
                if (active_to[network] if network < first_new else new_active_to[network]) >= day
            ]
            if live and join[row] < join_chance:
                network = live[int(pick[row] * len(live))]
            else:
                network = first_new + len(pending)
                duration = int(180 + pick[row] * 1300)
                pending.append((main, nationality, int(chunk.area[row]), day))
                new_active_to[network] = day + duration
                candidates.append(network)
            result[row] = network
            # Intelligence names at most the latest few victims of a network.
            recent = self.victims.setdefault(network, [])
            recent.append((int(chunk.numbers[row]), day))
            if len(recent) > 8:
                del recent[0]
        if pending:
            self._create_networks(pending, new_active_to, first_new)
        return result

    def _create_networks(
        self, pending: list[tuple[int, int, int, int]], active_to: dict[int, int], first: int
    ) -> None:
        """New networks with their members, written to truth_networks.csv."""
        rng = self.rng
        m = len(pending)
        main = np.array([p[0] for p in pending], dtype=np.int64)
        nationality = np.array([p[1] for p in pending], dtype=np.int64)
        area = np.array([p[2] for p in pending], dtype=np.int64)
        day = np.array([p[3] for p in pending], dtype=np.int64)
        size = np.minimum(2 + rng.geometric(0.3, m), 15)
        first_member = len(self.suspects) + np.concatenate([[0], np.cumsum(size)[:-1]])
        ids = np.arange(first, first + m)
        network = {
            "main_type": main,
            "nationality": nationality,
            "area": area,
            "active_from": day - rng.integers(0, 365, m),
            "active_to": np.array([active_to[i] for i in ids.tolist()]),
            "size": size,
            "first_member": first_member,
        }
        self.networks.extend(network)
        self._create_suspects(ids, network)
        self._emit(
            "truth_networks",
            {
                "network_id": [f"NETWORK-{i:07d}" for i in ids.tolist()],
                "exploitation_type": [MAIN_TYPE_CODES[t] for t in main.tolist()],
                "nationality": NATIONALITY_CODES[nationality].tolist(),
                "police_force_area": [POLICE_FORCE_AREAS[a] for a in area.tolist()],
                "active_from": iso(network["active_from"]),
                "active_to": iso(network["active_to"]),
                "size": [str(s) for s in size.tolist()],
            },
        )

    def _create_suspects(self, ids: IntArray, network: dict[str, IntArray]) -> None:
        """The members of new networks (one controller each), written to truth_suspects.csv."""
        rng = self.rng
        size = network["size"]
        member_network = np.repeat(ids, size)
        position = np.arange(member_network.size) - np.repeat(np.cumsum(size) - size, size)
        k = member_network.size
        home = np.repeat(network["nationality"], size)
        nationality = np.where((home != UK) & (rng.random(k) < 0.2), UK, home)
        gender = (rng.random(k) < 0.2).astype(np.int64)
        culture = NATIONALITY_CULTURE[nationality]
        role = np.where(position == 0, CONTROLLER, rng.choice(5, size=k, p=_ROLE_WEIGHTS))
        start = np.repeat(network["active_from"], size)
        foreign = nationality != UK
        phones = rng.integers(7_000_000_000, 7_999_999_999, (3, k))
        phone_count = rng.integers(1, 4, k)
        vehicles = rng.integers(0, 40 * 100 * 17576, (2, k))
        vehicle_count = rng.choice(3, size=k, p=[0.4, 0.4, 0.2])
        suspects = {
            "network": member_network,
            "role": role,
            "gender": gender,
            "nationality": nationality,
            "given": GIVEN.sample(rng, culture, gender),
            "middle": MIDDLE.sample(rng, culture, gender),
            "family": FAMILY.sample(rng, culture, np.zeros(k, dtype=np.int64)),
            "birth": start - np.floor((20 + rng.gamma(3.0, 5.0, k)) * 365.25).astype(np.int64),
            "pnc": np.where(
                rng.random(k) < np.where(foreign, 0.3, 0.6),
                rng.integers(5, 25, k) * 1_000_000 + rng.integers(1, 999_999, k),
                0,
            ),
            "passport": np.where(rng.random(k) < 0.5, rng.integers(100_000_000, 999_999_999, k), 0),
            "phone1": phones[0],
            "phone2": np.where(phone_count >= 2, phones[1], 0),
            "phone3": np.where(phone_count >= 3, phones[2], 0),
            "vehicle1": np.where(vehicle_count >= 1, vehicles[0], -1),
            "vehicle2": np.where(vehicle_count >= 2, vehicles[1], -1),
            "address": addresses(rng, np.repeat(network["area"], size)),
        }
        first_id = len(self.suspects)
        self.suspects.extend(suspects)
        self._emit(
            "truth_suspects",
            {
                "suspect_id": [f"SUSPECT-{first_id + i:07d}" for i in range(k)],
                "network_id": [f"NETWORK-{i:07d}" for i in member_network.tolist()],
                "role": [ROLES[r] for r in role.tolist()],
                "given_names": given_names(suspects["given"], suspects["middle"]),
                "family_name": FAMILY.names[suspects["family"]].tolist(),
                "birth_date": iso(suspects["birth"]),
                "gender": GENDER_CODES[gender].tolist(),
                "nationality": NATIONALITY_CODES[nationality].tolist(),
            },
        )

    def _emit(self, name: str, columns: dict[str, list[str]]) -> None:
        """Gather rows for a file until the next drain."""
        target = self.output.setdefault(name, {key: [] for key in columns})
        for key, values in columns.items():
            target[key].extend(values)

    def drain(self) -> dict[str, dict[str, list[str]]]:
        """Rows made since the last drain, by file."""
        output, self.output = self.output, {}
        return output

    # -- suspect records ------------------------------------------------------------------

    def _recording_agency(self, chunk: ChunkReferrals, row: int) -> int:
        """Police, NCA, GLAA and enforcement directorates record suspects themselves; otherwise
        the police force of the area does."""
        organisation = int(chunk.organisation[row])
        kind = int(chunk.first_responder_type[row])
        if kind in (orgs.POLICE, orgs.NCA_TYPE, orgs.GLAA_TYPE) or organisation in (
            orgs.IMMIGRATION_ENFORCEMENT,
            orgs.BORDER_FORCE,
        ):
            return organisation
        return int(chunk.area[row])

    def record(self, chunk: ChunkReferrals, networks: IntArray) -> None:
        """Suspect records made after linked referrals: one per suspect, agency and quarter."""
        rng = self.rng
        recorded = (networks >= 0) & (
            rng.random(networks.size) < self.parameters.suspect_recording_share
        )
        groups: dict[tuple[int, int, int], list[int]] = {}
        for row in np.nonzero(recorded)[0].tolist():
            quarter = int(chunk.days[row]) // 91
            key = (int(networks[row]), self._recording_agency(chunk, row), quarter)
            groups.setdefault(key, []).append(row)
        suspect_ids: list[int] = []
        agencies: list[int] = []
        links: list[str] = []
        spans: list[tuple[int, int, int, int]] = []
        for (network, agency, _), rows in groups.items():
            size = int(self.networks.column("size")[network])
            first = int(self.networks.column("first_member")[network])
            count = min(size, 1 + int(rng.poisson(0.7)))
            weights = np.ones(size)
            weights[0] = 2.0
            members = rng.choice(size, size=count, replace=False, p=weights / weights.sum())
            start = len(suspect_ids)
            link = ";".join(f"NRM-{self.tag}-{int(chunk.numbers[r]):07d}" for r in rows)
            for member in sorted(members.tolist()):
                suspect_ids.append(first + member)
                agencies.append(agency)
                links.append(link)
            day = max(int(chunk.days[r]) for r in rows)
            spans.append((network, agency, start, day))
        if not suspect_ids:
            return
        references = self._write_records(np.array(suspect_ids), np.array(agencies), links)
        ends = [span[2] for span in spans[1:]] + [len(suspect_ids)]
        for (network, agency, start, day), stop in zip(spans, ends, strict=True):
            refs = references[start:stop]
            if network not in self.records:
                self.records[network] = []
                self.recorded_networks.append(network)
                self.first_recorded[network] = day
                self._pursue(network, agency, refs, day)
            self.records[network] = (self.records[network] + [(ref, day) for ref in refs])[-8:]

    def _write_records(
        self, suspect_ids: IntArray, agencies: IntArray, links: list[str]
    ) -> list[str]:
        """Suspect records as each agency recorded them (the recording channel of victims)."""
        rng = self.rng
        k = suspect_ids.size
        people = self.suspects.take(suspect_ids)
        missing = Missingness(phone=0.3, address=0.5, pnc_id=0.3, passport_number=0.7)
        variation = Variation()
        names = record_names(rng, people, variation, missing)
        birth = record_births(rng, people["birth"], np.ones(k, dtype=bool), variation, 0.3)
        references = [f"SUS-{self.tag}-{self.next_record + i:07d}" for i in range(k)]
        self.next_record += k
        lines, towns, postcodes = address_formats(rng, people["address"])
        no_address = rng.random(k) < missing.address
        phone_pick = rng.random((3, k))
        formatted = [phone_formats(rng, people[f"phone{i}"]) for i in (1, 2, 3)]
        role_draw = rng.random(k)
        other_role = rng.integers(0, 5, k)
        nationality = people["nationality"].tolist()
        rows: dict[str, list[str]] = {name: [] for name in schema.SUSPECT_RECORDS.columns}
        for i in range(k):
            phones = [
                formatted[j][i]
                for j in range(3)
                if people[f"phone{j + 1}"][i] and phone_pick[j, i] > missing.phone
            ]
            vehicles = [
                registration(int(people[f"vehicle{j}"][i]))
                for j in (1, 2)
                if people[f"vehicle{j}"][i] >= 0 and phone_pick[j - 1, i] > 0.3
            ]
            if vehicles and role_draw[i] < 0.1:
                vehicles[0] = vehicles[0].replace(" ", "")
            role = int(people["role"][i])
            recorded_role = (
                ROLES[role]
                if role_draw[i] < 0.7
                else "not_known"
                if role_draw[i] < 0.9
                else ROLES[int(other_role[i])]
            )
            pnc = int(people["pnc"][i])
            passport = int(people["passport"][i])
            rows["pnc_id"].append(pnc_id(pnc) if pnc and phone_pick[2, i] > missing.pnc_id else "")
            rows["passport_number"].append(
                passport_number(passport, nationality[i])
                if passport and phone_pick[0, i] > missing.passport_number
                else ""
            )
            rows["phone_numbers"].append(";".join(phones))
            rows["vehicles"].append(";".join(vehicles))
            rows["role"].append(recorded_role)
        gender = GENDER_CODES[people["gender"]].tolist()
        rows.update(
            {
                "source_reference": references,
                "source_organisation": orgs.CODE_ARRAY[agencies].tolist(),
                "given_names": names.given,
                "family_name": names.family,
                "aliases": names.aliases,
                "birth_year": birth.year,
                "birth_month": birth.month,
                "birth_day": birth.day,
                "birth_date_is_estimated": birth.estimated,
                "gender": gender,
                "nationality": [
                    NATIONALITIES[n] if d > 0.05 else ""
                    for n, d in zip(nationality, rng.random(k).tolist(), strict=True)
                ],
                "address_lines": [
                    v if not b else "" for v, b in zip(lines, no_address, strict=True)
                ],
                "address_town": [
                    v if not b else "" for v, b in zip(towns, no_address, strict=True)
                ],
                "address_postcode": [
                    v if not b else "" for v, b in zip(postcodes, no_address, strict=True)
                ],
                "linked_referrals": links,
            }
        )
        self._emit("suspect_records", rows)
        networks = people["network"].tolist()
        self._emit(
            "truth_suspect_records",
            {
                "suspect_record_reference": references,
                "suspect_id": [f"SUSPECT-{s:07d}" for s in suspect_ids.tolist()],
                "network_id": [f"NETWORK-{n:07d}" for n in networks],
            },
        )
        return references

    # -- Pursue ---------------------------------------------------------------------------

    def _operation(self, network: int, agency: int) -> str:
        """An agency's operation reference against a network (its map is in the truth)."""
        key = (network, agency)
        if key not in self.operations:
            reference = f"OP-{self.tag}-{len(self.operations) + 1:06d}"
            self.operations[key] = reference
            self._emit(
                "truth_operations",
                {"network_reference": [reference], "network_id": [f"NETWORK-{network:07d}"]},
            )
        return self.operations[key]

    def _pursue(self, network: int, agency: int, records: list[str], day: int) -> None:
        """The outcome chain of an investigation, cut at the world's end (calibration s.11)."""
        rng = self.rng
        if rng.random() >= 0.8:
            return
        operation = self._operation(network, agency)
        rows: list[Outcome] = []
        opened = day + int(rng.integers(0, 60))
        rows.append(("investigation_opened", "", operation, opened, "not_applicable"))
        if rng.random() < 0.3:
            when = opened + int(rng.integers(30, 200))
            rows.append(("disruption", "", operation, when, "not_applicable"))
        offence = str(rng.choice(["msa_s2", "msa_s1", "linked"], p=[0.5, 0.3, 0.2]))
        for record in records:
            rows.extend(self._suspect_chain(record, opened, offence))
        charged = any(row[0] == "charge" for row in rows)
        if not charged and rng.random() < 0.05:
            when = opened + int(rng.integers(30, 120))
            rows.append(("risk_order", "", operation, when, "not_applicable"))
        rows = [row for row in rows if row[3] <= self.end]
        if not rows:
            return
        agency_code = orgs.CODES[agency]
        self._emit(
            "pursue_outcomes",
            {
                "outcome_type": [r[0] for r in rows],
                "agency": [agency_code] * len(rows),
                "suspect_record": [r[1] for r in rows],
                "network_reference": [r[2] for r in rows],
                "occurred_on": iso(np.array([r[3] for r in rows], dtype=np.int64)),
                "offence": [r[4] for r in rows],
                "notes": [f"{r[0].replace('_', ' ').capitalize()} ({operation})." for r in rows],
            },
        )

    def _suspect_chain(self, record: str, opened: int, offence: str) -> list[Outcome]:
        """Arrest, charge, prosecution, conviction and orders for one suspect record.

        Each step follows the one before it with the stated chance (assumption), set so
        that convictions per referral come near the published figure (calibration s.11).
        """
        rng = self.rng
        rows: list[Outcome] = []
        when = opened
        for step, chance, low, high in _CHAIN:
            if rng.random() >= chance:
                break
            when += int(rng.integers(low, high))
            rows.append((step, record, "", when, offence))
        if rows and rows[-1][0] == "conviction":
            if rng.random() < 0.25:
                rows.append(
                    ("prevention_order", record, "", when + int(rng.integers(0, 30)), offence)
                )
            if rng.random() < 0.15:
                rows.append(
                    ("confiscation", record, "", when + int(rng.integers(90, 365)), offence)
                )
        return rows

    # -- intelligence ---------------------------------------------------------------------

    def intelligence(self, first_day: int, last_day: int, count: int) -> None:
        """Graded intelligence reports (3x5x2) on networks known and active on the day received."""
        rng = self.rng
        if count <= 0 or not self.recorded_networks:
            return
        candidates = np.array(self.recorded_networks[-5000:], dtype=np.int64)
        known_from = np.array([self.first_recorded[n] for n in candidates.tolist()])
        # Intelligence keeps coming for half a year after a network stops exploiting.
        known_to = self.networks.column("active_to")[candidates].astype(np.int64) + 180
        received = np.sort(rng.integers(first_day, last_day + 1, count))
        pick = rng.random(count)
        chosen: list[int] = []
        days: list[int] = []
        for day, r in zip(received.tolist(), pick.tolist(), strict=True):
            live = candidates[(known_from <= day) & (known_to >= day)]
            if live.size:
                chosen.append(int(live[int(r * live.size)]))
                days.append(day)
        if chosen:
            self._reports(np.array(chosen, dtype=np.int64), np.array(days, dtype=np.int64))

    def _reports(self, networks: IntArray, days: IntArray) -> None:
        """Intelligence rows for the chosen networks and days (3x5x2 grading, DOMAIN.md)."""
        rng = self.rng
        count = networks.size
        area = self.networks.column("area")[networks].astype(np.int64)
        main = self.networks.column("main_type")[networks].astype(np.int64)
        nationality = self.networks.column("nationality")[networks].astype(np.int64)
        size = self.networks.column("size")[networks].astype(np.int64)
        member = self.networks.column("first_member")[networks] + np.floor(
            rng.random(count) * size
        ).astype(np.int64)
        origin = _originators(rng, area, main)
        conditional = rng.random(count) < 0.2
        phones = phone_formats(rng, self.suspects.column("phone1")[member])
        premises = address_texts(addresses(rng, area))
        vehicle = self.suspects.column("vehicle1")[member]
        draws = rng.random((count, 6))
        references = [f"INT-{self.tag}-{self.next_intelligence + i:07d}" for i in range(count)]
        self.next_intelligence += count
        rows: dict[str, list[str]] = {name: [] for name in schema.INTELLIGENCE.columns}
        rows["reference"] = references
        rows["originating_organisation"] = orgs.CODE_ARRAY[origin].tolist()
        rows["received_on"] = iso(days)
        rows["source_evaluation"] = [
            str(s + 1) for s in rng.choice(3, size=count, p=_GRADE_WEIGHTS["source"]).tolist()
        ]
        rows["intelligence_assessment"] = [
            "ABCDE"[a] for a in rng.choice(5, size=count, p=_GRADE_WEIGHTS["assessment"]).tolist()
        ]
        rows["handling_code"] = ["C" if c else "P" for c in conditional.tolist()]
        for i in range(count):
            network, day, u = int(networks[i]), int(days[i]), draws[i]
            self._handling(rows, int(origin[i]), int(area[i]), bool(conditional[i]), u[0])
            business = (
                f"{BUSINESS_PREFIXES[int(u[1] * len(BUSINESS_PREFIXES))]} "
                f"{main_kind(int(main[i]), int(nationality[i]))}"
            )
            town = TOWNS[POLICE_FORCE_AREAS[int(area[i])]][0][0]
            rows["summary"].append(
                f"Information that a network involved in {_TYPE_PHRASE[int(main[i])]} is active "
                f"in {town}, linked to {business}."
            )
            records = [ref for ref, made in self.records.get(network, []) if made <= day]
            rows["suspect_records"].append(";".join(records[: 1 + int(u[2] * 3)]))
            victims = [n for n, when in self.victims.get(network, []) if when <= day]
            named = victims[-int(u[3] * 3) :] if u[3] >= 1 / 3 else []
            rows["persons"].append(";".join(f"NRM-{self.tag}-{v:07d}" for v in named))
            rows["phone_numbers"].append(phones[i] if u[4] < 0.6 else "")
            rows["addresses"].append(premises[i] if u[5] < 0.5 else "")
            rows["vehicles"].append(self._vehicle(int(vehicle[i]), u[4]))
            rows["organisations_named"].append(business)
        self._emit("intelligence", rows)

    def _handling(
        self, rows: dict[str, list[str]], origin: int, area: int, conditional: bool, draw: float
    ) -> None:
        """Handling code C names its conditions and the only organisations that may see it."""
        if not conditional:
            rows["handling_conditions"].append("")
            rows["permitted_organisations"].append("")
            return
        options = [o for o in _intelligence_sources(area) if o != origin]
        permitted = options[: 1 + int(draw * 3)]
        rows["handling_conditions"].append(_CONDITIONS[int(draw * 997) % len(_CONDITIONS)])
        rows["permitted_organisations"].append(";".join(orgs.CODES[p] for p in permitted))

    def _vehicle(self, vehicle: int, draw: float) -> str:
        """A registration mark seen with the suspect, now and then mistyped."""
        if vehicle < 0 or draw >= 0.5:
            return ""
        text = registration(vehicle)
        if draw < 0.05:
            text = typo(text, draw * 20, draw * 10)
        return text


def _intelligence_sources(area: int) -> list[int]:
    """The police force of the area (first in the organisation table), NCA, IE, BF, GLAA."""
    return [area, orgs.NCA, orgs.IMMIGRATION_ENFORCEMENT, orgs.BORDER_FORCE, orgs.GLAA]


def _originators(rng: np.random.Generator, area: IntArray, main: IntArray) -> IntArray:
    """Who submits intelligence: mostly the local force; the GLAA more on labour networks."""
    weights = np.array([[0.55, 0.15, 0.15, 0.05, 0.10], [0.55, 0.15, 0.15, 0.05, 0.02]])
    weights = weights / weights.sum(axis=1, keepdims=True)
    cumulative = np.cumsum(weights[np.where(main == LABOUR, 0, 1)], axis=1)
    which = (rng.random(area.size)[:, None] > cumulative).sum(axis=1)
    fixed = np.array([0, orgs.NCA, orgs.IMMIGRATION_ENFORCEMENT, orgs.BORDER_FORCE, orgs.GLAA])
    return np.where(which == 0, area, fixed[np.minimum(which, 4)]).astype(np.int64)


def main_kind(main: int, nationality: int) -> str:
    """The kind of business a network uses: nail bars and cannabis grows for Vietnamese networks."""
    if nationality == _VIETNAM and main == LABOUR:
        return BUSINESS_KINDS["nail_bar"][0]
    if nationality == _VIETNAM and main == CRIMINAL:
        return BUSINESS_KINDS["cannabis"][0]
    return BUSINESS_KINDS[MAIN_TYPE_CODES[main]][main % 3]
