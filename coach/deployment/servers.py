"""The team stack's servers, one class each: PostgreSQL, the Chroma server, the trial login provider, an app replica
and the nginx front door. Each runs in the foreground as a child process on 127.0.0.1, logs to a file in its
folder, and can be stopped and started again (the tests stop them mid-run)."""

from __future__ import annotations

import contextlib
import glob
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Sequence
from pathlib import Path

from coach.errors import CoachError
from coach.knowledge.data import PROJECT_ROOT

LOOPBACK = "127.0.0.1"
# Services run as these system users when the stack is started as root (PostgreSQL refuses to run as root).
POSTGRES_USER = "postgres"
FRONT_DOOR_USER = "www-data"
QUIET_ENVIRONMENT = {"ANONYMIZED_TELEMETRY": "False", "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}


class TeamError(CoachError):
    """A piece of the team stack cannot start; the message says which and what to do."""


def is_root() -> bool:
    return os.geteuid() == 0


def port_is_free(port: int) -> bool:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((LOOPBACK, port))
        except OSError:
            return False
    return True


def http_ok(url: str, timeout: float = 1.0) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return 200 <= response.status < 300
    except OSError:
        return False


def _venv_tool(name: str) -> str:
    """A console script installed beside this interpreter (the project's .venv), else one on PATH."""
    beside = Path(sys.executable).parent / name
    found = str(beside) if beside.exists() else shutil.which(name)
    if not found:
        raise TeamError(f"'{name}' is missing: install the team extra (pip install -e '.[team]'; make team does).")
    return found


def _chown(path: Path, user: str) -> None:
    if is_root():
        shutil.chown(path, user, user)


class Server:
    """One foreground child process with a readiness probe; `start` returns once it answers."""

    name = "server"
    run_as: str | None = None  # a system user, when started as root
    stop_signal = signal.SIGTERM

    def __init__(self, folder: Path, port: int) -> None:
        self.folder = folder
        self.port = port
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def log_path(self) -> Path:
        return self.folder / f"{self.name}.log"

    def command(self) -> list[str]:
        raise NotImplementedError

    def environment(self) -> dict[str, str]:
        return {**os.environ, **QUIET_ENVIRONMENT}

    def prepare(self) -> None:
        """One-time set-up before the first start (PostgreSQL's initdb, nginx's config)."""

    def ready(self) -> bool:
        raise NotImplementedError

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self, timeout: float = 60) -> Server:
        if self.running:
            return self
        self.folder.mkdir(parents=True, exist_ok=True)
        self.prepare()
        if not port_is_free(self.port):
            raise TeamError(f"{self.name}: port {self.port} on {LOOPBACK} is taken; stop what uses it first.")
        user = self.run_as if is_root() else None
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                self.command(), env=self.environment(), cwd=PROJECT_ROOT, stdin=subprocess.DEVNULL, stdout=log,
                stderr=log, user=user, group=user, extra_groups=[] if user else None, start_new_session=True,
            )  # fmt: skip
        deadline = time.monotonic() + timeout
        while not self.ready():
            if not self.running:
                raise TeamError(f"{self.name} exited at start; its log ({self.log_path}) ends:\n{self.log_tail()}")
            if time.monotonic() > deadline:
                self.stop()
                raise TeamError(f"{self.name} did not answer within {timeout:g} s; see {self.log_path}")
            time.sleep(0.1)
        return self

    def stop(self, timeout: float = 30) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, self.stop_signal)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        self.process = None

    def log_tail(self, lines: int = 15) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"


def _postgres_tool(name: str) -> str:
    """Debian keeps PostgreSQL's server programs under /usr/lib/postgresql/<version>/bin, off PATH."""
    versions = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=lambda p: int(Path(p).parts[4]))
    found = versions[-1] if versions else shutil.which(name)
    if not found:
        raise TeamError("PostgreSQL is missing: run scripts/ensure-team-packages.sh (make team does).")
    return found


