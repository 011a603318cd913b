"""What the candidates app tells the apps that hold more about a candidate, which it does not
import.

``candidate_erased`` is sent inside the erasing transaction, once per erased file, with
``application``, ``user`` (the account, before it is renamed), ``emails`` (every address the
person used: the file's and the account's, lower-cased) and ``pseudonym`` (``erased-<id>``, which
has already replaced the person's name in free text across the apps). Each app that holds rows
naming the person erases them there (see ``core/personal_data.py`` for what each does):
outreach deletes the event registrations, training the calendar feed, matchround blanks the
hosts' interview notes, knowhow re-indexes the published cases that named them. A receiver
that fails rolls the erasure back.
"""

from django.dispatch import Signal

candidate_erased = Signal()
