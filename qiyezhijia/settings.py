"""Settings for the 企业之家 platform.

Everything comes from environment variables (see README "配置"). Each has one
embedded default so that a fresh checkout runs on SQLite with an embedded
message transport; malformed values stop the process at start.
"""

from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

from core.crypto_keys import decode_key, development_key
from qiyezhijia.env import env_bool, env_choice, env_int, env_list, env_secret, env_str, env_url, secret_source

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("QYZJ_VAR_DIR", str(BASE_DIR / "var")))
# Runtime files of a development install (SQLite, cache, embedded queue) live here; production points it elsewhere.
VAR_DIR.mkdir(parents=True, exist_ok=True)

# --- Environment -------------------------------------------------------------
ENVIRONMENT = env_choice("DJANGO_ENV", "development", ("development", "production"))
IS_PRODUCTION = ENVIRONMENT == "production"

DEBUG = env_bool("DJANGO_DEBUG", not IS_PRODUCTION)
if IS_PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DJANGO_ENV=production 时不得开启 DJANGO_DEBUG。 / DEBUG must be off in production.")

_DEV_SECRET = "dev-only-insecure-key-do-not-use-in-production-qyzj"
SECRET_KEY = env_secret("DJANGO_SECRET_KEY", "" if IS_PRODUCTION else _DEV_SECRET)
if IS_PRODUCTION and len(SECRET_KEY) < 32:
    raise ImproperlyConfigured(
        "生产环境必须设置至少 32 个字符的 DJANGO_SECRET_KEY（或 DJANGO_SECRET_KEY_FILE）。"
        " / Set DJANGO_SECRET_KEY or DJANGO_SECRET_KEY_FILE (32+ characters) in production."
    )

# Personal numbers (phones, ID numbers) are encrypted at rest under QYZJ_PII_KEY and found again by a keyed hash under
# QYZJ_PII_HASH_KEY (SECURITY.md §5, core.crypto): each 32 random bytes in base64 (`openssl rand -base64 32`), kept
# apart from the database and its backups. Losing QYZJ_PII_KEY loses every stored phone. Development has fixed keys.
PII_KEY = decode_key(env_secret("QYZJ_PII_KEY", "" if IS_PRODUCTION else development_key("encrypt")), "QYZJ_PII_KEY")
PII_HASH_KEY = decode_key(
    env_secret("QYZJ_PII_HASH_KEY", "" if IS_PRODUCTION else development_key("hash")), "QYZJ_PII_HASH_KEY"
)
if PII_KEY == PII_HASH_KEY:
    raise ImproperlyConfigured("QYZJ_PII_KEY 与 QYZJ_PII_HASH_KEY 必须不同。 / QYZJ_PII_KEY and QYZJ_PII_HASH_KEY must differ.")

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

# --- Applications ------------------------------------------------------------
INSTALLED_APPS = [
    "qiyezhijia.admin_site.PlatformAdminConfig",  # django.contrib.admin with Chinese names for axes and otp
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # The form renderer of core.forms finds Django's widget templates through the project's template engine.
    "django.forms",
    "rest_framework",
    # API tokens stored hashed, with an expiry (the platform's own token model: KNOX_TOKEN_MODEL below).
    "knox",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    # Login lockout (SECURITY.md §2) and the second factor (TOTP with recovery codes).
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    # Triggers that keep the audit log and the timelines append-only on PostgreSQL (SECURITY.md §4); before the
    # platform's apps, so that their models may declare `Meta.triggers`.
    "pgtrigger",
    # The platform's apps, lowest layer first: an app imports only those above it in this list (the dependency
    # contract in .importlinter, checked by `make test`).
    "core",
    "audit",
    "accounts",
    "workcalendar",
    "notifications",
    "enterprises",
    "catalogue",
    "policies",
    "trainings",
    "chambers",
    "supervision",
    "tickets",
    "deadlines",
    "meetings",
    "reports",
    "sso",
    "portal",
    "workbench",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # SECURITY.md §6: a NUL byte in the path, query string or a form is a 400 before anything reads it.
    "core.input.RejectMalformedInputMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Cache-Control: no-store on signed-in pages, the API and files (SECURITY.md §5).
    "core.middleware.NoStoreMiddleware",
    # The request for the audit rows written further in, and a row for every 403 (SECURITY.md §4).
    "audit.middleware.AuditMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Idle and absolute session timeouts, then the second factor, then a stale or administrator-chosen password
    # (SECURITY.md §2): each lets the pages of the ones before it through.
    "accounts.middleware.SessionTimeoutMiddleware",
    "accounts.middleware.SecondFactorMiddleware",
    "accounts.middleware.PasswordPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Content-Security-Policy (django-csp 4; CONTENT_SECURITY_POLICY below).
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # An unhandled exception under /api/ answers the contract's JSON 500 (logged), not an HTML page.
    "core.input.ApiServerErrorMiddleware",
    # Last, as django-axes asks: turns a locked-out login into the login page with the lockout message.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "qiyezhijia.urls"
WSGI_APPLICATION = "qiyezhijia.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "qiyezhijia.context_processors.navigation",
                "notifications.context_processors.unread_notifications",
                "sso.context_processors.single_sign_on",
            ],
        },
    },
]

