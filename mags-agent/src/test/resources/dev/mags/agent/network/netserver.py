"""Tiny servers and clients for the network integration tests (run with nsenter in a namespace).

Servers print "ready" once bound, then one line per peer, so the test sees who reached them:
  tcp PORT TEXT        answer every connection with TEXT and close it
  udp PORT             echo every datagram back prefixed with "echo:"
  dns PORT ADDRESS     answer every A query with ADDRESS
Clients print what they got, or "error: <reason>" and exit with 1:
  tcp-get HOST PORT
  udp-get HOST PORT MESSAGE
"""
import errno
import socket
import struct
import sys


def log(*parts):
    print(*parts, flush=True)


def tcp_server(port, text):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("0.0.0.0", port))
    s.listen(64)
    log("ready")
    while True:
        conn, peer = s.accept()
        log("conn", peer[0])
        try:
            conn.sendall(text.encode() + b"\n")
        finally:
            conn.close()


def udp_server(port):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("0.0.0.0", port))
    log("ready")
    while True:
        data, peer = s.recvfrom(2048)
        log("datagram", peer[0])
        s.sendto(b"echo:" + data, peer)


def dns_server(port, address):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("0.0.0.0", port))
    log("ready")
    while True:
        query, peer = s.recvfrom(2048)
        qid, flags, qdcount = struct.unpack(">HHH", query[:6])
        end = 12
        labels = []
        while query[end] != 0:
            labels.append(query[end + 1:end + 1 + query[end]].decode())
            end += 1 + query[end]
        qtype, = struct.unpack(">H", query[end + 1:end + 3])
        question = query[12:end + 5]
        log("query", peer[0], ".".join(labels), qtype)
        answers = b""
        if qtype == 1:
            answers = b"\xc0\x0c" + struct.pack(">HHIH", 1, 1, 60, 4) + socket.inet_aton(address)
        header = struct.pack(">HHHHHH", qid, 0x8180, 1, 1 if answers else 0, 0, 0)
        s.sendto(header + question + answers, peer)


def fail(e):
    name = errno.errorcode.get(e.errno, "") if getattr(e, "errno", None) else ""
    print("error:", name or type(e).__name__, e, flush=True)
    sys.exit(1)


def tcp_get(host, port):
    try:
        with socket.create_connection((host, port), timeout=3) as s:
            data = b""
            while True:
                chunk = s.recv(4096)
                if not chunk:
                    break
                data += chunk
            if not data:
                print("error: closed without an answer", flush=True)
                sys.exit(1)
            print(data.decode().strip(), flush=True)
    except OSError as e:
        fail(e)


def udp_get(host, port, message):
    try:
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.settimeout(3)
        s.sendto(message.encode(), (host, port))
        data, _ = s.recvfrom(2048)
        print(data.decode(), flush=True)
    except OSError as e:
        fail(e)


if __name__ == "__main__":
    mode, args = sys.argv[1], sys.argv[2:]
    if mode == "tcp":
        tcp_server(int(args[0]), args[1])
    elif mode == "udp":
        udp_server(int(args[0]))
    elif mode == "dns":
        dns_server(int(args[0]), args[1])
    elif mode == "tcp-get":
        tcp_get(args[0], int(args[1]))
    elif mode == "udp-get":
        udp_get(args[0], int(args[1]), args[2])
    else:
        sys.exit("unknown mode " + mode)
