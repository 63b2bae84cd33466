"""``flask --app wsgi tisc …``: set-up, data loading, demo content and accounts."""

import os
from pathlib import Path

import click
import sqlalchemy as sa
from flask import Flask, current_app
from flask.cli import AppGroup

from tisc.domain.catalogue import Role
from tisc.domain.errors import DomainError
from tisc.extensions import bind_migrations, db, policy
from tisc.mail import delivery
from tisc.mail.compose import render
from tisc.models import Delivery, FigureCount, Region, ServiceRequest, User
from tisc.services import (
    accounts,
    datasets,
    demo,
    due_dates,
    figures,
    handover,
    outbox,
    schedule,
    suspension,
)

tisc_cli = AppGroup("tisc", help="TISC Network administration.")


def _fail(error: DomainError) -> None:
    raise click.ClickException(str(error))


@tisc_cli.command("load-data")
@click.option(
    "--folder",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=datasets.PACKAGED_DATA,
    show_default=True,
    help="Folder with kz_regions.csv/.geojson, kz_cities.csv, tisc_partners.csv.",
)
def load_data(folder: Path) -> None:
    """Load regions, cities and partner centres (idempotent)."""
    _load_data(folder)


@tisc_cli.command("demo")
def demo_command() -> None:
    """Create demo accounts and requests (idempotent) and print the accounts."""
    report = demo.load_demo(policy())
    click.echo(
        f"Demo: {report.accounts_created} accounts and {report.requests_created} requests created."
    )
    _print_demo_accounts()


@tisc_cli.command("setup")
@click.option(
    "--demo", "with_demo", is_flag=True,
    help="Also load demo accounts (with a published password) and requests when there are "
    "no accounts yet: for a local try-out only.",
)  # fmt: skip
def setup(with_demo: bool) -> None:
    """Migrate the database, load the reference data when it is empty (and, with
    ``--demo``, demo content), and move the open requests' due dates when the working
    calendar or the targets changed."""
    from flask_migrate import upgrade  # Alembic: loaded only when migrating

    bind_migrations(current_app._get_current_object())
    upgrade()
    if db.session.scalar(sa.select(sa.func.count()).select_from(Region)) == 0:
        click.echo("Empty database: loading reference data.")
        _load_data(datasets.PACKAGED_DATA)
    no_accounts = db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0
    if with_demo and no_accounts:
        click.echo("No accounts yet: loading demo content.")
        demo.load_demo(policy())
        delivery.deliver_all()  # the demo's e-mails, into the outbox
    elif no_accounts:
        click.echo("No accounts yet: create one with `tisc create-user` (or try `setup --demo`).")
    if _figures_missing():
        click.echo(
            "Requests without their figures (recorded before they were kept): building them."
        )
        figures.rebuild(policy())
    if moved := due_dates.follow_rules(policy()):
        click.echo(f"Due dates of {moved} open requests moved with the new working calendar "
                   "or targets (each told on its request's timeline).")  # fmt: skip
    if demo.present():
        _print_demo_accounts()


@tisc_cli.command("rebuild-figures")
def rebuild_figures() -> None:
    """Recompute the figures' sums (and missing turnarounds) from the requests."""
    rows = figures.rebuild(policy())
    click.echo(f"Figures rebuilt: {rows} rows.")


def _figures_missing() -> bool:
    has_requests = db.session.scalar(sa.select(ServiceRequest.id).limit(1)) is not None
    has_sums = db.session.scalar(sa.select(FigureCount.grain).limit(1)) is not None
    return has_requests and not has_sums


@tisc_cli.command("create-user")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--centre", "centre_slug", help="The centre's slug (staff only).")
@click.option(
    "--password",
    prompt=True,
    hide_input=True,
    confirmation_prompt=True,
    help="Prompted for when not given.",
)
def create_user(email: str, name: str, role: str, centre_slug: str | None, password: str):
    """Create an account of any role."""
    try:
        user = accounts.create_user(
            name, email, Role(role), policy().password_hash_method,
            centre_slug=centre_slug, password=password,
        )  # fmt: skip
    except DomainError as error:
        _fail(error)
    click.echo(f"Created {user.role.value} {user.email}.")


@tisc_cli.command("deactivate-user")
@click.option("--email", required=True)
@click.option("--reactivate", is_flag=True, help="Let the account sign in again.")
def deactivate_user(email: str, reactivate: bool) -> None:
    """Deactivate an account (it is kept) and end its sessions."""
    try:
        user = accounts.set_active_by_email(email, reactivate, policy())
    except DomainError as error:
        _fail(error)
    unassigned = handover.hand_over_all(policy())  # no web timeout here: all of them now
    click.echo(f"{user.email} is now {'active' if user.active else 'deactivated'}.")
    if unassigned:
        click.echo(f"Unassigned from {unassigned} more open requests.")


