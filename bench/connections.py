#!/usr/bin/env python3
"""Slow and idle clients against a running firedrill server: how many sockets one address and
many addresses can hold, whether /healthz still answers others meanwhile, how soon silent
sockets are closed, and the server's memory and open files per held connection.

    bench/connections.py HOST:PORT SERVER_PID [SOCKETS_PER_ADDRESS] [ADDRESSES] [WAIT_SECONDS] [FILL_KIB]

With FILL_KIB, each socket sends that much of a request's headers and never ends them (what a
server buffers per slow client); without it, nothing.

Run by bench/connections.sh, which starts the release server. Sources are 127.0.0.2... (Linux
routes all of 127/8 to loopback), /healthz is asked from 127.0.0.250.
"""

import asyncio
import os
import statistics
import sys
import time

host, port = sys.argv[1].rsplit(":", 1)
port = int(port)
pid = int(sys.argv[2])
per_address = int(sys.argv[3]) if len(sys.argv) > 3 else 300
addresses = int(sys.argv[4]) if len(sys.argv) > 4 else 1
wait = float(sys.argv[5]) if len(sys.argv) > 5 else 30
fill = int(sys.argv[6]) if len(sys.argv) > 6 else 0


def unfinished_head(kib):
    """A request head of about `kib` KiB whose last header line never comes."""
    line = b"X-Fill: " + b"a" * 1000 + b"\r\n"
    return b"GET / HTTP/1.1\r\nHost: bench\r\n" + line * kib


def rss_kib():
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise SystemExit("no VmRSS")


def open_files():
    return len(os.listdir(f"/proc/{pid}/fd"))


async def connect(source):
    return await asyncio.open_connection(host, port, local_addr=(source, 0))


async def closed_within(reader, seconds):
    """Seconds until the server closed the connection, or None if it stayed open."""
    start = time.monotonic()
    try:
        while True:
            data = await asyncio.wait_for(reader.read(4096), seconds)
            if not data:
                return time.monotonic() - start
    except asyncio.TimeoutError:
        return None
    except ConnectionError:
        return time.monotonic() - start


async def healthz(source="127.0.0.250"):
    """(status, seconds) of GET /healthz on a new connection; status 0 if refused or timed out."""
    start = time.monotonic()
    try:
        reader, writer = await asyncio.wait_for(connect(source), 5)
        writer.write(b"GET /healthz HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n")
        answer = await asyncio.wait_for(reader.read(), 5)
        writer.close()
        status = int(answer[9:12]) if answer.startswith(b"HTTP/1.1 ") else 0
    except (asyncio.TimeoutError, ConnectionError, ValueError):
        status = 0
    return status, time.monotonic() - start


async def healthz_report(label):
    samples = [await healthz() for _ in range(20)]
    ok = [s for status, s in samples if status == 200]
    if ok:
        print(f"  /healthz {label}: {len(ok)}/20 answered 200, median {statistics.median(ok) * 1000:.1f} ms, max {max(ok) * 1000:.1f} ms")
    else:
        print(f"  /healthz {label}: 0/20 answered")


async def main():
    await healthz_report("before")
    rss0, files0 = rss_kib(), open_files()
    print(f"  server before: {rss0} KiB resident, {files0} open files")

    sockets = []
    start = time.monotonic()
    for a in range(addresses):
        source = f"127.0.0.{2 + a}"
        for _ in range(per_address):
            try:
                reader, writer = await connect(source)
                if fill:
                    writer.write(unfinished_head(fill))
                sockets.append((reader, writer))
            except OSError as err:
                print(f"  connect from {source} failed: {err}")
                break
    took = time.monotonic() - start
    # Refused ones are closed at once; the others stay open until the header-read timeout.
    closes = await asyncio.gather(*(closed_within(r, 0.5) for r, _ in sockets))
    held = [s for s, c in zip(sockets, closes) if c is None]
    refused = len(sockets) - len(held)
    what = f"sockets sending {fill} KiB of unfinished headers" if fill else "silent sockets"
    print(f"  {len(sockets)} {what} from {addresses} address(es) in {took:.2f} s: {len(held)} held, {refused} closed at once")
    rss1, files1 = rss_kib(), open_files()
    per = (rss1 - rss0) / len(held) if held else 0
    print(f"  server holding them: {rss1} KiB resident ({per:.1f} KiB per held connection), {files1} open files")
    await healthz_report("from another address meanwhile")

    start = time.monotonic()
    closes = await asyncio.gather(*(closed_within(r, wait) for r, _ in held))
    done = [c for c in closes if c is not None]
    last = f", the last about {max(done) + 0.5:.1f} s after connecting" if done else ""
    print(f"  held sockets closed by the server within {wait:.0f} s: {len(done)}/{len(held)}{last}")
    for _, writer in sockets:
        writer.close()
    await asyncio.sleep(0.5)
    print(f"  server after: {rss_kib()} KiB resident, {open_files()} open files")
    await healthz_report("after")


asyncio.run(main())
