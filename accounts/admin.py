from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from accounts.models import Department, Domain, Enterprise, Region, User


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
