"""Every page in the URL configuration, opened in chromium by a user who may open it, answers
200 and passes axe-core.

The journeys' tests check the pages they pass through; this sweep walks the URL configuration
(as tests/test_default_deny.py does), so a page no journey visits is checked too, and a new
route fails ``test_every_html_route_is_visited_or_left_out`` until it is added to PAGES or,
with the reason, to LEFT_OUT. One world is built with the factories, then each route is opened
in the browser context of the user (or the sign-in state) that may open it.
"""

from __future__ import annotations

import datetime as dt
import importlib
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pytest
from axe_playwright_python.sync_playwright import Axe
from django.apps import apps
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from msht.accounts.models import Organisation, Role, User
from msht.accounts.second_factor import second_factor_recovery_codes_regenerate
from msht.analytics.engine.dashboard_store import store_dashboards
from msht.analytics.engine.disclosure import DisclosureRules
from msht.analytics.engine.periods import Quarter as AnalyticsQuarter
from msht.analytics.services import statistics_publish
from msht.analytics.store import dashboard_threshold
from msht.core.models import Strand
from msht.core.periods import Quarter
from msht.decisions.services import reconsideration_request
from msht.estimation.services import estimation_run
from msht.governance.models import Action as GovernanceAction
from msht.governance.models import Recommendation
from msht.governance.services import indicator_values_compute, plan_item_create
from msht.ingest.models import Batch, QuarantinedRow
from msht.ingest.services import batch_ingest
from msht.intelligence.services import network_run
from msht.linkage.models import ClericalPair, LinkageKind
from msht.quality.services import quality_measure
from msht.referrals.forms import STEPS
from msht.referrals.services import referral_draft_save, referral_submit
from tests.accounts.factories import (
    AdministratorFactory,
    ConfirmedTotpDeviceFactory,
    DecisionMakerFactory,
    QualityAssurerFactory,
    UserFactory,
)
from tests.analytics.conftest import SCALED_DASHBOARD_QUARTER, AnalyticsWorld
from tests.analytics.conftest import analytics_world as analytics_world
from tests.analytics.conftest import scaled_analytics_store as scaled_analytics_store
from tests.browser.journeys import ENTER_CODE, FACTORY_PASSWORD
from tests.decisions.factories import (
    AwaitingAssuranceRgDecisionFactory,
    NegativeRgDecisionFactory,
    PendingRgDecisionFactory,
    cg_decision_due,
)
from tests.estimation.worlds import linked_referrals_world
from tests.fairness.runs import stored_biased_run
from tests.governance.factories import OpenActionFactory
from tests.ingest.exports import police_row, write_police
from tests.intelligence.factories import IntelligenceReportFactory, SuspectRecordFactory
from tests.intelligence.test_networks import _store_world
from tests.linkage.factories import person_pair
from tests.referrals.factories import complete_answers
from tests.test_default_deny import ROUTES

# analytics_world and scaled_analytics_store are tests/analytics' session fixtures, imported
# above so pytest finds them: the dashboards read a store, not the database.

# Who opens a page: a role's signed-in user, or a browser in the middle of signing in.
ANONYMOUS = "anonymous"
AWAITING_CODE = "awaiting-code"  # password entered, the app's code not yet
SETTING_UP_APP = "setting-up-app"  # password entered by a decision maker with no app yet
USED_RECOVERY_CODE = "used-recovery-code"  # signed in with a recovery code instead of the app
ROLES = tuple(Role)

# Routes this sweep does not open, each with the reason. Anything else in the URL
# configuration must be in PAGES, or test_every_html_route_is_visited_or_left_out fails.
LEFT_OUT_NAMESPACES = {
    # JSON for other systems (tests/test_api_schemathesis.py); its docs page is
    # drf-spectacular's own template, not one of ours.
    "api": "the API answers JSON, not GOV.UK pages",
}
LEFT_OUT = {
    # Django's LogoutView answers GET with 405: a link or image must not sign anyone out.
    "accounts:sign-out": "POST only",
    # The form that starts a run is on linkage:runs; a GET here only redirects there.
    "linkage:run-start": "GET redirects to linkage:runs",
}


@dataclass(frozen=True)
class Visit:
    """One page to open: who opens it, the route's arguments, and a query string."""

    who: str
    kwargs: dict[str, Any] = field(default_factory=dict)
    query: str = ""


