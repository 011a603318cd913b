import pytest


@pytest.fixture(autouse=True)
def english_pages(client):
    """The assertions read the English messages: the test client asks for English pages."""
    client.cookies["django_language"] = "en"
