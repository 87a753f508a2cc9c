"""The container's health check: GET /healthz on 127.0.0.1:$JATKUMO_HEALTH_PORT answers 200.

The operator view serves /healthz on its own port; a worker serves it on its health port when
that is enabled. Exit status 0 is healthy, 1 is not (Docker's HEALTHCHECK convention).
"""

import os
import sys
import urllib.request

port = os.environ.get("JATKUMO_HEALTH_PORT", "8080")
try:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=4) as answer:
        sys.exit(0 if answer.status == 200 else 1)
except OSError:
    sys.exit(1)
