"""What the directory announces to the apps built on it.

`partner_changed` is sent inside the writer's transaction when a partner was
created, edited, deactivated or had its fields changed, with `partner_id`;
matching listens and rescores it after commit.
"""

from django.dispatch import Signal

partner_changed = Signal()
