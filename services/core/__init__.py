"""The pure domain: types and rules as functions of (state, input, now).

Nothing here performs I/O, reads clocks or imports stream-processing, Kafka, Avro or logging
libraries; a test keeps it that way.
"""
