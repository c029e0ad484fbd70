from django.urls import path

from supervision import views

app_name = "supervision"

urlpatterns = [
    path("supervisions/", views.board, name="board"),
    path("supervisions/new/", views.issue, name="issue"),
    path("supervisions/inbox/", views.inbox, name="inbox"),
    path("supervisions/<int:pk>/answer/", views.answer, name="answer"),
    path("supervisions/<int:pk>/notice/", views.notice, name="notice"),
]
