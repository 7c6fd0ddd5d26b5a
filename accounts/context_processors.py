from . import scope


def site(request):
    """What every page's frame needs: what the menu may offer this user —
    decided by `accounts.scope`, so templates never compare roles themselves."""
    user = getattr(request, "user", None)
    return {
        "can": {
            "see_district": bool(user) and scope.sees_whole_district(user),
            "edit": bool(user) and scope.is_bureau(user),
            "unlock": bool(user) and scope.can_unlock_accounts(user),
        },
    }
