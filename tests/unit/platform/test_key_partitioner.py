"""The workers' partitioner picks exactly the partition aiokafka's default one picks."""

import random

from aiokafka.partitioner import DefaultPartitioner

from services.platform.faust_app import KeyPartitioner


def test_every_key_goes_where_the_default_partitioner_sends_it() -> None:
    ours, default = KeyPartitioner(remembered=64), DefaultPartitioner()
    chance = random.Random(7)
    keys = [chance.randbytes(chance.randint(1, 60)) for _ in range(500)]
    for key in keys + keys:  # the second time from the remembered hashes
        for count in (1, 3, 6, 12):
            partitions = list(range(count))
            assert ours(key, partitions, partitions) == default(key, partitions, partitions)


def test_a_key_less_message_goes_to_an_available_partition() -> None:
    assert KeyPartitioner()(None, [0, 1, 2], [2]) == 2