# --- Database ----------------------------------------------------------------
_database_url = env_secret("DATABASE_URL", "").strip()
if _database_url:
    try:
        DATABASES = {"default": dj_database_url.parse(_database_url, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))}
    except ValueError as exc:
        _source = secret_source("DATABASE_URL")
        raise ImproperlyConfigured(
            f"环境变量 {_source} 的值无效：{exc}（例：postgres://user:pass@127.0.0.1:5432/qiyezhijia）。"
            f" / {_source} is malformed."
        ) from None
else:
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": VAR_DIR / "db.sqlite3"}}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Web requests, Celery and a shell write concurrently. IMMEDIATE takes the write lock when a transaction begins,
    # so a writer waits (up to `timeout` seconds) instead of failing with "database is locked" when a read lock
    # cannot be upgraded; WAL lets readers go on while one writes. Options given in a sqlite:// URL win.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        **DATABASES["default"].get("OPTIONS", {}),
    }
# Parallel query (core.db): off for the platform's own reads, which each take a few rows through an index; the screens
# that aggregate over whole tables (dashboard, operations report) allow DB_REPORT_PARALLEL_WORKERS per Gather.
DB_PARALLEL_WORKERS = env_int("DB_PARALLEL_WORKERS", 0, minimum=0)
DB_REPORT_PARALLEL_WORKERS = env_int("DB_REPORT_PARALLEL_WORKERS", 2, minimum=0)
if DATABASES["default"]["ENGINE"] in ("django.db.backends.postgresql", "django.db.backends.postgresql_psycopg2"):
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    # Options given in the URL come after ours, so a -c of their own wins.
    _options["options"] = f"-c max_parallel_workers_per_gather={DB_PARALLEL_WORKERS} {_options.get('options', '')}".strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and message transport --------------------------------------------
REDIS_URL = env_url("REDIS_URL", ("redis", "rediss", "unix"), secret=True)
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS: dict = {}
else:
    # Shared between the web process and the Celery processes without any server.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }
    _queue_dir = VAR_DIR / "celery"
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir / "queue"),
        "data_folder_out": str(_queue_dir / "queue"),
        "processed_folder": str(_queue_dir / "processed"),
        "control_folder": str(_queue_dir / "control"),
        "store_processed": False,
    }

CELERY_TIMEZONE = "Asia/Shanghai"
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_IGNORE_RESULT = True
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# Every periodic job of the platform is declared here and nowhere else.
CELERY_BEAT_SCHEDULE = {
    "heartbeat": {"task": "core.tasks.heartbeat", "schedule": 60.0},
    "sweep-deadlines": {"task": "deadlines.tasks.sweep_deadlines", "schedule": 300.0},
    # Accounts idle for 90 days are disabled (SECURITY.md §3), once a day at night.
    "disable-idle-users": {"task": "accounts.tasks.disable_idle_users", "schedule": crontab(hour=2, minute=30)},
    # How many verified enterprises each published policy fits, recounted for the departments' figures (OUTREACH §2).
    "recount-policy-matches": {"task": "policies.push.recount_matches", "schedule": crontab(hour=3, minute=10)},
    # Email and SMS left pending past their due time (a lost message, a dead worker) are queued again (SECURITY.md §7).
    # Registrants of tomorrow's training sessions are reminded once (OUTREACH §3), every morning.
    "remind-trainings": {"task": "trainings.tasks.send_training_reminders", "schedule": crontab(hour=9, minute=0)},
    "requeue-stuck-deliveries": {"task": "notifications.tasks.requeue_stuck_deliveries", "schedule": 300.0},
}

