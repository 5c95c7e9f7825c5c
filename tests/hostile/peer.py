#!/usr/bin/env python3
"""Hostile and broken peers for the s_server tests in tests/hostile/: each mode plays one kind
of bad client against HOST:PORT (127.0.0.1 or ::1 only) and prints one line saying what
happened, for the .t file to check. Every wait is bounded.

usage: peer.py MODE HOST PORT [ARGS...]

  Lines about one connection start with "[port N]", its local port, which the server's
  warnings name.

  silent SECS            connect, send nothing; "closed after N.N s" or "open after SECS s"
  partial-hello SECS     send the first 40 bytes of a ClientHello and stall; as silent
  garbage SECS           send non-TLS bytes; as silent
  reset-handshake        send a ClientHello, read the server's first flight, reset; "reset"
  reset-transfer PATH    GET PATH, read 64 KiB of the answer, reset; "reset after N bytes"
  noread PATH SECS       GET PATH and never read; "request sent", after SECS "held N s"
  slow-head SECS         handshake, send half a request head, stall; as silent
  http CASE              one request of a named shape (see CASES); "status LINE" or "closed"
  tls-reset SECS         handshake, wait SECS, reset (the server writes into a dead socket)
  reset-server CERT KEY  a TLS server instead: listens on HOST:PORT, completes one handshake,
                         waits 1 s and resets; "served"
  hold SECS              handshake, never read, hold SECS; "connected", then "held SECS s"
  download PATH          GET PATH, read it slowly to the end; "close_notify after N bytes" or
                         "no close_notify after N bytes" (the answer cut short)
  bare-eof               handshake, send "hello", close without a close_notify; "closed"
  rev-burst              (-rev) handshake, print "ready", wait for a line on stdin, then send
                         17 lines of 16001 bytes and "hello" in one go and read; "olleh" or
                         "no olleh in 10 s" (the test stops the server meanwhile, so that it
                         finds all of it waiting at once)
  half-record SECS       handshake, send the first half of a record and stall SECS, then the
                         rest; "stalled", then "sent"
  ccs-stall SECS         (-stateless) ClientHello, read the HelloRetryRequest, send the first
                         3 bytes of a ChangeCipherSpec record and stall SECS; "stalled"
"""
import os
import socket
import ssl
import struct
import sys
import time


def connect(host, port, timeout=10.0):
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    s = socket.socket(family, socket.SOCK_STREAM)
    s.settimeout(timeout)
    s.connect((host, port))
    return s


def tls_context():
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    return ctx


def tls_connect(host, port, timeout=10.0):
    return tls_context().wrap_socket(connect(host, port, timeout), server_hostname="localhost")


def client_hello():
    """The bytes of a real ClientHello, made with an in-memory TLS client."""
    incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
    obj = tls_context().wrap_bio(incoming, outgoing, server_hostname="localhost")
    try:
        obj.do_handshake()
    except ssl.SSLWantReadError:
        pass
    return outgoing.read()


def reset(s):
    """Closes with an RST instead of a FIN."""
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    s.close()


def wait_close(s, secs):
    """Reads (and drops) until the peer closes; how long that took, or None after secs."""
    start = time.monotonic()
    s.settimeout(0.5)
    while time.monotonic() - start < secs:
        try:
            if not s.recv(65536):
                return time.monotonic() - start
        except socket.timeout:
            continue
        except (ConnectionError, OSError, ssl.SSLError):
            return time.monotonic() - start
    return None


def local_port(s):
    return s.getsockname()[1]


def report_close(s, secs):
    port = local_port(s)
    t = wait_close(s, secs)
    what = "open after %d s" % secs if t is None else "closed after %.1f s" % t
    print("[port %d] %s" % (port, what))


def read_answer(s, limit=1 << 20):
    data = b""
    s.settimeout(10)
    try:
        while len(data) < limit:
            b = s.recv(65536)
            if not b:
                break
            data += b
    except (ConnectionError, OSError, ssl.SSLError):
        pass
    return data


