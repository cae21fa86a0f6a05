from django.urls import path

from wangan.vouchers.api import views

urlpatterns = [
    path("vouchers/", views.VoucherListApplyApi.as_view(), name="voucher-list"),
    path("vouchers/eligibility/", views.EligibilityApi.as_view(), name="voucher-eligibility"),
    path("vouchers/packages/", views.PackageListApi.as_view(), name="voucher-packages"),
    path("vouchers/<int:pk>/", views.VoucherDetailApi.as_view(), name="voucher-detail"),
    path("vouchers/<int:pk>/choose/", views.ChooseApi.as_view(), name="voucher-choose"),
    path("vouchers/<int:pk>/confirm/", views.ConfirmApi.as_view(), name="voucher-confirm"),
    path("vouchers/<int:pk>/sign/", views.SignApi.as_view(), name="voucher-sign"),
    path("vouchers/<int:pk>/manual/", views.ManualApi.as_view(), name="voucher-manual"),
    path("vouchers/<int:pk>/onsite/", views.OnsiteApi.as_view(), name="voucher-onsite"),
    path("vouchers/<int:pk>/onsite-done/", views.OnsiteDoneApi.as_view(), name="voucher-onsite-done"),
    path("vouchers/<int:pk>/report/", views.ReportApi.as_view(), name="voucher-report"),
    path("vouchers/<int:pk>/rate/", views.RateApi.as_view(), name="voucher-rate"),
    path("vouchers/<int:pk>/agreement/verify/", views.AgreementVerifyApi.as_view(), name="voucher-verify"),
]
