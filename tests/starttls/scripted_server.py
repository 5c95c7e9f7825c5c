#!/usr/bin/env python3
"""A scripted peer for the STARTTLS tests: plays one named scenario per connection on
127.0.0.1:PORT - the pre-TLS dialogue of a server that refuses, does not offer STARTTLS, sends
garbage or stays silent, and the telnet START_TLS exchange that no Debian server implements
(after which it speaks TLS with Python's ssl module and answers one line).

usage: scripted_server.py SCENARIO PORT CERT KEY [MAX_CONNECTIONS]

Everything is bounded: each socket operation by STEP_TIMEOUT, the whole run by RUN_LIMIT
seconds and MAX_CONNECTIONS connections; only 127.0.0.1 is used.
"""
import socket
import ssl
import sys
import time

STEP_TIMEOUT = 20.0
RUN_LIMIT = 80.0

IAC, DONT, DO, WONT, WILL, SB, SE = 255, 254, 253, 252, 251, 250, 240
START_TLS, FOLLOWS = 46, 1
TTYPE = 24


def recv_line(conn, limit=4096):
    """One line up to LF (bytes, LF kept); b'' at EOF."""
    buf = b""
    while not buf.endswith(b"\n") and len(buf) < limit:
        b = conn.recv(1)
        if not b:
            break
        buf += b
    return buf


def recv_exact(conn, n):
    buf = b""
    while len(buf) < n:
        b = conn.recv(n - len(buf))
        if not b:
            break
        buf += b
    return buf


def drain(conn, seconds=10.0):
    """Reads and discards until the peer closes (or a bound is hit)."""
    end = time.monotonic() + seconds
    total = 0
    while time.monotonic() < end and total < 1 << 20:
        try:
            b = conn.recv(4096)
        except (socket.timeout, OSError):
            return
        if not b:
            return
        total += len(b)


def answer_rest(conn, reply):
    """What a plain-text server does with the bytes that follow a refusal (a client that tries
    TLS anyway sends a ClientHello): answers them with one error line, then hangs up."""
    try:
        if conn.recv(4096):
            conn.sendall(reply)
    except (socket.timeout, OSError):
        pass