@tisc_cli.command("english-catalogue")
def english_catalogue() -> None:
    """Fill the English catalogue with its message ids (English is the source language)."""
    # Babel's catalogue tools: `make update` needs them, not every web worker (0.7 MB).
    from babel.messages.pofile import read_po, write_po

    path = Path(current_app.root_path) / "translations" / "en" / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        catalogue = read_po(handle, locale="en")
    for message in catalogue:
        if message.id:
            message.string = message.id
            message.flags.discard("fuzzy")
    with path.open("wb") as handle:
        write_po(handle, catalogue, width=76)
    click.echo(f"Filled {len(catalogue)} English entries.")


def _load_data(folder: Path) -> None:
    report = datasets.load_reference_data(folder)
    click.echo(
        f"Loaded {report.regions} regions, {report.cities} cities; "
        f"added {report.centres_added} centres."
    )


def _print_demo_accounts() -> None:
    click.echo(f"Demo accounts (password for all: {demo.DEMO_PASSWORD}):")
    for email, name, role, centre, _locale in demo.ACCOUNTS:
        click.echo(f"  {role.value:<12} {email:<32} {name}" + (f" ({centre})" if centre else ""))


@tisc_cli.command("send-mail")
def send_mail() -> None:
    """Deliver queued e-mails and retry failed ones (run it from a scheduler)."""
    report = delivery.deliver_all(retry=True)
    click.echo(f"Sent {report.sent}, kept {report.kept} (no mail server), failed {report.failed}.")


@tisc_cli.command("daily")
def daily() -> None:
    """Run today's daily jobs (digests, reminders…) not yet run, finish moving a suspended
    centre's requests and unassigning those of staff who left, then deliver the mail.

    Safe to run any number of times, from any number of machines: each job runs once a day.
    """
    for name, result in schedule.run_due(policy()).items():
        click.echo(f"{name}: {result}")
    # What a worker does as it goes, for a deployment without one; a failure of one
    # keeps neither the other nor the mail from going out.
    failed = False
    for label, job in (("moved from suspended centres", suspension.move_all),
                       ("unassigned from staff who left", handover.hand_over_all)):  # fmt: skip
        try:
            click.echo(f"{label}: {job(policy())}")
        except Exception as error:
            click.echo(f"{label}: failed ({error})", err=True)
            failed = True
    report = delivery.deliver_all(retry=True)
    click.echo(f"Sent {report.sent}, kept {report.kept}, failed {report.failed}.")
    if failed:
        raise SystemExit(1)


@tisc_cli.command("worker")
@click.option("--once", is_flag=True, help="One round, then stop (for tests and cron).")
@click.option("--poll", default=1.0, show_default=True, help="Seconds between idle rounds.")
@click.option(
    "--nice", "niceness", default=10, show_default=True, type=click.IntRange(0, 19),
    help="Lower the worker's CPU priority by this much (0: leave it as it is).",
)  # fmt: skip
def worker(once: bool, poll: float, niceness: int) -> None:
    """Deliver e-mail, move a suspended centre's requests and unassign those of staff who
    left, and run the daily jobs, until stopped (set TISC_WORKER=true for the web).

    It runs at a lower CPU priority than the web servers: on a machine they share, a
    burst of requests gets the processors first and its mail follows a moment later,
    instead of the mail's rendering slowing the requests that queue it."""
    from tisc.worker import Worker

    if niceness:
        os.nice(niceness)
    runner = Worker(current_app._get_current_object(), poll_seconds=poll)
    if once:
        done = runner.run_once()
        click.echo(f"Sent {done.sent}, kept {done.kept}, failed {done.failed}; "
                   f"moved {done.moved or 0}, unassigned {done.unassigned or 0}; "
                   f"daily {done.daily}.")  # fmt: skip
    else:
        runner.run()


@tisc_cli.command("outbox")
@click.option("--to", "to_address", help="Only messages to this address.")
@click.option("--limit", default=5, show_default=True)
def show_outbox(to_address: str | None, limit: int) -> None:
    """Print the latest e-mails (handy when no mail server is configured).

    It only reads: nothing is sent or marked. A message not rendered yet is rendered for
    printing only, as it will be sent."""
    with db.session.no_autoflush:
        for message in outbox.latest(to_address, limit):
            _print_message(message)
    db.session.rollback()  # the texts rendered for printing are not saved


def _print_message(message) -> None:
    click.echo(f"--- #{message.id} {message.delivery.value} to {message.to_address}")
    if message.body_text is None and message.delivery != Delivery.SENT:
        try:
            render(message)
        except Exception as error:  # the deliverer records why; here it is only not printed
            click.echo(f"(cannot be rendered: {type(error).__name__}: {error})", err=True)
    if message.body_text is not None:
        click.echo(message.body_text)
    elif message.delivery == Delivery.SENT:
        click.echo(f"({message.kind}, sent {message.sent_at:%Y-%m-%d}; its copy is emptied)")
    else:
        click.echo(f"({message.kind}, not rendered yet)")


def register(app: Flask) -> None:
    app.cli.add_command(tisc_cli)
