"""Who may see and change an application. Members of the applying organisation own it; staff who run or pay
for the call see it. Anyone else must not learn it exists (views answer 404)."""

from __future__ import annotations

from typing import Any

from fundapp.accounts.permissions import is_member, is_staff
from fundapp.applications.models import Application
from fundapp.applications.states import UNDECIDED, ApplicationStatus
from fundapp.programmes.permissions import can_manage_round, can_view_round


def is_applicant_for(user: Any, application: Application) -> bool:
    """The user belongs to the organisation that made the application."""
    return is_member(user, application.organisation)


def can_view_application(user: Any, application: Application) -> bool:
    """The organisation's members; and, once it is submitted, staff who run or pay for the call.

    A draft is the organisation's own work in progress: staff see an application only from submission on.
    """
    if is_applicant_for(user, application):
        return True
    return application.submitted_at is not None and can_view_round(user, application.round)


def can_view_as_staff(user: Any, application: Application) -> bool:
    """The application's staff pages (the application, its history): staff who may see the application."""
    return is_staff(user) and can_view_application(user, application)


def can_edit_application(user: Any, application: Application) -> bool:
    """Members change answers and files only while the application is a draft."""
    return application.status == ApplicationStatus.DRAFT and is_applicant_for(user, application)


def can_withdraw_application(user: Any, application: Application) -> bool:
    """Members may withdraw until a decision has been made."""
    return application.status in UNDECIDED and is_applicant_for(user, application)


def can_screen_applications(user: Any, application: Application) -> bool:
    """Fund managers of the call (and admins) screen eligibility and override it."""
    return can_manage_round(user, application.round)
