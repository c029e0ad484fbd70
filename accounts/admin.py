from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from knox.models import AuthToken as KnoxAuthToken

from accounts.models import ApiToken, Department, Domain, Enterprise, Region, User


@admin.register(Region)
class RegionAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "level", "parent", "active"]
    list_filter = ["level", "active"]
    search_fields = ["code", "name"]


@admin.register(Domain)
class DomainAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "owners", "sort_order"]
    search_fields = ["code", "name"]

    @admin.display(description=_("负责部门"))
    def owners(self, obj: Domain) -> str:
        return "、".join(d.name for d in obj.departments.all())

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("departments")


@admin.register(Department)
class DepartmentAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "region", "kind", "owned_domains", "active"]
    list_filter = ["region", "kind", "active"]
    search_fields = ["code", "name"]
    filter_horizontal = ["domains"]
    list_select_related = ["region"]

    @admin.display(description=_("负责业务领域"))
    def owned_domains(self, obj: Department) -> str:
        return "、".join(d.name for d in obj.domains.all())

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("domains")


@admin.register(Enterprise)
class EnterpriseAdmin(SimpleHistoryAdmin):
    list_display = ["name", "uscc", "region", "industry", "contact_name", "contact_phone"]
    list_filter = ["region"]
    search_fields = ["name", "uscc"]


@admin.register(User)
class UserAdmin(SimpleHistoryAdmin, BaseUserAdmin):
    list_display = ["username", "full_name", "role", "department", "enterprise", "is_active", "last_login"]
    list_filter = ["role", "is_active", "department__region", "department"]
    search_fields = ["username", "first_name", "last_name", "phone", "department__name", "enterprise__name"]
    list_select_related = ["department", "enterprise"]
    autocomplete_fields = ["department", "enterprise"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("个人信息"), {"fields": ("last_name", "first_name", "email", "phone")}),
        (_("角色与所属单位"), {"fields": ("role", "department", "enterprise")}),
        (_("权限"), {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        (_("重要日期"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "password1", "password2", "last_name", "first_name", "role", "department", "enterprise"),
            },
        ),
    )
    readonly_fields = ["last_login", "date_joined"]

    @admin.display(description=_("姓名"))
    def full_name(self, obj: User) -> str:
        return obj.get_full_name()


# knox registers its own token admin, which lists digests; the platform's tokens are accounts.ApiToken.
if admin.site.is_registered(KnoxAuthToken):
    admin.site.unregister(KnoxAuthToken)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are issued by `manage.py issue_token`; here they are listed and revoked. Neither the key nor its digest
    is ever shown."""

    list_display = ["name", "user", "created", "expiry"]
    list_filter = ["user__role"]
    search_fields = ["name", "user__username"]
    list_select_related = ["user"]
    fields = ["name", "user", "created", "expiry"]
    readonly_fields = fields
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    @admin.action(description=_("吊销所选令牌"), permissions=["delete"])
    def revoke(self, request, queryset):
        count = queryset.delete()[0]
        self.message_user(request, _("已吊销 %(n)d 个令牌。") % {"n": count}, messages.SUCCESS)
