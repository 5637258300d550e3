"""Applications: drafts, answers, attachments, budgets, eligibility screening and submission."""