# --- Authentication ----------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
# The stock model backend, loading the session's user with their unread notification count (the top bar's bell).
# The lockout check (django-axes) comes first and refuses a locked account or address before any password is tried.
AUTHENTICATION_BACKENDS = ["accounts.lockout.LockoutBackend", "notifications.backends.PlatformBackend"]
# The backend a session records when the platform logs someone in itself (after sign-up or an invitation).
SESSION_USER_BACKEND = "notifications.backends.PlatformBackend"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "accounts:login"
# SECURITY.md §2: 10+ characters of 3 of 4 classes, not common, not like the username, not one of the last 5.
AUTH_PASSWORD_VALIDATORS = [
    # Not like the username, the name, the email address or the phone (an enterprise user logs in with the phone).
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
     "OPTIONS": {"user_attributes": ("username", "first_name", "last_name", "email", "phone")}},
    {"NAME": "accounts.passwords.ComplexityValidator", "OPTIONS": {"min_length": 10, "min_classes": 3}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "accounts.passwords.HistoryValidator", "OPTIONS": {"count": 5}},
]

# --- Single sign-on through the provincial unified identity (optional, SECURITY.md §1) ----------------------
# Off unless OIDC_RP_CLIENT_ID is set: then the relying party's backend (mozilla-django-oidc) joins the model backend,
# /sso/ answers and the login page offers "使用省统一身份认证登录". Half a configuration stops the process.
OIDC_RP_CLIENT_ID = env_str("OIDC_RP_CLIENT_ID", "").strip()
SSO_ENABLED = bool(OIDC_RP_CLIENT_ID)
# Endpoints of an identity provider are https in production; plain http only outside it (a provider on this machine).
_OIDC_SCHEMES = ("https",) if IS_PRODUCTION else ("https", "http")
OIDC_RP_CLIENT_SECRET = env_secret("OIDC_RP_CLIENT_SECRET", "") if SSO_ENABLED else ""
OIDC_OP_ISSUER = env_str("OIDC_OP_ISSUER", "").strip()
OIDC_OP_AUTHORIZATION_ENDPOINT = env_url("OIDC_OP_AUTHORIZATION_ENDPOINT", _OIDC_SCHEMES) or ""
OIDC_OP_TOKEN_ENDPOINT = env_url("OIDC_OP_TOKEN_ENDPOINT", _OIDC_SCHEMES) or ""
OIDC_OP_USER_ENDPOINT = env_url("OIDC_OP_USER_ENDPOINT", _OIDC_SCHEMES) or ""
OIDC_OP_JWKS_ENDPOINT = env_url("OIDC_OP_JWKS_ENDPOINT", _OIDC_SCHEMES) or ""
OIDC_RP_SIGN_ALGO = env_choice("OIDC_RP_SIGN_ALGO", "rs256", ("rs256", "rs384", "rs512", "es256", "es384", "es512")).upper()
OIDC_RP_SCOPES = env_str("OIDC_RP_SCOPES", "openid profile phone").strip()
# The claims naming an enterprise user's company (统一社会信用代码) and mobile phone, as the provider spells them.
OIDC_CLAIM_USCC = env_str("OIDC_CLAIM_USCC", "uscc").strip()
OIDC_CLAIM_PHONE = env_str("OIDC_CLAIM_PHONE", "phone_number").strip()
OIDC_TIMEOUT = env_int("OIDC_TIMEOUT", 10, minimum=1)
OIDC_USE_PKCE = True
# Nobody is created by a login: an identity must match an existing user (sso.backends).
OIDC_CREATE_USER = False
OIDC_AUTHENTICATION_CALLBACK_URL = "sso:callback"
if SSO_ENABLED:
    _missing = [
        name
        for name, value in (
            ("OIDC_RP_CLIENT_SECRET", OIDC_RP_CLIENT_SECRET),
            ("OIDC_OP_ISSUER", OIDC_OP_ISSUER),
            ("OIDC_OP_AUTHORIZATION_ENDPOINT", OIDC_OP_AUTHORIZATION_ENDPOINT),
            ("OIDC_OP_TOKEN_ENDPOINT", OIDC_OP_TOKEN_ENDPOINT),
            ("OIDC_OP_USER_ENDPOINT", OIDC_OP_USER_ENDPOINT),
            ("OIDC_OP_JWKS_ENDPOINT", OIDC_OP_JWKS_ENDPOINT),
            ("OIDC_CLAIM_USCC", OIDC_CLAIM_USCC),
            ("OIDC_CLAIM_PHONE", OIDC_CLAIM_PHONE),
        )
        if not value
    ]
    if _missing:
        raise ImproperlyConfigured(
            f"已设置 OIDC_RP_CLIENT_ID 开启单点登录，但缺少：{'、'.join(_missing)}。"
            f" / Single sign-on is on (OIDC_RP_CLIENT_ID) but these are missing: {', '.join(_missing)}."
        )
    AUTHENTICATION_BACKENDS = [*AUTHENTICATION_BACKENDS, "sso.backends.ProvincialIdentityBackend"]