def tls_echo(conn, cert, key):
    """Speaks TLS from here on: reads one line and answers it, then waits for the close."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    tls = ctx.wrap_socket(conn, server_side=True)
    line = recv_line(tls)
    tls.sendall(b"pong: " + line.strip() + b"\r\n")
    drain(tls)


# --- scenarios: each gets the accepted socket, the cert and the key ---

def smtp_refuse(conn, cert, key):
    conn.sendall(b"220 scripted.test ESMTP\r\n")
    recv_line(conn)  # EHLO
    conn.sendall(b"250-scripted.test\r\n250-PIPELINING\r\n250 STARTTLS\r\n")
    recv_line(conn)  # STARTTLS
    conn.sendall(b"454 4.7.0 TLS not available due to local problem\r\n")
    answer_rest(conn, b"500 5.5.2 Error: command not recognized\r\n")


def smtp_nostarttls(conn, cert, key):
    conn.sendall(b"220 scripted.test ESMTP\r\n")
    recv_line(conn)  # EHLO
    conn.sendall(b"250-scripted.test\r\n250-PIPELINING\r\n250 SIZE 10240000\r\n")
    # openssl s_client sends STARTTLS anyway; answer as a server without it would.
    if recv_line(conn):
        conn.sendall(b"502 5.5.1 Error: command not implemented\r\n")
    answer_rest(conn, b"500 5.5.2 Error: command not recognized\r\n")


def smtp_garbage(conn, cert, key):
    conn.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
    answer_rest(conn, b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")


def imap_nostarttls(conn, cert, key):
    conn.sendall(b"* OK scripted IMAP ready\r\n")
    line = recv_line(conn)  # ". CAPABILITY"
    tag = line.split(b" ", 1)[0] or b"."
    conn.sendall(b"* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n" + tag + b" OK done\r\n")
    line = recv_line(conn)  # openssl's ". STARTTLS" anyway
    if line:
        conn.sendall(line.split(b" ", 1)[0] + b" BAD unknown command\r\n")
    answer_rest(conn, b"* BAD invalid command\r\n")


def silent(conn, cert, key):
    conn.settimeout(75.0)  # longer than any client timeout under test
    drain(conn, seconds=75.0)


def postgres_no(conn, cert, key):
    recv_exact(conn, 8)  # SSLRequest
    conn.sendall(b"N")
    drain(conn)


def mysql_greeting(caps_low):
    payload = (b"\x0a" + b"5.5.5-10.11-scripted\x00" + b"\x01\x00\x00\x00" + b"abcdefgh" + b"\x00"
               + caps_low.to_bytes(2, "little") + b"\x21" + b"\x02\x00" + b"\x00\x00"
               + b"\x15" + b"\x00" * 10 + b"ijklmnopqrst\x00" + b"mysql_native_password\x00")
    return len(payload).to_bytes(3, "little") + b"\x00" + payload


def mysql_nossl(conn, cert, key):
    conn.sendall(mysql_greeting(0xf7ff & ~0x0800))
    drain(conn)


def mysql_error(conn, cert, key):
    msg = b"Host '127.0.0.1' is not allowed to connect to this MariaDB server"
    payload = b"\xff" + (1130).to_bytes(2, "little") + b"#HY000" + msg
    conn.sendall(len(payload).to_bytes(3, "little") + b"\x00" + payload)
    drain(conn, seconds=2.0)


def ldap_garbage(conn, cert, key):
    recv_exact(conn, 31)  # the StartTLS ExtendedRequest
    conn.sendall(b"SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n")
    drain(conn)


def telnet_expect_will_follows(conn):
    """Reads the client's IAC WILL START_TLS and IAC SB START_TLS FOLLOWS IAC SE; returns
    True if both came (other option answers, e.g. WONT TTYPE, may come before)."""
    want = bytes([IAC, WILL, START_TLS, IAC, SB, START_TLS, FOLLOWS, IAC, SE])
    got = b""
    while want not in got and len(got) < 64:
        b = conn.recv(1)
        if not b:
            return False
        got += b
    return True


def telnet_starttls(conn, cert, key):
    # Exactly what RFC-draft servers send first, and all openssl s_client accepts.
    conn.sendall(bytes([IAC, DO, START_TLS]))
    if not telnet_expect_will_follows(conn):
        return
    conn.sendall(bytes([IAC, SB, START_TLS, FOLLOWS, IAC, SE]))
    tls_echo(conn, cert, key)


def telnet_options(conn, cert, key):
    # A server that negotiates another option first, in the same packet.
    conn.sendall(bytes([IAC, DO, TTYPE, IAC, DO, START_TLS]))
    if not telnet_expect_will_follows(conn):
        return
    conn.sendall(bytes([IAC, SB, START_TLS, FOLLOWS, IAC, SE]))
    tls_echo(conn, cert, key)


def telnet_notls(conn, cert, key):
    conn.sendall(b"\r\nDebian GNU/Linux 12\r\nscripted login: ")
    drain(conn)


def telnet_refuse(conn, cert, key):
    conn.sendall(bytes([IAC, DO, START_TLS]))
    recv_exact(conn, 3)  # IAC WILL START_TLS
    conn.sendall(bytes([IAC, DONT, START_TLS]))
    drain(conn)


SCENARIOS = {f.__name__.replace("_", "-"): f for f in (
    smtp_refuse, smtp_nostarttls, smtp_garbage, imap_nostarttls, silent, postgres_no,
    mysql_nossl, mysql_error, ldap_garbage, telnet_starttls, telnet_options, telnet_notls,
    telnet_refuse)}


def main():
    if len(sys.argv) < 5 or sys.argv[1] not in SCENARIOS:
        sys.exit("usage: scripted_server.py {%s} PORT CERT KEY [MAX_CONNECTIONS]"
                 % "|".join(sorted(SCENARIOS)))
    play = SCENARIOS[sys.argv[1]]
    port, cert, key = int(sys.argv[2]), sys.argv[3], sys.argv[4]
    max_conns = int(sys.argv[5]) if len(sys.argv) > 5 else 4
    deadline = time.monotonic() + RUN_LIMIT
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", port))
    srv.listen(4)
    for _ in range(max_conns):
        srv.settimeout(max(0.1, deadline - time.monotonic()))
        try:
            conn, _ = srv.accept()
        except socket.timeout:
            break
        conn.settimeout(STEP_TIMEOUT)
        try:
            play(conn, cert, key)
        except (OSError, ssl.SSLError) as e:
            print("scenario %s: %s" % (sys.argv[1], e), file=sys.stderr, flush=True)
        finally:
            conn.close()
    srv.close()


if __name__ == "__main__":
    main()
