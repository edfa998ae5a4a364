"""A real SMTP server for the tests (aiosmtpd, in a thread): it counts what it accepts and can be
told to fail — every message for a while, one address for good or for now — or to hold a sending
in the middle of its SMTP conversation (so a test can kill the worker at that very point)."""

import asyncio
import email
import socket
import threading
import time
from collections import Counter

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class CountingHandler:
    def __init__(self):
        self.lock = threading.Lock()
        self.messages: list[dict] = []
        # The next n messages get "451" at DATA: the server fails for everyone.
        self.fail_data = 0
        # address -> SMTP answer to RCPT TO ("550 ..." for good, "450 ..." for now).
        self.rcpt_answers: dict[str, str] = {}
        # Hold the conversation after MAIL FROM once this many messages were accepted.
        self.hold_after: int | None = None
        self.holding = threading.Event()
        self.release = threading.Event()

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if (
            self.hold_after is not None
            and len(self.messages) >= self.hold_after
            and not self.release.is_set()
        ):
            self.holding.set()
            while not self.release.is_set():
                await asyncio.sleep(0.05)
        envelope.mail_from = address
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        answer = self.rcpt_answers.get(address)
        if answer:
            return answer
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            if self.fail_data > 0:
                self.fail_data -= 1
                return "451 4.3.0 Service momentanément indisponible"
            parsed = email.message_from_bytes(envelope.content)
            for rcpt in envelope.rcpt_tos:
                self.messages.append(
                    {
                        "to": rcpt,
                        "message_id": parsed["Message-ID"],
                        "subject": str(
                            email.header.make_header(email.header.decode_header(parsed["Subject"]))
                        ),
                        "list_unsubscribe": parsed["List-Unsubscribe"],
                        "list_unsubscribe_post": parsed["List-Unsubscribe-Post"],
                        "multipart": parsed.is_multipart(),
                        "content_types": [part.get_content_type() for part in parsed.walk()],
                    }
                )
        return "250 2.0.0 Message accepté"

    def per_recipient(self) -> Counter:
        with self.lock:
            return Counter(message["to"] for message in self.messages)

    def wait_for(self, count: int, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while len(self.messages) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"{len(self.messages)} messages received, {count} expected")
            time.sleep(0.05)


class SMTPServer:
    def __init__(self):
        self.handler = CountingHandler()
        self.port = free_port()
        self.controller = None

    def start(self):
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def stop(self):
        if self.controller is not None:
            self.handler.release.set()
            self.controller.stop()
            self.controller = None