# --- Internationalisation ----------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

# --- Static and uploaded files ----------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
_NODE_MODULES = BASE_DIR / "node_modules"
# Front-end libraries come from npm (package.json); only their built files are served.
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", _NODE_MODULES / "bootstrap" / "dist"),
    ("vendor/bootstrap-icons", _NODE_MODULES / "bootstrap-icons" / "font"),
    ("vendor/chart.js", _NODE_MODULES / "chart.js" / "dist"),
    ("vendor/tom-select", _NODE_MODULES / "tom-select" / "dist"),
]
STORAGES = {
    # Uploaded files are never served directly; permission-checked views stream them.
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if IS_PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_ROOT = Path(env_str("QYZJ_MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "/media-not-served/"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 25 * 1024 * 1024
# At most 10 files per request (core.files: the forms' and the API's own message); Django refuses beyond this backstop.
DATA_UPLOAD_MAX_NUMBER_FILES = 20

# Every upload passes a virus scanner (core.scanning, SECURITY.md §6): ClamAV's clamd over its unix socket when
# CLAMD_SOCKET is set; otherwise none (production then logs a warning at every start).
CLAMD_SOCKET = env_str("CLAMD_SOCKET", "").strip()
CLAMD_TIMEOUT = env_int("CLAMD_TIMEOUT", 30, minimum=1)
VIRUS_SCANNER = env_str(
    "QYZJ_VIRUS_SCANNER", "core.scanning.ClamdScanner" if CLAMD_SOCKET else "core.scanning.NoopScanner"
)

# --- Email -------------------------------------------------------------------
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "企业之家 <noreply@qiyezhijia.local>")
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10, minimum=1)
# SMTP, for EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend; the defaults are Django's.
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1, maximum=65535)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_secret("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    # Django would only refuse this when the first email is sent.
    raise ImproperlyConfigured(
        "EMAIL_USE_TLS 与 EMAIL_USE_SSL 不能同时开启（587 端口用 STARTTLS 即 EMAIL_USE_TLS，465 端口用 EMAIL_USE_SSL）。"
        " / EMAIL_USE_TLS and EMAIL_USE_SSL are mutually exclusive."
    )
# Absolute address of the platform, put before the links in notification emails (empty: emails carry the path only).
SITE_URL = env_str("SITE_URL", "")

# --- The outbox of email and SMS (SECURITY.md §7) ------------------------------------------------------------------
# Attempts per message before it is marked failed for good; the wait after the n-th failure is
# DELIVERY_RETRY_BACKOFF × 2^(n-1) seconds, at most DELIVERY_RETRY_BACKOFF_MAX (60 s, 2, 4, 8, 16 min by default).
DELIVERY_MAX_ATTEMPTS = env_int("DELIVERY_MAX_ATTEMPTS", 6, minimum=1, maximum=20)
DELIVERY_RETRY_BACKOFF = env_int("DELIVERY_RETRY_BACKOFF", 60, minimum=1)
DELIVERY_RETRY_BACKOFF_MAX = env_int("DELIVERY_RETRY_BACKOFF_MAX", 3600, minimum=1)
# A pending message this many seconds past its due time was lost: the beat task queues it again.
DELIVERY_STUCK_AFTER = env_int("DELIVERY_STUCK_AFTER", 600, minimum=60)

# --- SMS -----------------------------------------------------------------------
# Dotted path of a notifications.sms.SMSSender subclass; the default writes each text to the log.
SMS_SENDER = env_str("SMS_SENDER", "notifications.sms.LoggingSMSSender")

# --- REST API ----------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_THROTTLE_CLASSES": ["core.throttling.ApiRateThrottle"],
    "EXCEPTION_HANDLER": "core.api.exception_handler",
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated", "accounts.permissions.PlatformPermission"],
    "DEFAULT_PAGINATION_CLASS": "core.pagination.BoundedPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # JSON without NUL and at most 32 levels deep (core.input); forms as DRF parses them.
    "DEFAULT_PARSER_CLASSES": [
        "core.input.SafeJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "安顺市“企业之家”联合服务平台 API",
    "DESCRIPTION": "REST API v1：诉求登记、研判、工单流转与统计。认证：Authorization: Token <key>。",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # Served from the drf-spectacular-sidecar package: no CDN on a government intranet.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Several models have a `kind` or a `state`: name each choice set after its model.
    "ENUM_NAME_OVERRIDES": {
        "ActivityKindEnum": "chambers.models.Activity.Kind",
        "BeneficiaryStateEnum": "policies.models.Beneficiary.State",
        "ChamberKindEnum": "chambers.models.Chamber.Kind",
        "MeetingKindEnum": "meetings.models.Kind",
        "MeetingStateEnum": "meetings.models.Meeting.State",
        "MeetingOutcomeEnum": "meetings.models.Outcome",
        "PolicyStateEnum": "policies.models.Policy.State",
        "ReachStatusEnum": "policies.models.Reach.Status",
        "ServiceItemKindEnum": "catalogue.models.Kind",
        "ServiceItemStateEnum": "catalogue.models.ServiceItem.State",
        "TrainingStateEnum": "trainings.models.TrainingSession.State",
        "TrainingTopicEnum": "trainings.models.Topic",
    },
}

# --- Security ----------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
# Sessions are read from the shared cache (written through to the database): no query per page for the session.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
# A session ends 30 minutes after its last request and 12 hours after its login, whatever happens in between
# (SECURITY.md §2; accounts.middleware.SessionTimeoutMiddleware). The cookie lives as long as the absolute limit.
SESSION_IDLE_SECONDS = env_int("QYZJ_SESSION_IDLE_SECONDS", 30 * 60, minimum=60)
SESSION_ABSOLUTE_SECONDS = env_int("QYZJ_SESSION_ABSOLUTE_SECONDS", 12 * 3600, minimum=300)
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", SESSION_ABSOLUTE_SECONDS, minimum=300)
CSRF_COOKIE_HTTPONLY = True
# A failed CSRF check answers a Chinese page (or the API's JSON), not Django's English one.
CSRF_FAILURE_VIEW = "core.errorpages.csrf_failure"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if IS_PRODUCTION:
    # HTTPS only, by default (SECURITY.md §6); each can be turned off for a deployment that must (e.g. HSTS while
    # trying a new domain), never silently.
    SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31_536_000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", True)
    # Behind a TLS-terminating proxy that sets X-Forwarded-Proto (the default). A deployment whose proxy does not
    # set it sets DJANGO_SECURE_PROXY_SSL_HEADER= (empty); another header name: e.g. HTTP_X_FORWARDED_SCHEME.
    _proxy_header = env_str("DJANGO_SECURE_PROXY_SSL_HEADER", "HTTP_X_FORWARDED_PROTO").strip()
    SECURE_PROXY_SSL_HEADER = (_proxy_header, "https") if _proxy_header else None
    # /healthz/ is probed over plain HTTP inside the cluster.
    SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]

