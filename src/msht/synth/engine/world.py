"""Writing a world: referrals day by day in chunks, everything else following from them.

A chunk is a run of consecutive days holding at most ``chunk_size`` referrals. Each chunk
is drawn with numpy, written to every file it touches, and forgotten, except for the
compact state later chunks need (people who may be referred again, the networks, the
queue of cases awaiting Conclusive Grounds). One seeded generator feeds every draw in
a fixed order, so the same seed and parameters give byte-identical files.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from msht.core.errors import SynthError
from msht.synth.engine import calibration as cal
from msht.synth.engine import organisations as orgs
from msht.synth.engine import schema
from msht.synth.engine.csvout import CsvSink
from msht.synth.engine.decisions import (
    ConclusiveGroundsQueue,
    DecisionBias,
    DecisionLog,
    reasonable_grounds,
)
from msht.synth.engine.notifications import duty_to_notify
from msht.synth.engine.parameters import SynthParameters
from msht.synth.engine.perpetrators import ChunkReferrals, Perpetrators
from msht.synth.engine.population import (
    AGE_GROUP_CODES,
    AGE_NOT_KNOWN,
    CHILD,
    POLICE_FORCE_AREAS,
    IntArray,
    form_households,
    format_truth_people,
    make_people,
)
from msht.synth.engine.quota import Quota
from msht.synth.engine.recording import record_person
from msht.synth.engine.referrals import (
    IMMIGRATION_STATUSES,
    LOCATIONS,
    ReferralDraw,
    draw_referrals,
    ilo_text,
    main_type,
    narratives,
    places,
    type_text,
)
from msht.synth.engine.registry import Registry
from msht.synth.engine.workdays import day_number, is_working_day, iso

ProgressCallback = Callable[[int, int], None]

WORLD_EXISTS = (
    "{directory} already holds another synthetic world ({name}); choose an empty directory"
)
NO_REFERRALS = "a world needs at least one referral"


@dataclass(frozen=True)
class WorldSummary:
    """What was written: the world's id, rows per file and the CG backlog at the end."""

    world_id: str
    directory: Path
    referrals: int
    rows: dict[str, int]
    cg_backlog: int
    already_written: bool = False


def world_identity(referrals: int, seed: int, parameters: SynthParameters) -> str:
    """The world's id: a hash of the generator version, size, seed and parameters."""
    payload = json.dumps(
        {
            "generator": schema.GENERATOR_VERSION,
            "referrals": referrals,
            "seed": seed,
            "parameters": parameters.as_dict(),
        },
        sort_keys=True,
    )
    return hashlib.sha256(payload.encode()).hexdigest()[:32]


def referral_days(rng: np.random.Generator, referrals: int) -> tuple[IntArray, IntArray]:
    """Every day of the world and its referral count: years and quarters exactly to their
    published shares (s.1, s.2), days within a quarter weighted to working days."""
    year_weights = np.array([cal.REFERRALS_PER_YEAR[y].value for y in cal.YEARS])
    per_year = Quota().counts("years", referrals, year_weights)
    all_days: list[IntArray] = []
    all_counts: list[IntArray] = []
    for year, count in zip(cal.YEARS, per_year.tolist(), strict=True):
        quarters = np.array([figure.value for figure in cal.REFERRALS_PER_QUARTER[year]])
        per_quarter = Quota().counts("quarters", count, quarters)
        for quarter, quarter_count in enumerate(per_quarter.tolist()):
            first = day_number(dt.date(year, 3 * quarter + 1, 1))
            last = day_number(
                dt.date(year + 1, 1, 1) if quarter == 3 else dt.date(year, 3 * quarter + 4, 1)
            )
            days = np.arange(first, last, dtype=np.int64)
            weights = np.where(is_working_day(days), 1.0, cal.NON_WORKING_DAY_WEIGHT.value)
            all_days.append(days)
            all_counts.append(rng.multinomial(quarter_count, weights / weights.sum()))
    return np.concatenate(all_days), np.concatenate(all_counts).astype(np.int64)


def chunks(counts: IntArray, size: int) -> Iterator[tuple[int, int]]:
    """Runs of whole days [start, stop) holding at most ``size`` referrals (or one busy day)."""
    start = 0
    total = 0
    for index, count in enumerate(counts.tolist()):
        if total and total + count > size:
            yield start, index
            start, total = index, 0
        total += count
    if start < counts.size:
        yield start, int(counts.size)


