"""Response headers every answer carries, set once for the whole application.

The Content-Security-Policy allows scripts and styles from the site only (no inline script, no
inline event handler, no `javascript:` URL: the one script is grants/static/app.js), and no
framing. Downloads (exports and attachments) are private data: never cached, never sniffed.
"""
from __future__ import annotations

CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
))

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def is_download(response) -> bool:
    return response.headers.get("Content-Disposition", "").lower().startswith("attachment")


def secure_headers(response):
    for name, value in HEADERS.items():
        response.headers[name] = value
    if is_download(response):
        response.headers["Cache-Control"] = "private, no-store"
    return response


def init_app(app) -> None:
    app.after_request(secure_headers)