# Content-Security-Policy (django-csp 4): scripts and everything else from the platform itself, no inline script
# (templates load static/js/*.js; data for charts travels in <script type="application/json">). Styles allow
# 'unsafe-inline' because templates use style="" attributes for small layout tweaks; no script can be injected that way.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
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
}
if SSO_ENABLED:
    # The login hands over to the provincial identity provider (a redirect after a form is held to form-action).
    _idp = urlsplit(OIDC_OP_AUTHORIZATION_ENDPOINT)
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"].append(f"{_idp.scheme}://{_idp.netloc}")

# --- Login security (SECURITY.md §2) ------------------------------------------
# Lockout (django-axes): 5 failed logins for one account or from one address lock it for 30 minutes. Axes keeps
# counting the failures of an account or address until 30 minutes pass without one, so any 5 within 15 minutes lock,
# and so do 5 with less than 30 minutes between one and the next (stricter than the rule, never looser). A failed try
# during the lockout does not extend it; a success forgets the failures. The secadmin unlocks at /security/.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_CLIENT_IP_CALLABLE = "core.ratelimit.client_ip"
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
AXES_USERNAME_FORM_FIELD = "username"
# A phone typed at the login is counted under its account's username (or, when no account has it, its keyed hash):
# the lockout follows the account however it is typed, and axes' tables never hold a phone (accounts.login_names).
AXES_USERNAME_CALLABLE = "accounts.login_names.axes_username"
AXES_VERBOSE = False
# Login POSTs per address and per username in 5 minutes (429 beyond, besides the lockout).
LOGIN_RATE_PER_IP = env_int("QYZJ_LOGIN_RATE_PER_IP", 60, minimum=1)
LOGIN_RATE_PER_USERNAME = env_int("QYZJ_LOGIN_RATE_PER_USERNAME", 10, minimum=1)

