"""Numbers of the registry pages as pure functions: plain values in, plain values out."""


def difference(registry, logged):
    """Registry minus logged count; None when the month has no logged count (未填报)."""
    if logged is None:
        return None
    return registry - logged


def gap_to_target(current, target):
    """Firms still needed to reach `target`; 0 when reached; None without a target."""
    if target is None:
        return None
    return max(target - current, 0)


def share(part, whole):
    """part / whole as a percentage rounded to one decimal; None when whole is 0."""
    if not whole:
        return None
    return round(100 * part / whole, 1)
