"""Sending one message to the mail server, with Flask-Mail.

Only a process that sends loads this module (:mod:`tisc.mail.delivery` imports it at its
first message to a configured server): the worker, ``tisc send-mail``, or the web process
itself when no worker runs. A web worker beside a worker process never sends, and so never
loads Flask-Mail and the e-mail packages it brings (0.75 MB a worker). For the same reason
Flask-Mail is bound to the application at its first message, not in ``create_app``.
"""

import logging
import smtplib

import flask_mail
from flask import current_app

log = logging.getLogger(__name__)


class _TimedConnection(flask_mail.Connection):
    """Flask-Mail's connection with a timeout: Flask-Mail 0.10 opens SMTP without one, so
    a server that accepts the connection and never answers would hold the sender (the
    worker, its daily jobs and its SIGTERM) for as long as it liked. Each exchange with
    the server waits at most ``TISC_MAIL_TIMEOUT`` seconds."""

    def configure_host(self) -> smtplib.SMTP:
        timeout = current_app.config["TISC_MAIL_TIMEOUT"]
        smtp = smtplib.SMTP_SSL if self.mail.use_ssl else smtplib.SMTP
        host = smtp(self.mail.server, self.mail.port, timeout=timeout)
        host.set_debuglevel(int(self.mail.debug))
        if self.mail.use_tls:
            host.starttls()
        if self.mail.username and self.mail.password:
            host.login(self.mail.username, self.mail.password)
        return host

    def __exit__(self, exc_type, exc_value, tb) -> None:
        # A QUIT that fails must not fail a message the server has already accepted:
        # it would be sent again.
        try:
            super().__exit__(exc_type, exc_value, tb)
        except (smtplib.SMTPException, OSError) as failure:
            log.warning("closing the connection to the mail server failed: %s", failure)
            if self.host is not None:
                self.host.close()


class Mail(flask_mail.Mail):
    def connect(self) -> flask_mail.Connection:
        return _TimedConnection(current_app.extensions["mail"])


mail = Mail()


def send(subject: str, to_address: str, body: str, html: str) -> None:
    """Send one message through the configured server; its failure is raised."""
    if "mail" not in current_app.extensions:
        mail.init_app(current_app)
    mail.send(flask_mail.Message(subject=subject, recipients=[to_address], body=body, html=html))
