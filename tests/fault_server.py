"""A real local OpenAI-compatible HTTP server for tests and benchmarks, with scripted faults.

It answers `/v1/chat/completions` instantly with a valid annotation, unless the next fault in
its script says otherwise: 429 with Retry-After, 500, a stall longer than the client timeout,
malformed JSON, truncated JSON, wrong schema, or 400 when `response_format` is sent. It counts
every request. Run standalone: `python tests/fault_server.py --port 8999` (benchmarks).

Example:
    >>> srv = FaultServer().start()        # doctest: +SKIP
    >>> srv.url                           # doctest: +SKIP
    'http://127.0.0.1:40123/v1'
"""
from __future__ import annotations

import argparse
import json
import socket
import threading
import time
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

VALID = {"topic": "time management tips", "preferences": [
    {"preference": "more concrete advice", "description": "The preferred response gives concrete steps."}]}


def _completion(content: str) -> bytes:
    return json.dumps({"id": "x", "object": "chat.completion", "model": "fake",
                       "choices": [{"index": 0, "finish_reason": "stop",
                                    "message": {"role": "assistant", "content": content}}],
                       "usage": {"prompt_tokens": 100, "completion_tokens": 30}}).encode()


class FaultServer:
    """faults: list of 'ok', '429', '500', 'stall', 'malformed', 'truncated', 'wrong_schema',
    'bad_body', 'reject_schema' (400 if response_format present), '401_echo' / '500_echo' (an
    error body that repeats the Authorization header, as some servers and proxies do), 'echo_key'
    (a valid annotation whose text repeats it), consumed one per request; `default` answers
    when the script is empty."""

    def __init__(self, faults: list[str] | None = None, host: str = "127.0.0.1", port: int = 0,
                 stall_s: float = 2.0, retry_after: str = "0.2", default: str = "ok") -> None:
        self.faults = deque(faults or [])
        self.default = default
        self.lock = threading.Lock()
        self.requests = 0
        self.bodies: list[dict] = []
        self.headers: list[dict] = []
        self.stall_s, self.retry_after = stall_s, retry_after
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a):  # quiet
                pass

            def setup(self):
                super().setup()
                self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

            def _send(self, code: int, body: bytes, headers: dict | None = None) -> None:
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self._headers_buffer.append(b"\r\n" + body)  # headers and body in one write
                self.flush_headers()

            def do_POST(self):
                n = int(self.headers.get("Content-Length", 0))
                body = json.loads(self.rfile.read(n) or b"{}")
                with server.lock:
                    server.requests += 1
                    server.bodies.append(body)
                    server.headers.append(dict(self.headers))
                    fault = server.faults.popleft() if server.faults else server.default
                if fault == "429":
                    return self._send(429, b'{"error": "rate limited"}', {"Retry-After": server.retry_after})
                if fault == "500":
                    return self._send(500, b'{"error": "boom"}')
                auth = self.headers.get("Authorization", "")
                if fault in ("401_echo", "500_echo"):
                    echo = json.dumps({"error": f"invalid credentials: {auth} (key {auth[7:]})"}).encode()
                    return self._send(401 if fault == "401_echo" else 500, echo)
                if fault == "stall":
                    time.sleep(server.stall_s)
                if fault == "reject_schema" and "response_format" in body:
                    return self._send(400, b'{"error": "response_format json_schema not supported"}')
                if fault == "bad_body":
                    return self._send(200, b'{"choices": [')
                content = json.dumps(VALID)
                if fault == "malformed":
                    content = "Sure! topic: time, preferences: none really"
                elif fault == "truncated":
                    content = content[:-25]
                elif fault == "wrong_schema":
                    content = json.dumps({"topic": "x y", "reasons": ["longer"]})
                elif fault == "fenced":
                    content = "```json\n" + content + "\n```"
                elif fault == "echo_key":
                    content = json.dumps({"topic": "key " + auth[7:], "preferences": [{
                        "preference": "more concrete advice", "description": f"The preferred response "
                        f"gives concrete steps; my key is {auth[7:]}."}]})
                self._send(200, _completion(content))

        class Server(ThreadingHTTPServer):
            request_queue_size = 256

        self.httpd = Server((host, port), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://{host}:{self.httpd.server_address[1]}/v1"

    def start(self) -> "FaultServer":
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=8999)
    ap.add_argument("--default", default="ok", help="the answer to every request (a fault name)")
    a = ap.parse_args()
    srv = FaultServer(port=a.port, default=a.default)
    print(srv.url, flush=True)
    srv.httpd.serve_forever()
