app_name = "meetings_api"
urlpatterns: list = []
