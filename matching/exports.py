"""The matches sheet of the needs export (registered in MatchingConfig.ready)."""

from collections.abc import Iterable

from matching.models import Match
from needs.services.exports import LIST_SEPARATOR
from portal.exports import SheetExporter


class MatchesExporter(SheetExporter):
    title = "匹配结果"

    def __init__(self, need_ids: list[int]) -> None:
        self.need_ids = need_ids

    def headers(self) -> list[str]:
        return ["需求编号", "技术需求名称", "排名", "香港机构", "匹配度", "匹配理由"]

    def rows(self) -> Iterable[list]:
        matches = (
            Match.objects.filter(need_id__in=self.need_ids)
            .select_related("need", "partner")
            .order_by("need_id", "-score", "partner_id")
        )
        rank, current = 0, None
        for match in matches.iterator(chunk_size=2000):
            rank = rank + 1 if match.need_id == current else 1
            current = match.need_id
            yield [
                match.need.reference,
                match.need.title,
                rank,
                str(match.partner),
                round(match.score * 100, 1),
                LIST_SEPARATOR.join(match.reason_lines()),
            ]
