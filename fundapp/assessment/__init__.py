"""Assessment: assignments, conflicts of interest, scorecards, aggregation, moderation and ranking."""
