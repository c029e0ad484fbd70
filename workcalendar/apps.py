from django.apps import AppConfig


class WorkcalendarConfig(AppConfig):
    """The working-day calendar and the deadline policies (SPEC §6). Imports only `core`.

    Apps that store due instants counted over the calendar declare them in their own AppConfig:
    `provisional_clocks` — dotted path of a function returning `workcalendar.provisional.ProvisionalClock`s, recounted
    when a year's official calendar is entered; `after_provisional_recount` — dotted path of a function called with the
    earliest due instant that moved earlier (the deadline sweep looks back to it).
    """

    name = "workcalendar"
    verbose_name = "工作日历与时限"
