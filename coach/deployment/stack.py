"""The whole team stack for a trial on this machine (`make team`, `python -m coach.deployment`): PostgreSQL, a Chroma
server, the trial login provider, app replicas and the nginx front door at http://localhost:8600, with all data
under `$COACH_DATA_DIR/team`. It runs in the foreground and stops every piece on Ctrl-C or SIGTERM.

A real deployment keeps the shape and changes three things (README, "Team deployment"): the company's identity
provider in `secrets.toml` instead of the trial one, its own secrets, and TLS at the front door."""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from coach.deployment.servers import (
    QUIET_ENVIRONMENT,
    ChromaServer,
    FrontDoor,
    LoginProvider,
    PostgresServer,
    Replica,
    Server,
    TeamError,
)
from coach.knowledge.data import PROJECT_ROOT

DATABASE = "coach"
CLIENT_ID = "career-coach"


@dataclass(frozen=True)
class Ports:
    front_door: int = 8600
    replicas: tuple[int, ...] = (8601, 8602)
    postgres: int = 8632
    chroma: int = 8633
    login: int = 9400  # the trial provider's own default


def secrets_toml(front_door_url: str, cookie_secret: str, metadata_url: str) -> str:
    return f"""# Written by the team stack for a trial. In a real deployment this file holds the company's identity provider:
# its client_id, client_secret and server_metadata_url, and redirect_uri on the public https address.
[auth]
redirect_uri = "{front_door_url}/oauth2callback"
cookie_secret = "{cookie_secret}"
client_id = "{CLIENT_ID}"
client_secret = "trial-provider-accepts-any-secret"
server_metadata_url = "{metadata_url}"
"""


