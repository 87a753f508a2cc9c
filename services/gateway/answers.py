"""First answers by (organisation, event id): a repeated post gets the answer of the first.

Bounded: the oldest answers are forgotten first. A repeat after that is published again with
the same event id, and the stream's own deduplication by event id still holds.
"""

import asyncio
from collections import OrderedDict
from collections.abc import Awaitable, Callable

from services.gateway.bodies import Accepted

Key = tuple[str, str]


class AnswerBook:
    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self._answers: OrderedDict[Key, asyncio.Future[Accepted]] = OrderedDict()

    async def once(self, key: Key, produce: Callable[[], Awaitable[Accepted]]) -> Accepted:
        """The first answer for `key`; `produce` runs only when there is none (or it failed)."""
        pending = self._answers.get(key)
        if pending is not None:
            return await asyncio.shield(pending)
        future: asyncio.Future[Accepted] = asyncio.get_running_loop().create_future()
        self._answers[key] = future
        try:
            answer = await produce()
        except BaseException as error:
            del self._answers[key]
            future.set_exception(error)
            future.exception()  # retrieved: waiting repeats see it, nobody else must
            raise
        future.set_result(answer)
        while len(self._answers) > self.capacity:
            self._answers.popitem(last=False)
        return answer
