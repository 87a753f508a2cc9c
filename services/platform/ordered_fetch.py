"""Keep faust from acknowledging messages that no agent processed.

faust treats a jump in a partition's offsets as a gap that needs no processing and marks the
skipped offsets acknowledged: right for compacted topics and transaction markers. After a
rebalance the consumer can hand over a record that lies beyond messages which were fetched but
never processed (their queue was cleared while partitions moved). faust then takes those
messages for a gap, acknowledges them and commits past them: they are lost, with no error.

Jatkumo's stream topics are never compacted and carry no transactions, so a jump there only
means "not read yet". `install()` wraps `Consumer.getmany`: at such a jump the consumer seeks
back to the first offset it has not read and ends the batch; the next fetch reads the missing
messages, in order. Table changelogs (compacted, read by recovery) are left as they are.
"""

from collections.abc import AsyncIterator
from contextlib import aclosing, suppress
from typing import Any

from aiokafka.errors import IllegalStateError
from faust.transport.consumer import Consumer

_original_getmany = Consumer.getmany


def jumps_ahead(last_read: int | None, offset: int) -> bool:
    """True when `offset` is beyond the next offset after `last_read` (faust's own gap test)."""
    return last_read is not None and offset > last_read + 1


async def _getmany_in_order(self: Any, timeout: float) -> AsyncIterator[tuple[Any, Any]]:
    records: Any = _original_getmany(self, timeout)
    async with aclosing(records) as batch:
        async for tp, message in batch:
            stream_topic = self.app.topics.acks_enabled_for(tp.topic) and not tp.topic.endswith(
                "-changelog"
            )
            last_read = self._read_offset.get(tp)
            if stream_topic and jumps_ahead(last_read, message.offset):
                self.log.warning(
                    "offsets jumped ahead: reading again from the first unread one",
                    extra={"topic": tp.topic, "partition": tp.partition},
                )
                with suppress(IllegalStateError):  # revoked meanwhile: its new owner reads it
                    await self.seek_wait({tp: last_read + 1})  # in the consumer's own thread
                return
            yield tp, message


def install() -> None:
    """Patch faust's consumer once per process (every app of the process shares it)."""
    if Consumer.getmany is not _getmany_in_order:
        Consumer.getmany = _getmany_in_order  # type: ignore[method-assign]
