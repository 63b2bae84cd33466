"""A centre's saved replies: written once by its staff, inserted into questions,
messages and summaries with the request's details filled in."""

from collections.abc import Mapping
from dataclasses import dataclass

import sqlalchemy as sa

from tisc.domain import localized
from tisc.domain.catalogue import N_
from tisc.domain.errors import Invalid, NotFound
from tisc.domain.permissions import can_manage_saved_replies
from tisc.domain.replies import PLACEHOLDERS, fill, unknown_placeholders
from tisc.domain.text import is_blank, trimmed
from tisc.extensions import db
from tisc.models import SavedReply, User
from tisc.models.base import utcnow
from tisc.services.unit_of_work import use_case

MAX_TITLE = 120
MAX_TEXT = 10000
NO_SUCH_REPLY = N_("There is no such saved reply.")


@dataclass
class ReplyDraft:
    title: str
    text_kk: str = ""
    text_ru: str = ""
    text_en: str = ""


@dataclass(frozen=True)
class FilledReply:
    id: int
    title: str
    text: str  # in the recipient's language, placeholders filled


def for_centre(user: User) -> list[SavedReply]:
    """The saved replies of the user's centre, by title (none for anyone else)."""
    if not can_manage_saved_replies(user.actor, user.centre_id):
        return []
    query = sa.select(SavedReply).where(SavedReply.centre_id == user.centre_id)
    return list(db.session.scalars(query.order_by(SavedReply.title, SavedReply.id)))


def get_for(user: User, reply_id: int) -> SavedReply:
    """A saved reply of the user's own centre, else NotFound."""
    reply = db.session.get(SavedReply, reply_id)
    if reply is None or not can_manage_saved_replies(user.actor, reply.centre_id):
        raise NotFound(NO_SUCH_REPLY)
    return reply


def filled(saved: list[SavedReply], language: str, values: Mapping[str, str]) -> list[FilledReply]:
    """The ``saved`` replies (:func:`for_centre`) in ``language`` (else the nearest one
    written), filled in."""
    return [
        FilledReply(reply.id, reply.title, fill(localized.pick(reply.texts(), language), values))
        for reply in saved
    ]


@use_case
def create(user: User, draft: ReplyDraft) -> SavedReply:
    if not can_manage_saved_replies(user.actor, user.centre_id):
        raise NotFound(NO_SUCH_REPLY)
    reply = SavedReply(centre_id=user.centre_id)
    _copy(_checked(draft), reply, user)
    db.session.add(reply)
    db.session.flush()
    return reply


@use_case
def update(user: User, reply_id: int, draft: ReplyDraft) -> SavedReply:
    reply = get_for(user, reply_id)
    _copy(_checked(draft), reply, user)
    return reply


@use_case
def delete(user: User, reply_id: int) -> None:
    """Saved replies are the staff's own drafting aids, not records: they may go."""
    db.session.delete(get_for(user, reply_id))


def _checked(draft: ReplyDraft) -> ReplyDraft:
    if is_blank(draft.title):
        raise Invalid("title", N_("Give the reply a title."))
    if len(trimmed(draft.title)) > MAX_TITLE:
        raise Invalid("title", N_("At most %(max)s characters."), max=MAX_TITLE)
    texts = (draft.text_kk, draft.text_ru, draft.text_en)
    if all(map(is_blank, texts)):
        raise Invalid("text_kk", N_("Write the reply in at least one language."))
    for name, text in zip(("text_kk", "text_ru", "text_en"), texts, strict=True):
        if len(text) > MAX_TEXT:
            raise Invalid(name, N_("At most %(max)s characters."), max=MAX_TEXT)
        if unknown := unknown_placeholders(text):
            raise Invalid(
                name,
                N_("%(found)s is not a placeholder: use %(placeholders)s."),
                found=unknown[0],
                placeholders=", ".join(f"{{{p}}}" for p in PLACEHOLDERS),
            )
    return draft


def _copy(draft: ReplyDraft, reply: SavedReply, user: User) -> None:
    reply.title = trimmed(draft.title)
    reply.text_kk, reply.text_ru, reply.text_en = (
        trimmed(draft.text_kk), trimmed(draft.text_ru), trimmed(draft.text_en)
    )  # fmt: skip
    reply.updated_at, reply.updated_by_id = utcnow(), user.id
