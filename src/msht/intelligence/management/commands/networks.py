"""``msht networks``: build the perpetrator network graph and rank suspects."""

from __future__ import annotations

import json
from argparse import ArgumentParser
from typing import IO, Any, cast

from django.core.management.base import BaseCommand
from rich.console import Console
from rich.table import Table

from msht.intelligence.networks import network_missed_opportunities, suspect_ranking_list
from msht.intelligence.services import MISSED_OPPORTUNITY_REFERRALS, network_run

TOP_SUSPECTS = 10


class Command(BaseCommand):
    help = (
        "Build the perpetrator network graph from suspect records, referrals and "
        "intelligence: candidate networks, communities, a ranking of suspects, and the "
        "networks with several referrals and no Pursue activity (missed opportunities)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        """How to print the result."""
        parser.add_argument("--json", action="store_true", help="print one JSON object")

    def handle(self, *args: Any, **options: Any) -> None:
        """Build, store and summarise one network run."""
        console = Console(file=cast(IO[str], self.stdout), width=140)
        with console.status("Building the network graph"):
            build = network_run(None)
        run = build.run
        missed = network_missed_opportunities(
            None, run, minimum_referrals=MISSED_OPPORTUNITY_REFERRALS
        )
        top = list(suspect_ranking_list(None, run)[:TOP_SUSPECTS])
        if options["json"]:
            summary = {
                "run": run.pk,
                "seconds": round(build.seconds, 3),
                **run.counts,
                "missed_opportunities": len(missed),
            }
            self.stdout.write(json.dumps(summary))
            return
        console.print(
            f"Network run {run.pk}: {run.counts['networks']:,} candidate networks from "
            f"{run.counts['nodes']:,} nodes and {run.counts['edges']:,} edges "
            f"in {build.seconds:.1f} s"
        )
        table = Table(title=f"The {len(top)} suspects who reach most victims")
        for heading in ("rank", "suspect", "network", "victims within 2 steps", "betweenness"):
            table.add_column(heading)
        for rank in top:
            table.add_row(
                str(rank.position),
                rank.suspect,
                str(rank.network.number),
                str(rank.victims_connected),
                f"{rank.centrality:.3f}",
            )
        console.print(table)
        console.print(
            f"{len(missed)} networks with {MISSED_OPPORTUNITY_REFERRALS} or more referrals and "
            "no Pursue activity recorded against any of their suspects."
        )
