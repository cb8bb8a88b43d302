"""Settings of a worker started by the test harness (portal/tests/worker.py):
the test process's own settings, on the test database it created."""

import os

from portal.settings import *  # noqa: F403
from portal.settings import DATABASES

DATABASES["default"]["NAME"] = os.environ["PORTAL_TEST_DATABASE_NAME"]
