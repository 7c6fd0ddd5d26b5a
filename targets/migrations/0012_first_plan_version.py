"""Every district's existing attachment becomes its plan's first version (in force from 2023-01),
with one line per sub-district (its class and 序号) and its headline goals."""

import datetime as dt

from django.db import migrations

FIRST = {
    "beibei": (
        "北碚府办发〔2025〕46号",
        "重庆市北碚区高新技术企业和科技型企业“双倍增”行动计划实施方案（2023—2027年）（修订）",
        dt.date(2025, 8, 28),
    ),
}


def forwards(apps, schema_editor):
    District = apps.get_model("targets", "District")
    PlanVersion = apps.get_model("targets", "PlanVersion")
    PlanLine = apps.get_model("targets", "PlanLine")
    PlanFigure = apps.get_model("targets", "PlanFigure")
    SubDistrict = apps.get_model("targets", "SubDistrict")
    Indicator = apps.get_model("targets", "Indicator")
    for district in District.objects.all():
        subs = list(SubDistrict.objects.filter(district=district))
        if not subs:
            continue
        number, title, issued = FIRST.get(district.slug, (f"{district.name}实施方案", f"{district.name}实施方案", dt.date(2023, 1, 1)))
        version = PlanVersion.objects.create(
            district=district, number=number, title=title, issued=issued, effective=dt.date(2023, 1, 1)
        )
        PlanLine.objects.bulk_create(
            PlanLine(version=version, subdistrict=sub, category=sub.category, seq=sub.seq) for sub in subs
        )
        PlanFigure.objects.filter(subdistrict__district=district).update(version=version)
        if district.slug == "beibei":
            Indicator.objects.filter(kind="headline").update(version=version)


class Migration(migrations.Migration):
    dependencies = [("targets", "0011_map_and_plan_versions")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
