"""The production server for the run: gunicorn on ``ciodispatch.wsgi``, DEBUG off.

Static files are collected into a temporary ``STATIC_ROOT`` (``STATIC_MANIFEST=true``: hashed,
compressed, served by whitenoise) and the server gets the run's generated ``SECRET_KEY``, the
one the benchmark's sessions are written under.
"""

import http.client
import importlib.util
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HOST = "127.0.0.1"
# The file every page links to: the static baseline when the server has no /healthz.
STATIC_BASELINE = "core/app.css"
# gunicorn's settings for ``make serve``, used when the app has them.
MAKE_SERVE_CONFIG = "ciodispatch.core.gunicorn_conf"
# Settings the run sets itself; their ``_FILE`` forms would compete (ciodispatch/env.py).
OVERRIDDEN = (
    "DEBUG",
    "DEMO_MODE",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "STATIC_MANIFEST",
    "CIODISPATCH_VAR_DIR",
    "SECURE_SSL_REDIRECT",
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def server_environment(*, database_url: str, secret_key: str, var_dir: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k.removesuffix("_FILE") not in OVERRIDDEN}
    env.update(
        DATABASE_URL=database_url,
        DEBUG="false",
        DEMO_MODE="false",
        SECRET_KEY=secret_key,
        ALLOWED_HOSTS=HOST,
        STATIC_MANIFEST="true",
        CIODISPATCH_VAR_DIR=var_dir,
        SECURE_SSL_REDIRECT="false",
        DJANGO_SETTINGS_MODULE="ciodispatch.settings",
    )
    return env


class Server:
    """gunicorn with ``workers`` processes (``threads`` > 1: the gthread worker), its log
    (make serve's request lines, at the level of ``LOG_LEVEL``) in the run's directory."""

    def __init__(
        self, env: dict[str, str], *, workers: int, threads: int, timeout: int, var_dir: str
    ):
        self.env = env
        self.workers = workers
        self.threads = threads
        self.timeout = timeout
        self.var_dir = Path(var_dir)
        self.port = free_port()
        self.process: subprocess.Popen | None = None
        self.log_path = self.var_dir / "gunicorn.log"
        self.with_config = importlib.util.find_spec(MAKE_SERVE_CONFIG) is not None

    def describe(self) -> str:
        kind = f"gthread, {self.threads} threads each" if self.threads > 1 else "sync"
        config = " with make serve's settings" if self.with_config else ""
        return f"gunicorn{config}, {self.workers} workers ({kind}), timeout {self.timeout} s"

    def collect_static(self) -> None:
        subprocess.run(
            [sys.executable, "-m", "ciodispatch.manage", "collectstatic", "--noinput", "-v0"],
            cwd=ROOT,
            env=self.env,
            check=True,
        )

    def static_url(self, name: str) -> str:
        manifest = json.loads((self.var_dir / "static" / "staticfiles.json").read_text())
        return f"/static/{manifest['paths'][name]}"

    def start(self) -> None:
        command = [sys.executable, "-m", "gunicorn"]
        if self.with_config:
            # make serve's settings (request logs, recycling); the options below override it.
            command.append(f"--config=python:{MAKE_SERVE_CONFIG}")
        command += [
            "ciodispatch.wsgi:application",
            f"--bind={HOST}:{self.port}",
            f"--workers={self.workers}",
            f"--timeout={self.timeout}",
        ]
        if self.threads > 1:
            command += ["--worker-class=gthread", f"--threads={self.threads}"]
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT
        )
        log.close()
        self._wait_until_answering()

    def _wait_until_answering(self, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        path = self.static_url(STATIC_BASELINE)
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited ({self.process.returncode}):\n{self.log()}")
            if self.status(path) == 200:
                return
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer within {seconds:.0f} s:\n{self.log()}")

    def status(self, path: str) -> int | None:
        connection = http.client.HTTPConnection(HOST, self.port, timeout=5)
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
            return response.status
        except OSError:
            return None
        finally:
            connection.close()

    def log(self, lines: int = 30) -> str:
        if not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)  # gunicorn's graceful stop
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
