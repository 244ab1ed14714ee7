"""The one settings module, driven by the environment.

DATABASE_URL     default: a SQLite file under var/ (WAL); postgres://… for PostgreSQL
ARREARS_SECRET   signing and encryption key; required (serve, worker, nightly refuse to start without it),
                 only the demo makes one up and keeps it in var/secret (docs/secrets.md)
ARREARS_SECRET_FALLBACKS  earlier secrets, newest first, separated by commas or blanks: still accepted
                 while `arrears secrets rotate` moves stored values to the new one
ARREARS_DEBUG    "1" for debug pages
ARREARS_VAR      where the SQLite file, feeds' rejects and exports live (default ./var)
ARREARS_DUCKDB_MEMORY  the in-process engine's memory limit before it spills to disk (default 2GB)
ARREARS_SPARK_MASTER, ARREARS_SPARK_CONF  the spark engine's master (default local[*]) and key=value;… settings (docs/spark.md)
ARREARS_PROFILE  the compliance jurisdiction: cn (default) or us-regf, or a profile file
ARREARS_POLICY   the lender's policy file on top of it, which may only tighten (none by default)
ARREARS_FEEDS_DIR where `arrears nightly` finds each day's files: <dir>/<YYYY-MM-DD>/payments.csv … (none by default)
ARREARS_SELF_SERVE_POLICY the lender's file of what a borrower may agree alone in the portal, which may only tighten
ARREARS_PAY_URL, ARREARS_PAY_MERCHANT, ARREARS_PAY_SECRET  the online payment provider (none by default: no online payment)
ARREARS_HTTPS    "1" when the site is served over HTTPS (directly or behind a proxy that ends TLS): secure
                 cookies, HSTS, redirect to HTTPS and the Content-Security-Policy follow (docs/deployment.md)
ARREARS_PROXY_SSL_HEADER "1" behind a proxy that sets X-Forwarded-Proto (and strips it from clients)
ARREARS_HSTS_SECONDS  HSTS max-age under HTTPS (default 31536000, one year); ARREARS_HSTS_PRELOAD "1" to add preload
ARREARS_SECURE_COOKIES  "1"/"0": session and CSRF cookies only over HTTPS (default: as ARREARS_HTTPS)
ARREARS_CSP      "1"/"0": send the Content-Security-Policy (default: as ARREARS_HTTPS)
ARREARS_API_DOCS "public" (default) or "signed_in": who may read /api/docs and /api/openapi.json
ARREARS_TEST_TAG a suffix for the test database's name, so that two test runs on one machine do not share it
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from arrears.secret import parse_fallbacks

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("ARREARS_VAR", Path.cwd() / "var")).resolve()

# No default: a key in the source would let anyone holding it decrypt and forge (arrears/secret.py).
SECRET_KEY = os.environ.get("ARREARS_SECRET", "")
SECRET_KEY_FALLBACKS = parse_fallbacks(os.environ.get("ARREARS_SECRET_FALLBACKS"))
DEBUG = os.environ.get("ARREARS_DEBUG", "") == "1"
ARREARS_DUCKDB_MEMORY = os.environ.get("ARREARS_DUCKDB_MEMORY", "2GB")
ARREARS_SPARK_MASTER, ARREARS_SPARK_CONF = os.environ.get("ARREARS_SPARK_MASTER"), os.environ.get("ARREARS_SPARK_CONF")
ARREARS_PROFILE = os.environ.get("ARREARS_PROFILE", "cn")
ARREARS_POLICY = os.environ.get("ARREARS_POLICY") or None
ARREARS_FEEDS_DIR = os.environ.get("ARREARS_FEEDS_DIR") or None
ARREARS_SELF_SERVE_POLICY = os.environ.get("ARREARS_SELF_SERVE_POLICY") or None
ARREARS_PAY_URL = os.environ.get("ARREARS_PAY_URL") or None
ARREARS_PAY_MERCHANT = os.environ.get("ARREARS_PAY_MERCHANT") or "arrears"
ARREARS_PAY_SECRET = os.environ.get("ARREARS_PAY_SECRET") or None
ALLOWED_HOSTS = [host for host in os.environ.get("ARREARS_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if host]

def _flag(name: str, default: bool = False) -> bool:
    """An on/off variable: 1, true, yes or on; 0, false, no or off; unset or empty is the default."""
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return default
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(f"{name} 应为 1 或 0 / {name} must be 1 or 0: {value!r}")


INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "arrears.access.apps.SignInProtectionConfig",  # django-axes, named in both languages
    "csp",
    "ninja",  # installed so that /api/docs serves Swagger UI from local static files, not a CDN
    "arrears.ledger",
    "arrears.cycle",
    "arrears.cases",
    "arrears.contact",
    "arrears.strategy",
    "arrears.access",
    "arrears.outbox",
    "arrears.messaging",
    "arrears.workbench",
    "arrears.promises",
    "arrears.plans",
    "arrears.agencies",
    "arrears.visits",
    "arrears.legal",
    "arrears.credit",
    "arrears.borrower",
    "arrears.disputes",
    "arrears.nightly",
    "arrears.intelligence",
    "arrears.audit",
    "arrears.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "arrears.audit.actor.ActorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",  # sends nothing unless CONTENT_SECURITY_POLICY is set (below)
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "arrears.urls"
WSGI_APPLICATION = "arrears.wsgi.application"

# Form widgets drawn by Django's own Jinja2 widget templates: the same HTML, at a fraction of the
# cost of the template language on pages with many fields (the account page has five forms); the
# admin's widgets, which exist only as Django templates, fall back to those.
FORM_RENDERER = "arrears.web.renderers.JinjaFirstRenderer"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]


_TEST_TAG = "".join(char for char in os.environ.get("ARREARS_TEST_TAG", "") if char.isalnum() or char == "_")


def _database() -> dict:
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'arrears.sqlite3'}"
    config = dj_database_url.parse(url, conn_max_age=60)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        VAR_DIR.mkdir(parents=True, exist_ok=True)  # the embedded default works in a fresh clone
        config["CONN_MAX_AGE"] = 0
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=30000;",
        }
        # a file, not memory: the bulk (ADBC) connection must see the same test database
        config["TEST"] = {"NAME": str(VAR_DIR / f"test-arrears{_TEST_TAG}.sqlite3")}
    else:
        config["TEST"] = {"NAME": f"test_{config['NAME']}{_TEST_TAG}"}
    return config


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- HTTPS, cookies, HSTS, Content-Security-Policy (docs/deployment.md; decision 0021) ---
HTTPS = _flag("ARREARS_HTTPS")
if _flag("ARREARS_PROXY_SSL_HEADER"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = _flag("ARREARS_SECURE_COOKIES", HTTPS)
SECURE_HSTS_SECONDS = int(os.environ.get("ARREARS_HSTS_SECONDS") or 31_536_000) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS and _flag("ARREARS_HSTS_PRELOAD")
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Scripts only from our own static files (no inline script anywhere: app.js, the admin's and
# Swagger UI's files); styles from our files plus style attributes (the portfolio's share bars);
# images also as data: URIs (the visitors' photos on the visit-code page). No framing, no plugins.
CSP_DIRECTIVES = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
CONTENT_SECURITY_POLICY = {"DIRECTIVES": CSP_DIRECTIVES} if _flag("ARREARS_CSP", HTTPS) else None

API_DOCS = os.environ.get("ARREARS_API_DOCS", "public").strip() or "public"
if API_DOCS not in ("public", "signed_in"):
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        f"ARREARS_API_DOCS 应为 public 或 signed_in / ARREARS_API_DOCS must be public or signed_in: {API_DOCS!r}"
    )

SESSION_COOKIE_AGE = 8 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_TEMPLATE = "web/locked_out.html"
AXES_LOCKOUT_CALLABLE = "arrears.access.lockout.locked_out"  # JSON under /api/, the page elsewhere
# Failures within the cool-off are counted per user name and address (AXES_FAILURE_LIMIT), per user
# name across addresses and per address across user names, each with its limit; an IPv6 address
# counts as its /64 (arrears/access/lockout.py, docs/access.md).
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "username", "ip_address"]
ARREARS_LOCKOUT_USER_LIMIT = 10
ARREARS_LOCKOUT_ADDRESS_LIMIT = 30
AXES_HANDLER = "arrears.access.lockout.LimitsHandler"
AXES_CLIENT_IP_CALLABLE = "arrears.access.addresses.client_address"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Shanghai"  # the lender's zone: business dates are dates here
USE_TZ = True  # stored in UTC

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "portfolio"
LOGOUT_REDIRECT_URL = "login"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("ARREARS_LOG_LEVEL", "WARNING")},
}
