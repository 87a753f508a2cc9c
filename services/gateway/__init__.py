"""The HTTPS and FHIR R4 gateway: the same contract as `inbound.<org>` and `tasks.<org>`, over
HTTPS with JSON, for organisations that cannot run a Kafka client.

Each organisation authenticates with a client certificate (mutual TLS, CN = its code) or an
OAuth 2.0 client-credentials bearer token; the gateway publishes to `inbound.<org>` with that
organisation's own Kafka principal, so the gate's rules apply unchanged.
"""
