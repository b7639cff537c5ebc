"""watchkeeper.yaml accepts the channel types the notifiers can send, no more, no less."""

from watchkeeper.service.config import CHANNEL_TYPES
from watchkeeper.service.notifiers import notifier_types


def test_the_file_and_the_senders_name_the_same_channel_types() -> None:
    assert set(CHANNEL_TYPES) == set(notifier_types()) == {"webhook", "slack", "email", "pagerduty"}
