"""Copy GOV.UK Frontend, MOJ Frontend and Cytoscape.js into src/msht/static/vendor/.

Run after ``npm ci`` (``make assets`` does both). The packages' CSS refers to its fonts and
images as ``/assets/...`` (their default asset path); each copy is rewritten to the relative
``assets/...`` beside it, so the files work under any STATIC_URL and Django's manifest storage
can hash what they point at. Source maps are copied too: the minified files name them.
"""

from __future__ import annotations

import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / "node_modules"
VENDOR = ROOT / "src" / "msht" / "static" / "vendor"

ABSOLUTE_ASSET_URL = "url(/assets/"
RELATIVE_ASSET_URL = "url(assets/"


@dataclass(frozen=True)
class Package:
    """One npm package: where its built files are and where they go under vendor/."""

    name: str
    dist: Path
    target: str
    files: tuple[str, ...]
    has_assets: bool = True  # fonts and images in an assets/ folder beside the files


PACKAGES = (
    Package(
        name="govuk-frontend",
        dist=NODE_MODULES / "govuk-frontend" / "dist" / "govuk",
        target="govuk-frontend",
        files=(
            "govuk-frontend.min.css",
            "govuk-frontend.min.css.map",
            "govuk-frontend.min.js",
            "govuk-frontend.min.js.map",
        ),
    ),
    Package(
        name="@ministryofjustice/frontend",
        dist=NODE_MODULES / "@ministryofjustice" / "frontend" / "moj",
        target="moj-frontend",
        files=(
            "moj-frontend.min.css",
            "moj-frontend.min.css.map",
            "moj-frontend.min.js",
            "moj-frontend.min.js.map",
        ),
    ),
    # The interactive network graph on investigators' pages (a table is always beside it).
    Package(
        name="cytoscape",
        dist=NODE_MODULES / "cytoscape" / "dist",
        target="cytoscape",
        files=("cytoscape.min.js",),
        has_assets=False,
    ),
)


class AssetsMissingError(Exception):
    """node_modules does not hold a package's built files: run ``npm ci`` first."""


def _copy_package(package: Package) -> int:
    if not package.dist.is_dir():
        raise AssetsMissingError(f"{package.dist} is missing: run `npm ci` first")
    target = VENDOR / package.target
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    for name in package.files:
        source = package.dist / name
        if not source.is_file():
            raise AssetsMissingError(f"{package.name} has no {name}: is the pinned version right?")
        if name.endswith(".css"):
            css = source.read_text(encoding="utf-8")
            (target / name).write_text(
                css.replace(ABSOLUTE_ASSET_URL, RELATIVE_ASSET_URL), encoding="utf-8"
            )
        else:
            shutil.copy2(source, target / name)
    if package.has_assets:
        shutil.copytree(package.dist / "assets", target / "assets")
    return sum(1 for path in target.rglob("*") if path.is_file())


def main() -> int:
    """Copy every package; print what was copied; exit 1 when a package is missing."""
    try:
        for package in PACKAGES:
            count = _copy_package(package)
            print(f"{package.name}: {count} files -> {(VENDOR / package.target).relative_to(ROOT)}")  # noqa: T201
    except AssetsMissingError as error:
        print(f"build_assets: {error}", file=sys.stderr)  # noqa: T201
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
