"""What the needs app announces to the apps built on it.

`need_changed` is sent inside the writer's transaction whenever a need was
submitted, edited, withdrawn or moved by screening, with `need_id`.
Receivers (matching) record what they must do in that same transaction and
queue the work after commit, so needs never import the apps that listen.
"""

from django.dispatch import Signal

need_changed = Signal()
