"""What the matching round tells the apps above it, which it does not import.

``match_published`` is sent inside the publishing transaction, once per published round, with
``match_round``, ``pairs`` (each ``(request, application)`` matched, in candidate order) and
``actor``; the dispatches app proposes a dispatch for each pair (dispatches/apps.py).
"""

from django.dispatch import Signal

match_published = Signal()
