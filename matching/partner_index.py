"""The partner index of a worker process, built once per directory version.

Vectorising the 5,000-partner directory takes seconds, scoring one need against it
milliseconds. A worker process therefore keeps the last index it built in a
module-level dict, keyed by :func:`directory_version`, and every need, partner and
full run in that process reuses it until the directory changes. The cache is
process-local: each Celery pool child (and each web process that scores in-line)
builds its own on first use and holds one index (a few hundred MB at 5,000
partners); nothing is shared or invalidated across processes, because the key is
read from the database on every use.

The version is a fingerprint of the rows the index is built from, so it moves with
every write whoever makes it (the partner services, the admin, an import, a
``QuerySet.update``): the count and largest id of partners (creations, deletions),
the count of active partners (deactivation), the latest ``updated_at`` (every
``save()``), and the count and largest id of the partner–field links (a changed
set of technology fields without a save). It is read *before* the documents, so an
index can only ever be stored under an older version than its contents, which
costs one extra rebuild and never serves a stale index.
"""

from __future__ import annotations

from django.db.models import Count, Max, Q

from matching import scoring
from matching.documents import active_partner_docs
from partners.models import Partner

DirectoryVersion = tuple

_CACHE: dict[DirectoryVersion, scoring.PartnerIndex] = {}


def directory_version() -> DirectoryVersion:
    """A value that changes whenever a partner the index is built from changes (two queries)."""
    partners = Partner.objects.aggregate(
        total=Count("pk"),
        active=Count("pk", filter=Q(is_active=True)),
        last=Max("pk"),
        updated=Max("updated_at"),
    )
    links = Partner.fields.through.objects.aggregate(total=Count("pk"), last=Max("pk"))
    return (
        partners["total"],
        partners["active"],
        partners["last"],
        partners["updated"],
        links["total"],
        links["last"],
    )


def partner_index_build(*, processes: int = 1) -> scoring.PartnerIndex:
    """A fresh index of every active partner (featurised in ``processes`` processes)."""
    return scoring.PartnerIndex(active_partner_docs(), processes=processes)


def partner_index(*, processes: int = 1) -> scoring.PartnerIndex:
    """The index of the current directory, built at most once per version in this process.

    ``processes`` only speeds up a build; the index is the same either way.
    """
    version = directory_version()
    index = _CACHE.get(version)
    if index is None:
        index = partner_index_build(processes=processes)
        # One version at a time: an old index is garbage once the directory moved on.
        _CACHE.clear()
        _CACHE[version] = index
    return index


def partner_index_forget() -> None:
    """Drop this process's index (tests, memory pressure)."""
    _CACHE.clear()
