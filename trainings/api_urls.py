"""Routes of the trainings API (OUTREACH §3), included under /api/v1/ by qiyezhijia/api_urls.py."""

from django.urls import path

from trainings import api

urlpatterns = [
    path("trainings/", api.TrainingListView.as_view(), name="api-training-list"),
    path("trainings/<int:pk>/", api.TrainingDetailView.as_view(), name="api-training-detail"),
    path("trainings/<int:pk>/ics/", api.TrainingIcsView.as_view(), name="api-training-ics"),
    path("trainings/<int:pk>/publish/", api.TrainingPublishView.as_view(), name="api-training-publish"),
    path("trainings/<int:pk>/cancel/", api.TrainingCancelView.as_view(), name="api-training-cancel"),
    path("trainings/<int:pk>/hold/", api.TrainingHoldView.as_view(), name="api-training-hold"),
    path("trainings/<int:pk>/signup/", api.TrainingSignupView.as_view(), name="api-training-signup"),
    path("trainings/<int:pk>/signup/cancel/", api.TrainingSignupCancelView.as_view(), name="api-training-signup-cancel"),
    path("trainings/<int:pk>/attendance/", api.TrainingAttendanceView.as_view(), name="api-training-attendance"),
    path("trainings/<int:pk>/feedback/", api.TrainingFeedbackView.as_view(), name="api-training-feedback"),
]
