"""followup: owns time. Plan reviews, post-release follow-ups, task acceptance deadlines and the
broken-service-path alerts, decided by pure functions of (state, fact or tick, levels, now)."""
