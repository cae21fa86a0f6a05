"""Seed the two zones (seed 004 §(二): 互联网区及政务外网区各一套).  Imports no app code."""

from django.db import migrations

ZONES = ("internet", "extranet")


def seed(apps, schema_editor):
    Zone = apps.get_model("cryptosvc", "Zone")
    for code in ZONES:
        Zone.objects.get_or_create(code=code)


def unseed(apps, schema_editor):
    Zone = apps.get_model("cryptosvc", "Zone")
    Zone.objects.filter(code__in=ZONES, applications__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("cryptosvc", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
