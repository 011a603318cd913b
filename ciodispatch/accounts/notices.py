"""The programme office's contact at the foot of every notice mail (notices/kinds.py)."""

from django.utils.translation import gettext as _

from ciodispatch.accounts.models import Organisation
from ciodispatch.notices.kinds import office_contact


@office_contact
def programme_office_contact() -> str:
    office = Organisation.objects.filter(kind=Organisation.Kind.PROGRAMME_OFFICE).first()
    if office is None:
        return ""
    lines = [office.name, office.contact_department]
    if office.contact_email:
        lines.append(_("E-mail: %s") % office.contact_email)
    if office.contact_phone:
        lines.append(_("Telephone: %s") % office.contact_phone)
    return "\n".join(line for line in lines if line)
