from targets.models import DemoDataset

from .scope import role_of


def site(request):
    """What every page's frame needs: the demo banner and the user's role for the menu."""
    return {
        "demo_data_present": DemoDataset.objects.exists(),
        "user_role": role_of(request.user) if hasattr(request, "user") else None,
    }
