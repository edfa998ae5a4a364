"""What the clubs app registers with the kernel: its part of a person's data (export and erasure),
its demo content, and the links to its discussion topics. Imported by ClubsConfig.ready()."""

from django.urls import reverse

from pacte.cache import watch
from pacte.demo import register_demo
from pacte.models.exchanges import ExchangeNetwork, register_topic_url
from pacte.personal_data import register_eraser, register_exporter

from .models import (
    Club,
    ClubMembershipRecord,
    Practice,
    PracticeAdoption,
    PracticePhoto,
    PracticeReply,
    PracticeReport,
)
from .services import clubs_erase, clubs_export


def _topic_url(topic) -> str:
    if topic.organisation_id:
        return reverse("clubs:topic_detail", args=[topic.organisation.slug, topic.pk])
    return reverse("clubs:list")


def _seed_demo(stdout=None):
    from .demo import seed_clubs

    seed_clubs(stdout)


register_exporter("clubs", clubs_export)
register_eraser(clubs_erase)
register_topic_url(ExchangeNetwork.CLUBS, _topic_url)
register_demo(_seed_demo)

# The clubs' public pages are in the anonymous page cache: their writes invalidate it.
watch(Club, ClubMembershipRecord, Practice, PracticePhoto, PracticeAdoption, PracticeReply, PracticeReport)
