"""Web routes of the catalogue: the public `/services/` and the staff screens under `/catalogue/`."""

from django.urls import path

from catalogue.views import public, staff

app_name = "catalogue"

urlpatterns = [
    path("services/", public.service_list, name="list"),
    path("services/<str:code>/", public.service_detail, name="detail"),
    path("services/<str:code>/demand/", public.service_demand, name="demand"),
    path("services/<str:code>/files/<int:pk>/", public.service_file, name="file"),
    path("catalogue/", staff.staff_list, name="staff_list"),
    path("catalogue/new/", staff.staff_create, name="staff_create"),
    path("catalogue/<str:code>/", staff.staff_detail, name="staff_detail"),
    path("catalogue/<str:code>/edit/", staff.staff_edit, name="staff_edit"),
    path("catalogue/<str:code>/publish/", staff.staff_publish, name="staff_publish"),
    path("catalogue/<str:code>/retire/", staff.staff_retire, name="staff_retire"),
    path("catalogue/<str:code>/versions/<int:history_id>/", staff.staff_version, name="staff_version"),
    path("catalogue/<str:code>/attachments/", staff.staff_attach, name="staff_attach"),
    path("catalogue/<str:code>/attachments/<int:pk>/", staff.staff_download, name="staff_download"),
    path("catalogue/<str:code>/attachments/<int:pk>/delete/", staff.staff_detach, name="staff_detach"),
]
