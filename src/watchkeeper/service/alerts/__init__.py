"""Alerts: the firing/resolved state machine with de-duplication, cooldown, acknowledgement
and silences. Pure logic; the service stores the records and the notifiers deliver the events.
"""

from watchkeeper.service.alerts._state import (
    AlertRecord,
    Evaluation,
    Transition,
    acknowledge,
    silence,
    transition,
)

__all__ = ["AlertRecord", "Evaluation", "Transition", "acknowledge", "silence", "transition"]
