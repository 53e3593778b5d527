"""Every installation has the bank calendar: the Banking Act's rules, no overrides yet."""

from django.db import migrations


def create_bank_calendar(apps, schema_editor):
    ServiceCalendar = apps.get_model("calendars", "ServiceCalendar")
    ServiceCalendar.objects.get_or_create(
        code="BANK",
        defaults={"name": "銀行休業日カレンダー", "name_en": "Bank calendar", "is_bank": True,
                  "open_weekdays": [0, 1, 2, 3, 4], "open_on_holidays": False,
                  "open_year_end": False,
                  "description": "銀行法施行令第5条: 土日・祝日・12月31日〜1月3日休業"},
    )


class Migration(migrations.Migration):
    dependencies = [("calendars", "0001_initial")]
    operations = [migrations.RunPython(create_bank_calendar, migrations.RunPython.noop)]