@dataclass(frozen=True)
class World:
    """What the pages show: the users, and the keys of the rows their routes name."""

    users: dict[str, User]
    administrator_may_reset: str
    submitted: str
    draft: str
    rg_positive: str
    negative: tuple[str, int]
    reconsideration: tuple[str, int]
    awaiting_assurance: int
    publication: int
    organisation_dashboard: str
    estimate: int
    fairness_run: int
    plan_item: int
    recommendation: int
    action: int
    batch: int
    quarantined_row: int
    suspect: str
    report: str
    linkage_run: int
    person_pair: int
    suspect_pair: int


def _one(who: str, **kwargs: Any) -> Callable[[World], list[Visit]]:
    """A route opened once by ``who``; each keyword names the World field of one argument."""
    return lambda world: [Visit(who, {name: getattr(world, key) for name, key in kwargs.items()})]


def _case(world: World, pair: tuple[str, int]) -> dict[str, Any]:
    return {"reference": pair[0], "pk": pair[1]}


# Every page: the route's name, and who opens it with which arguments.
PAGES: dict[str, Callable[[World], list[Visit]]] = {
    # Each role's home page lists that role's tasks.
    "accounts:home": lambda world: [Visit(role) for role in ROLES],
    "accounts:sign-in": _one(ANONYMOUS),
    "accounts:second-factor": _one(AWAITING_CODE),
    "accounts:second-factor-enrol": _one(SETTING_UP_APP),
    "accounts:recovery-code-used": _one(USED_RECOVERY_CODE),
    "accounts:recovery-codes": _one(Role.ADMINISTRATOR),
    "accounts:users": _one(Role.ADMINISTRATOR),
    "accounts:second-factor-reset": _one(Role.ADMINISTRATOR, username="administrator_may_reset"),
    # Opening it adds an unconfirmed app; the administrator's own app and session go on working.
    "accounts:second-factor-replace": _one(Role.ADMINISTRATOR),
    "analytics:dashboard": lambda world: [
        Visit(Role.ANALYST, query=f"period={SCALED_DASHBOARD_QUARTER}")
    ],
    "analytics:organisation-dashboards": _one(Role.ANALYST),
    "analytics:organisation-dashboard": lambda world: [
        Visit(
            Role.ANALYST,
            {"code": world.organisation_dashboard},
            query=f"period={SCALED_DASHBOARD_QUARTER}",
        )
    ],
    "analytics:publications": _one(Role.ANALYST),
    "analytics:publication": _one(Role.ANALYST, pk="publication"),
    "analytics:publication-download": _one(Role.ANALYST, pk="publication"),
    "decisions:queue": _one(Role.DECISION_MAKER),
    "decisions:reconsiderations": _one(Role.DECISION_MAKER),
    "decisions:overdue": _one(Role.DECISION_MAKER),
    "decisions:assurance-queue": _one(Role.QUALITY_ASSURER),
    "decisions:assure": _one(Role.QUALITY_ASSURER, pk="awaiting_assurance"),
    # The referrer sees the outcome and may ask for reconsideration; the decision maker decides.
    "decisions:case": lambda world: [
        Visit(Role.DECISION_MAKER, {"reference": world.submitted}),
        Visit(Role.FIRST_RESPONDER, {"reference": world.negative[0]}),
    ],
    "decisions:record-rg": _one(Role.DECISION_MAKER, reference="submitted"),
    "decisions:record-cg": _one(Role.DECISION_MAKER, reference="rg_positive"),
    "decisions:withdraw": _one(Role.DECISION_MAKER, reference="submitted"),
    "decisions:reconsideration-request": lambda world: [
        Visit(Role.FIRST_RESPONDER, _case(world, world.negative))
    ],
    "decisions:record-reconsideration": lambda world: [
        Visit(Role.DECISION_MAKER, _case(world, world.reconsideration))
    ],
    "estimation:list": _one(Role.ANALYST),
    "estimation:detail": _one(Role.ANALYST, pk="estimate"),
    "fairness:monitoring": _one(Role.GOVERNANCE),
    "fairness:run": _one(Role.GOVERNANCE, run_id="fairness_run"),
    "governance:indicators": lambda world: [Visit(Role.GOVERNANCE, query="period=2024Q3")],
    "governance:directorate": lambda world: [
        Visit(Role.GOVERNANCE, {"code": "border_force"}, query="period=2024Q3")
    ],
    "governance:plan": _one(Role.GOVERNANCE),
    "governance:plan-item": _one(Role.GOVERNANCE, pk="plan_item"),
    "governance:recommendations": _one(Role.GOVERNANCE),
    "governance:respond": _one(Role.GOVERNANCE, pk="recommendation"),
    "governance:action-add": _one(Role.GOVERNANCE, pk="recommendation"),
    "governance:action": _one(Role.GOVERNANCE, pk="action"),
    "governance:raci": _one(Role.GOVERNANCE),
    "governance:skills": _one(Role.GOVERNANCE),
    "ingest:upload": _one(Role.ADMINISTRATOR),
    "ingest:batch": _one(Role.ADMINISTRATOR, pk="batch"),
    "ingest:quarantine": _one(Role.ADMINISTRATOR),
    "ingest:quarantine-correct": _one(Role.ADMINISTRATOR, pk="quarantined_row"),
    "intelligence:networks": _one(Role.INVESTIGATOR),
    "intelligence:network": lambda world: [Visit(Role.INVESTIGATOR, {"number": 1})],
    "intelligence:suspect": _one(Role.INVESTIGATOR, key="suspect"),
    "intelligence:reports": _one(Role.INVESTIGATOR),
    "intelligence:report-new": _one(Role.INVESTIGATOR),
    "intelligence:report": _one(Role.INVESTIGATOR, reference="report"),
    "intelligence:outcome-new": _one(Role.INVESTIGATOR),
    "linkage:runs": _one(Role.ANALYST),
    "linkage:run": _one(Role.ANALYST, pk="linkage_run"),
    "linkage:queue-persons": _one(Role.DECISION_MAKER),
    "linkage:queue-suspects": _one(Role.INVESTIGATOR),
    # Person pairs are for caseworkers, suspect pairs for investigators: different records.
    "linkage:pair": lambda world: [
        Visit(Role.DECISION_MAKER, {"pk": world.person_pair}),
        Visit(Role.INVESTIGATOR, {"pk": world.suspect_pair}),
    ],
    "privacy:subject-access": _one(Role.ADMINISTRATOR),
    "quality:national": _one(Role.ANALYST),
    "quality:source": lambda world: [Visit(Role.ANALYST, {"code": "police"})],
    "referrals:list": _one(Role.FIRST_RESPONDER),
    "referrals:start": _one(Role.FIRST_RESPONDER),
    "referrals:duty-to-notify": _one(Role.FIRST_RESPONDER),
    "referrals:drafts": _one(Role.FIRST_RESPONDER),
    "referrals:check": _one(Role.FIRST_RESPONDER, reference="draft"),
    # One route, a different form on each page.
    "referrals:step": lambda world: [
        Visit(Role.FIRST_RESPONDER, {"reference": world.draft, "slug": step.slug}) for step in STEPS
    ],
    "referrals:detail": _one(Role.FIRST_RESPONDER, reference="submitted"),
    "referrals:confirmation": _one(Role.FIRST_RESPONDER, reference="submitted"),
    "referrals:amend": _one(Role.FIRST_RESPONDER, reference="submitted"),
}


