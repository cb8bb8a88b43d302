"""Background work of the partner app: expiry and notification e-mails."""

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.utils import translation
from django.utils.translation import gettext as _

from partners import services
from partners.models import ContactRelease, ExpressionOfInterest
from portal.mail import MAIL_TASK_OPTIONS


@shared_task(time_limit=300, soft_time_limit=240)
def expire_interests() -> int:
    """Hourly (beat): expire open expressions of interest past their date."""
    return services.interests_expire()


@shared_task(**MAIL_TASK_OPTIONS)
def send_enterprise_question(interest_id: int) -> None:
    """Tell the enterprise a Hong Kong institution is interested and what staff ask."""
    interest = (
        ExpressionOfInterest.objects.select_related("need__enterprise", "partner")
        .filter(pk=interest_id)
        .first()
    )
    if interest is None:
        return
    enterprise = interest.need.enterprise
    with translation.override("zh-hans"):
        subject = _("香港机构对贵单位的技术需求“%(title)s”有合作意向") % {"title": interest.need.title}
        body = _(
            "%(partner)s 对贵单位的技术需求“%(title)s”表达了合作意向。\n\n"
            "交流中心的问题：\n%(question)s\n\n"
            "请登录平台或回复本邮件告知是否同意交换联系方式。"
        ) % {
            "partner": interest.partner.display_name,
            "title": interest.need.title,
            "question": interest.enterprise_question,
        }
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [enterprise.contact_email])


@shared_task(**MAIL_TASK_OPTIONS)
def send_release_notices(release_id: int) -> None:
    """Tell the enterprise that contacts were exchanged with an institution."""
    release = (
        ContactRelease.objects.select_related("need__enterprise", "partner").filter(pk=release_id).first()
    )
    if release is None:
        return
    enterprise = release.need.enterprise
    with translation.override("zh-hans"):
        subject = _("联系方式已交换：%(title)s") % {"title": release.need.title}
        body = _("交流中心已向 %(partner)s 提供贵单位就“%(title)s”的联系方式，请登录平台查看对方联系人。") % {
            "partner": release.partner.display_name,
            "title": release.need.title,
        }
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [enterprise.contact_email])
