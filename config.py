"""Configuration classes read from environment variables.

Every setting has a safe default for development; `ProductionConfig` refuses to
start without a real SECRET_KEY.
"""
from __future__ import annotations

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("INSTANCE_PATH", BASE_DIR / "instance"))
DEFAULT_SECRET = "dev-insecure-change-me"


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def _translation_dirs() -> str:
    root = BASE_DIR / "grants" / "translations"
    dirs = sorted(str(p) for p in root.iterdir() if p.is_dir()) if root.exists() else []
    return ";".join(dirs)


def _database_url(url: str | None) -> str:
    url = url or f"sqlite:///{INSTANCE_DIR / 'grants.sqlite3'}"
    # psycopg 3 is the PostgreSQL driver; accept the usual short spellings.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY", DEFAULT_SECRET)
    SQLALCHEMY_DATABASE_URI = _database_url(os.environ.get("DATABASE_URL"))
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}

    # Mail (SMTP). Messages are queued in the outbox and sent by `flask outbox deliver`.
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "127.0.0.1")
    MAIL_PORT = _int("MAIL_PORT", 25)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME") or None
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD") or None
    MAIL_USE_TLS = _bool("MAIL_USE_TLS", False)
    MAIL_USE_SSL = _bool("MAIL_USE_SSL", False)
    MAIL_TIMEOUT = _int("MAIL_TIMEOUT", 10)
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "grants@localhost")
    OUTBOX_MAX_ATTEMPTS = _int("OUTBOX_MAX_ATTEMPTS", 5)
    # The proposal form's script saves a changed draft this many seconds after the change.
    PROPOSAL_AUTOSAVE_SECONDS = _int("PROPOSAL_AUTOSAVE_SECONDS", 20)
    OUTBOX_BACKOFF_SECONDS = _int("OUTBOX_BACKOFF_SECONDS", 60)
    # Show the outbox page to admins (development and demo).
    OUTBOX_PAGE = _bool("OUTBOX_PAGE", True)

    # Public address of the site, used for links in mail sent from commands.
    BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:5000")

    UPLOAD_ROOT = os.environ.get("UPLOAD_ROOT", str(INSTANCE_DIR / "uploads"))
    # Printed documents: the prepared contract font (`flask fonts build` writes it here) and the
    # folder holding the system's Noto Serif CJK collections it is built from (fonts-noto-cjk).
    PDF_FONT_DIR = os.environ.get("PDF_FONT_DIR", str(INSTANCE_DIR / "fonts"))
    PDF_SYSTEM_FONT_DIR = os.environ.get("PDF_SYSTEM_FONT_DIR", "/usr/share/fonts/opentype/noto")
    MAX_CONTENT_LENGTH = _int("MAX_CONTENT_LENGTH", 12 * 1024 * 1024)

    BABEL_DEFAULT_LOCALE = os.environ.get("BABEL_DEFAULT_LOCALE", "zh_CN")
    BABEL_DEFAULT_TIMEZONE = "UTC"
    BABEL_TRANSLATION_DIRECTORIES = _translation_dirs()
    LANGUAGES = {"zh_CN": "中文", "en": "English"}
    DISPLAY_TIMEZONE = os.environ.get("DISPLAY_TIMEZONE", "Asia/Shanghai")

    # Login throttling. Counts must be shared by every worker and node: in production point
    # this at Redis (redis://host:6379/0); memory:// counts per process.
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_KEY_PREFIX = os.environ.get("RATELIMIT_KEY_PREFIX", "grants")
    RATELIMIT_ENABLED = _bool("RATELIMIT_ENABLED", True)
    RATELIMIT_HEADERS_ENABLED = True  # 429 answers carry Retry-After
    # If Redis is unreachable, count per process rather than failing every login.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    # Per client address, and per account (the e-mail address tried, from any address).
    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "10 per minute")
    # Objections to a public notice, per address (anyone may object; nobody may flood).
    OBJECTION_RATE_LIMIT = os.environ.get("OBJECTION_RATE_LIMIT", "5 per hour")
    LOGIN_ACCOUNT_RATE_LIMIT = os.environ.get("LOGIN_ACCOUNT_RATE_LIMIT", "10 per minute;30 per hour")
    # Forgotten-password requests: per client address, and per e-mail address asked about.
    PASSWORD_RESET_RATE_LIMIT = os.environ.get("PASSWORD_RESET_RATE_LIMIT", "5 per minute;30 per hour")
    PASSWORD_RESET_ACCOUNT_RATE_LIMIT = os.environ.get("PASSWORD_RESET_ACCOUNT_RATE_LIMIT", "3 per hour")
    # How long a password reset link and an invitation link work.
    PASSWORD_RESET_MAX_AGE_MINUTES = _int("PASSWORD_RESET_MAX_AGE_MINUTES", 60)
    INVITATION_MAX_AGE_DAYS = _int("INVITATION_MAX_AGE_DAYS", 7)
    # Reverse proxies in front of the app whose X-Forwarded-For/-Proto are trusted (1 behind
    # nginx). 0: the headers are ignored, so a client cannot choose its address.
    TRUSTED_PROXIES = _int("TRUSTED_PROXIES", 0)

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", False)
    # Flask-Login's "remember me" cookie: not sent with cross-site requests, not readable by
    # scripts, HTTPS-only in production. It carries the session token, so logout ends it.
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SECURE = _bool("REMEMBER_COOKIE_SECURE", False)
    WTF_CSRF_TIME_LIMIT = None

    # The funding body that publishes calls (used in notices, contracts and open data).
    FUNDER_NAME = os.environ.get("FUNDER_NAME", "嘉兴市民政局")
    FUNDER_USCC = os.environ.get("FUNDER_USCC", "11330400002586130C")
    # 甲方 of the service-purchase contracts (the purchasing bureau).
    FUNDER_ADDRESS = os.environ.get("FUNDER_ADDRESS", "浙江省嘉兴市南湖区中环东路1882号")
    FUNDER_REPRESENTATIVE = os.environ.get("FUNDER_REPRESENTATIVE", "王建国")
    FUNDER_CONTACT = os.environ.get("FUNDER_CONTACT", "李晓燕")
    FUNDER_PHONE = os.environ.get("FUNDER_PHONE", "0573-82071234")
    FUNDER_CITY = os.environ.get("FUNDER_CITY", "嘉兴市")
    CONTRACT_PREFIX = os.environ.get("CONTRACT_PREFIX", "JXGY")
    # The footer of every page: the lines a government website carries (an empty value leaves
    # its line out). ICP and public-security filing numbers are given as printed, e.g.
    # "浙ICP备12345678号" / "浙公网安备33040202000123号"; the identifier code (网站标识码) is the
    # one issued for government websites. The demo values are placeholders.
    SITE_SPONSOR = os.environ.get("SITE_SPONSOR", FUNDER_NAME)
    SITE_ADDRESS = os.environ.get("SITE_ADDRESS", FUNDER_ADDRESS)
    SITE_POSTCODE = os.environ.get("SITE_POSTCODE", "314000")
    SITE_PHONE = os.environ.get("SITE_PHONE", FUNDER_PHONE)
    SITE_EMAIL = os.environ.get("SITE_EMAIL", "")
    SITE_ICP = os.environ.get("SITE_ICP", "浙ICP备00000000号")
    SITE_PSB = os.environ.get("SITE_PSB", "浙公网安备33040202000000号")
    SITE_CODE = os.environ.get("SITE_CODE", "3304000000")
    # Disbursements at or above this amount (yuan) need a second approval by a senior approver.
    SECOND_APPROVAL_THRESHOLD = os.environ.get("SECOND_APPROVAL_THRESHOLD", "100000")
    CONTRACT_PLACE = os.environ.get("CONTRACT_PLACE", "浙江省嘉兴市")
    # Open data (/open-data/): 360Giving grant ids are `360G-<OPEN_DATA_PREFIX>-…` (the prefix
    # 360Giving gives a publisher); OCDS ocids are `ocds-<OCDS_PREFIX>-…` (the prefix the Open
    # Contracting Partnership registers, 6 characters). Organisation ids use the org-id.guide
    # scheme CN-USCI (统一社会信用代码), so the bureau is CN-USCI-<FUNDER_USCC> unless FUNDER_ORG_ID
    # says otherwise. OPEN_DATA_LICENSE: the licence both files are published under.
    OPEN_DATA_PREFIX = os.environ.get("OPEN_DATA_PREFIX", "jxmz")
    OCDS_PREFIX = os.environ.get("OCDS_PREFIX", "jxmz01")
    FUNDER_ORG_ID = os.environ.get("FUNDER_ORG_ID", "")
    OPEN_DATA_LICENSE = os.environ.get("OPEN_DATA_LICENSE", "https://creativecommons.org/licenses/by/4.0/")
    # Department API (/api/v1/): the longest a token may live, in days.
    API_TOKEN_MAX_DAYS = _int("API_TOKEN_MAX_DAYS", 366)
    # Public holidays (YYYY-MM-DD, comma separated) skipped when counting working days.
    PUBLIC_HOLIDAYS = os.environ.get("PUBLIC_HOLIDAYS", "")

    PAGE_SIZE = _int("PAGE_SIZE", 20)
    ENV_NAME = "development"


