"""Test-only environment, set before Django reads its settings (loaded with -p)."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production")
os.environ.setdefault("DEMO_MODE", "false")
# Playwright's sync API runs an event loop in the test thread; the ORM calls made by the
# test itself are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
