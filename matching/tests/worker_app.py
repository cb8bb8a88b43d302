"""A test seam for workers started by the matching tests.

Imported by the worker at start (`worker_running(include=(__name__,))`):
MATCHING_TEST_STEP_DELAY slows a full rescore down, so that a test can kill the
worker midway. Redelivery after a kill is shortened with JOB_VISIBILITY_TIMEOUT.
"""

import os
import time

from celery.signals import worker_process_init


@worker_process_init.connect
def _install_step_delay(**_kwargs) -> None:
    delay = float(os.environ.get("MATCHING_TEST_STEP_DELAY") or 0)
    if delay:
        from matching import services

        mark_done = services._mark_need_done

        def mark_done_slowly(need_id, run):
            mark_done(need_id, run)
            time.sleep(delay)

        services._mark_need_done = mark_done_slowly