def status_of(data):
    if not data:
        return "closed"
    return "status " + data.split(b"\r\n", 1)[0].decode("latin-1")


# Requests of awkward shapes for -WWW/-HTTP: (bytes to send, chunks) - chunks > 1 sends each
# byte group in its own TLS record.
CASES = {
    "nul-path": b"GET /index\x00.html HTTP/1.0\r\n\r\n",
    "nul-escape": b"GET /index%00.html HTTP/1.0\r\n\r\n",
    "long-line": b"GET /" + b"a" * 20000 + b" HTTP/1.0\r\n\r\n",
    "long-header": b"GET /index.html HTTP/1.0\r\nX-Long: " + b"b" * 20000 + b"\r\n\r\n",
    "many-headers": b"GET /index.html HTTP/1.0\r\n" + b"".join(
        b"X-H%d: v\r\n" % i for i in range(1000)) + b"\r\n",
    "too-many-headers": b"GET /index.html HTTP/1.0\r\n" + b"".join(
        b"X-H%d: v\r\n" % i for i in range(3000)) + b"\r\n",
    "pipelined": b"GET /index.html HTTP/1.1\r\nHost: x\r\n\r\n"
                 b"GET /other.html HTTP/1.1\r\nHost: x\r\n\r\n",
    "split-records": b"GET /index.html HTTP/1.0\r\nHost: x\r\n\r\n",
    "binary-body": b"GET /index.html HTTP/1.0\r\n\r\n\x00\x01\x02\xff",
    "traversal": b"GET /../../../../etc/passwd HTTP/1.0\r\n\r\n",
}


def mode_http(host, port, case):
    req = CASES[case]
    s = tls_connect(host, port)
    if case == "split-records":
        for i in range(len(req)):  # one byte per TLS record, with pauses
            s.sendall(req[i:i + 1])
            if i % 8 == 0:
                time.sleep(0.01)
    else:
        try:
            s.sendall(req)
        except (ConnectionError, OSError, ssl.SSLError):
            pass  # the server may refuse before reading it all
    data = read_answer(s)
    print(status_of(data), "(%d bytes)" % len(data))
    if case == "pipelined":
        print("answers:", data.count(b"HTTP/1."))


def mode_reset_server(host, port, cert, key):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    ls = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((host, port))
    ls.listen(1)
    ls.settimeout(30)
    conn, _ = ls.accept()
    tls = ctx.wrap_socket(conn, server_side=True)
    time.sleep(1)
    reset(tls)
    print("served")


def memory_tls():
    """A TLS client over memory BIOs: (object, incoming, outgoing)."""
    incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
    return tls_context().wrap_bio(incoming, outgoing, server_hostname="localhost"), incoming, \
        outgoing


def memory_handshake(s, obj, incoming, outgoing):
    while True:
        try:
            obj.do_handshake()
            break
        except ssl.SSLWantReadError:
            s.sendall(outgoing.read())
            data = s.recv(65536)
            if not data:
                raise SystemExit("closed in the handshake")
            incoming.write(data)
    s.sendall(outgoing.read())


def mode_rev_burst(host, port):
    """Everything written before anything is read: the server's reading stops at its
    high-water mark with the last line already read ahead by the library."""
    s = connect(host, port)
    obj, incoming, outgoing = memory_tls()
    memory_handshake(s, obj, incoming, outgoing)
    print("ready", flush=True)
    sys.stdin.readline()
    for i in range(17):
        obj.write(b"%06d" % i + b"a" * 15994 + b"\n")
    obj.write(b"hello\n")
    s.sendall(outgoing.read())
    got, start = b"", time.monotonic()
    s.settimeout(0.5)
    while time.monotonic() - start < 10:
        try:
            data = s.recv(1 << 20)
        except socket.timeout:
            continue
        if not data:
            break
        incoming.write(data)
        try:
            while True:
                got += obj.read(1 << 20)
        except (ssl.SSLWantReadError, ssl.SSLZeroReturnError):
            pass
        if got.endswith(b"olleh\n"):
            print("olleh")
            return
    print("no olleh in 10 s")


