"""The ``aixin`` command: the single entry point for people and for compose.

Each module here is a group of subcommands; this one puts them together. The commands
import what they run only when they run, so ``aixin --help`` starts fast.
"""

from __future__ import annotations

import typer

from aixin.commands import audit, compliance, demo, places, registers, service, users, views

app = typer.Typer(help="Aixin (爱心): records for the care of rural left-behind children.",
                  no_args_is_help=True, add_completion=False)
app.command()(service.serve)
app.command()(service.worker)
app.command("beat")(service.beat_command)
app.command("settings")(service.show_settings)
app.command("new-cipher-key")(service.new_cipher_key)
app.command()(service.check)
app.command()(views.projector)
app.add_typer(views.projections_app, name="projections")
app.add_typer(audit.audit_app, name="audit")  # tamper evidence: verify, anchor
app.command("export")(audit.export_command)
app.command("import")(audit.import_command)
app.command("demo")(demo.demo)  # the demo county (演示数据)
app.command("compliance-audit")(compliance.compliance_audit_command)
app.command("claim-national-ids")(registers.claim_national_ids)  # 身份证号码唯一
app.command("import-register")(registers.import_register)  # 花名册/登记表导入
app.add_typer(users.users_app, name="users")  # accounts (账号)
app.add_typer(places.places_app, name="places")  # the register of places (地名册)