def test_every_html_route_is_visited_or_left_out() -> None:
    routes = {name for name, _route in ROUTES}
    pages = {name for name in routes if name.split(":")[0] not in LEFT_OUT_NAMESPACES}
    assert set(PAGES) & set(LEFT_OUT) == set()
    assert pages - set(PAGES) - set(LEFT_OUT) == set(), "add these routes to PAGES or LEFT_OUT"
    assert set(PAGES) | set(LEFT_OUT) <= routes, "these are no longer in the URL configuration"


# -- The world ------------------------------------------------------------------------------

GOVERNANCE_EXAMPLE = "msht.governance.migrations.0003_example_inspection_and_competencies"


def _users() -> dict[str, User]:
    first_responder = UserFactory.create(role=Role.FIRST_RESPONDER)
    decision_maker = DecisionMakerFactory.create()
    return {
        Role.FIRST_RESPONDER: first_responder,
        Role.DECISION_MAKER: decision_maker,
        Role.QUALITY_ASSURER: QualityAssurerFactory.create(
            organisation=decision_maker.organisation
        ),
        Role.INVESTIGATOR: UserFactory.create(role=Role.INVESTIGATOR),
        # An analyst of the competent authority, as in the statistics pages' test.
        Role.ANALYST: UserFactory.create(
            role=Role.ANALYST,
            organisation=Organisation.objects.get(code="single-competent-authority"),
        ),
        Role.GOVERNANCE: UserFactory.create(role=Role.GOVERNANCE),
        Role.ADMINISTRATOR: AdministratorFactory.create(),
        AWAITING_CODE: ConfirmedTotpDeviceFactory.create(
            user=UserFactory.create(role=Role.INVESTIGATOR)
        ).user,
        SETTING_UP_APP: DecisionMakerFactory.create(),
        USED_RECOVERY_CODE: ConfirmedTotpDeviceFactory.create(
            user=UserFactory.create(role=Role.ANALYST)
        ).user,
    }


