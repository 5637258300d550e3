"""Applicant pages: start an application, the task list, section pages, check answers, submit, withdraw."""

from __future__ import annotations