def _force_prefix(area: str) -> str:
    """Two letters for a force's crime references (West Yorkshire: WY)."""
    words = area.split("-")
    second = words[1][0] if len(words) > 1 else words[0][1]
    return (words[0][0] + second).upper()


_FORCE_PREFIX = np.array([_force_prefix(area) for area in POLICE_FORCE_AREAS], dtype=object)


class _World:
    """The state of one world while it is written."""

    def __init__(
        self, directory: Path, referrals: int, seed: int, parameters: SynthParameters
    ) -> None:
        self.directory = directory
        self.total = referrals
        self.parameters = parameters
        self.world_id = world_identity(referrals, seed, parameters)
        self.tag = self.world_id[:6]
        self.rng = np.random.default_rng(seed)
        self.quota = Quota()
        self.registry = Registry()
        self.end = day_number(dt.date(cal.YEARS[-1], 12, 31))
        scale = referrals / sum(figure.value for figure in cal.REFERRALS_PER_YEAR.values())
        self.log = DecisionLog(self.tag)
        self.queue = ConclusiveGroundsQueue(
            self.rng,
            self.log,
            start=day_number(dt.date(cal.YEARS[0], 1, 1)),
            scale=scale,
            bias=DecisionBias.from_parameters(parameters),
        )
        self.perpetrators = Perpetrators(self.rng, self.tag, parameters, self.end)
        self.sinks = {spec.name: CsvSink(directory, spec) for spec in schema.ALL_FILES}
        self.next_referral = 1
        self.next_person = 1
        self.next_household = 1
        self.next_notification = 1
        self.hidden_carry = 0.0
        self.intelligence_carry = 0.0
        self.notification_carry: dict[int, float] = {}

    def write(self, spec: schema.FileSpec, columns: dict[str, Any]) -> None:
        """Append columns to one file."""
        self.sinks[spec.name].write(columns)

    def chunk(self, days: IntArray) -> None:
        """Draw, write and forget one chunk of referrals (days in order)."""
        parameters = self.parameters
        rng = self.rng
        n = days.size
        draw = draw_referrals(
            rng,
            self.quota,
            days,
            repeat_share=parameters.repeat_share,
            missing=parameters.missingness,
        )
        groups = (draw.nationality * 3 + draw.gender) * 3 + draw.age
        rows, repeat = self.registry.assign(rng, days, groups, draw.repeat)
        new = ~repeat
        people_new = make_people(
            rng,
            nationality=draw.nationality[new],
            gender=draw.gender[new],
            age_group=draw.age[new],
            exploitation_start=draw.exploitation_start[new],
            areas=draw.area[new],
        )
        self.next_household = form_households(
            rng, people_new, share=parameters.household_share, next_household=self.next_household
        )
        count_new = int(new.sum())
        people_new["person_id"] = self.next_person + np.arange(count_new)
        people_new["first_day"] = days[new]
        self.next_person += count_new
        self.registry.add(people_new)
        self.write(schema.TRUTH_PEOPLE, format_truth_people(people_new, "referred", iso(days[new])))
        self._hidden(people_new, draw)
        people = self.registry.take(rows)
        numbers = self.next_referral + np.arange(n, dtype=np.int64)
        self.next_referral += n
        recorded, varied = record_person(
            rng,
            people,
            birth_known=draw.age != AGE_NOT_KNOWN,
            variation=parameters.variation,
            missing=parameters.missingness,
        )
        start = people["exploitation_start"].astype(np.int64)
        chunk = ChunkReferrals(
            numbers=numbers,
            days=days,
            main_type=main_type(draw.category, draw.pair),
            nationality=draw.nationality,
            area=draw.area,
            organisation=draw.organisation,
            first_responder_type=draw.first_responder_type,
            county_lines=draw.county_lines,
        )
        networks = self.perpetrators.link(chunk)
        self.perpetrators.record(chunk, networks)
        references = [f"NRM-{self.tag}-{number:07d}" for number in numbers.tolist()]
        self.write(
            schema.REFERRALS,
            {**self._referral_columns(draw, references, start), **recorded},
        )
        self.write(
            schema.TRUTH_REFERRALS,
            {
                "referral_reference": references,
                "person_id": [f"PERSON-{p:08d}" for p in people["person_id"].tolist()],
                "is_repeat": np.where(repeat, "true", "false").tolist(),
                "household_id": [
                    f"HOUSEHOLD-{h:07d}" if h >= 0 else "" for h in people["household"].tolist()
                ],
                "network_id": [f"NETWORK-{w:07d}" if w >= 0 else "" for w in networks.tolist()],
                **varied,
            },
        )
        reasonable_grounds(
            rng,
            self.log,
            self.queue,
            referral=numbers,
            days=days,
            years=draw.years,
            nations=draw.nation,
            authority=draw.competent_authority,
            end=self.end,
            immigration_status=draw.immigration_status,
        )
        self.queue.advance(min(int(days[-1]) + 30, self.end))
        self.write(schema.DECISIONS, self.log.drain())
        self._notifications(days, draw.years)
        self.intelligence_carry += parameters.intelligence_per_referral * n
        reports = int(self.intelligence_carry)
        self.intelligence_carry -= reports
        self.perpetrators.intelligence(int(days[0]), int(days[-1]), reports)
        self._drain_perpetrators()

    def _referral_columns(
        self, draw: ReferralDraw, references: list[str], start: IntArray
    ) -> dict[str, list[str]]:
        """The referral columns of referrals.csv (the person columns come from recording)."""
        rng = self.rng
        n = draw.days.size
        end = np.maximum(draw.exploitation_end, start)
        places_text = places(rng, draw.location, draw.area, draw.nationality, draw.county_lines)
        police = draw.first_responder_type == orgs.POLICE
        crime = police & (rng.random(n) < 0.75)
        serial = rng.integers(1, 999_999, n)
        years = draw.years.tolist()
        return {
            "reference": references,
            "first_responder_organisation": orgs.CODE_ARRAY[draw.organisation].tolist(),
            "competent_authority": orgs.CODE_ARRAY[draw.competent_authority].tolist(),
            "referred_on": iso(draw.days),
            "consent_given": np.where(draw.age == CHILD, "", "true").tolist(),
            "age_group_at_exploitation": AGE_GROUP_CODES[draw.age].tolist(),
            "exploitation_types": [
                type_text(c, p)
                for c, p in zip(draw.category.tolist(), draw.pair.tolist(), strict=True)
            ],
            "county_lines": np.where(draw.county_lines, "true", "false").tolist(),
            "exploitation_location": [LOCATIONS[v] for v in draw.location.tolist()],
            "exploitation_places": places_text,
            "exploitation_started_on": iso(start),
            "exploitation_ended_on": [
                "" if ongoing else text
                for ongoing, text in zip(draw.ongoing.tolist(), iso(end), strict=True)
            ],
            "exploitation_is_ongoing": np.where(draw.ongoing, "true", "false").tolist(),
            "immigration_status": [
                IMMIGRATION_STATUSES[v] for v in draw.immigration_status.tolist()
            ],
            "ilo_indicators": [ilo_text(mask) for mask in draw.ilo.tolist()],
            "narrative": narratives(
                rng,
                draw.category,
                draw.pair,
                draw.first_responder_type,
                draw.county_lines,
                places_text,
            ),
            "police_crime_reference": [
                f"{_FORCE_PREFIX[a]}/{s:06d}/{y % 100:02d}" if flag else ""
                for flag, a, s, y in zip(
                    crime.tolist(), draw.area.tolist(), serial.tolist(), years, strict=True
                )
            ],
            "nation": [orgs.NATION_NAMES[v] for v in draw.nation.tolist()],
        }

    def _hidden(self, people_new: dict[str, npt.NDArray[Any]], draw: ReferralDraw) -> None:
        """Victims never referred: co-residents of referred households, others like the referred."""
        rng = self.rng
        self.hidden_carry += self.parameters.hidden_per_referred * people_new["person_id"].size
        wanted = int(self.hidden_carry)
        self.hidden_carry -= wanted
        if wanted <= 0:
            return
        households, heads = np.unique(people_new["household"], return_index=True)
        heads = heads[households >= 0]
        extra = rng.poisson(0.8, heads.size)
        co_resident_heads = np.repeat(heads, extra)[:wanted]
        alike = rng.integers(0, draw.days.size, wanted - co_resident_heads.size)
        k_co = co_resident_heads.size
        nationality = np.concatenate(
            [people_new["nationality"][co_resident_heads], draw.nationality[alike]]
        ).astype(np.int64)
        gender = np.concatenate([(rng.random(k_co) < 0.3).astype(np.int64), draw.gender[alike]])
        age = np.concatenate([np.where(rng.random(k_co) < 0.3, CHILD, 0), draw.age[alike]]).astype(
            np.int64
        )
        start = np.concatenate(
            [people_new["exploitation_start"][co_resident_heads], draw.exploitation_start[alike]]
        ).astype(np.int64)
        areas = np.concatenate([rng.choice(draw.area, size=k_co), draw.area[alike]])
        hidden = make_people(
            rng,
            nationality=nationality,
            gender=gender,
            age_group=age,
            exploitation_start=start,
            areas=areas,
        )
        for column in ("family", "address", "phone", "household"):
            hidden[column][:k_co] = people_new[column][co_resident_heads]
        hidden["person_id"] = self.next_person + np.arange(wanted)
        self.next_person += wanted
        self.write(schema.TRUTH_PEOPLE, format_truth_people(hidden, "hidden", [""] * wanted))

    def _notifications(self, days: IntArray, years: IntArray) -> None:
        """Duty to Notify reports at the published ratio to referrals of each year (s.9)."""
        for year in np.unique(years).tolist():
            in_year = days[years == year]
            ratio = cal.DUTY_TO_NOTIFY_PER_REFERRAL[int(year)].value
            carry = self.notification_carry.get(year, 0.0) + ratio * in_year.size
            count = int(carry)
            self.notification_carry[year] = carry - count
            if count == 0:
                continue
            report_days = np.sort(self.rng.choice(in_year, size=count))
            rows, people = duty_to_notify(
                self.rng,
                days=report_days,
                year=int(year),
                first_number=self.next_notification,
                tag=self.tag,
                missing=self.parameters.missingness,
            )
            self.next_notification += count
            people["person_id"] = self.next_person + np.arange(count)
            self.next_person += count
            self.write(schema.DUTY_TO_NOTIFY, rows)
            self.write(schema.TRUTH_PEOPLE, format_truth_people(people, "notified", [""] * count))
            self.write(
                schema.TRUTH_DUTY_TO_NOTIFY,
                {
                    "dtn_reference": rows["reference"],
                    "person_id": [f"PERSON-{p:08d}" for p in people["person_id"].tolist()],
                },
            )

    def _drain_perpetrators(self) -> None:
        """Write the suspect, intelligence, Pursue and truth rows made so far."""
        specs = {spec.name.removesuffix(".csv"): spec for spec in schema.ALL_FILES}
        for name, columns in self.perpetrators.drain().items():
            self.write(specs[name], columns)

    def finish(self, seed: int) -> WorldSummary:
        """Close the CG queue, write the manifest and give every file its final name."""
        backlog = self.queue.close(self.end)
        self.write(schema.DECISIONS, self.log.drain())
        digests = {name: sink.close() for name, sink in self.sinks.items()}
        rows = {name: sink.rows for name, sink in self.sinks.items()}

        def entry(spec: schema.FileSpec) -> dict[str, Any]:
            """A file's rows and SHA-256 for the manifest."""
            return {"rows": rows[spec.name], "sha256": digests[spec.name]}

        manifest = {
            "format": schema.FORMAT,
            "format_version": schema.FORMAT_VERSION,
            "generator_version": schema.GENERATOR_VERSION,
            "world_id": self.world_id,
            "reference_tag": self.tag,
            "seed": seed,
            "referrals": self.total,
            "years": [cal.YEARS[0], cal.YEARS[-1]],
            "parameters": self.parameters.as_dict(),
            "files": {spec.name: entry(spec) for spec in schema.STORE_FILES},
            "truth_files": {spec.name: entry(spec) for spec in schema.TRUTH_FILES},
            "cg_backlog_at_end": backlog,
        }
        for sink in self.sinks.values():
            sink.publish()
        (self.directory / schema.MANIFEST).write_text(
            json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8"
        )
        return WorldSummary(
            world_id=self.world_id,
            directory=self.directory,
            referrals=self.total,
            rows=rows,
            cg_backlog=backlog,
        )

    def discard(self) -> None:
        """Remove every unfinished file (the world failed)."""
        for sink in self.sinks.values():
            sink.discard()


