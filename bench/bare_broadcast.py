"""The fan-out baseline: a bare ``websockets`` server that broadcasts one text to every connected client.

    .venv/bin/python bench/bare_broadcast.py PORT

Every client gets ``{"type": "snapshot"}`` on connecting. ``GET /broadcast?number=A001&size=3400`` (plain
HTTP on the same port, as a call is an HTTP request to Frontline) sends every client, with
``websockets.broadcast``, a ``{"type": "called", "number": ...}`` text padded to ``size`` characters, and
answers 200 once it has been handed to every connection. ``GET /healthz`` answers 200. No compression,
as Daphne negotiates none, so both send the same bytes. It runs until it is terminated.
"""

import asyncio
import json
import signal
import sys
import urllib.parse

from websockets.asyncio.server import broadcast, serve

CLIENTS = set()
SEQ = 0


async def handler(connection):
    CLIENTS.add(connection)
    try:
        await connection.send(json.dumps({"type": "snapshot", "seq": SEQ}))
        await connection.wait_closed()
    finally:
        CLIENTS.discard(connection)


def text_of(number, size):
    head = {"type": "called", "number": number, "seq": SEQ, "pad": ""}
    pad = max(0, size - len(json.dumps(head, separators=(",", ":"))))
    return json.dumps({**head, "pad": "x" * pad}, separators=(",", ":"))


def process_request(connection, request):
    global SEQ
    url = urllib.parse.urlsplit(request.path)
    if url.path == "/broadcast":
        query = urllib.parse.parse_qs(url.query)
        SEQ += 1
        broadcast(CLIENTS, text_of(query.get("number", ["A001"])[0], int(query.get("size", ["100"])[0])))
        return connection.respond(200, f"sent to {len(CLIENTS)}\n")
    if url.path == "/healthz":
        return connection.respond(200, "ok\n")
    return None  # a websocket handshake


async def main(port):
    stop = asyncio.get_running_loop().create_future()
    for sig in (signal.SIGTERM, signal.SIGINT):
        asyncio.get_running_loop().add_signal_handler(sig, stop.set_result, None)
    async with serve(handler, "127.0.0.1", port, process_request=process_request, compression=None,
                     max_size=2**16):
        await stop


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1])))
