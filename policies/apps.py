from django.apps import AppConfig


class PoliciesConfig(AppConfig):
    name = "policies"
    verbose_name = "惠企政策"
    default_auto_field = "django.db.models.BigAutoField"
    notification_events = {
        "policy_push": "惠企政策推送",
        "policy_benefit": "免申即享",
    }