def _existing_world(directory: Path, world_id: str) -> WorldSummary | None:
    """The world already in ``directory`` if it is this one, intact; refuse any other world.

    The same seed and parameters give the same bytes, so an intact copy of the same
    world need not be written again (``msht demo`` run twice, for one).
    """
    directory.mkdir(parents=True, exist_ok=True)
    manifest_path = directory / schema.MANIFEST
    names = [spec.name for spec in schema.ALL_FILES]
    if not manifest_path.exists():
        for name in names:
            if (directory / name).exists():
                raise SynthError(WORLD_EXISTS.format(directory=directory.name, name=name))
        return None
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        listed = {**manifest["files"], **manifest["truth_files"]}
        same = manifest["world_id"] == world_id and all(
            _digest(directory / name) == listed[name]["sha256"] for name in names
        )
    except (ValueError, KeyError, TypeError, OSError):
        same = False
    if not same:
        raise SynthError(WORLD_EXISTS.format(directory=directory.name, name=schema.MANIFEST))
    return WorldSummary(
        world_id=world_id,
        directory=directory,
        referrals=int(manifest["referrals"]),
        rows={name: int(listed[name]["rows"]) for name in names},
        cg_backlog=int(manifest["cg_backlog_at_end"]),
        already_written=True,
    )


