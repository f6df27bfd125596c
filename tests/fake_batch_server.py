"""A real local HTTP server that speaks the OpenAI Files + Batches API (and chat completions), with
scripted behaviour per batch and kill hooks, for tests and benchmarks of `annotate --batch`.

Each created batch takes the next plan from `plans` ('ok' when empty):
  'ok'       every request answered with a valid annotation;
  'partial'  every 5th request fails (HTTP 500 line in the error file), the rest answered;
  'invalid'  every 4th answer is not JSON (the client's repair re-asks /chat/completions);
  'expire'   the batch expires: the first half answered, the rest 'batch_expired' error lines;
  'fail'     the batch fails validation: no output at all.
A batch moves validating → in_progress → finalizing → final state by one step per GET.
`arm(event, pid, nth)` sends SIGKILL to `pid` on the nth `event` after the server has done the work
(events: 'upload', 'create', 'get', 'content', 'list'), the client dying before it hears back.

Example:
    >>> srv = FakeBatchServer(plans=["partial"]).start()   # doctest: +SKIP
    >>> srv.url                                            # doctest: +SKIP
    'http://127.0.0.1:40123/v1'
"""
from __future__ import annotations

import json
import os
import re
import signal
import socket
import threading
import time
from collections import Counter, deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

FINAL = {"ok": "completed", "partial": "completed", "invalid": "completed", "expire": "expired", "fail": "failed"}
STEPS = ["validating", "in_progress", "finalizing"]


def annotation(custom_id: str) -> str:
    return json.dumps({"topic": "cooking tips", "preferences": [
        {"preference": "more concrete advice",
         "description": f"The preferred response gives concrete steps ({custom_id[:8]})."}]})


def completion(content: str) -> dict:
    return {"id": "chatcmpl-x", "object": "chat.completion", "created": int(time.time()), "model": "fake",
            "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": content}}],
            "usage": {"prompt_tokens": 100, "completion_tokens": 30, "total_tokens": 130}}


def _multipart_file(body: bytes, content_type: str) -> bytes:
    boundary = re.search(r"boundary=\"?([^\";]+)\"?", content_type).group(1).encode()
    for part in body.split(b"--" + boundary):
        head, _, data = part.partition(b"\r\n\r\n")
        if b'name="file"' in head:
            return data[:-2] if data.endswith(b"\r\n") else data
    raise ValueError("no file part")


