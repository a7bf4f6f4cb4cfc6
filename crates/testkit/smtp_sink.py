"""A real SMTP server for the SMTP tests (kordon-delivery, kordon): python3 smtp_sink.py PORT DIR

Listens on 127.0.0.1:PORT (aiosmtpd) and writes each received message to DIR as one JSON file:
{"mail_from", "rcpt_tos", "data" (the raw message), "subject" and "body" (decoded by Python's
email package), "content_type"}. Files appear atomically (written aside, then renamed).
"""

import asyncio
import email
import email.policy
import json
import os
import sys
import uuid

from aiosmtpd.smtp import SMTP


class Sink:
    def __init__(self, out_dir):
        self.out_dir = out_dir

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content or envelope.content
        message = email.message_from_bytes(raw, policy=email.policy.default)
        body = message.get_body(preferencelist=("plain",))
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "data": raw.decode("utf-8", errors="replace"),
            "subject": str(message["subject"]),
            "content_type": message.get_content_type(),
            "charset": message.get_content_charset(),
            "body": body.get_content() if body is not None else None,
        }
        name = uuid.uuid4().hex
        tmp = os.path.join(self.out_dir, name + ".tmp")
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(record, f, ensure_ascii=False)
        os.replace(tmp, os.path.join(self.out_dir, name + ".json"))
        return "250 OK"


async def main(port, out_dir):
    os.makedirs(out_dir, exist_ok=True)
    loop = asyncio.get_running_loop()
    handler = Sink(out_dir)
    server = await loop.create_server(
        lambda: SMTP(handler, hostname="localhost", enable_SMTPUTF8=True),
        host="127.0.0.1",
        port=port,
    )
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: smtp_sink.py PORT DIR")
    asyncio.run(main(int(sys.argv[1]), sys.argv[2]))
