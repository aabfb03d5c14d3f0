"""Django settings for MSHT: configuration only, read from the environment.

Every value has a safe default: DEBUG is off unless ``MSHT_DEBUG`` is set, the
database is a SQLite file under ``./var/`` unless ``DATABASE_URL`` says
otherwise, and the secret key must be given in production.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import sys
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
from csp.constants import NONE, SELF

from msht.core.errors import ConfigurationError

PACKAGE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("MSHT_VAR_DIR", Path.cwd() / "var")).resolve()

MISSING_SECRET_KEY = "MSHT_SECRET_KEY must be set when MSHT_ENVIRONMENT is production"  # noqa: S105


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


ENVIRONMENT = os.environ.get("MSHT_ENVIRONMENT", "development")
PRODUCTION = ENVIRONMENT == "production"
DEBUG = _flag("MSHT_DEBUG")


def _secret_key() -> str:
    """Read the key from the environment; in development keep a generated one under var/."""
    key = os.environ.get("MSHT_SECRET_KEY", "")
    if key:
        return key
    if PRODUCTION:
        raise ConfigurationError(MISSING_SECRET_KEY)
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()

ALLOWED_HOSTS = [
    host.strip()
    for host in os.environ.get("MSHT_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
    if host.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "csp",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    # The second factor: TOTP authenticator apps (accounts.second_factor).
    "django_otp",
    "django_otp.plugins.otp_totp",
    "msht.core",
    "msht.accounts",
    "msht.audit",
    "msht.referrals",
    "msht.decisions",
    "msht.intelligence",
    "msht.governance",
    "msht.ingest",
    "msht.quality",
    "msht.linkage",
    "msht.analytics",
    "msht.estimation",
    "msht.fairness",
    "msht.privacy",
    "msht.synth",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Static files answer here, before sessions and authentication are touched.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # A NUL character in the path or query answers 404 or 400 before any database query.
    "msht.core.middleware.NulCharacterMiddleware",
    "csp.middleware.CSPMiddleware",
    # Pages carry people's details: no browser or proxy may keep a copy.
    "msht.accounts.middleware.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): has this session entered a code from the user's app.
    "django_otp.middleware.OTPMiddleware",
    # Idle and absolute session timeouts, and disabled users, end the session here.
    "msht.accounts.middleware.SessionTimeoutMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Deny by default: every page needs a signed-in user unless marked login_not_required.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # Administrators and decision makers (and anyone with an app set up) enter a code first.
    "msht.accounts.middleware.SecondFactorMiddleware",
    # A PermissionDeniedError from accounts.rules answers 403.
    "msht.accounts.middleware.PermissionDeniedMiddleware",
    # Sign-in throttling answers the locked-out page; django-axes wants to be last.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "msht.urls"
WSGI_APPLICATION = "msht.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'msht.sqlite3'}"),
        # A connection per request unless MSHT_DB_CONN_MAX_AGE (seconds) keeps them open;
        # kept ones are checked before each request, so a restarted PostgreSQL is
        # reconnected to without restarting MSHT (tests/faults/test_postgres_restart.py).
        conn_max_age=int(os.environ.get("MSHT_DB_CONN_MAX_AGE", "0")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several writers (the server and a command) share the file: wait rather than fail.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
    # Tests use a file, not memory: the Arrow extract (analytics.extract) opens its own
    # connection, which cannot reach an in-memory database. The process id keeps test
    # runs that overlap on one machine off each other's file.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test_msht_{os.getpid()}.sqlite3")}


def _database_label(database: Mapping[str, Any]) -> str:
    """A file-name-safe name for one database, so that two stores (a scratch benchmark
    database beside the real one) never write into each other's audit checkpoints."""
    identity = "|".join(str(database.get(key) or "") for key in ("ENGINE", "HOST", "PORT", "NAME"))
    stem = Path(str(database.get("NAME") or "store")).stem
    readable = re.sub(r"[^A-Za-z0-9_.-]+", "-", stem)
    return f"{readable}-{hashlib.sha256(identity.encode()).hexdigest()[:10]}"


# The audit chain head is appended here after every commit, outside the database, so that
# `msht audit verify` can tell a rewritten trail (msht.audit.checkpoints). In production put
# it where the database account cannot write, and ship it to write-once storage.
AUDIT_CHECKPOINT_FILE = Path(
    os.environ.get(
        "MSHT_AUDIT_CHECKPOINT_FILE",
        VAR_DIR / "audit" / f"{_database_label(DATABASES['default'])}.checkpoints",
    )
)

UNREADABLE_AUDIT_KEY_FILE = "MSHT_AUDIT_KEY_FILE names {path}, which cannot be read"