# Second factor (django-otp TOTP + recovery codes) for the roles of accounts.roles.SECOND_FACTOR_ROLES and /admin/.
# Development may switch it off (QYZJ_OTP_REQUIRED=0); production may not.
OTP_REQUIRED = env_bool("QYZJ_OTP_REQUIRED", True)
if IS_PRODUCTION and not OTP_REQUIRED:
    raise ImproperlyConfigured("DJANGO_ENV=production 时不得关闭第二因子认证（QYZJ_OTP_REQUIRED）。 / The second factor is required in production.")
OTP_TOTP_ISSUER = "安顺企业之家"

# API tokens (django-rest-knox): stored as digests, each with a name, expiring after QYZJ_API_TOKEN_DAYS days.
API_TOKEN_DAYS = env_int("QYZJ_API_TOKEN_DAYS", 90, minimum=1)
KNOX_TOKEN_MODEL = "accounts.ApiToken"
# knox's migrations would create its own token table (unused once the model is swapped, and in the way of every
# flush on PostgreSQL); without them nothing of knox is in the database but accounts.ApiToken.
MIGRATION_MODULES = {"knox": None}
REST_KNOX = {
    "TOKEN_TTL": timedelta(days=API_TOKEN_DAYS),
    "AUTH_HEADER_PREFIX": "Token",  # API.md: `Authorization: Token <key>`
    "AUTO_REFRESH": False,
}
# API requests per token (or per session user) in a minute.
API_RATE_PER_MINUTE = env_int("QYZJ_API_RATE_PER_MINUTE", 600, minimum=1)

# --- Logging -----------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_choice("LOG_LEVEL", "info", ("debug", "info", "warning", "error")).upper()},
}

# --- Platform ------------------------------------------------------------------
PLATFORM_NAME = "安顺市“企业之家”联合服务平台"
# How long a process trusts its in-memory working-day calendar before asking the shared cache whether an admin changed it.
WORKDAY_CALENDAR_RECHECK_SECONDS = env_int("WORKDAY_CALENDAR_RECHECK_SECONDS", 30, minimum=0)

# Outside production WhiteNoise serves straight from the finders (no collectstatic needed); production serves
# the hashed, compressed files that `collectstatic` wrote to STATIC_ROOT.
WHITENOISE_USE_FINDERS = not IS_PRODUCTION
WHITENOISE_AUTOREFRESH = not IS_PRODUCTION
