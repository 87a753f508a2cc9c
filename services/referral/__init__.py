"""The referral service: admits inbound events and keeps the case registry.

`decide` is the pure core (gate, registry transitions, hold and dedup rules); the stream shell
around it reads `inbound.<org>`, seals sensitive fields and publishes `case-facts`.
"""
