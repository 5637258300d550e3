"""Shared kernel: persistence base, money, time, transactions, errors, auth, audit, email. No grant rules here."""
