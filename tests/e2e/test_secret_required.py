"""No secret in the source: the long-running commands refuse to start without ARREARS_SECRET, and
only the demo makes one up, once, kept under var/ for later runs."""

from __future__ import annotations

import os
import stat
import subprocess
import sys

import pytest
from django.test import override_settings

from arrears.errors import ConfigurationError
from arrears.secret import demo_secret, require_secret, use_demo_secret


@pytest.mark.parametrize(
    "arguments", [["serve", "--port", "8765"], ["worker", "--until-idle"], ["nightly", "--as-of", "2026-03-01"]]
)
def test_the_long_running_commands_refuse_to_start_without_a_secret(tmp_path, arguments):
    env = {key: value for key, value in os.environ.items() if not key.startswith("ARREARS_SECRET")}
    env.update(ARREARS_VAR=str(tmp_path), DATABASE_URL="")
    done = subprocess.run(
        [sys.executable, "-m", "arrears.cli", *arguments], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 1, done.stderr
    assert "ARREARS_SECRET" in done.stderr and "未设置" in done.stderr and "is not set" in done.stderr
    assert "Traceback" not in done.stderr + done.stdout


def test_the_settings_carry_no_key_of_their_own():
    from pathlib import Path

    import arrears.settings

    source = Path(arrears.settings.__file__).read_text(encoding="utf-8")
    assert 'os.environ.get("ARREARS_SECRET", "")' in source and "change-me" not in source


def test_a_short_secret_is_refused_in_both_languages():
    with override_settings(SECRET_KEY="short"):
        with pytest.raises(ConfigurationError) as refused:
            require_secret()
    assert "太短" in refused.value.zh and "too short" in refused.value.en


def test_the_demo_makes_up_its_secret_once_private_to_its_owner(tmp_path):
    first = demo_secret(tmp_path)
    path = tmp_path / "secret"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(first) >= 50 and demo_secret(tmp_path) == first
    # a second var/ gets another one: nothing is fixed in the source
    assert demo_secret(tmp_path / "other") != first


def test_the_demo_uses_its_kept_secret_only_when_none_is_configured(tmp_path, monkeypatch):
    monkeypatch.delenv("ARREARS_SECRET", raising=False)
    with override_settings(SECRET_KEY=""):
        made = use_demo_secret(tmp_path)
        from django.conf import settings

        assert settings.SECRET_KEY == made == os.environ["ARREARS_SECRET"] == demo_secret(tmp_path)
    configured = "a-configured-secret-wins-over-the-demo-one-123456"
    with override_settings(SECRET_KEY=configured):
        assert use_demo_secret(tmp_path / "unused") == configured
    assert not (tmp_path / "unused" / "secret").exists()
