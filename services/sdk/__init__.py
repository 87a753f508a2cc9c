"""The SDK for member organisations: publish events to your inbound topic, read your tasks.

    publisher = Publisher("prison-kuopion", bootstrap="127.0.0.1:19092")
    publisher.publish(CustodyStarted(...))
    receipt = publisher.publish(ReleaseDateSet(...), wait_for_receipt=True)  # accepted/rejected
    for task in Subscriber("county-13", bootstrap=...).tasks(timeout=5):
        ...
"""

from services.sdk.publisher import Publisher, PublishError
from services.sdk.receipts import ReceiptReader, ReceiptTimeout
from services.sdk.subscriber import Subscriber

__all__ = ["PublishError", "Publisher", "ReceiptReader", "ReceiptTimeout", "Subscriber"]
