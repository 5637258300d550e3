"""Awards: decisions, budget guard, awards, letters, acceptance, payments and verification."""
