import pytest


@pytest.fixture
def english(app):
    """Service messages in English (the UI default is zh_CN; page tests check the Chinese)."""
    from flask_babel import force_locale

    with app.test_request_context(), force_locale("en"):
        yield