class PostgresServer(Server):
    """PostgreSQL with its cluster under `folder/postgres`, password login for the role `coach` over TCP only."""

    name = "postgresql"
    run_as = POSTGRES_USER
    stop_signal = signal.SIGINT  # "fast" shutdown: roll back open transactions, then stop cleanly
    role = "coach"

    @property
    def data_dir(self) -> Path:
        return self.folder / "postgres"

    @property
    def password(self) -> str:
        path = self.folder / "postgres-password"
        if not path.exists():
            path.write_text(secrets.token_urlsafe(24))
            path.chmod(0o600)
        return path.read_text().strip()

    def url(self, database: str = "coach") -> str:
        return f"postgresql://{self.role}:{self.password}@{LOOPBACK}:{self.port}/{database}"

    def prepare(self) -> None:
        if (self.data_dir / "PG_VERSION").exists():
            return
        if is_root():
            self.folder.chmod(0o711)  # the postgres user passes through to its own folder
            probe = subprocess.run(["test", "-x", str(self.folder)], user=POSTGRES_USER, check=False)
            if probe.returncode != 0:
                raise TeamError(
                    f"PostgreSQL runs as the '{POSTGRES_USER}' user, who cannot reach {self.folder}; set "
                    "COACH_DATA_DIR to a folder every user can pass through (e.g. /srv/career-coach)."
                )
        shutil.rmtree(self.data_dir, ignore_errors=True)
        self.data_dir.mkdir(mode=0o700)
        password_file = self.folder / "initdb-password"
        password_file.write_text(self.password)
        for path in (self.data_dir, password_file):
            _chown(path, POSTGRES_USER)
        user = POSTGRES_USER if is_root() else None
        try:
            done = subprocess.run(
                [_postgres_tool("initdb"), "-D", str(self.data_dir), "-U", self.role, "--auth=scram-sha-256",
                 f"--pwfile={password_file}", "-E", "UTF8", "--no-locale", "--no-instructions"],
                user=user, group=user, extra_groups=[] if user else None, capture_output=True, text=True, check=False,
            )  # fmt: skip
        finally:
            password_file.unlink(missing_ok=True)
        if done.returncode != 0:
            raise TeamError(f"initdb failed: {(done.stderr or done.stdout).strip().splitlines()[-1:]}")

    def command(self) -> list[str]:
        return [
            _postgres_tool("postgres"), "-D", str(self.data_dir), "-p", str(self.port),
            "-c", f"listen_addresses={LOOPBACK}", "-c", "unix_socket_directories=", "-c", "max_connections=200",
        ]  # fmt: skip

    def environment(self) -> dict[str, str]:
        return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8"}

    def ready(self) -> bool:
        import psycopg

        try:
            with psycopg.connect(self.url("postgres"), connect_timeout=1):
                return True
        except psycopg.Error:
            return False

    def ensure_database(self, name: str) -> str:
        """Create the database when it does not exist yet; return its URL."""
        import psycopg

        with psycopg.connect(self.url("postgres"), autocommit=True) as db:
            if db.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is None:
                db.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)


class ChromaServer(Server):
    """`chroma run`, its data under `folder/chroma`."""

    name = "chroma"

    @property
    def url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    def command(self) -> list[str]:
        return [_venv_tool("chroma"), "run", "--path", str(self.folder / "chroma"), "--host", LOOPBACK,
                "--port", str(self.port)]  # fmt: skip

    def ready(self) -> bool:
        return http_ok(f"{self.url}/api/v2/heartbeat")


class LoginProvider(Server):
    """The trial identity provider (oidc-provider-mock): any client id and secret, and the person types who they
    are. A real deployment points `server_metadata_url` at the company's provider instead."""

    name = "login-provider"

    @property
    def url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    @property
    def metadata_url(self) -> str:
        return f"{self.url}/.well-known/openid-configuration"

    def command(self) -> list[str]:
        return [_venv_tool("oidc-provider-mock"), "--host", LOOPBACK, "--port", str(self.port)]

    def environment(self) -> dict[str, str]:
        return {**super().environment(), "NO_COLOR": "1"}

    def ready(self) -> bool:
        return http_ok(self.metadata_url)


