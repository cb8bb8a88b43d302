from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "matching"

    def ready(self) -> None:
        # Imported once the app registry is ready (models load through them).
        from matching import exports, services
        from matching.scoring.text import glossary_synonyms
        from needs.services.exports import EXTRA_SHEETS
        from needs.signals import need_changed
        from partners.scripts import QUERY_EXPANDERS
        from partners.signals import partner_changed

        need_changed.connect(services.need_changed_received, dispatch_uid="matching.need_changed")
        partner_changed.connect(services.partner_changed_received, dispatch_uid="matching.partner_changed")
        if glossary_synonyms not in QUERY_EXPANDERS:
            QUERY_EXPANDERS.append(glossary_synonyms)
        if exports.MatchesExporter not in EXTRA_SHEETS:
            EXTRA_SHEETS.append(exports.MatchesExporter)
