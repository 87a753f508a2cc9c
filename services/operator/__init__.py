"""The operator view: a read model of alerts, case facts, disclosures and dead letters.

`projection` (with `views` and `figures`) is pure; `stream` reads the topics and `server`
serves the page, the JSON API and the metrics.
"""
