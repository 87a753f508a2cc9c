"""The edge: codec, topics, faust apps, clock, settings, logging, broker control, dead letters."""
