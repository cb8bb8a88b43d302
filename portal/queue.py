"""Queueing work from a request or a service.

A broker that cannot take a message is a state, not an error: the caller's
work is committed, so `enqueue` logs and answers False, and the caller
records that the work waits for the queue (the periodic jobs pick it up).
"""

import logging

from celery import Task
from kombu.exceptions import OperationalError as BrokerError

logger = logging.getLogger(__name__)

# What "the broker could not take the message" looks like.
ENQUEUE_ERRORS = (BrokerError, ConnectionError, TimeoutError)


def enqueue(task: Task, *args) -> bool:
    """Queue `task(*args)`; False, logged, if the broker is unreachable."""
    try:
        task.delay(*args)
    except ENQUEUE_ERRORS as error:
        logger.warning("could not queue %s%r: %s", task.name, args, error)
        return False
    return True
