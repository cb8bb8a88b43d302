"""The Celery app's configuration, without a broker."""

from portal.celery import app


def test_every_scheduled_task_exists():
    app.loader.import_default_modules()  # what a worker does at start: autodiscover <app>.tasks

    scheduled = {entry["task"] for entry in app.conf.beat_schedule.values()}

    assert scheduled <= set(app.tasks), scheduled - set(app.tasks)


def test_jobs_are_acknowledged_only_after_they_ran_and_never_prefetched():
    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.worker_prefetch_multiplier == 1


def test_only_json_crosses_the_broker():
    assert app.conf.task_serializer == "json"
    assert app.conf.accept_content == ["json"]


def test_every_task_has_a_hard_time_limit_below_the_visibility_timeout():
    # A job still running when Redis hands it out again would run twice at once.
    app.loader.import_default_modules()
    visibility = app.conf.broker_transport_options["visibility_timeout"]
    for name, task in app.tasks.items():
        if name.startswith("celery."):
            continue
        limit = task.time_limit or app.conf.task_time_limit
        assert limit and limit < visibility, name