def _casework(users: dict[str, User]) -> dict[str, Any]:
    """A submitted referral and a draft of the first responder's, an RG positive case awaiting
    CG, an overdue RG, a negative awaiting assurance, and an issued negative with a
    reconsideration requested."""
    today = timezone.localdate()
    referrer = users[Role.FIRST_RESPONDER]
    submitted = referral_submit(
        referrer,
        reference=referral_draft_save(referrer, answers=complete_answers()).reference,
    )
    draft = referral_draft_save(referrer, answers=complete_answers(narrative=""))
    cg = cg_decision_due(today)
    PendingRgDecisionFactory.create(
        referral__referred_on=today - dt.timedelta(days=30), deadline=today - dt.timedelta(days=5)
    )
    awaiting = AwaitingAssuranceRgDecisionFactory.create(decided_on=today)
    negative = NegativeRgDecisionFactory.create(
        referral__first_responder_organisation=referrer.organisation,
        referral__referred_on=today - dt.timedelta(days=10),
        decided_on=today - dt.timedelta(days=5),
    )
    reconsideration = reconsideration_request(
        actor=referrer, decision=negative, reasons="New evidence from the support worker."
    )
    return {
        "submitted": submitted.reference,
        "draft": draft.reference,
        "rg_positive": cg.referral.reference,
        "awaiting_assurance": awaiting.pk,
        "negative": (negative.referral.reference, negative.pk),
        "reconsideration": (negative.referral.reference, reconsideration.pk),
    }


def _statistics(analytics: AnalyticsWorld, scaled: Path, tmp_path: Path) -> dict[str, Any]:
    """A publication, and the scaled store with the national and one organisation's
    dashboard of the quarter protected (the fixture protects the national one only)."""
    store = tmp_path / "analytics.duckdb"
    shutil.copy(scaled, store)
    quarter = AnalyticsQuarter.parse(SCALED_DASHBOARD_QUARTER)
    with duckdb.connect(str(store)) as connection:
        # The organisation that referred most, so that its dashboard shows figures.
        organisation = str(
            connection.execute(
                "SELECT first_responder_organisation FROM referrals "
                "GROUP BY 1 ORDER BY count(*) DESC LIMIT 1"
            ).fetchall()[0][0]
        )
        store_dashboards(
            connection,
            rules=DisclosureRules(threshold=dashboard_threshold()),
            plan=[(quarter, None), (quarter, organisation)],
        )
    publication = statistics_publish(
        None, period=SCALED_DASHBOARD_QUARTER, out=tmp_path / "release", store=analytics.store
    ).publication
    return {"store": store, "publication": publication.pk, "organisation": organisation}


def _governance(member: User) -> dict[str, Any]:
    """The example inspection, the quarter's indicators, an objective and an open action."""
    importlib.import_module(GOVERNANCE_EXAMPLE).load(apps, None)
    indicator_values_compute(member, period=Quarter(2024, 3))
    objective = plan_item_create(
        member,
        strand=Strand.objects.get(code="pursue"),
        title="Set up the Pursue governance board",
        owner=Organisation.objects.get(code="border-force"),
        due_on=dt.date(2024, 12, 31),
    )
    recommendation = Recommendation.objects.order_by("pk").first()
    assert recommendation is not None
    action: GovernanceAction = OpenActionFactory.create(recommendation=recommendation)
    return {"plan_item": objective.pk, "recommendation": recommendation.pk, "action": action.pk}


def _pipelines(users: dict[str, User], tmp_path: Path) -> dict[str, Any]:
    """An ingest batch with a quarantined row and its quality figures, a network, an
    intelligence report, linkage pairs under review, an estimate and a monitoring run."""
    export = write_police(
        tmp_path / "force.csv", [police_row(1), police_row(2, DOB="31/02/1990"), police_row(3)]
    )
    batch_ingest(None, source_code="police", path=export)
    quality_measure(None)
    network = _store_world()
    network_run(None)
    report = IntelligenceReportFactory.create(
        originating_organisation=users[Role.INVESTIGATOR].organisation
    )
    pair = person_pair()
    first, second = (
        SuspectRecordFactory.create(given_names=name) for name in ("Kamaran", "Kamran")
    )
    suspect_pair = ClericalPair.objects.create(
        kind=LinkageKind.SUSPECTS,
        record_l_id=first.pk,
        record_r_id=second.pk,
        run=pair.run,
        match_probability=0.6,
        match_weight=0.5,
    )
    linked_referrals_world()
    estimate = estimation_run(None, period="2024", selection="aic", bootstrap_replicates=50)
    return {
        "batch": Batch.objects.get().pk,
        "quarantined_row": QuarantinedRow.objects.get().pk,
        "suspect": f"record-{network.recruiter.pk}",
        "report": report.reference,
        "linkage_run": pair.run_id,
        "person_pair": pair.pk,
        "suspect_pair": suspect_pair.pk,
        "estimate": estimate.pk,
        "fairness_run": stored_biased_run().pk,
    }


