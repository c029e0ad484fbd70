from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = "会议"
    default_auto_field = "django.db.models.BigAutoField"
    notification_events = {
        "meeting_invite": "会议通知",
        "meeting_cancelled": "会议取消",
        "meeting_held": "会议纪要",
        "meeting_assigned": "会议交办",
    }

    def ready(self):
        from audit.labels import ACTION_LABELS

        ACTION_LABELS.update({
            "meeting.create": "召开会议（创建）",
            "meeting.update": "修改会议",
            "meeting.add_item": "增加会议议题",
            "meeting.hold": "登记会议召开及纪要",
            "meeting.cancel": "取消会议",
            "meeting.decide": "会议议题决定",
            "meeting.follow_up": "登记会议决定落实情况",
        })

    def seed_demo(self) -> str:
        """Demo meetings, after the demo tickets (tickets' seed_demo command calls every app's `seed_demo`: it may not
        import meetings, which sits above it)."""
        from meetings.demo import seed_demo_meetings

        result = seed_demo_meetings()
        return f"会议：{result['meetings']} 次演示会议（本次新建 {result['created']} 次）。"

    def menu_items(self):
        from accounts.roles import TICKET_READERS
        from core.menu import MenuItem

        return [
            MenuItem(168, "会议", "meetings:list", "people-fill", TICKET_READERS, "meeting_follow_ups"),
        ]

    def menu_queues(self, user):
        from meetings.selectors import menu_queues

        return menu_queues(user)
