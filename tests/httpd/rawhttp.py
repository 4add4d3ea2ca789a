#!/usr/bin/env python3
"""rawhttp.py - plays a script of raw HTTP steps against a server, for what curl cannot do:
requests whose parts arrive at chosen moments (slow headers, slow bodies), several held open
at once, and commands run between the parts.

    python3 tests/httpd/rawhttp.py HOST PORT < script

Script lines (blank lines and '#' comments are skipped):
    open NAME                    connect a new connection called NAME
    send NAME TEXT               send TEXT (\\r, \\n and \\t escapes are read) on NAME
    sleep SECONDS
    run SHELL COMMAND            run a command (sh -c), and wait for it
    read NAME                    read NAME's response and print one line:
                                 NAME STATUS ACAO CACHE-CONTROL ("-" for a header absent)
Each step is bounded: a connection or a read that takes more than 10 s fails the script
(exit 2).
"""
import socket
import subprocess
import sys
import time


def unescape(text):
    return text.replace('\\r', '\r').replace('\\n', '\n').replace('\\t', '\t')


def read_response(sock):
    sock.settimeout(10)
    data = b''
    while b'\r\n\r\n' not in data:
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    head = data.split(b'\r\n\r\n', 1)[0].decode('latin-1')
    lines = head.split('\r\n')
    status = lines[0].split(' ')[1] if len(lines[0].split(' ')) > 1 else '-'
    headers = {}
    for line in lines[1:]:
        if ':' in line:
            k, v = line.split(':', 1)
            headers.setdefault(k.strip().lower(), v.strip())
    return status, headers


def main():
    host, port = sys.argv[1], int(sys.argv[2])
    conns = {}
    for raw in sys.stdin:
        line = raw.rstrip('\n')
        if not line.strip() or line.lstrip().startswith('#'):
            continue
        verb, _, rest = line.strip().partition(' ')
        if verb == 'open':
            conns[rest] = socket.create_connection((host, port), timeout=10)
        elif verb == 'send':
            name, _, text = rest.partition(' ')
            conns[name].sendall(unescape(text).encode('latin-1'))
        elif verb == 'sleep':
            time.sleep(float(rest))
        elif verb == 'run':
            subprocess.run(['sh', '-c', rest], check=True, timeout=30)
        elif verb == 'read':
            status, h = read_response(conns[rest])
            print(rest, status, h.get('access-control-allow-origin', '-'),
                  h.get('cache-control', '-'), flush=True)
            conns[rest].close()
        else:
            print('rawhttp.py: unknown step: ' + line, file=sys.stderr)
            sys.exit(2)


if __name__ == '__main__':
    try:
        main()
    except (OSError, subprocess.SubprocessError) as e:
        print('rawhttp.py: ' + str(e), file=sys.stderr)
        sys.exit(2)
