#!/usr/bin/env python3
"""A tiny HTTP CONNECT proxy for the s_client tests.

usage: connect_proxy.py LISTEN_HOST PORT LOGFILE [USER:PASS]

Accepts CONNECT host:port (IPv6 literals in brackets), checks Basic credentials
when USER:PASS is given (407 otherwise), connects to the target and relays bytes
both ways. Each request line, and whether its credentials were accepted, goes to
LOGFILE, after the client's address (FROM ADDR), so a test can see what the client asked
for and where from. Runs until killed; every
relay is bounded by a 30 s idle timeout.
"""
import base64
import socket
import sys
import threading


def log(path, text):
    with open(path, "a") as f:
        f.write(text + "\n")


def read_head(conn):
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(1)
        if not chunk:
            return None
        data += chunk
        if len(data) > 16384:
            return None
    return data.decode("latin-1")


def pipe(src, dst):
    try:
        while True:
            data = src.recv(16384)
            if not data:
                break
            dst.sendall(data)
    except OSError:
        pass
    finally:
        try:
            dst.shutdown(socket.SHUT_WR)
        except OSError:
            pass


def split_target(target):
    if target.startswith("["):
        host, _, rest = target[1:].partition("]")
        return host, int(rest.lstrip(":"))
    host, _, port = target.rpartition(":")
    return host, int(port)


def handle(conn, peer, logfile, creds):
    log(logfile, "FROM %s" % peer[0])
    conn.settimeout(30)
    head = read_head(conn)
    if head is None:
        conn.close()
        return
    lines = head.split("\r\n")
    log(logfile, "REQUEST " + lines[0])
    method, target, _ = (lines[0].split(" ") + ["", "", ""])[:3]
    if creds is not None:
        want = "Basic " + base64.b64encode(creds.encode()).decode()
        got = [l.split(":", 1)[1].strip() for l in lines[1:]
               if l.lower().startswith("proxy-authorization:")]
        if got != [want]:
            log(logfile, "AUTH rejected")
            conn.sendall(b"HTTP/1.1 407 Proxy Authentication Required\r\n"
                         b"Proxy-Authenticate: Basic realm=\"test\"\r\n\r\n")
            conn.close()
            return
        log(logfile, "AUTH accepted")
    if method != "CONNECT":
        conn.sendall(b"HTTP/1.1 405 Method Not Allowed\r\n\r\n")
        conn.close()
        return
    try:
        host, port = split_target(target)
        upstream = socket.create_connection((host, port), timeout=10)
    except (OSError, ValueError) as e:
        log(logfile, "UPSTREAM failed: %s" % e)
        conn.sendall(b"HTTP/1.1 502 Bad Gateway\r\n\r\n")
        conn.close()
        return
    upstream.settimeout(30)
    conn.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
    t = threading.Thread(target=pipe, args=(upstream, conn), daemon=True)
    t.start()
    pipe(conn, upstream)
    t.join(30)
    conn.close()
    upstream.close()


def main():
    host, port, logfile = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    creds = sys.argv[4] if len(sys.argv) > 4 else None
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    srv = socket.socket(family, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind((host, port))
    srv.listen(16)
    while True:
        conn, peer = srv.accept()
        threading.Thread(target=handle, args=(conn, peer, logfile, creds), daemon=True).start()


if __name__ == "__main__":
    main()
