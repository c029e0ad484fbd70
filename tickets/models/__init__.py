from tickets.models.common import Attachment, TimelineEntry
from tickets.models.demand import (
    ConsultRequest,
    Demand,
    DemandEvent,
    MergeProposal,
    ProvincialEscalation,
    SubmissionKey,
)
from tickets.models.figures import DemandDay, TicketDay
from tickets.models.handling import (
    Callback,
    ExtensionRequest,
    Rating,
    Review,
    SamplingBatch,
    TerminationRequest,
)
from tickets.models.settings import WorkflowSettings
from tickets.models.ticket import Ticket, TicketCoDepartment, TicketEvent, TicketNote

__all__ = [
    "Attachment",
    "Callback",
    "ConsultRequest",
    "Demand",
    "DemandDay",
    "DemandEvent",
    "ExtensionRequest",
    "MergeProposal",
    "ProvincialEscalation",
    "Rating",
    "Review",
    "SamplingBatch",
    "SubmissionKey",
    "TerminationRequest",
    "Ticket",
    "TicketCoDepartment",
    "TicketDay",
    "TicketEvent",
    "TicketNote",
    "TimelineEntry",
    "WorkflowSettings",
]