class FakeBatchServer:
    def __init__(self, plans: list[str] | None = None, host: str = "127.0.0.1", port: int = 0) -> None:
        self.plans = deque(plans or [])
        self.lock = threading.Lock()
        self.files: dict[str, dict] = {}
        self.batches: dict[str, dict] = {}
        self.order: list[str] = []
        self.answered: Counter = Counter()     # custom_id -> answers written into output files
        self.chat_requests = 0
        self.events: Counter = Counter()
        self.armed: dict[str, tuple[int, int]] = {}
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a):
                pass

            def setup(self):
                super().setup()
                self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

            def _send(self, code: int, payload, raw: bool = False) -> None:
                body = payload if raw else json.dumps(payload).encode()
                try:
                    self.send_response(code)
                    self.send_header("Content-Type", "application/octet-stream" if raw else "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):  # the client was killed: expected here
                    self.close_connection = True

            def _body(self) -> bytes:
                return self.rfile.read(int(self.headers.get("Content-Length", 0)))

            def do_POST(self):
                path, data = urlparse(self.path).path, self._body()
                if path == "/v1/files":
                    content = _multipart_file(data, self.headers["Content-Type"])
                    with server.lock:
                        fid = f"file-{len(server.files) + 1}"
                        server.files[fid] = {"id": fid, "object": "file", "bytes": len(content), "purpose": "batch",
                                             "created_at": int(time.time()), "filename": "requests.jsonl",
                                             "content": content}
                    server._hook("upload")
                    return self._send(200, {k: v for k, v in server.files[fid].items() if k != "content"})
                if path == "/v1/batches":
                    req = json.loads(data)
                    if req.get("input_file_id") not in server.files:
                        return self._send(400, {"error": {"message": "no such input file"}})
                    with server.lock:
                        bid = f"batch_{len(server.batches) + 1}"
                        plan = server.plans.popleft() if server.plans else "ok"
                        n = sum(1 for ln in server.files[req["input_file_id"]]["content"].splitlines() if ln.strip())
                        server.batches[bid] = {
                            "id": bid, "object": "batch", "endpoint": req["endpoint"], "errors": None,
                            "input_file_id": req["input_file_id"], "completion_window": req["completion_window"],
                            "status": "validating", "output_file_id": None, "error_file_id": None,
                            "created_at": time.time(), "request_counts": {"total": n, "completed": 0, "failed": 0},
                            "metadata": req.get("metadata") or {}, "_plan": plan, "_step": 0}
                        server.order.append(bid)
                    server._hook("create")
                    return self._send(200, server._public(bid))
                if path == "/v1/chat/completions":
                    with server.lock:
                        server.chat_requests += 1
                    return self._send(200, completion(annotation("repaired")))
                return self._send(404, {"error": {"message": f"no route {path}"}})

            def do_GET(self):
                url = urlparse(self.path)
                m = re.fullmatch(r"/v1/files/([^/]+)/content", url.path)
                if m:
                    f = server.files.get(m.group(1))
                    if f is None:
                        return self._send(404, {"error": {"message": "no such file"}})
                    server._hook("content")
                    return self._send(200, f["content"], raw=True)
                m = re.fullmatch(r"/v1/batches/([^/]+)", url.path)
                if m:
                    if m.group(1) not in server.batches:
                        return self._send(404, {"error": {"message": "no such batch"}})
                    server._advance(m.group(1))
                    server._hook("get")
                    return self._send(200, server._public(m.group(1)))
                if url.path == "/v1/batches":
                    q = parse_qs(url.query)
                    limit, after = int(q.get("limit", ["20"])[0]), q.get("after", [None])[0]
                    with server.lock:
                        ids = list(reversed(server.order))
                    if after in ids:
                        ids = ids[ids.index(after) + 1:]
                    page = ids[:limit]
                    server._hook("list")
                    return self._send(200, {"object": "list", "data": [server._public(b) for b in page],
                                            "has_more": len(ids) > limit})
                return self._send(404, {"error": {"message": f"no route {url.path}"}})

        self.httpd = ThreadingHTTPServer((host, port), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    # -- state -----------------------------------------------------------------------------------
    def _public(self, bid: str) -> dict:
        with self.lock:
            return {k: v for k, v in self.batches[bid].items() if not k.startswith("_")}

    def _advance(self, bid: str) -> None:
        with self.lock:
            b = self.batches[bid]
            if b["status"] in ("completed", "expired", "failed"):
                return
            b["_step"] += 1
            if b["_step"] < len(STEPS):
                b["status"] = STEPS[b["_step"]]
                return
            self._finish(b)

    def _finish(self, b: dict) -> None:
        plan = b["_plan"]
        lines = [json.loads(ln) for ln in self.files[b["input_file_id"]]["content"].splitlines() if ln.strip()]
        out, err = [], []
        for i, req in enumerate(lines):
            cid, rid = req["custom_id"], f"batch_req_{b['id']}_{i}"
            if plan == "fail":
                continue
            if plan == "expire" and i >= len(lines) // 2:
                err.append({"id": rid, "custom_id": cid, "response": None, "error": {
                    "code": "batch_expired",
                    "message": "This request could not be executed before the completion window expired."}})
            elif plan == "partial" and i % 5 == 4:
                err.append({"id": rid, "custom_id": cid, "error": None, "response": {
                    "status_code": 500, "request_id": f"req_{i}",
                    "body": {"error": {"message": "The server had an error", "type": "server_error"}}}})
            else:
                content = "Sure! here is my answer" if plan == "invalid" and i % 4 == 3 else annotation(cid)
                out.append({"id": rid, "custom_id": cid, "error": None, "response": {
                    "status_code": 200, "request_id": f"req_{i}", "body": completion(content)}})
                self.answered[cid] += 1
        b["status"] = FINAL[plan]
        b["request_counts"] = {"total": len(lines), "completed": len(out), "failed": len(err)}
        if plan == "fail":
            b["errors"] = {"object": "list", "data": [{"code": "invalid_request", "message": "fake validation failure"}]}
        for kind, rows in (("output_file_id", out), ("error_file_id", err)):
            if rows:
                fid = f"file-{len(self.files) + 1}"
                self.files[fid] = {"id": fid, "content": "".join(json.dumps(r) + "\n" for r in rows).encode()}
                b[kind] = fid

    # -- kill hooks ----------------------------------------------------------------------------------
    def arm(self, event: str, pid: int, nth: int = 1) -> None:
        """SIGKILL `pid` at the nth `event` from now (after the server did the work, before it replies)."""
        with self.lock:
            self.armed[event] = (pid, self.events[event] + nth)

    def _hook(self, event: str) -> None:
        with self.lock:
            self.events[event] += 1
            target = self.armed.get(event)
            if target and self.events[event] >= target[1]:
                del self.armed[event]
            else:
                target = None
        if target:
            try:
                os.kill(target[0], signal.SIGKILL)
            except ProcessLookupError:
                pass
            time.sleep(0.2)  # let it die before the reply goes out

    # -- lifecycle ---------------------------------------------------------------------------------
    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}/v1"

    def start(self) -> "FakeBatchServer":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
