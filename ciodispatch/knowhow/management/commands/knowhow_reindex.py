"""Rebuild the search index from the published cases and manuals.

Needed after a change to the normalisation or the scores (ciodispatch/knowhow/text.py) or to
the registry's names (the place-name rule): the index holds postings made by the old code
until it is rebuilt. All or nothing.
"""

from django.core.management.base import BaseCommand

from ciodispatch.knowhow.services import rebuild_index


class Command(BaseCommand):
    help = "Rebuild the know-how search index from the published cases and manuals."

    def handle(self, *args, **options):
        cases, manuals = rebuild_index()
        self.stdout.write(f"indexed {cases} cases and {manuals} manuals")
