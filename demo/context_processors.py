from targets import freshness

from .models import DemoDataset


def demo_banner(request):
    """While demo data is loaded, every page says so (the “演示数据” banner). Kept under the
    data's version, which a page reads anyway: loading or clearing the demo writes a new one."""
    return {"demo_data_present": freshness.cached("demo-data-present", DemoDataset.objects.exists)}
