#!/usr/bin/env python3
"""forge.py - what a stranger who can write to a shared cache would write there: the key of an
origin's answer (computable from docs/directives.md, CORSOriginCache: hashes of texts the attacker may know), and a
value saying "listed".  For e2e/sources.sh.

    forge.py redis PORT  SQL DRIVER PARAMS ORIGIN   writes a forged "listed" answer for ORIGIN
    forge.py memcache PORT SQL DRIVER PARAMS ORIGIN    in both key forms (1.3.0's and 1.3.1's)
    forge.py key SQL DRIVER PARAMS ORIGIN           prints the 1.3.1 id of ORIGIN's answer
    forge.py save|replay PORT SQL DRIVER PARAMS ORIGIN FILE
                                                    keeps memcache's genuine answer in FILE,
                                                    and puts it back later, kept for ever

1.3.0's id was "cors:" + FNV-1a(SQL) + ":" + FNV-1a(DRIVER "\\n" PARAMS) + ":" + origin, its value
"1" and until when fresh (8 bytes, big-endian microseconds).  1.3.1's id is "cors:" + 32 hex
digits of SHA-256 over the same prefix, database hash, ":" and origin; its value carries the
origin after those 9 bytes (and, with CORSOriginCacheSecret, a MAC the forger cannot make).
mod_socache_redis and _memcache store an id as "mod_cors-origins:" + the id in hex.
"""
import hashlib
import socket
import struct
import sys
import time

NAMESPACE = b'mod_cors-origins:'


def fnv(text):
    h = 0xcbf29ce484222325
    for b in text.encode():
        h = ((h ^ b) * 0x100000001b3) & 0xffffffffffffffff
    return '%016x' % h


def ids(sql, driver, params, origin):
    prefix = 'cors:%s:' % fnv(sql)
    db = fnv(driver + '\n' + params)
    old = (prefix + db + ':' + origin).encode()
    new = b'cors:' + hashlib.sha256((prefix + db + ':' + origin).encode()).hexdigest()[:32].encode()
    return old, new


def values(origin):
    until = struct.pack('>Q', int((time.time() + 3600) * 1e6))
    return b'1' + until, b'1' + until + origin.encode()


def redis_set(port, key, value):
    cmd = b'*3\r\n$3\r\nSET\r\n'
    for part in (key, value):
        cmd += b'$%d\r\n%s\r\n' % (len(part), part)
    with socket.create_connection(('127.0.0.1', port), timeout=5) as s:
        s.sendall(cmd)
        reply = s.recv(64)
    if not reply.startswith(b'+OK'):
        sys.exit('redis SET failed: %r' % reply)


def memcache_set(port, key, value, ttl=3600):
    cmd = b'set %s 0 %d %d\r\n%s\r\n' % (key, ttl, len(value), value)
    with socket.create_connection(('127.0.0.1', port), timeout=5) as s:
        s.sendall(cmd)
        reply = s.recv(64)
    if not reply.startswith(b'STORED'):
        sys.exit('memcache set failed: %r' % reply)


def memcache_raw(port, cmd):
    with socket.create_connection(('127.0.0.1', port), timeout=5) as s:
        s.sendall(cmd)
        data = b''
        while not (data.endswith(b'END\r\n') or data.endswith(b'STORED\r\n')
                   or data.endswith(b'ERROR\r\n')):
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    return data


def main():
    if sys.argv[1] in ('save', 'replay'):
        # save|replay PORT SQL DRIVER PARAMS ORIGIN FILE: a genuine memcache answer kept aside,
        # then put back as it was, to be kept for ever (a replay by whoever can write there).
        port, key = int(sys.argv[2]), NAMESPACE + ids(*sys.argv[3:7])[1].hex().encode()
        if sys.argv[1] == 'save':
            reply = memcache_raw(port, b'get %s\r\n' % key)
            head, _, rest = reply.partition(b'\r\n')
            if not head.startswith(b'VALUE'):
                sys.exit('no answer kept for %s' % sys.argv[6])
            n = int(head.split()[3])
            open(sys.argv[7], 'wb').write(rest[:n])
        else:
            memcache_set(port, key, open(sys.argv[7], 'rb').read(), 0)
        return
    if sys.argv[1] == 'key':
        print(ids(*sys.argv[2:6])[1].decode())
        return
    kind, port = sys.argv[1], int(sys.argv[2])
    old_id, new_id = ids(*sys.argv[3:7])
    old_value, new_value = values(sys.argv[6])
    put = redis_set if kind == 'redis' else memcache_set
    put(port, NAMESPACE + old_id.hex().encode(), old_value)
    put(port, NAMESPACE + new_id.hex().encode(), new_value)


if __name__ == '__main__':
    main()
