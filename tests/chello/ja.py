#!/usr/bin/env python3
"""Independent JA3/JA4 for the tests: written from the published definitions (Salesforce JA3,
FoxIO JA4), sharing no code with the C implementation it checks.

usage:
  ja.py listen PORT OUT   accept one TCP connection on 127.0.0.1:PORT, read the first
                          ClientHello (TLS records), write its handshake message to OUT, close;
                          prints "READY" once listening
  ja.py listen-udp PORT OUT
                          the same for DTLS: the first datagram to 127.0.0.1:PORT, its first
                          handshake fragment written as a whole message (type, length, body)
  ja.py print FILE        JA3, JA3 hash, JA4 and JA4_r of the handshake message in FILE
  ja.py print-dtls FILE   the same for a DTLS ClientHello (it has a cookie; JA4 says "d")
"""
import hashlib
import socket
import struct
import sys


def is_grease(v):
    return (v & 0x0F0F) == 0x0A0A and (v >> 8) == (v & 0xFF)


def read_hello(conn):
    """The first handshake message, reassembled from the TLS records on conn."""
    buf, msg = b"", b""
    conn.settimeout(10)
    while True:
        while len(buf) < 5:
            chunk = conn.recv(65536)
            if not chunk:
                raise SystemExit("connection closed before a whole ClientHello")
            buf += chunk
        ctype, _ver, length = struct.unpack("!BHH", buf[:5])
        if ctype != 22:
            raise SystemExit("first record is not a handshake record")
        while len(buf) < 5 + length:
            chunk = conn.recv(65536)
            if not chunk:
                raise SystemExit("connection closed inside a record")
            buf += chunk
        msg += buf[5:5 + length]
        buf = buf[5 + length:]
        if len(msg) >= 4 and len(msg) >= 4 + int.from_bytes(msg[1:4], "big"):
            return msg[:4 + int.from_bytes(msg[1:4], "big")]


def read_dtls_hello(sock):
    """The ClientHello in the first datagram, as a message: DTLS record header (13 bytes),
    then a handshake fragment header (12 bytes) that must hold the whole message."""
    sock.settimeout(10)
    d, _ = sock.recvfrom(65536)
    if len(d) < 25 or d[0] != 22 or d[1] != 0xFE:
        raise SystemExit("not a DTLS handshake record")
    frag = d[13:]
    total, offset, length = (int.from_bytes(frag[i:i + 3], "big") for i in (1, 6, 9))
    if frag[0] != 1 or offset != 0 or length != total:
        raise SystemExit("not a whole ClientHello in one fragment")
    return bytes([1]) + total.to_bytes(3, "big") + frag[12:12 + total]


def u16s(b):
    return [int.from_bytes(b[i:i + 2], "big") for i in range(0, len(b) - 1, 2)]


def parse(msg, dtls=False):
    assert msg[0] == 1, "not a ClientHello"
    p = 4
    h = {"version": int.from_bytes(msg[p:p + 2], "big"), "dtls": dtls}
    p += 2 + 32
    p += 1 + msg[p]                                   # session id
    if dtls:
        p += 1 + msg[p]                               # cookie
    n = int.from_bytes(msg[p:p + 2], "big")
    h["ciphers"] = u16s(msg[p + 2:p + 2 + n])
    p += 2 + n
    p += 1 + msg[p]                                   # compression methods
    h["exts"], h["groups"], h["formats"], h["sigalgs"] = [], [], [], []
    h["versions"], h["alpn"] = [], []
    if p < len(msg):
        end = p + 2 + int.from_bytes(msg[p:p + 2], "big")
        p += 2
        while p < end:
            t, n = struct.unpack("!HH", msg[p:p + 4])
            d = msg[p + 4:p + 4 + n]
            p += 4 + n
            h["exts"].append(t)
            if t == 10:
                h["groups"] = u16s(d[2:])
            elif t == 11:
                h["formats"] = list(d[1:1 + d[0]])
            elif t == 13:
                h["sigalgs"] = u16s(d[2:])
            elif t == 43:
                h["versions"] = u16s(d[1:1 + d[0]])
            elif t == 16:
                q = 2
                while q < len(d):
                    h["alpn"].append(d[q + 1:q + 1 + d[q]])
                    q += 1 + d[q]
    return h


def ja3(h):
    def join(vals):
        return "-".join(str(v) for v in vals if not is_grease(v))
    s = ",".join([str(h["version"]), join(h["ciphers"]), join(h["exts"]), join(h["groups"]),
                  "-".join(str(v) for v in h["formats"])])
    return s, hashlib.md5(s.encode()).hexdigest()


def ja4(h):
    names = {0x0304: "13", 0x0303: "12", 0x0302: "11", 0x0301: "10", 0x0300: "s3",
             0x0200: "s2", 0x0100: "s1", 0xFEFF: "d1", 0xFEFD: "d2", 0xFEFC: "d3"}
    versions = [v for v in h["versions"] if not is_grease(v)]
    # DTLS counts its versions down: 0xfefd (1.2) is above 0xfeff (1.0)
    newest = min if h["dtls"] else max
    version = names.get(newest(versions) if versions else h["version"], "00")
    ciphers = sorted(v for v in h["ciphers"] if not is_grease(v))
    exts = [v for v in h["exts"] if not is_grease(v)]
    alpn = "00"
    if h["alpn"] and h["alpn"][0]:
        first, last = h["alpn"][0][0], h["alpn"][0][-1]
        if chr(first).isalnum() and chr(last).isalnum() and first < 128 and last < 128:
            alpn = chr(first) + chr(last)
        else:
            alpn = "%02x" % first
            alpn = alpn[0] + ("%02x" % last)[1]
    a = "%s%s%s%02d%02d%s" % ("d" if h["dtls"] else "t", version, "d" if 0 in exts else "i", min(len(ciphers), 99),
                             min(len(exts), 99), alpn)
    clist = ",".join("%04x" % v for v in ciphers)
    elist = ",".join("%04x" % v for v in sorted(v for v in exts if v not in (0, 16)))
    sigs = ",".join("%04x" % v for v in h["sigalgs"] if not is_grease(v))
    c_in = elist + ("_" + sigs if sigs else "")

    def trunc(s, n):
        return hashlib.sha256(s.encode()).hexdigest()[:12] if n else "000000000000"
    return ("%s_%s_%s" % (a, trunc(clist, len(ciphers)), trunc(c_in, len(elist))),
            "%s_%s_%s" % (a, clist, c_in))


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "listen":
        srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        srv.bind(("127.0.0.1", int(sys.argv[2])))
        srv.listen(1)
        srv.settimeout(30)
        print("READY", flush=True)
        conn, _ = srv.accept()
        msg = read_hello(conn)
        conn.close()
        with open(sys.argv[3], "wb") as f:
            f.write(msg)
        return
    if len(sys.argv) == 4 and sys.argv[1] == "listen-udp":
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sock.bind(("127.0.0.1", int(sys.argv[2])))
        print("READY", flush=True)
        msg = read_dtls_hello(sock)
        sock.close()
        with open(sys.argv[3], "wb") as f:
            f.write(msg)
        return
    if len(sys.argv) == 3 and sys.argv[1] in ("print", "print-dtls"):
        with open(sys.argv[2], "rb") as f:
            h = parse(f.read(), sys.argv[1] == "print-dtls")
        s, md5 = ja3(h)
        fp, raw = ja4(h)
        print("JA3: %s\nJA3 hash: %s\nJA4: %s\nJA4_r: %s" % (s, md5, fp, raw))
        return
    sys.exit(__doc__)


if __name__ == "__main__":
    main()
