"""Email backends that fail as a real mail server does, for EMAIL_BACKEND in tests."""

from __future__ import annotations

import smtplib

from django.core.mail.backends.base import BaseEmailBackend


class UnreachableMailServer(BaseEmailBackend):
    """The SMTP server is down: the connection is refused, as smtplib reports it."""

    def send_messages(self, email_messages):  # type: ignore[no-untyped-def]
        raise ConnectionRefusedError(111, "Connection refused")


class RefusingMailServer(BaseEmailBackend):
    """The SMTP server answers but refuses the recipient."""

    def send_messages(self, email_messages):  # type: ignore[no-untyped-def]
        raise smtplib.SMTPRecipientsRefused(
            {m.to[0]: (550, b"5.1.1 No such mailbox") for m in email_messages}
        )