def mode_download(host, port, path):
    s = tls_context().wrap_socket(connect(host, port), server_hostname="localhost",
                                  suppress_ragged_eofs=False)
    s.sendall(b"GET %s HTTP/1.0\r\n\r\n" % path.encode())
    got = 0
    while True:
        try:
            data = s.recv(65536)
        except ssl.SSLEOFError:
            print("no close_notify after %d bytes" % got)
            return
        if not data:
            print("close_notify after %d bytes" % got)
            return
        got += len(data)
        time.sleep(0.002)


def main():
    mode, host, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
    args = sys.argv[4:]
    if host not in ("127.0.0.1", "::1"):
        sys.exit("peer.py: loopback only")
    if mode == "silent":
        report_close(connect(host, port), int(args[0]))
    elif mode == "partial-hello":
        s = connect(host, port)
        s.sendall(client_hello()[:40])
        report_close(s, int(args[0]))
    elif mode == "garbage":
        s = connect(host, port)
        s.sendall(b"\x16\x03\x01\xff\xff" + bytes(range(256)) * 4)
        report_close(s, int(args[0]))
    elif mode == "reset-handshake":
        s = connect(host, port)
        s.sendall(client_hello())
        s.recv(100)
        port = local_port(s)
        reset(s)
        print("[port %d] reset" % port)
    elif mode == "reset-transfer":
        s = tls_connect(host, port)
        s.sendall(b"GET %s HTTP/1.0\r\n\r\n" % args[0].encode())
        got = 0
        while got < 65536:
            b = s.recv(65536)
            if not b:
                break
            got += len(b)
        port = local_port(s)
        reset(s)
        print("[port %d] reset after %d bytes" % (port, got))
    elif mode == "noread":
        s = tls_connect(host, port)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        s.sendall(b"GET %s HTTP/1.0\r\n\r\n" % args[0].encode())
        print("[port %d] request sent" % local_port(s), flush=True)
        time.sleep(int(args[1]))
        print("held %s s" % args[1])
        reset(s)
    elif mode == "slow-head":
        s = tls_connect(host, port)
        s.sendall(b"GET /index.html HTT")
        report_close(s, int(args[0]))
    elif mode == "http":
        mode_http(host, port, args[0])
    elif mode == "tls-reset":
        s = tls_connect(host, port)
        port = local_port(s)
        time.sleep(float(args[0]))
        reset(s)
        print("[port %d] reset" % port)
    elif mode == "reset-server":
        mode_reset_server(host, port, args[0], args[1])
    elif mode == "hold":
        s = tls_connect(host, port)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        print("connected", flush=True)
        time.sleep(float(args[0]))
        print("held %s s" % args[0])
    elif mode == "download":
        mode_download(host, port, args[0])
    elif mode == "bare-eof":
        s = tls_connect(host, port)
        s.sendall(b"hello\n")
        time.sleep(0.3)
        socket.socket(fileno=s.detach()).close()
        print("closed")
    elif mode == "rev-burst":
        mode_rev_burst(host, port)
    elif mode == "half-record":
        s = connect(host, port)
        obj, incoming, outgoing = memory_tls()
        memory_handshake(s, obj, incoming, outgoing)
        obj.write(b"x" * 10000 + b"\n")
        record = outgoing.read()
        s.sendall(record[:len(record) // 2])
        print("stalled", flush=True)
        time.sleep(float(args[0]))
        s.sendall(record[len(record) // 2:])
        print("sent")
    elif mode == "ccs-stall":
        s = connect(host, port)
        s.sendall(client_hello())
        if not s.recv(65536):
            raise SystemExit("no HelloRetryRequest")
        s.sendall(b"\x14\x03\x03")
        print("stalled", flush=True)
        time.sleep(float(args[0]))
    else:
        sys.exit("peer.py: unknown mode " + mode)


if __name__ == "__main__":
    main()
