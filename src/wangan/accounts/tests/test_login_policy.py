"""Login policy for 等保 level 3: lockout, no enumeration, TOTP, idle timeout, passwords."""

import re
from datetime import timedelta

import pyotp
import pytest
from django.urls import reverse
from django.utils import timezone

from wangan.accounts import services
from wangan.accounts.models import LoginLock
from wangan.accounts.tests.factories import PASSWORD
from wangan.core.models import AuditEvent

pytestmark = pytest.mark.django_db
LOGIN = "/accounts/login/"


def _post_login(client, username, password):
    return client.post(LOGIN, {"username": username, "password": password})


def test_five_failures_lock_the_account_for_thirty_minutes(client, enterprise_user):
    for attempt in range(4):
        response = _post_login(client, enterprise_user.username, "wrong")
        assert response.status_code == 401
        assert f"{4 - attempt}" in response.content.decode()
    response = _post_login(client, enterprise_user.username, "wrong")
    assert "锁定" in response.content.decode()
    lock = LoginLock.objects.get(username=enterprise_user.username)
    assert timedelta(minutes=29) < lock.locked_until - timezone.now() <= timedelta(minutes=30)
    # the right password does not get through a lock
    response = _post_login(client, enterprise_user.username, PASSWORD)
    assert response.status_code == 401 and "锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_unknown_and_known_names_get_identical_refusals(client, enterprise_user):
    known = [_post_login(client, enterprise_user.username, "wrong").content.decode() for _ in range(5)]
    unknown = [_post_login(client, "nobody-here", "wrong").content.decode() for _ in range(5)]

    def strip(html: str) -> str:  # CSRF tokens differ per response; the typed name is echoed back
        html = re.sub(r'(csrfmiddlewaretoken" value=|X-CSRFToken": )"[^"]+"', "TOKEN", html)
        return html.replace(enterprise_user.username, "X").replace("nobody-here", "X")

    assert [strip(h) for h in known] == [strip(h) for h in unknown]


def test_failures_outside_the_window_do_not_count(enterprise_user):
    from wangan.accounts.models import LoginFailure

    old = timezone.now() - timedelta(minutes=16)
    LoginFailure.objects.bulk_create(
        [LoginFailure(user=enterprise_user, username_tried=enterprise_user.username, at=old) for _ in range(4)]
    )
    with pytest.raises(services.LoginRefused) as exc:
        services.login_check_password(username=enterprise_user.username, password="wrong")
    assert exc.value.code == "INVALID_CREDENTIALS"


def test_only_the_security_admin_unlocks(enterprise_user, security_admin, system_admin):
    LoginLock.objects.create(username=enterprise_user.username, locked_until=timezone.now() + timedelta(minutes=30))
    with pytest.raises(services.PermissionDenied):
        services.login_unlock(actor=system_admin, username=enterprise_user.username)
    assert LoginLock.objects.filter(username=enterprise_user.username).exists()
    services.login_unlock(actor=security_admin, username=enterprise_user.username)
    assert services.login_check_password(username=enterprise_user.username, password=PASSWORD) == enterprise_user
    assert AuditEvent.objects.filter(action="auth.unlocked", actor=security_admin).exists()


def test_failed_and_successful_logins_are_audited(client, enterprise_user):
    _post_login(client, enterprise_user.username, "wrong")
    _post_login(client, enterprise_user.username, PASSWORD)
    actions = list(AuditEvent.objects.order_by("seq").values_list("action", "outcome"))
    assert ("auth.login_failed", "failure") in actions
    assert ("auth.login", "success") in actions


def test_authority_staff_must_pass_totp_and_codes_cannot_be_replayed(client, reviewer):
    response = _post_login(client, reviewer.username, PASSWORD)
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:mfa_verify"))
    assert "_auth_user_id" not in client.session
    code = pyotp.TOTP(reviewer.totp_secret).now()
    assert client.post(reverse("accounts:mfa_verify"), {"code": code}).status_code == 302
    assert client.session["_auth_user_id"] == str(reviewer.pk)
    client.logout()
    _post_login(client, reviewer.username, PASSWORD)
    response = client.post(reverse("accounts:mfa_verify"), {"code": code})
    assert response.status_code == 200 and "_auth_user_id" not in client.session


def test_authority_staff_without_totp_must_enrol_before_anything_else(client, authority_org, make_user):
    user = make_user(organization=authority_org, roles=["reviewer"])
    response = _post_login(client, user.username, PASSWORD)
    assert response["Location"].startswith(reverse("accounts:mfa_enrol"))
    page = client.get(reverse("accounts:mfa_enrol"))
    assert b"<svg" in page.content
    user.refresh_from_db()
    code = pyotp.TOTP(user.totp_secret).now()
    client.post(reverse("accounts:mfa_enrol"), {"code": code})
    user.refresh_from_db()
    assert user.has_mfa and client.session["_auth_user_id"] == str(user.pk)


def test_enterprise_staff_may_sign_in_without_totp(client, enterprise_user):
    response = _post_login(client, enterprise_user.username, PASSWORD)
    assert response.status_code == 302 and client.session["_auth_user_id"] == str(enterprise_user.pk)


def test_idle_session_is_signed_out(client, enterprise_user, settings):
    client.force_login(enterprise_user)
    assert client.get("/").status_code == 200
    session = client.session
    session["last_seen"] = session["last_seen"] - 31 * 60
    session.save()
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(
    ("password", "ok"),
    [("short1A", False), ("alllowercase", False), ("lower-and-digits1", True), ("NoDigitsHere!", True),
     ("Qzwx-Ecrv1", True), ("12345678", False)],
)  # fmt: skip
def test_password_needs_length_and_three_classes(enterprise_user, password, ok):
    if ok:
        services.password_change(user=enterprise_user, new_password=password)
    else:
        with pytest.raises(services.ValidationFailed):
            services.password_change(user=enterprise_user, new_password=password)


def test_the_last_five_passwords_cannot_be_reused(enterprise_user):
    history = ["Rotate-pass-1", "Rotate-pass-2", "Rotate-pass-3", "Rotate-pass-4", "Rotate-pass-5"]
    for p in history:
        services.password_change(user=enterprise_user, new_password=p)
    for p in history[1:]:
        with pytest.raises(services.ValidationFailed):
            services.password_change(user=enterprise_user, new_password=p)
    services.password_change(user=enterprise_user, new_password="Rotate-pass-6")
    services.password_change(user=enterprise_user, new_password=history[0])  # six changes ago: allowed


def test_expired_password_must_be_changed(client, enterprise_user, settings):
    enterprise_user.password_changed_at = timezone.now() - timedelta(days=91)
    enterprise_user.save()
    client.force_login(enterprise_user)
    assert client.get("/")["Location"] == reverse("accounts:password_change")


def test_personal_fields_are_encrypted_at_rest(enterprise_user):
    from django.db import connection

    enterprise_user.phone = "13912345678"
    enterprise_user.save()
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone FROM accounts_user WHERE id = %s", [enterprise_user.pk])
        stored = cursor.fetchone()[0]
    assert stored.startswith("sm4gcm1:") and "13912345678" not in stored
    enterprise_user.refresh_from_db()
    assert enterprise_user.phone == "13912345678"


def test_login_page_has_csrf_protection(enterprise_user):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post(LOGIN, {"username": enterprise_user.username, "password": PASSWORD})
    assert response.status_code == 403
