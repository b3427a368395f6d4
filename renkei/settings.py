"""Renkei settings. Everything that differs between machines comes from the environment.

DATABASE_URL   SQLite under var/ by default; postgres://… in production
SECRET_KEY     generated once into var/secret_key for local use; required when RENKEI_ENV=production
ALLOWED_HOSTS  comma-separated
DEBUG          off unless DEBUG=1
SESSION_IDLE_MINUTES  inactivity before the session ends (default 30)
SESSION_ABSOLUTE_HOURS  a session ends this long after login however busy (default 12)
HTTPS, SECURE_SSL_REDIRECT, BEHIND_PROXY, TRUSTED_PROXY_COUNT  see the security part below
CONN_MAX_AGE   seconds a database connection is kept for the next request (default 600; 0 = one per request)
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("RENKEI_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


PRODUCTION = os.environ.get("RENKEI_ENV", "").lower() == "production"
DEBUG = env_bool("DEBUG", False)


def _secret_key() -> str:
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set when RENKEI_ENV=production")
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
SECRET_KEY_FALLBACKS = [k for k in os.environ.get("SECRET_KEY_FALLBACKS", "").split(",") if k]

# Field encryption (django-fernet-encrypted-fields): keys derive from SECRET_KEY (+ SECRET_KEY_FALLBACKS
# for rotation) and this salt. Changing either without a fallback makes encrypted columns unreadable.
SALT_KEY = [s for s in os.environ.get("FIELD_ENCRYPTION_SALTS", "renkei-field-encryption-v1").split(",") if s]

ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "ninja",  # so /api/docs renders ninja's bundled Swagger UI (static files) instead of its CDN template
    "renkei.core",
    "renkei.audit",
    "renkei.accounts",
    "renkei.notices",
    "renkei.directory",
    "renkei.guidance",
    "renkei.cases",
    "renkei.consent",
    "renkei.referrals",
    "renkei.conferences",
    "renkei.admissions",
    "renkei.discharge",
    "renkei.network",
    "renkei.subject_access",
    "renkei.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "renkei.core.middleware.SecurityHeadersMiddleware",
    "renkei.core.api_errors.ApiErrorMiddleware",
    "renkei.core.middleware.IdRangeMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "renkei.accounts.middleware.LoginRequiredMiddleware",
    "renkei.accounts.middleware.ActiveMembershipMiddleware",
    "renkei.cases.middleware.GrantsPerRequestMiddleware",
    "renkei.core.middleware.QueryControlCharacterMiddleware",
]

ROOT_URLCONF = "renkei.urls"
WSGI_APPLICATION = "renkei.wsgi.application"
AUTH_USER_MODEL = "accounts.User"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "renkei" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "renkei.core.context_processors.shell",
            ],
            "builtins": ["renkei.core.templatetags.wareki"],
        },
    }
]

# Widgets rendered in Python with the templates' markup (a select of 60 options was 60 template renders).
FORM_RENDERER = "renkei.core.renderer.Renderer"

# --- database ------------------------------------------------------------------------------------
# Persistent connections: each server thread keeps its connection for CONN_MAX_AGE seconds instead of
# opening one per request (a PostgreSQL connection costs a fork and authentication on the server); the
# health check pings a kept connection before reusing it, so a database restart costs one retry, not errors.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'renkei.sqlite3'}",
        conn_max_age=env_int("CONN_MAX_AGE", 600),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite with a writers' queue instead of SQLite's polling busy wait (renkei/core/sqlite/base.py)
    DATABASES["default"]["ENGINE"] = "renkei.core.sqlite"
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
    DATABASES["default"]["TEST"] = {"NAME": None}
else:
    DATABASES["default"].setdefault("TEST", {}).update({"CHARSET": "UTF8", "TEMPLATE": "template0"})
    # No JIT: the access layer's OR of grant subqueries carries large cost *estimates*, which trip
    # PostgreSQL's JIT thresholds; compiling then takes ~1 s for a query that runs in ~30 ms.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- authentication and security ----------------------------------------------------------------
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:dashboard"
LOGOUT_REDIRECT_URL = "accounts:login"

# Login throttling (renkei/accounts/throttle.py). An account's failures make it wait, doubling from
# LOGIN_DELAY_SECONDS after LOGIN_MAX_FAILURES_PER_ACCOUNT failures up to LOGIN_MAX_DELAY_MINUTES: a guesser is
# slowed, the worker is never locked out for longer than that, and a supervisor can end the wait at once.
# A client address (see BEHIND_PROXY) waits after LOGIN_MAX_FAILURES_PER_ADDRESS failures in the window.
LOGIN_FAILURE_WINDOW_MINUTES = env_int("LOGIN_FAILURE_WINDOW_MINUTES", 60)
LOGIN_MAX_FAILURES_PER_ACCOUNT = env_int("LOGIN_MAX_FAILURES_PER_ACCOUNT", 5)
LOGIN_MAX_FAILURES_PER_ADDRESS = env_int("LOGIN_MAX_FAILURES_PER_ADDRESS", 20)
LOGIN_DELAY_SECONDS = env_int("LOGIN_DELAY_SECONDS", 30)
LOGIN_MAX_DELAY_MINUTES = env_int("LOGIN_MAX_DELAY_MINUTES", 15)
# A browser where the account logged in before skips the account's wait (signed device cookie, this long).
LOGIN_DEVICE_DAYS = env_int("LOGIN_DEVICE_DAYS", 90)

# Behind a reverse proxy (TLS terminated there): trust X-Forwarded-Proto, and take the client address from
# X-Forwarded-For, counting TRUSTED_PROXY_COUNT proxies from the right (the hops this site's proxies added;
# anything further left was written by the client and is never trusted). Without it, REMOTE_ADDR.
BEHIND_PROXY = env_bool("BEHIND_PROXY", False)
TRUSTED_PROXY_COUNT = max(1, env_int("TRUSTED_PROXY_COUNT", 1))

# Sessions end after SESSION_IDLE_MINUTES without a request, and SESSION_ABSOLUTE_HOURS after login however busy.
SESSION_IDLE_MINUTES = env_int("SESSION_IDLE_MINUTES", 30)
SESSION_ABSOLUTE_HOURS = env_int("SESSION_ABSOLUTE_HOURS", 12)
# The last activity is written at most once per SESSION_TOUCH_SECONDS (not on every request); the stored
# session outlives the idle limit by that interval so that the idle check, not the row's expiry, ends it.
SESSION_TOUCH_SECONDS = 60
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60 + SESSION_TOUCH_SECONDS
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_AGE = None  # a browser-session cookie (the token is rotated at every login), not Django's one year

# HTTPS (on by default with RENKEI_ENV=production): Secure cookies, HSTS, and plain HTTP redirected to HTTPS.
# SECURE_SSL_REDIRECT=0 keeps plain HTTP answering (e.g. gunicorn on loopback for `make load`); with HTTPS=0
# the cookies are not Secure either, which plain-HTTP clients on loopback need. /healthz is never redirected.
HTTPS = env_bool("HTTPS", PRODUCTION)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", HTTPS)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_PROXY else None
# Hosts on closed government networks cannot be on the browsers' HSTS preload list.
SILENCED_SYSTEM_CHECKS = ["security.W021"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'"
)
# Paths anyone may open without logging in (prefixes). Everything else requires a login.
# The HSDS directory API is public by default: directory data is not personal data.
HSDS_PUBLIC = env_bool("HSDS_PUBLIC", True)
PUBLIC_PATH_PREFIXES = ["/accounts/login/", "/static/", "/healthz"] + (["/api/hsds/"] if HSDS_PUBLIC else [])

# --- audit log tamper evidence (renkei/audit/seal.py) -------------------------------------------------
# The key that MACs entries and signs seals; never stored in the database. Set it from the environment
# (a secret store) in production; otherwise a key file under var/ is created (0600) on first use.
AUDIT_SEAL_KEY = os.environ.get("AUDIT_SEAL_KEY", "")
AUDIT_SEAL_KEY_FILE = Path(os.environ.get("AUDIT_SEAL_KEY_FILE", VAR_DIR / "audit_seal_key"))
# Optional: a file outside the database (another disk or host) to which every seal line is appended and
# which verify_audit checks automatically.
AUDIT_SEAL_LOG = os.environ.get("AUDIT_SEAL_LOG", "")
AUDIT_SEAL_INTERVAL = env_int("AUDIT_SEAL_INTERVAL", 300)  # seconds between the seals the sealer makes itself
AUDIT_LINK_EVERY = float(os.environ.get("AUDIT_LINK_EVERY", "1"))  # per process, after a request's entry

# --- forms: text limits (characters) and the request-size limit --------------------------------------
# Each limit is shown as a counter on its field (renkei.js) and enforced by the form (renkei/core/forms.py).
TEXT_LIMITS = {
    "record_body": env_int("TEXT_LIMIT_RECORD_BODY", 100_000),          # 経過記録の内容
    "consultation_content": env_int("TEXT_LIMIT_CONSULTATION", 100_000),  # 相談の内容
    "long_text": env_int("TEXT_LIMIT_LONG_TEXT", 20_000),                # any other multi-line text
}
# A request body over this answers a Japanese page (JSON under /api/) naming the limit; typed text is kept
# in the browser as a draft. 100,000 Japanese characters are about 0.9 MB once form-encoded.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 4 * 1024 * 1024)

# --- Japanese first ----------------------------------------------------------------------------------
LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", "日本語")]
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True
FIRST_DAY_OF_WEEK = 0

# --- static files: served by the product itself (closed networks) ------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "renkei" / "static"]
# `collectstatic` writes each file under a content-hashed name with a gzip copy (Brotli too when the brotli
# module is installed); WhiteNoise serves hashed names with a ten-year `immutable` cache and picks the
# compressed copy the browser accepts. Before collectstatic (tests, a fresh checkout) the names stay plain
# and WhiteNoise serves them from the apps (renkei/core/staticfiles.py).
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "renkei.core.staticfiles.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
# Uploaded files: encrypted, outside any served path, only downloadable through the access layer
# (renkei/core/attachments.py). There is no MEDIA_URL: nothing under var/ is ever served.
ATTACHMENT_ROOT = Path(os.environ.get("ATTACHMENT_ROOT", VAR_DIR / "attachments"))
ATTACHMENT_MAX_BYTES = env_int("ATTACHMENT_MAX_MB", 10) * 1024 * 1024
# Where consent scans were kept in plain form before; the consent migration encrypts and removes them.
MEDIA_ROOT = VAR_DIR / "media"

# --- mail: the console by default ----------------------------------------------------------------
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "renkei@localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
