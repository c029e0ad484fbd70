from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView


class MeSerializer(serializers.Serializer):
    username = serializers.CharField()
    name = serializers.CharField()
    role = serializers.CharField()
    department = serializers.CharField(allow_null=True)
    enterprise = serializers.DictField(allow_null=True)
    region = serializers.CharField(allow_null=True)


class MeView(APIView):
    """Who the caller is: a cheap way for an integrating system to check its token (open to every role)."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=MeSerializer)
    def get(self, request):
        user = request.user
        region = user.region
        data = {
            "username": user.username,
            "name": str(user),
            "role": user.role,
            "department": user.department.code if user.department_id else None,
            "enterprise": {"name": user.enterprise.name, "uscc": user.enterprise.uscc} if user.enterprise_id else None,
            "region": region.code if region else None,
        }
        return Response(MeSerializer(data).data)
