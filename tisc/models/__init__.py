"""The database schema, as typed SQLAlchemy models."""

from tisc.models.accounts import ApiToken, AuthSession, Handover, SignInFailure, User
from tisc.models.audit import AuditEntry
from tisc.models.base import Base
from tisc.models.centres import (
    Centre,
    CentreService,
    CentreSuspension,
    NetworkVersion,
    SavedReply,
)
from tisc.models.jobs import DailyRun, DueDateRules
from tisc.models.mail import Delivery, OutboxMessage, RequestRead
from tisc.models.places import City, Region
from tisc.models.reporting import FigureCount, Filing, TrainingEvent
from tisc.models.requests import (
    DuplicateFlag,
    QueueCount,
    ReferenceCounter,
    RequestEvent,
    RequestFile,
    ServiceRequest,
)

__all__ = [
    "ApiToken",
    "AuditEntry",
    "AuthSession",
    "Base",
    "Centre",
    "CentreService",
    "CentreSuspension",
    "City",
    "DailyRun",
    "Delivery",
    "DueDateRules",
    "DuplicateFlag",
    "FigureCount",
    "Filing",
    "Handover",
    "NetworkVersion",
    "OutboxMessage",
    "QueueCount",
    "ReferenceCounter",
    "Region",
    "RequestEvent",
    "RequestFile",
    "RequestRead",
    "SavedReply",
    "ServiceRequest",
    "SignInFailure",
    "TrainingEvent",
    "User",
]
