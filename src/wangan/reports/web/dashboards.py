from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from wangan.reports.dashboards import dashboard_for


@login_required
def home(request):
    """Home: one dashboard per role."""
    return render(request, "reports/home.html", dashboard_for(user=request.user))
