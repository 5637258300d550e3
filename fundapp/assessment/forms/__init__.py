"""Assessment forms, one module per group of pages: assessor (scorecards, conflicts, connections), manage (pool,
assignment) and moderation (moderation)."""
