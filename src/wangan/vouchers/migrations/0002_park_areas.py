"""Seed data: the "一区多园" of seed 000 §三(一)."""

from django.db import migrations

PARKS = (
    "华苑科技园", "塘沽海洋高新技术产业园区", "北辰科技园", "武清开发区", "渤龙湖科技园", "塘沽海洋科技园",
    "滨海-中关村科技园", "中新生态城", "南开科技园", "武清京滨工业园", "河东金贸产业园区",
    "天津港保税区生物制造产业园", "宝坻京津中关村科技城", "东丽华明高新区",
)  # fmt: skip


def forwards(apps, schema_editor):
    ParkArea = apps.get_model("vouchers", "ParkArea")
    for name in PARKS:
        ParkArea.objects.get_or_create(name=name)


def backwards(apps, schema_editor):
    apps.get_model("vouchers", "ParkArea").objects.filter(name__in=PARKS).delete()


class Migration(migrations.Migration):
    dependencies = [("vouchers", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
