"""A webhook receiver on 127.0.0.1 for the tests: a real HTTP server that records what it is sent."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Receiver:
    """Answers each POST with the next of ``answers`` (then 200), and keeps ``requests`` as (headers, body).

    ``hold``: the first request waits, unanswered, until ``release`` is set (``arrived`` says it came).
    """

    def __init__(self, answers=(), hold=False):
        self.answers = list(answers)
        self.hold = hold
        self.requests = []
        self.arrived = threading.Event()
        self.release = threading.Event()
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("content-length", 0)))
                with receiver.lock:
                    receiver.requests.append(({k.lower(): v for k, v in self.headers.items()}, body))
                    first = len(receiver.requests) == 1
                    status = receiver.answers.pop(0) if receiver.answers else 200
                if receiver.hold and first:
                    receiver.arrived.set()
                    receiver.release.wait(60)
                self.send_response(status)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server.server_address[1]}/hooks"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.release.set()
        self.server.shutdown()
        self.server.server_close()

    def ids(self):
        return [headers["webhook-id"] for headers, _ in self.requests]
