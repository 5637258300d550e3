"""Flask extensions, created unbound here and bound to the app in create_app()."""

from __future__ import annotations

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_talisman import Talisman
from flask_wtf.csrf import CSRFProtect
from huey import Huey

from fundapp.core.models import Base

db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
talisman = Talisman()
# Limits are declared on views (fundapp.core.limits); storage, strategy and numbers come from the RATELIMIT_* config.
limiter = Limiter(key_func=get_remote_address)


# Tasks are decorated at import time, so huey exists now; create_app() picks its storage from the config
# (see fundapp.core.jobs.configure_huey). Until then it runs tasks inline, in memory.
huey = Huey("fundapp", immediate=True)