class DevelopmentConfig(Config):
    DEBUG = False


class TestingConfig(Config):
    TESTING = True
    SECRET_KEY = "test-secret"
    SQLALCHEMY_DATABASE_URI = _database_url(os.environ.get("TEST_DATABASE_URL") or "sqlite://")
    WTF_CSRF_ENABLED = False
    # Throttling stays on (memory storage) with a limit tests never reach; the throttle test
    # lowers it.
    LOGIN_RATE_LIMIT = "100000 per minute"
    OBJECTION_RATE_LIMIT = "100000 per minute"
    LOGIN_ACCOUNT_RATE_LIMIT = "100000 per minute"
    PASSWORD_RESET_RATE_LIMIT = "100000 per minute"
    PASSWORD_RESET_ACCOUNT_RATE_LIMIT = "100000 per minute"
    # The suite counts in memory unless told otherwise; tests/core/test_throttle.py also runs
    # against Redis (TEST_REDIS_URL).
    RATELIMIT_STORAGE_URI = "memory://"
    # Still scrypt, at a low work factor so the suite's thousands of logins stay fast.
    PASSWORD_HASH_METHOD = "scrypt:1024:8:1"
    MAIL_PORT = 0
    ENV_NAME = "testing"


class ProductionConfig(Config):
    OUTBOX_PAGE = _bool("OUTBOX_PAGE", False)
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", True)
    REMEMBER_COOKIE_SECURE = _bool("REMEMBER_COOKIE_SECURE", True)
    ENV_NAME = "production"

    @classmethod
    def check(cls) -> None:
        if not cls.SECRET_KEY or cls.SECRET_KEY == DEFAULT_SECRET or len(cls.SECRET_KEY) < 16:
            raise RuntimeError(
                "SECRET_KEY is missing or is the development default; set a random value "
                "of at least 16 characters before starting in production."
            )


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}
