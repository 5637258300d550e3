"""Accounts: people, organisations and their members, staff roles, signing in and out."""

from flask import Blueprint

bp = Blueprint("accounts", __name__, template_folder="templates")
