from django.apps import AppConfig


class DeadlinesConfig(AppConfig):
    """The deadline sweep (SPEC §7): warnings, overdue marks, auto-sign and automatic supervision."""

    name = "deadlines"
    verbose_name = "时限巡检"
    # A due instant moved earlier by a calendar correction: the next sweep must look back to it.
    after_provisional_recount = "deadlines.sweep.look_back_to"
    notification_events = {"clock_warning": "即将超期", "clock_overdue": "已超期"}
