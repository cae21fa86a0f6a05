from django.urls import path

from wangan.cryptosvc.api import manage_views as m
from wangan.cryptosvc.api import service_views as v

urlpatterns = [
    # service calls of applications (HMAC-SM3)
    path("crypto/digest/", v.DigestApi.as_view(), name="crypto-digest"),
    path("crypto/hmac/", v.HmacApi.as_view(), name="crypto-hmac"),
    path("crypto/hmac/verify/", v.HmacVerifyApi.as_view(), name="crypto-hmac-verify"),
    path("crypto/sign/", v.SignApi.as_view(), name="crypto-sign"),
    path("crypto/sign/batch/", v.SignBatchApi.as_view(), name="crypto-sign-batch"),
    path("crypto/verify/", v.VerifyApi.as_view(), name="crypto-verify"),
    path("crypto/verify/batch/", v.VerifyBatchApi.as_view(), name="crypto-verify-batch"),
    path("crypto/encrypt/", v.EncryptApi.as_view(), name="crypto-encrypt"),
    path("crypto/encrypt/batch/", v.EncryptBatchApi.as_view(), name="crypto-encrypt-batch"),
    path("crypto/decrypt/", v.DecryptApi.as_view(), name="crypto-decrypt"),
    path("crypto/decrypt/batch/", v.DecryptBatchApi.as_view(), name="crypto-decrypt-batch"),
    path("crypto/public-key/", v.PublicKeyApi.as_view(), name="crypto-public-key"),
    path("crypto/timestamp/", v.TimestampApi.as_view(), name="crypto-timestamp"),
    path("crypto/timestamp/verify/", v.TimestampVerifyApi.as_view(), name="crypto-timestamp-verify"),
    # management (session / API token)
    path("crypto/applications/", m.ApplicationListCreateApi.as_view(), name="crypto-application-list"),
    path("crypto/applications/<int:pk>/", m.ApplicationDetailApi.as_view(), name="crypto-application-detail"),
    path("crypto/applications/<int:pk>/credentials/", m.ApplicationCredentialsRotateApi.as_view(),
         name="crypto-application-credentials"),
    path("crypto/applications/<int:pk>/keys/", m.KeyListCreateApi.as_view(), name="crypto-key-list"),
    path("crypto/keys/<int:pk>/rotate/", m.KeyRotateApi.as_view(), name="crypto-key-rotate"),
    path("crypto/keys/<int:pk>/disable/", m.KeyDisableApi.as_view(), name="crypto-key-disable"),
    path("crypto/keys/<int:pk>/enable/", m.KeyEnableApi.as_view(), name="crypto-key-enable"),
    path("crypto/keys/<int:pk>/destroy/", m.KeyDestroyApi.as_view(), name="crypto-key-destroy"),
    path("crypto/usage/", m.UsageMonthlyApi.as_view(), name="crypto-usage"),
    path("crypto/certificates/", m.CertificateListIssueApi.as_view(), name="crypto-certificate-list"),
    path("crypto/certificates/tlcp-pair/", m.CertificateTlcpPairApi.as_view(), name="crypto-certificate-tlcp-pair"),
    path("crypto/certificates/<int:pk>/", m.CertificateDetailApi.as_view(), name="crypto-certificate-detail"),
    path("crypto/certificates/<int:pk>/revoke/", m.CertificateRevokeApi.as_view(), name="crypto-certificate-revoke"),
    path("crypto/ca/chain/", m.CaChainApi.as_view(), name="crypto-ca-chain"),
    path("crypto/ca/crl/", m.CrlApi.as_view(), name="crypto-ca-crl"),
]
