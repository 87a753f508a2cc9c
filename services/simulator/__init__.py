"""A synthetic but Finland-shaped year of prison releases, and the shell that publishes it.

Everything except `run.py` is pure and deterministic for a seed: `timeline(config)` yields
`(occurred_at, org_code, event)` in event-time order; `run.py` publishes it to Kafka.
"""
