"""Reading ESC/POS back, as a printer would: the tests decode what a kiosk sent and check what it prints.

Written from the command set (Epson's ESC/POS reference), apart from python-escpos, so the tests check
the bytes a printer receives rather than the library's own idea of them. An unknown command fails the test.
"""

import codecs
import dataclasses
import socket
import threading
import time

from escpos.capabilities import get_profile

ESC, GS, DLE, LF = 0x1B, 0x1D, 0x10, 0x0A
CODE_PAGES = get_profile().codePages  # ESC t n -> the code page's name, as printers number them


@dataclasses.dataclass
class Line:
    text: str
    align: str = "left"
    bold: bool = False
    double: bool = False  # double width and double height


@dataclasses.dataclass
class Ticket:
    """What a job prints, in order: lines of text, QR codes, cuts; and the status questions it asked."""

    events: list

    @property
    def lines(self):
        return [event for event in self.events if isinstance(event, Line)]

    @property
    def text(self):
        return [line.text for line in self.lines]

    @property
    def qr_codes(self):
        return [event[1] for event in self.events if isinstance(event, tuple) and event[0] == "qr"]

    def kinds(self):
        return [event.__class__.__name__ if isinstance(event, Line) else event[0] for event in self.events]


def _codec(number):
    name = CODE_PAGES[str(number)].lower().replace("iso_", "iso")
    return codecs.lookup(name).name


def decode(data):
    """The Ticket that ``data`` prints."""
    events, text, i = [], bytearray(), 0
    align, bold, width, height, page = "left", False, False, False, 0
    pieces = []  # (bytes, code page) of the current line

    def flush():
        nonlocal pieces
        line = "".join(chunk.decode(_codec(cp)) for chunk, cp in pieces)
        events.append(Line(line, align=line_style["align"], bold=line_style["bold"], double=line_style["double"]))
        pieces = []

    line_style = None
    while i < len(data):
        byte = data[i]
        if byte == ESC:
            command, argument = data[i + 1], data[i + 2] if i + 2 < len(data) else None
            if command == ord("@"):
                align, bold, width, height, page, i = "left", False, False, False, 0, i + 2
                events.append(("init",))
                continue
            if command == ord("E"):
                bold = bool(argument & 1)
            elif command == ord("a"):
                align = {0: "left", 1: "center", 2: "right", 48: "left", 49: "center", 50: "right"}[argument]
            elif command == ord("!"):
                width, height = bool(argument & 0x20), bool(argument & 0x10)
            elif command == ord("t"):
                page = argument
            elif command == ord("d"):
                if pieces:
                    flush()
                events.append(("feed", argument))
            else:
                raise ValueError(f"unknown command ESC {command:#x} at {i}")
            i += 3
        elif byte == GS:
            command = data[i + 1]
            if command == ord("!"):
                width, height = bool(data[i + 2] & 0xF0), bool(data[i + 2] & 0x0F)
                i += 3
            elif command == ord("(") and data[i + 2] == ord("k"):
                size = data[i + 3] + 256 * data[i + 4]
                body = data[i + 5 : i + 5 + size]
                cn, fn = body[0], body[1]
                if cn == ord("1") and fn == ord("P"):  # store the QR code's data (m = '0')
                    stored = bytes(body[3:])
                elif cn == ord("1") and fn == ord("Q"):  # print the stored QR code
                    events.append(("qr", stored.decode("utf-8")))
                elif cn == ord("1") and fn == ord("C"):
                    events.append(("qr-module", body[2]))
                i += 5 + size
            elif command == ord("V"):
                mode = data[i + 2]
                events.append(("cut", "partial" if mode in (1, 49, 66) else "full"))
                i += 4 if mode in (65, 66) else 3
            else:
                raise ValueError(f"unknown command GS {command:#x} at {i}")
        elif byte == DLE and data[i + 1] == 0x04:
            events.append(("status", data[i + 2]))
            i += 3
        elif byte == LF:
            line_style = line_style or {"align": align, "bold": bold, "double": width and height}
            flush()
            line_style = None
            i += 1
        elif byte >= 0x20:
            if not pieces:
                # A line takes the style in force at its first character, as the print head lays it out.
                line_style = {"align": align, "bold": bold, "double": width and height}
            if pieces and pieces[-1][1] == page:
                pieces[-1] = (pieces[-1][0] + bytes([byte]), page)
            else:
                pieces.append((bytes([byte]), page))
            i += 1
        else:
            raise ValueError(f"unknown control byte {byte:#x} at {i}")
    if pieces:
        flush()
    return Ticket(events)


class FakePrinter:
    """A network thermal printer on 127.0.0.1: it records every job it receives, and answers the real-time
    status questions (DLE EOT 1 and 4) as a printer with paper does, unless told otherwise."""

    PAPER_OK, PAPER_OUT, ONLINE, OFFLINE = 0x12, 0x72, 0x12, 0x1A

    def __init__(self, paper=PAPER_OK, online=ONLINE, answers=True):
        self.paper, self.online, self.answers = paper, online, answers
        self.jobs = []
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.done = threading.Condition()

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.listener.close()

    def _serve(self):
        while True:
            try:
                connection, _ = self.listener.accept()
            except OSError:  # closed by the test
                return
            threading.Thread(target=self._job, args=(connection,), daemon=True).start()

    def _job(self, connection):
        received, answered = bytearray(), 0
        with connection:
            while chunk := connection.recv(4096):
                received += chunk
                while (at := received.find(b"\x10\x04", answered)) != -1 and at + 2 < len(received):
                    answered = at + 3
                    if self.answers:
                        connection.sendall(bytes([self.paper if received[at + 2] == 4 else self.online]))
        with self.done:
            self.jobs.append(bytes(received))
            self.done.notify_all()

    def wait_for_job(self, timeout=5):
        """The next job received, once its connection has closed."""
        deadline = time.monotonic() + timeout
        with self.done:
            while not self.jobs:
                if not self.done.wait(deadline - time.monotonic()):
                    raise AssertionError("the printer received nothing")
            return self.jobs.pop(0)
