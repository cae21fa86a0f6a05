from rest_framework import serializers

from wangan.accounts.choices import OrgType
from wangan.accounts.models import ApiToken, Organization, User


class OrganizationOut(serializers.ModelSerializer):
    class Meta:
        model = Organization
        fields = ["id", "name", "type", "status", "credit_code", "address", "created_at", "reviewed_at"]


class UserOut(serializers.ModelSerializer):
    roles = serializers.ListField(source="role_codes", child=serializers.CharField())
    organization = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = User
        fields = ["id", "username", "real_name", "email", "organization", "platform_role", "roles", "is_active",
                  "has_mfa", "last_login"]  # fmt: skip


class TokenIn(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    scopes = serializers.ListField(child=serializers.ChoiceField(choices=["read", "write"]), min_length=1)
    days = serializers.IntegerField(min_value=1, max_value=365, default=90)


class TokenOut(serializers.ModelSerializer):
    class Meta:
        model = ApiToken
        fields = ["id", "name", "prefix", "scopes", "created_at", "expires_at", "revoked_at", "last_used_at"]


class TokenCreatedOut(TokenOut):
    token = serializers.CharField(help_text="shown once; store it now")

    class Meta(TokenOut.Meta):
        fields = [*TokenOut.Meta.fields, "token"]


class RegistrationIn(serializers.Serializer):
    org_type = serializers.ChoiceField(choices=[OrgType.ENTERPRISE.value, OrgType.PROVIDER.value])
    org_name = serializers.CharField(max_length=200)
    credit_code = serializers.RegexField(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")
    address = serializers.CharField(max_length=300)
    contact_name = serializers.CharField(max_length=100)
    contact_phone = serializers.RegexField(r"^[0-9+\-() ]{7,20}$")
    username = serializers.RegexField(r"^[A-Za-z0-9_.\-]{3,64}$")
    real_name = serializers.CharField(max_length=100)
    phone = serializers.RegexField(r"^1\d{10}$")
    email = serializers.EmailField()
    password = serializers.CharField(max_length=128, write_only=True)
    agreement_version = serializers.CharField(max_length=20)
    accepted = serializers.BooleanField()
