# ruff: noqa: E501
"""Demo: the anonymised case study of the 2022-12-13 session."""

from members.models import FieldOfSupport, Organisation
from trainings.models import Session

from .models import CaseStudy, PathwayStep

PRESENTER_ORG = "老いを支える北九州家族の会"


def _org(name_part: str) -> Organisation | None:
    return Organisation.objects.filter(name__contains=name_part).order_by("pk").first()


def seed_demo() -> str:
    session = Session.objects.filter(programme__slug="2022-12-case-study", number=1).first()
    presenter_org = _org(PRESENTER_ORG)
    case_study, _ = CaseStudy.objects.update_or_create(
        title="老々介護の経験から考える、支援をつなぐタイミング",
        defaults={
            "session": session,
            "presenting_organisation": presenter_org,
            "presenting_organisation_name": ""
            if presenter_org
            else "NPO法人老いを支える北九州家族の会",
            "presenter": "副理事長",
            "summary": (
                "80代の夫が70代の妻を自宅で介護していた事例。夫は「家族のことは家族で」と考え、"
                "数年間だれにも相談せずに介護を続けていた。近所づきあいも減り、買い物以外で外出する"
                "ことがほとんどなくなっていた。家族の会の交流会に参加したことをきっかけに、介護の"
                "負担や孤立感を言葉にできるようになり、地域包括支援センターにつながった。"
            ),
            "lessons": (
                "介護者本人が「支援を受けてよい」と思えるまでには時間がかかる。同じ経験をした人と"
                "話せる場が、相談への最初の一歩になる。"
            ),
            "discussion_notes": (
                "参加者からは「介護者の側の孤立は見えにくい」「支援者側の話も聞いてみたい」との"
                "意見があった。次回は事例を聞いたうえでグループワークを行う。"
            ),
            "feedback": (
                "「老いを支える北九州家族の会の活動がわかった」「立ち会う機会のない貴重な体験を"
                "聞いた」「もっと様々な事例をききたい」"
            ),
            "is_published": True,
            "is_sample": True,
        },
    )
    case_study.fields.set(FieldOfSupport.objects.filter(slug__in=["elderly-care", "family"]))
    steps = [
        (presenter_org, "NPO法人老いを支える北九州家族の会", "介護者の交流会で本人の話を聞き、負担と孤立感を一緒に整理した。"),
        (None, "地域包括支援センター（サンプル）", "介護保険サービスの利用を提案し、ケアマネジャーにつないだ。"),
        (None, "居宅介護支援事業所（サンプル）", "ショートステイとデイサービスで介護者が休める時間を作った。"),
    ]  # fmt: skip
    for order, (org, name, did) in enumerate(steps, start=1):
        PathwayStep.objects.update_or_create(
            case_study=case_study,
            order=order,
            defaults={
                "organisation": org,
                "organisation_name": "" if org else name,
                "what_they_did": did,
            },
        )
    return f"{CaseStudy.objects.count()} case studies"
