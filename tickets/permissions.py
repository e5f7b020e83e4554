"""Who may do what: staff belong to branches, managers also see statistics, superusers act everywhere."""

from .models import Branch, StaffMembership


def is_staff_of(user, branch):
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or StaffMembership.objects.filter(user=user, branch=branch).exists()


def is_manager_of(user, branch):
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or StaffMembership.objects.filter(
        user=user, branch=branch, role=StaffMembership.Role.MANAGER
    ).exists()


def branches_of(user):
    """The branches whose counters ``user`` may work."""
    if not user.is_authenticated or not user.is_active:
        return Branch.objects.none()
    if user.is_superuser:
        return Branch.objects.all()
    return Branch.objects.filter(memberships__user=user)
