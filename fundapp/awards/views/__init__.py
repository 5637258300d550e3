"""Award pages, one module per job: deciding a call (decisions), an award's due diligence and letters (manage),
bulk letters (batches), the applicant's outcome (outcome), their offer and acceptance (applicant), finance's
payments (payments) and the public verification page (verify)."""

from fundapp.awards.views import applicant, batches, decisions, manage, outcome, payments, verify

__all__ = ["applicant", "batches", "decisions", "manage", "outcome", "payments", "verify"]
