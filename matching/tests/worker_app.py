"""The portal's Celery app with test seams, for workers started by the tests.

`celery -A matching.tests.worker_app worker` runs exactly the production tasks;
environment variables only slow a full rescore down (so that a test can kill the
worker midway) and shorten Redis' visibility timeout (so that a message a killed
worker never acknowledged is redelivered within seconds instead of an hour).
"""

import os
import time

from celery.signals import worker_process_init

from portal.celery import app

_VISIBILITY = os.environ.get("MATCHING_TEST_VISIBILITY_TIMEOUT")
if _VISIBILITY:
    app.conf.broker_transport_options = {
        **app.conf.broker_transport_options,
        "visibility_timeout": int(_VISIBILITY),
    }


@worker_process_init.connect
def _install_step_delay(**_kwargs) -> None:
    delay = float(os.environ.get("MATCHING_TEST_STEP_DELAY") or 0)
    if delay:
        from matching import services

        services.STEP_HOOK = lambda _run: time.sleep(delay)


__all__ = ["app"]