class Replica(Server):
    """One `streamlit run app.py`, reading its [auth] section from the stack's secrets file."""

    def __init__(self, folder: Path, port: int, number: int, secrets_file: Path, environment: dict[str, str]) -> None:
        super().__init__(folder, port)
        self.name = f"replica-{number}"
        self.secrets_file = secrets_file
        self._environment = environment

    @property
    def url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    def command(self) -> list[str]:
        return [
            sys.executable, "-m", "streamlit", "run", str(PROJECT_ROOT / "app.py"), "--server.port", str(self.port),
            "--server.address", LOOPBACK, "--server.headless", "true", "--secrets.files", str(self.secrets_file),
        ]  # fmt: skip

    def environment(self) -> dict[str, str]:
        return {**super().environment(), **self._environment}

    def ready(self) -> bool:
        return http_ok(f"{self.url}/_stcore/health")


# The session cookie the front door sets: a person's browser keeps to one replica, which holds their WebSocket
# session and so must also receive their uploads.
ROUTE_COOKIE = "coach_replica"


def nginx_config(port: int, backends: Sequence[int], prefix: Path) -> str:
    servers = "\n".join(f"        server {LOOPBACK}:{backend} max_fails=0;" for backend in backends)
    temp = " ".join(
        f"{kind}_temp_path {prefix / kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return f"""# Written by the team stack (coach/deployment/servers.py) at each start.
daemon off;
worker_processes 1;
pid {prefix / "nginx.pid"};
error_log {prefix / "error.log"} warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    {temp}
    client_max_body_size 200m;
    # Sticky by cookie: a browser without the cookie is placed by its request id, and keeps that placement.
    map $cookie_{ROUTE_COOKIE} $replica_key {{ "" $request_id; default $cookie_{ROUTE_COOKIE}; }}
    map $cookie_{ROUTE_COOKIE} $replica_cookie {{
        "" "{ROUTE_COOKIE}=$request_id; Path=/; HttpOnly; SameSite=Lax";
        default "";
    }}
    map $http_upgrade $connection_upgrade {{ default upgrade; "" close; }}
    upstream coach_replicas {{
        hash $replica_key consistent;
        # max_fails=0: a replica that is down is skipped per request and used again as soon as it is back.
{servers}
    }}
    server {{
        listen {LOOPBACK}:{port};
        server_name localhost;
        location / {{
            proxy_pass http://coach_replicas;
            proxy_http_version 1.1;
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            # Streamlit's /_stcore/stream is a WebSocket.
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
            proxy_read_timeout 1d;
            proxy_send_timeout 1d;
            proxy_connect_timeout 2s;
            proxy_buffering off;
            proxy_next_upstream error timeout http_502 http_503;
            add_header Set-Cookie $replica_cookie always;
            # Which replica answered (a loopback address): for the operator, and for the tests that stop it.
            add_header X-Coach-Replica $upstream_addr always;
        }}
    }}
}}
"""


class FrontDoor(Server):
    """nginx in front of the replicas: WebSocket upgrade, sticky routing by cookie, failover to a live replica."""

    name = "front-door"
    run_as = FRONT_DOOR_USER

    def __init__(self, folder: Path, port: int, backends: Sequence[int]) -> None:
        super().__init__(folder, port)
        self.backends = list(backends)

    @property
    def prefix(self) -> Path:
        return self.folder / "nginx"

    @property
    def url(self) -> str:
        return f"http://localhost:{self.port}"

    def prepare(self) -> None:
        self.prefix.mkdir(parents=True, exist_ok=True)
        (self.prefix / "nginx.conf").write_text(nginx_config(self.port, self.backends, self.prefix))
        if is_root():
            self.folder.chmod(0o711)
            for path in (self.prefix, *self.prefix.iterdir()):
                _chown(path, FRONT_DOOR_USER)

    @property
    def log_path(self) -> Path:
        return self.prefix / "front-door.log"

    def command(self) -> list[str]:
        nginx = "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else shutil.which("nginx")
        if not nginx:
            raise TeamError("nginx is missing: run scripts/ensure-team-packages.sh (make team does).")
        return [nginx, "-p", str(self.prefix), "-e", str(self.prefix / "error.log"), "-c",
                str(self.prefix / "nginx.conf")]  # fmt: skip

    def ready(self) -> bool:
        return http_ok(f"http://{LOOPBACK}:{self.port}/_stcore/health")
