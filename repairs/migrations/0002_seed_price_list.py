"""R-PAID-06: the engineering fee schedule's items on every existing property (new properties get them from
the post_save hook in RepairsConfig.ready). Prices stay blank: the seed gives none (R-PAID-04)."""

from django.db import migrations

ITEMS = {
    "install": ["日光灯(单管)", "日光灯(双管)", "导轨灯、普通灯、装饰灯", "电源插座、开关", "装锁", "柜台门", "布电源线"],
    "repair": [
        "换灯泡或灯管",
        "修日光灯或吸顶吊灯",
        "修换开关或插座",
        "校准门铰链",
        "换阀门",
        "管道渗漏维修",
        "管道、地漏疏通",
        "换水龙头",
        "加装水龙头",
        "电话机点线路维修",
    ],
}


def seed(apps, schema_editor):
    Property = apps.get_model("core", "Property")
    PriceItem = apps.get_model("repairs", "PriceItem")
    for prop in Property.objects.all():
        for category, names in ITEMS.items():
            for seq, name in enumerate(names, start=1):
                PriceItem.objects.get_or_create(property=prop, category=category, seq=seq, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("repairs", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