def world_refused(
    directory: Path, *, referrals: int, seed: int, parameters: SynthParameters | None = None
) -> bool:
    """Whether ``generate_world`` would refuse ``directory``: it holds files of another world
    (other generator version, size, seed or parameters) or a damaged copy of this one.

    ``msht demo`` asks, since its folder is its own derived data and may be replaced; the
    refusal itself stays in ``generate_world`` for every other caller.
    """
    if not directory.is_dir():
        return False  # nothing there yet; asking must not create the folder
    world_id = world_identity(referrals, seed, parameters or SynthParameters())
    try:
        _existing_world(directory, world_id)
    except SynthError:
        return True
    return False


def _digest(path: Path) -> str:
    """SHA-256 of a file, read in blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def generate_world(
    directory: Path,
    *,
    referrals: int,
    seed: int,
    parameters: SynthParameters | None = None,
    progress: ProgressCallback | None = None,
) -> WorldSummary:
    """Write a seeded synthetic national world of NRM referrals and everything around them.

    Store files (referrals, decisions, Duty to Notify, suspect records, intelligence,
    Pursue outcomes) and ``truth_*.csv`` files (who is really who) go to ``directory``
    with a ``world.json`` manifest naming each file's rows and SHA-256. Files are
    written as ``*.part`` and renamed only when the whole world is complete.

    Args:
        directory: where to write; created if missing. If it already holds this very
            world, intact, nothing is written again; any other world is refused.
        referrals: number of NRM referrals over 2017-2024.
        seed: the seed of the one random generator; the same seed and parameters give
            byte-identical files.
        parameters: repeat share, missingness, variation and the other knobs.
        progress: called with (referrals written, referrals in total) after each chunk.

    Returns:
        The world's id, rows per file, the Conclusive Grounds backlog at the end, and
        whether the world was already there.

    Examples:
        >>> summary = generate_world(Path("var/world"), referrals=5000, seed=7)
        >>> summary.rows["referrals.csv"]
        5000
    """
    if referrals < 1:
        raise SynthError(NO_REFERRALS)
    parameters = parameters or SynthParameters()
    existing = _existing_world(directory, world_identity(referrals, seed, parameters))
    if existing is not None:
        if progress is not None:
            progress(referrals, referrals)
        return existing
    world = _World(directory, referrals, seed, parameters)
    try:
        day_numbers, counts = referral_days(world.rng, referrals)
        done = 0
        for first, stop in chunks(counts, parameters.chunk_size):
            days = np.repeat(day_numbers[first:stop], counts[first:stop])
            if days.size:
                world.chunk(days)
                done += days.size
            if progress is not None:
                progress(done, referrals)
        return world.finish(seed)
    except BaseException:
        world.discard()
        raise