def _audit_key() -> tuple[str, str]:
    """The audit chain's HMAC key, held outside the database (msht.audit.chain), and where it
    came from: the environment, a key file, or in development a key generated under var/.
    Production without one starts, but `check --deploy` fails and no event can be written."""
    key = os.environ.get("MSHT_AUDIT_KEY", "").strip()
    if key:
        return key, "environment"
    key_file = os.environ.get("MSHT_AUDIT_KEY_FILE", "")
    if key_file:
        try:
            return Path(key_file).read_text().strip(), "file"
        except OSError as error:
            raise ConfigurationError(UNREADABLE_AUDIT_KEY_FILE.format(path=key_file)) from error
    if PRODUCTION:
        return "", "missing"
    path = VAR_DIR / "audit_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        fresh = VAR_DIR / f"audit_key.{os.getpid()}"
        fresh.write_text(secrets.token_urlsafe(50))
        fresh.chmod(0o600)
        try:
            os.link(fresh, path)  # atomic: of two processes starting at once, one key wins
        except FileExistsError:
            pass
        finally:
            fresh.unlink()
    return path.read_text().strip(), "development"


AUDIT_KEY, AUDIT_KEY_SOURCE = _audit_key()

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:sign-in"
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "accounts:sign-in"

# django-axes first: it refuses a locked-out username and address before any password check.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# OWASP ASVS 5.0 V6.3.1: at most 6 failures for one username from one address, then 30 minutes
# locked; a success clears the count. Failures are counted in the database (shared by every
# server process).
AXES_FAILURE_LIMIT = 6
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "msht.accounts.views.locked_out"
# Failures while locked out do not extend the lock: 30 minutes from the lock, as the page says.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# Each attempt is already an audit event (accounts.session_audit); no second access log.
AXES_DISABLE_ACCESS_LOG = True

# ASVS V6.5: the second factor. Authenticator apps show the issuer beside the username; a
# wrong code makes the next check wait 1, 2, 4, 8 ... seconds (django-otp's throttling).
OTP_TOTP_ISSUER = "MSHT"
OTP_TOTP_THROTTLE_FACTOR = 1

# ASVS V6.2: at least 8 characters (the message advises 15), up to 64 and more accepted,
# common and breached passwords refused (the breached list is a local file: no network).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "msht.accounts.passwords.LengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "msht.accounts.passwords.BreachedPasswordValidator"},
]
# Have I Been Pwned's Pwned Passwords as SHA-1 hashes, sorted ("HASH:count" lines), put here by
# the operator: looked up by binary search, never loaded whole. Without it `check --deploy`
# warns in production and the check is skipped.
BREACHED_PASSWORDS_FILE = Path(
    os.environ.get("MSHT_BREACHED_PASSWORDS_FILE", VAR_DIR / "pwned-passwords-sha1.txt")
)

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
# The test suite never runs `collectstatic`; see STORAGES and WHITENOISE_* below.
_STATIC_UNCOLLECTED = "pytest" in sys.modules
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Compressed copies with content hashes in their names, cached for ever by browsers;
    # built by `collectstatic` (`msht serve` runs it). Under pytest Django's plain storage
    # names the source files instead (Django's advice for tests).
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if _STATIC_UNCOLLECTED
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# WhiteNoise serves STATIC_ROOT; in debug mode and under pytest it finds files at their source.
WHITENOISE_USE_FINDERS = WHITENOISE_AUTOREFRESH = DEBUG or _STATIC_UNCOLLECTED

# A strict Content Security Policy: nothing inline, nothing from elsewhere. The GOV.UK
# `js-enabled` class is set by an external script (static/msht/js-enabled.js) for this reason.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "manifest-src": [SELF],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
        "frame-ancestors": [NONE],
    },
}

SESSION_COOKIE_HTTPONLY = True
# ASVS V7.3: a session ends after an hour without a request, and 10 hours after sign-in
# whatever happens (accounts.middleware.SessionTimeoutMiddleware). The cookie and stored
# session outlive neither: the store forgets a session an hour after its last write.
SESSION_IDLE_TIMEOUT = timedelta(hours=1)
SESSION_ABSOLUTE_TIMEOUT = timedelta(hours=10)
SESSION_COOKIE_AGE = int(SESSION_IDLE_TIMEOUT.total_seconds())
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Django's default, said out loud: no page opened from elsewhere keeps a handle on ours.
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

REST_FRAMEWORK = {
    # Deny by default: an endpoint must say who may call it.
    "DEFAULT_PERMISSION_CLASSES": ["msht.accounts.api_permissions.DenyAll"],
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # A token of a user who must use a second factor works only while they have one.
        "msht.accounts.api_authentication.SecondFactorTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # DRF's JSON parser, answering 400 (not 500) to a body nested too deeply.
    "DEFAULT_PARSER_CLASSES": ["msht.core.api.JsonParser"],
}

SPECTACULAR_SETTINGS = {
    "TITLE": "MSHT API",
    "DESCRIPTION": "Referrals, Duty to Notify reports and NRM decisions. Every endpoint needs a "
    "per-user token (`Authorization: Token ...`) and answers only what the caller's role and "
    "organisation allow; other organisations' objects answer 404.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
