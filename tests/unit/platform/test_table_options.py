"""Table options: bounded RocksDB memory on the rocksdb:// store, nothing on memory://."""

from pathlib import Path

from faust.stores.rocksdb import RocksDBOptions

from services.platform.faust_app import ROCKSDB_TABLE_OPTIONS, table_options
from services.platform.settings import Settings


def test_memory_store_tables_take_no_options() -> None:
    """memory:// tables get no RocksDB options."""
    assert table_options(Settings(store="memory://")) is None


def test_rocksdb_tables_get_a_fresh_copy_of_the_bounded_options() -> None:
    """Each rocksdb:// table gets its own dict: faust's store pops keys from the one it is given."""
    settings = Settings(store="rocksdb://")
    first, second = table_options(settings), table_options(settings)
    assert first == ROCKSDB_TABLE_OPTIONS
    assert first is not second
    assert first is not ROCKSDB_TABLE_OPTIONS


def test_rocksdict_opens_a_database_with_the_options(tmp_path: Path) -> None:
    """faust's RocksDB options take every key, and rocksdict opens a database with them."""
    options = RocksDBOptions(**table_options(Settings(store="rocksdb://")) or {})
    assert options.use_rocksdict
    assert options.write_buffer_size == 4 * 2**20
    db = options.open(tmp_path / "table-0.db")
    try:
        db[b"person"] = b"state"
        assert db[b"person"] == b"state"
    finally:
        db.close()