class TeamStack:
    """Every piece of the team deployment, started in dependency order and stopped in reverse."""

    def __init__(
        self,
        data_dir: Path,
        ports: Ports | None = None,
        replicas: int = 2,
        say: Callable[[str], None] = print,
        environment: dict[str, str] | None = None,
        postgres: PostgresServer | None = None,
        chroma: ChromaServer | None = None,
    ) -> None:
        self.data_dir = data_dir
        self.ports = ports or Ports()
        if not 1 <= replicas <= len(self.ports.replicas):
            raise TeamError(f"replicas must be between 1 and {len(self.ports.replicas)}")
        self.folder = data_dir / "team"
        self.say = say
        self.environment = environment or {}  # more settings for the replicas and `coach index` (COACH_LLM, ...)
        # The tests hand in the servers they already run (and stop them here as well).
        self.postgres = postgres or PostgresServer(self.folder, self.ports.postgres)
        self.chroma = chroma or ChromaServer(self.folder, self.ports.chroma)
        self.login = LoginProvider(self.folder, self.ports.login)
        self.replicas = [
            Replica(self.folder, port, number, self.secrets_file, {})
            for number, port in enumerate(self.ports.replicas[:replicas], 1)
        ]
        self.front_door = FrontDoor(self.folder, self.ports.front_door, [replica.port for replica in self.replicas])

    @property
    def url(self) -> str:
        return self.front_door.url

    @property
    def secrets_file(self) -> Path:
        return self.folder / "secrets.toml"

    @property
    def database_url(self) -> str:
        return self.postgres.url(DATABASE)

    def _cookie_secret(self) -> str:
        path = self.folder / "cookie-secret"
        if not path.exists():
            path.write_text(secrets.token_hex(32))
            path.chmod(0o600)
        return path.read_text().strip()

    def app_environment(self) -> dict[str, str]:
        """What the replicas and `coach index` are configured with: the two engines, the shared data folder."""
        return {
            **self.environment,
            "COACH_DATA_DIR": str(self.data_dir),
            "COACH_DATABASE_URL": self.database_url,
            "COACH_CHROMA_URL": self.chroma.url,
            # The replicas sign and check the same cookies (login, XSRF), so a person can move between them.
            "STREAMLIT_SERVER_COOKIE_SECRET": self._cookie_secret(),
        }

    def _step(self, what: str, action: Callable[[], object], timings: dict[str, float]) -> None:
        started = time.perf_counter()
        action()
        timings[what] = round(time.perf_counter() - started, 2)
        self.say(f"  {what}: {timings[what]:.1f} s")

    def build_index(self) -> None:
        """`coach index` against the Chroma server: embeds only what the server does not hold yet."""
        environment = {**os.environ, **QUIET_ENVIRONMENT, **self.app_environment()}
        with (self.folder / "index.log").open("ab") as log:
            done = subprocess.run([sys.executable, "-m", "coach", "index"], env=environment, cwd=PROJECT_ROOT,
                                  stdout=log, stderr=log, check=False)  # fmt: skip
        if done.returncode != 0:
            raise TeamError(f"`coach index` failed; see {self.folder / 'index.log'}")

    def start_replicas(self, replicas: list[Replica] | None = None) -> None:
        """Start replicas side by side, then open one session on each so the first person finds it warm."""
        from coach.deployment.client import AppSession

        chosen = self.replicas if replicas is None else replicas
        for replica in chosen:
            replica._environment = self.app_environment()
        errors: list[BaseException] = []

        def start(replica: Replica) -> None:
            try:
                replica.start(timeout=120)
                session = AppSession(f"http://localhost:{replica.port}")
                try:
                    session.connect()
                finally:
                    session.close()
            except BaseException as error:
                errors.append(error)

        threads = [threading.Thread(target=start, args=(replica,)) for replica in chosen]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if errors:
            raise errors[0]

    def start(self) -> dict[str, float]:
        """Bring everything up; returns the seconds each step took."""
        self.folder.mkdir(parents=True, exist_ok=True)
        timings: dict[str, float] = {}
        started = time.perf_counter()
        try:
            self._step("PostgreSQL", lambda: (self.postgres.start(), self.postgres.ensure_database(DATABASE)), timings)
            self._step("Chroma server", self.chroma.start, timings)
            self._step("login provider", self.login.start, timings)
            self.secrets_file.write_text(
                secrets_toml(self.front_door.url, self._cookie_secret(), self.login.metadata_url)
            )
            self.secrets_file.chmod(0o600)
            self._step("index on the Chroma server (coach index)", self.build_index, timings)
            self._step(f"{len(self.replicas)} app replica(s), warmed", self.start_replicas, timings)
            self._step("front door (nginx)", self.front_door.start, timings)
        except BaseException:
            self.stop()
            raise
        timings["total"] = round(time.perf_counter() - started, 2)
        return timings

    def use_replicas(self, count: int) -> None:
        """Serve through the first `count` replicas only (the others stopped), the front door sending to just them:
        the team benchmark compares one replica with two this way."""
        if not 1 <= count <= len(self.replicas):
            raise TeamError(f"choose between 1 and {len(self.replicas)} replicas")
        for replica in self.replicas[count:]:
            replica.stop()
        self.start_replicas([replica for replica in self.replicas[:count] if not replica.running])
        self.front_door.stop()
        self.front_door.backends = [replica.port for replica in self.replicas[:count]]
        self.front_door.start()

    @property
    def servers(self) -> list[Server]:
        return [self.postgres, self.chroma, self.login, *self.replicas, self.front_door]

    def stop(self) -> None:
        for server in reversed(self.servers):
            server.stop()

    def run(self) -> int:
        """In the foreground until Ctrl-C or SIGTERM (or a piece exits), then stop everything."""
        stopping = threading.Event()

        def on_signal(number: int, frame: object) -> None:
            stopping.set()

        for number in (signal.SIGINT, signal.SIGTERM):
            signal.signal(number, on_signal)
        self.say(f"Starting the Career Coach team stack (data in {self.folder}):")
        timings = self.start()
        self.say(
            f"\nCareer Coach for the team is up at {self.url} ({timings['total']:.1f} s). Log in with any name on the "
            f"trial provider's page.\nPress Ctrl-C to stop everything."
        )
        code = 0
        while not stopping.wait(1.0):
            gone = [server.name for server in self.servers if not server.running]
            if gone:
                self.say(f"{', '.join(gone)} stopped unexpectedly; see the logs in {self.folder}. Stopping the stack.")
                code = 1
                break
        self.say("Stopping the team stack…")
        self.stop()
        self.say("Stopped.")
        return code


def main() -> int:
    from coach.settings import load_settings

    try:
        settings = load_settings()
        carried = {key: value for key, value in os.environ.items() if key in ("COACH_LLM", "COACH_LLM_BASE_URL",
                   "COACH_LLM_TIMEOUT", "COACH_KNOWLEDGE_DIRS", "OPENAI_API_KEY", "ANTHROPIC_API_KEY")}  # fmt: skip
        return TeamStack(settings.data_dir, environment=carried).run()
    except TeamError as error:
        print(f"coach team: {error}", file=sys.stderr)
        return 1
