"""Progress built through the real services, on a dispatch from tests/dispatches/helpers.py."""

import datetime as dt
import io

from ciodispatch.progress import services
from ciodispatch.progress.models import first_of_month


def kpi_of(dispatch):
    return dispatch.request.kpis.first()


def plan_inputs(dispatch):
    start = dispatch.started_on
    kpi = kpi_of(dispatch)
    goals = [services.GoalInput("オンライン申請を80手続に拡大する", [kpi.pk])]
    milestones = [
        services.MilestoneInput("業務棚卸し完了", start + dt.timedelta(days=20), "企画課 山田"),
        services.MilestoneInput("電子申請10手続公開", start + dt.timedelta(days=120), "DX推進室"),
    ]
    people = [
        services.PersonInput("山田 花子", "企画課 主査", "follower"),
        services.PersonInput("佐藤 一郎", "市民課 窓口", "field"),
    ]
    return goals, milestones, people


def write_plan(dispatch, cio, *, submit=True):
    goals, milestones, people = plan_inputs(dispatch)
    plan = services.save_plan(
        dispatch,
        actor=cio,
        summary="窓口DXと電子申請の拡大",
        goals=goals,
        milestones=milestones,
        people=people,
    )
    return services.submit_plan(plan, actor=cio) if submit else plan


def write_report(dispatch, cio, month=None, *, submit=True, help_needed=False):
    from ciodispatch.progress.models import ActionPlan

    plan = ActionPlan.objects.filter(dispatch=dispatch).first()
    month = month or first_of_month(dispatch.started_on)
    milestones = plan.milestones.all() if plan else []
    progress = [services.ProgressInput(m.pk, "on_track", "順調") for m in milestones]
    report = services.save_report(
        dispatch,
        actor=cio,
        month=month,
        progress=progress,
        blockers="ベンダー調整",
        help_needed=help_needed,
        help_text="標準化の先行事例を紹介してほしい" if help_needed else "",
    )
    return services.submit_report(report, actor=cio) if submit else report


def png_bytes(size=(40, 30), color=(0, 120, 200), exif=False) -> bytes:
    from PIL import Image

    image = Image.new("RGB", size, color)
    out = io.BytesIO()
    if exif:
        data = Image.Exif()
        data[0x010F] = "CameraMaker"  # Make
        data[0x8825] = {1: "N", 2: (35.0, 41.0, 0.0)}  # GPS IFD
        image.save(out, format="JPEG", exif=data)
    else:
        image.save(out, format="PNG")
    return out.getvalue()


def upload(data: bytes, name="win.png", content_type="image/png"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type=content_type)
