from django.urls import path

from enterprises.views import account, public, tags, verification

app_name = "enterprises"

urlpatterns = [
    path("signup/", public.signup, name="signup"),
    path("privacy/", public.privacy, name="privacy"),
    path("password/reset/", public.password_reset, name="password_reset"),
    path("invite/<str:token>/", public.invitation, name="invitation"),
    path("enterprise/", account.home, name="home"),
    path("enterprise/invite/", account.invite, name="invite"),
    path("enterprise/licence/", account.licence_resubmit, name="licence_resubmit"),
    path("enterprise/joins/<int:pk>/decide/", account.join_decide, name="join_decide"),
    path("enterprise/staff/<int:pk>/remove/", account.staff_remove, name="staff_remove"),
    path("enterprise/staff/<int:pk>/hand-over/", account.hand_over, name="hand_over"),
    path("account/", account.account, name="account"),
    path("enterprises/verification/", verification.queue, name="verification_queue"),
    path("enterprises/verification/<int:pk>/", verification.detail, name="verification_detail"),
    path("enterprises/tags/", tags.search, name="tag_search"),
    path("enterprises/<str:uscc>/tags/", tags.detail, name="tags"),
    path("enterprises/licences/<int:pk>/", verification.licence_file, name="licence_file"),
]
