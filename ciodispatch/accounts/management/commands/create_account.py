import getpass

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from ciodispatch.accounts import services
from ciodispatch.accounts.models import PROGRAMME_OFFICE_ROLES, Role
from ciodispatch.localgov.codes import InvalidCode, parse_code
from ciodispatch.localgov.models import LocalGovernment


class Command(BaseCommand):
    help = (
        "Create an account with a role and organisation (e.g. the first office administrator). "
        "The password is asked for unless --no-password is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument(
            "--local-government",
            metavar="CODE",
            help="全国地方公共団体コード of the organisation (host and coordinator roles).",
        )
        parser.add_argument("--email", default="")
        parser.add_argument(
            "--no-password", action="store_true", help="Create without a usable password."
        )

    def handle(self, *args, username, role, local_government, email, no_password, **options):
        if role in PROGRAMME_OFFICE_ROLES:
            organisation = services.get_or_create_programme_office(actor=None)
        elif local_government:
            try:
                code = parse_code(local_government).value
            except InvalidCode as exc:
                raise CommandError(str(exc)) from exc
            lg = LocalGovernment.objects.filter(code=code).first()
            if lg is None:
                raise CommandError(
                    f"No local government {code}: run `ciodispatch import_local_governments` first."
                )
            organisation = services.get_or_create_local_government_organisation(lg, actor=None)
        else:
            organisation = None
        password = None
        if not no_password:
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("The passwords differ; nothing was created.")
            try:
                validate_password(password)
            except ValidationError as exc:
                raise CommandError(" ".join(exc.messages)) from exc
        try:
            user = services.create_user(
                username=username,
                role=role,
                organisation=organisation,
                password=password,
                actor=None,
                email=email,
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(f"Created {user.username} ({role}).")
