"""MSHT's settings with plain static file names (no collectstatic manifest), for the fault
tests' in-process requests (tests/faults/inprocess.py); nothing else differs."""

from msht.settings import *  # noqa: F403
from msht.settings import STORAGES

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
