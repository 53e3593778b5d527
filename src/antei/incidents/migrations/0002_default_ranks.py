"""Seed the four default ranks (the institution can change them)."""

from django.db import migrations

DISTRIBUTION = {1: "頭取、担当役員、経営企画部長、リスク管理部長、システム部長",
                2: "担当役員、経営企画部長、リスク管理部長、システム部長",
                3: "システム部長、所管業務部長", 4: "システム部 当番責任者"}


def seed(apps, schema_editor):
    from antei.incidents.domain.deadlines import DEFAULT_RANKS

    RankPolicy = apps.get_model("incidents", "RankPolicy")
    for p in DEFAULT_RANKS:
        RankPolicy.objects.get_or_create(rank=p.rank, defaults={
            "name": p.name_ja, "name_en": p.name_en, "definition": p.definition_ja,
            "definition_en": p.definition_en, "first_report_minutes": p.first_report_minutes,
            "management_aware_minutes": p.management_aware_minutes,
            "follow_up_minutes": p.follow_up_minutes,
            "regulator_reportable": p.regulator_reportable,
            "distribution": DISTRIBUTION.get(p.rank, ""),
        })


class Migration(migrations.Migration):
    dependencies = [("incidents", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
