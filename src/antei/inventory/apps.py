from django.apps import AppConfig


class InventoryConfig(AppConfig):
    name = "antei.inventory"
    label = "inventory"
    verbose_name = "inventory"
