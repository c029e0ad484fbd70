from tickets.models.calendar import CalendarException, CalendarYear, DeadlinePolicy, WorkflowSettings
from tickets.models.common import Attachment, NumberSequence
from tickets.models.handling import (
    Callback,
    ExtensionRequest,
    Rating,
    Review,
    SamplingBatch,
    TerminationRequest,
)
from tickets.models.demand import ConsultRequest, Demand, DemandEvent, ProvincialEscalation
from tickets.models.supervision import Supervision, Urge
from tickets.models.sweep import ClockAlert, SweepState
from tickets.models.ticket import TicketCoDepartment, Ticket, TicketEvent

__all__ = [
    "Callback",
    "ExtensionRequest",
    "Rating",
    "Review",
    "SamplingBatch",
    "TerminationRequest",
    "Attachment",
    "CalendarException",
    "CalendarYear",
    "ClockAlert",
    "ConsultRequest",
    "DeadlinePolicy",
    "Demand",
    "DemandEvent",
    "NumberSequence",
    "ProvincialEscalation",
    "Supervision",
    "SweepState",
    "Ticket",
    "TicketCoDepartment",
    "TicketEvent",
    "Urge",
    "WorkflowSettings",
]
