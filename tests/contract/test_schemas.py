"""The committed Avro schemas agree with the models, and every record round-trips."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from services.core.tasks import Task, field_categories
from services.platform.codec import Catalogue
from services.platform.contract import RECORDS, derive_schema
from services.platform.schema_store import drift, load_versions
from tests.support.strategies import for_model

CATALOGUE = Catalogue()


def test_committed_schemas_match_the_models() -> None:
    """No model differs from its newest committed schema (run `jatkumo schemas generate`)."""
    assert drift() == []


@pytest.mark.parametrize("model", RECORDS, ids=lambda m: m.__name__)
def test_every_record_has_a_committed_version(model: type[BaseModel]) -> None:
    """Each contract record is published as at least v1 in schemas/avro/<Record>/."""
    assert load_versions(model.__name__)


@pytest.mark.parametrize("model", RECORDS, ids=lambda m: m.__name__)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_every_record_round_trips(model: type[BaseModel], data: st.DataObject) -> None:
    """Any valid instance of every record decodes back to an equal instance."""
    record = data.draw(for_model(model))
    assert CATALOGUE.decode(CATALOGUE.encode(record)) == record


def test_task_payload_fields_carry_their_category_in_the_schema() -> None:
    """The Avro contract shows each payload field's data category."""
    schema = derive_schema(Task)
    payload = next(f for f in schema["fields"] if f["name"] == "payload")
    record = (
        next(t for t in payload["type"] if isinstance(t, dict))
        if isinstance(payload["type"], list)
        else payload["type"]
    )
    shown = {f["name"]: f["category"] for f in record["fields"]}
    assert shown == {name: cat.value for name, cat in field_categories().items()}
