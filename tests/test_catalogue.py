import subprocess
from pathlib import Path

import ciodispatch

JA = Path(ciodispatch.__file__).parent / "locale" / "ja" / "LC_MESSAGES" / "django.po"


def test_every_message_has_its_japanese():
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(JA)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "untranslated" not in result.stderr and "fuzzy" not in result.stderr, result.stderr
