"""docs/integration-guide.md sections 9 and 10 agree with the gateway's code and document."""

import ast
import hashlib
import hmac
import json
import re
from pathlib import Path

from services.gateway import webhooks
from services.gateway.openapi import openapi_path

ROOT = Path(__file__).resolve().parents[2]
GUIDE = (ROOT / "docs" / "integration-guide.md").read_text("utf-8")
GATEWAY = ROOT / "services" / "gateway"


def _problem_kinds() -> set[str]:
    """The first string argument of every ProblemError(...) in services/gateway."""
    kinds = set()
    for module in GATEWAY.glob("*.py"):
        for node in ast.walk(ast.parse(module.read_text("utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "ProblemError":
                first = node.args[0] if node.args else None
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    kinds.add(first.value)
    return kinds


def _paths() -> list[str]:
    return list(json.loads(openapi_path().read_text("utf-8"))["paths"])


def test_every_problem_kind_is_in_the_guide_table() -> None:
    """Each problem type the gateway can answer has a row in section 9."""
    kinds = _problem_kinds()
    assert {"wrong-organisation", "unknown-field"} <= kinds  # the scan finds them
    missing = sorted(k for k in kinds if f"| `{k}` |" not in GUIDE)
    assert missing == []


def test_every_curl_example_calls_a_documented_operation() -> None:
    """The path of each curl example in the guide is a path of schemas/openapi.json."""
    patterns = [re.compile("^" + re.sub(r"\{[^}]+\}", "[^/?]+", p) + "$") for p in _paths()]
    urls = re.findall(r"https://gateway\.example:8443(/[^\s'?]*)", GUIDE)
    assert len(urls) >= 6
    unmatched = [u for u in urls if not any(p.match(u) for p in patterns)]
    assert unmatched == []


def test_every_operation_is_mentioned_in_the_guide() -> None:
    """Each path of the document appears in the guide (templated parts written <...>)."""
    missing = [p for p in _paths() if p.split("{")[0].rstrip("/") not in GUIDE]
    assert missing == []


def test_the_guide_signature_recipe_is_the_one_the_gateway_uses() -> None:
    """sha256= + hex HMAC-SHA256 of `<timestamp>.<body>` with the secret, as section 9 says."""
    assert "`sha256=` followed by the hex HMAC-SHA256 of `<timestamp>.<body>`" in " ".join(
        GUIDE.split()
    )
    body, stamp, secret = b'{"task_id":"t-1"}', "1767225600", "a-secret-of-some-length"
    recipe = (
        "sha256="
        + hmac.new(secret.encode(), f"{stamp}.".encode() + body, hashlib.sha256).hexdigest()
    )
    assert webhooks.signature(secret, stamp, body) == recipe
    for header in ("Jatkumo-Delivery", "Jatkumo-Timestamp", "Jatkumo-Signature"):
        assert f"`{header}`" in GUIDE
        assert header in (GATEWAY / "webhooks.py").read_text("utf-8")
