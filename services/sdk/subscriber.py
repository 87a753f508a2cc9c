"""Read an organisation's tasks and acknowledge them with `TaskStatusChanged`."""

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from kafka import KafkaConsumer
from kafka.errors import TopicAuthorizationFailedError

from services.core.events import TaskStatusChanged
from services.core.tasks import Task
from services.core.vocabulary import TaskStatus
from services.platform.codec import Catalogue, DecodeError
from services.platform.topics import TopicNames
from services.sdk.publisher import Publisher


class Subscriber:
    """Consumes `tasks.<org>`; repeats of a task id are dropped (at-least-once delivery)."""

    def __init__(
        self,
        org: str,
        bootstrap: str,
        *,
        namespace: str = "",
        group_id: str | None = None,
        from_beginning: bool = True,
        catalogue: Catalogue | None = None,
        **security: Any,
    ) -> None:
        self.org = org
        self.bootstrap = bootstrap
        self.namespace = namespace
        self.security = security
        self.topic = TopicNames(namespace).tasks(org)
        self.catalogue = catalogue or Catalogue()
        self._seen: set[str] = set()
        self.duplicates = 0
        self._consumer = KafkaConsumer(
            self.topic,
            bootstrap_servers=bootstrap,
            group_id=group_id,
            auto_offset_reset="earliest" if from_beginning else "latest",
            enable_auto_commit=group_id is not None,
            client_id=f"jatkumo-sdk-{org}",
            **security,
        )

    def tasks(self, timeout: float = 5.0) -> Iterator[Task]:
        """Tasks until `timeout` seconds pass with nothing new; each task id once.

        Raises TopicAuthorizationFailedError when these credentials may not read the topic.
        """
        while True:
            batches = self._consumer.poll(timeout_ms=int(timeout * 1000))
            if not batches:
                self._raise_if_refused()
                return
            for records in batches.values():
                for record in records:
                    try:
                        task = self.catalogue.decode_as(record.value, Task)
                    except DecodeError:
                        continue
                    if task.task_id in self._seen:
                        self.duplicates += 1
                        continue
                    self._seen.add(task.task_id)
                    yield task

    def _raise_if_refused(self) -> None:
        """The client only logs a topic it may not read; a subscriber should not wait in vain."""
        if self.topic in self._consumer._cluster.unauthorized_topics:
            raise TopicAuthorizationFailedError({self.topic})

    def ack(self, task: Task | str, status: TaskStatus, person_ref: str | None = None) -> str:
        """Publish the task's new status as this organisation; returns the event id."""
        task_id = task.task_id if isinstance(task, Task) else task
        ref = task.person_ref if isinstance(task, Task) else person_ref
        event = TaskStatusChanged(
            event_id=f"ack-{self.org}-{task_id}-{status.value}",
            occurred_at=datetime.now(UTC),
            source_org=self.org,
            person_ref=ref,
            task_id=task_id,
            status=status,
        )
        with Publisher(
            self.org,
            self.bootstrap,
            namespace=self.namespace,
            catalogue=self.catalogue,
            **self.security,
        ) as publisher:
            publisher.publish(event, wait=True)
        return event.event_id

    def close(self) -> None:
        self._consumer.close()
