from .models import DemoDataset


def demo_banner(request):
    """While demo data is loaded, every page says so (the “演示数据” banner)."""
    return {"demo_data_present": DemoDataset.objects.exists()}
