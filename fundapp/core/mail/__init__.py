"""Email through an outbox table: queued inside the unit of work, delivered after commit, retried on failure.

Services call queue_email() so a message exists only if the change that caused it committed. After the
commit, delivery is handed to the job queue (fundapp.core.jobs.deliver_outbox); a periodic job retries
failures with exponential back-off until MAIL_MAX_ATTEMPTS, then marks the message failed.
"""
