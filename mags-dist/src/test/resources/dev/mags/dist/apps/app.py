"""A web app for the public-URL tests, Python's standard library only (the debian image has no other).

  GET  /            a page whose script opens a WebSocket back to /ws on the same host, sends a message and
                    writes the answer into the page
  GET  /ws          WebSocket (RFC 6455): every text message is answered "<hostname> echoes: <message>"
  GET  /events      server-sent events, chunked: 'one', then 'two' once the file /tmp/sse-go exists
  POST /upload      the body (Content-Length or chunked) is written to /root/upload.bin; answers its size and
                    SHA-256 as JSON
  GET  /upload.bin  that file, as a static file server sends it (Content-Length)

Usage: python3 app.py PORT
"""
import base64
import hashlib
import http.server
import json
import os
import socket
import struct
import sys
import time

WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
UPLOAD = "/root/upload.bin"
SSE_GO = "/tmp/sse-go"
PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>echo</title></head>
<body><p id="out">waiting for the echo</p>
<script>
const out = document.getElementById('out');
const ws = new WebSocket((location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/ws');
ws.onopen = () => ws.send('hello through the proxy');
ws.onmessage = (e) => { out.textContent = e.data; ws.close(); };
ws.onerror = () => { out.textContent = 'websocket error'; };
</script></body></html>
"""


class Handler(http.server.SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, directory="/root", **kwargs)

    def do_GET(self):
        if self.path == "/":
            self.send_body(200, "text/html; charset=utf-8", PAGE.encode())
        elif self.path == "/ws" and self.headers.get("Upgrade", "").lower() == "websocket":
            self.websocket()
        elif self.path == "/events":
            self.events()
        else:
            super().do_GET()

    def do_POST(self):
        if self.path != "/upload":
            self.send_body(404, "text/plain", b"no such path\n")
            return
        digest, size = hashlib.sha256(), 0
        with open(UPLOAD, "wb") as f:
            for piece in self.body():
                digest.update(piece)
                f.write(piece)
                size += len(piece)
        answer = json.dumps({"bytes": size, "sha256": digest.hexdigest()}).encode()
        self.send_body(200, "application/json", answer)

    def body(self):
        """The request body in pieces of at most 1 MiB, never whole."""
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip(), 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass  # trailers
                    return
                yield from self.exactly(size)
                self.rfile.readline()
        else:
            yield from self.exactly(int(self.headers.get("Content-Length", "0")))

    def exactly(self, n):
        while n > 0:
            piece = self.rfile.read(min(n, 1 << 20))
            if not piece:
                raise ConnectionError("body ended early")
            n -= len(piece)
            yield piece

    def send_body(self, status, content_type, body):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def events(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        self.chunk(b"id: 1\ndata: one\n\n")
        deadline = time.monotonic() + 120
        while not os.path.exists(SSE_GO) and time.monotonic() < deadline:
            time.sleep(0.02)
        self.chunk(b"id: 2\ndata: two\n\n")
        self.chunk(b"")
        self.close_connection = True

    def chunk(self, data):
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self.wfile.flush()

    def websocket(self):
        key = self.headers["Sec-WebSocket-Key"]
        accept = base64.b64encode(hashlib.sha1((key + WS_GUID).encode()).digest()).decode()
        self.send_response(101)
        self.send_header("Upgrade", "websocket")
        self.send_header("Connection", "Upgrade")
        self.send_header("Sec-WebSocket-Accept", accept)
        self.end_headers()
        self.wfile.flush()
        self.close_connection = True
        while True:
            opcode, payload = self.read_frame()
            if opcode == 1:
                self.send_frame(1, f"{socket.gethostname()} echoes: {payload.decode()}".encode())
            elif opcode == 9:
                self.send_frame(10, payload)
            elif opcode in (8, None):
                if opcode == 8:
                    self.send_frame(8, payload[:2])
                return

    def read_frame(self):
        head = self.rfile.read(2)
        if len(head) < 2:
            return None, b""
        opcode, masked, length = head[0] & 0x0F, head[1] & 0x80, head[1] & 0x7F
        if length == 126:
            length = struct.unpack("!H", self.rfile.read(2))[0]
        elif length == 127:
            length = struct.unpack("!Q", self.rfile.read(8))[0]
        mask = self.rfile.read(4) if masked else b"\0\0\0\0"
        data = self.rfile.read(length)
        return opcode, bytes(b ^ mask[i % 4] for i, b in enumerate(data))

    def send_frame(self, opcode, payload):
        n = len(payload)
        head = bytes([0x80 | opcode]) + (bytes([n]) if n < 126 else struct.pack("!BH", 126, n) if n < 65536
                                        else struct.pack("!BQ", 127, n))
        self.wfile.write(head + payload)
        self.wfile.flush()

    def log_message(self, fmt, *args):
        pass  # the tests read answers, not the server's log


if __name__ == "__main__":
    http.server.ThreadingHTTPServer(("0.0.0.0", int(sys.argv[1])), Handler).serve_forever()