# -- The browser ----------------------------------------------------------------------------


def _password_only(browser: Browser, base_url: str, user: User) -> Page:
    """A new context where ``user`` has entered their password and nothing more."""
    page = browser.new_context().new_page()
    page.goto(base_url + "/sign-in/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password", exact=True).fill(FACTORY_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).not_to_have_text("Sign in")
    return page


@pytest.fixture
def open_in_state(
    chromium: Browser, live_server: LiveServer
) -> Iterator[Callable[[str, User | None], Page]]:
    """A browser context of its own for someone not (yet) fully signed in; closed afterwards.
    Signed-in roles use ``open_as``."""
    pages: list[Page] = []

    def open_page(state: str, user: User | None) -> Page:
        if state == ANONYMOUS or user is None:
            page = chromium.new_context().new_page()
        else:
            page = _password_only(chromium, live_server.url, user)
        pages.append(page)
        if state == USED_RECOVERY_CODE and user is not None:
            page.get_by_label(ENTER_CODE).fill(second_factor_recovery_codes_regenerate(user)[0])
            page.get_by_role("button", name="Continue").click()
            expect(page.get_by_role("heading", level=1)).not_to_have_text(ENTER_CODE)
        return page

    yield open_page
    for page in pages:
        page.context.close()


# Violations that come from GOV.UK Frontend's own markup, each (rule, target) with the reason;
# nothing else is left out, and no rule is turned off for a whole page.
KNOWN_FALSE_POSITIVES = {
    # The Back link goes before <main>, so that the skip link skips it too
    # (design-system.service.gov.uk/components/back-link): outside every landmark by design.
    # axe's region rule is a best practice, not WCAG; GOV.UK Frontend chose to keep the Back
    # link where it is (alphagov/govuk-frontend#6460, alphagov/govuk-design-system#5024).
    ("region", ".govuk-back-link"),
}


def _problems(page: Page, url: str) -> list[str]:
    """Every axe-core violation on the page, whatever its impact: page, rule and target."""
    violations: list[dict[str, Any]] = Axe().run(page).response["violations"]
    problems = []
    for violation in violations:
        for node in violation["nodes"]:
            target = " ".join(node["target"])
            if (violation["id"], target) not in KNOWN_FALSE_POSITIVES:
                problems.append(
                    f"{url} {violation['id']} ({violation['impact']}): {violation['help']}"
                    f" at {target}"
                )
    return problems


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_every_page_answers_and_passes_axe(
    analytics_world: AnalyticsWorld,
    scaled_analytics_store: Path,
    live_server: LiveServer,
    open_as: Callable[..., Page],
    open_in_state: Callable[[str, User | None], Page],
    settings: Any,
    tmp_path: Path,
) -> None:
    settings.VAR_DIR = tmp_path
    users = _users()
    statistics = _statistics(analytics_world, scaled_analytics_store, tmp_path)
    settings.ANALYTICS_STORE = str(statistics["store"])
    world = World(
        users=users,
        administrator_may_reset=users[Role.DECISION_MAKER].username,
        publication=statistics["publication"],
        organisation_dashboard=statistics["organisation"],
        **_casework(users),
        **_governance(users[Role.GOVERNANCE]),
        **_pipelines(users, tmp_path),
    )

    pages: dict[str, Page] = {}  # one browser context per role or state
    problems: list[str] = []
    visited: set[str] = set()
    for name, visits in PAGES.items():
        for visit in visits(world):
            if visit.who not in pages:
                pages[visit.who] = (
                    open_as(users[visit.who].username)
                    if visit.who in ROLES
                    else open_in_state(visit.who, users.get(visit.who))
                )
            page = pages[visit.who]
            url = reverse(name, kwargs=visit.kwargs) + (f"?{visit.query}" if visit.query else "")
            response = page.goto(live_server.url + url)
            assert response is not None
            if response.status != 200 or response.request.redirected_from is not None:
                problems.append(f"{url} as {visit.who} answered {response.status} at {page.url}")
                continue
            problems.extend(_problems(page, f"{url} as {visit.who}"))
            visited.add(name)

    assert problems == [], "\n".join(problems)
    assert visited == set(PAGES)
