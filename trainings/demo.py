# ruff: noqa: E501, DTZ001
"""Demo data: the 2023 支援者向け研修会 from the seed, the 2022-12-13 case study, an upcoming sample.

Idempotent: everything is keyed on natural keys (programme slug, session number, e-mail).
Registrations are written directly (no e-mails are queued for demo people).

Lecture titles: the seed document is a scan, and three titles carry obvious reading errors,
corrected here from context (and said so in the programme's description): 「ののさこもり」 →
「ひきこもり」, 「オンラインアロー」 → 「オンラインアウトリーチ」, 「制作者」 → 「当事者」.
"""

import random
from datetime import date, datetime, time, timedelta

from django.db.models import Q
from django.utils import timezone

from members.models import FieldOfSupport, Organisation

from .models import (
    Programme,
    Question,
    QuestionnaireAnswer,
    QuestionnaireAnswerItem,
    Registration,
    Session,
)
from .services import questionnaire_questions_ensure

CONTACT = "北九州市 保健福祉局 地域福祉推進課 孤独・孤立対策担当\nTEL：093-582-2060"
VENUE = "AIM 3階 314・315会議室"
ADDRESS = "北九州市小倉北区浅野三丁目8-1"

# Themes as printed in the flyer's curriculum (seed document). Two words garbled by the scan are
# corrected from the report's own photo captions: 「傾聴と対話」 (printed 「昼食と対談」) and
# 「ゲートキーパー」 (printed 「グートキーパー」). Lecturers' names in the scan are unreliable, so
# every lecturer is a clearly marked sample.
CURRICULUM_2023 = [
    (date(2023, 2, 8), "09:15", "10:00", "孤独・孤立対策の現状", "lecture",
     "講師（サンプル）／北九州市 保健福祉局 孤独・孤立対策担当"),
    (date(2023, 2, 8), "10:00", "11:40", "コロナ禍で顕在化した生きづらさを感じる若年女性の課題と支援",
     "lecture", "講師（サンプル）／若年女性支援団体（サンプル）"),
    (date(2023, 2, 8), "11:40", "12:00", "傾聴と対話", "group_work",
     "講師（サンプル）／地域の支援団体（サンプル）"),
    (date(2023, 2, 8), "12:00", "13:40", "生きづらさを感じる人たちの理解～共存と自衛行為～",
     "lecture", "講師（サンプル）／精神保健福祉の専門機関（サンプル）"),
    (date(2023, 2, 9), "08:30", "09:20", "一歩踏み込んで接するために～スタッフのつづの語り",
     "lecture", "講師（サンプル）／若年女性支援団体（サンプル）"),
    (date(2023, 2, 9), "09:20", "10:00", "「ひとりにしない」という支援～伴走型支援とは何か～",
     "lecture", "講師（サンプル）／NPO法人（サンプル）"),
    (date(2023, 2, 9), "10:00", "11:40", "心の健康支援～メンタルヘルスマスター～", "lecture",
     "講師（サンプル）／大学 精神科（サンプル）"),
    (date(2023, 2, 9), "11:40", "12:00", "発達障害への気づきと対応方法", "lecture",
     "講師（サンプル）／発達支援の専門機関（サンプル）"),
    (date(2023, 2, 9), "12:00", "13:40", "困難を抱える人への救済支援", "lecture",
     "講師（サンプル）／子ども総合センター（サンプル）"),
    (date(2023, 2, 10), "08:50", "09:40", "オンラインアウトリーチとは～支援のやり取りのための注意点～",
     "lecture", "講師（サンプル）／若年女性支援団体（サンプル）"),
    (date(2023, 2, 10), "09:40", "10:20", "「見えない」当事者と向き合うため～大人や女性のひきこもり～",
     "lecture", "講師（サンプル）／若年女性支援団体（サンプル）"),
    (date(2023, 2, 10), "10:20", "11:00", "大切な人を支えたい～ゲートキーパー研修～", "lecture",
     "講師（サンプル）／精神保健福祉の専門機関（サンプル）"),
    (date(2023, 2, 10), "11:00", "12:40", "児童虐待の現状と支援の中での気づき", "lecture",
     "講師（サンプル）／子ども総合センター（サンプル）"),
]  # fmt: skip
# Registrations per lecture (75 seats); lectures 2 and 12 were over-subscribed.
DEMAND_2023 = [52, 88, 41, 63, 38, 57, 70, 44, 49, 35, 46, 84, 58]

SURNAMES = [
    "佐藤",
    "鈴木",
    "高橋",
    "田中",
    "伊藤",
    "渡辺",
    "山本",
    "中村",
    "小林",
    "加藤",
    "吉田",
    "山田",
    "佐々木",
    "山口",
    "松本",
    "井上",
    "木村",
    "林",
    "清水",
    "森",
]
SURNAMES_KANA = [
    "さとう",
    "すずき",
    "たかはし",
    "たなか",
    "いとう",
    "わたなべ",
    "やまもと",
    "なかむら",
    "こばやし",
    "かとう",
    "よしだ",
    "やまだ",
    "ささき",
    "やまぐち",
    "まつもと",
    "いのうえ",
    "きむら",
    "はやし",
    "しみず",
    "もり",
]
GIVEN = [
    "陽子",
    "恵",
    "直樹",
    "大輔",
    "美穂",
    "健一",
    "由美",
    "誠",
    "千尋",
    "翔太",
    "真理",
    "裕子",
    "隆",
    "彩",
    "浩二",
    "智子",
    "亮",
    "奈々",
    "修",
    "久美",
]
GIVEN_KANA = [
    "ようこ",
    "めぐみ",
    "なおき",
    "だいすけ",
    "みほ",
    "けんいち",
    "ゆみ",
    "まこと",
    "ちひろ",
    "しょうた",
    "まり",
    "ゆうこ",
    "たかし",
    "あや",
    "こうじ",
    "ともこ",
    "りょう",
    "なな",
    "おさむ",
    "くみ",
]
FREE_ORGS = [
    "（サンプル）地域包括支援センター",
    "（サンプル）社会福祉法人 みどり会",
    "（サンプル）子ども食堂ネットワーク",
    "（サンプル）訪問看護ステーション",
    "（サンプル）就労支援事業所",
    "",
]
TOPICS = [
    "ひきこもり支援の事例",
    "グループワーク",
    "多機関連携の進め方",
    "傾聴の実践",
    "ヤングケアラー",
]
COMMENTS = [
    "様々な分野の講義を受けられて良かった。",
    "講師の話が具体的でわかりやすかった。",
    "定期的に開催してほしい。",
    "他の団体の方と話す時間がもっとほしい。",
    "明日からの支援に活かせそうです。",
]


def _t(value: str) -> time:
    hour, minute = value.split(":")
    return time(int(hour), int(minute))


def _person(i: int, prefix: str) -> tuple[str, str, str]:
    s, g = i % len(SURNAMES), (i * 7 + i // len(SURNAMES)) % len(GIVEN)
    name = f"{SURNAMES[s]} {GIVEN[g]}"
    kana = f"{SURNAMES_KANA[s]} {GIVEN_KANA[g]}"
    return name, kana, f"{prefix}{i:03d}@example.jp"


def _organisations() -> list[Organisation]:
    return list(Organisation.objects.filter(status="member").order_by("pk")[:15])


def _registrations(
    session: Session,
    *,
    count: int,
    prefix: str,
    rng: random.Random,
    orgs: list[Organisation],
    fields: list[FieldOfSupport],
    past: bool,
    opened: datetime,
) -> None:
    confirmed = 0
    position = 0
    for i in range(count):
        name, kana, email = _person(i + session.number * 3, prefix)
        email = email.replace("@", f".s{session.number}@")
        if confirmed < session.capacity:
            roll = rng.random()
            if past:
                state = "cancelled" if roll < 0.04 else ("confirmed" if roll < 0.14 else "attended")
            else:
                state = "cancelled" if roll < 0.05 else "confirmed"
            if state != "cancelled":
                confirmed += 1
            pos = None
        else:
            state = "waitlisted"
            position += 1
            pos = position
        org = orgs[i % len(orgs)] if orgs and i % 3 == 0 else None
        Registration.objects.update_or_create(
            session=session,
            email=email,
            defaults={
                "name": name,
                "kana": kana,
                "phone": "",
                "organisation": org,
                "organisation_name": "" if org else FREE_ORGS[i % len(FREE_ORGS)],
                "field_of_work": fields[i % len(fields)] if fields else None,
                "state": state,
                "position": pos,
                "source": "import" if past and i % 2 else "web",
                "external_id": f"R{session.number:02d}{i:04d}" if past and i % 2 else "",
                "created_at": opened + timedelta(minutes=17 * i + session.number),
                "attended_at": opened + timedelta(days=30) if state == "attended" else None,
                "cancelled_at": opened + timedelta(days=3) if state == "cancelled" else None,
            },
        )
    Session.objects.filter(pk=session.pk).update(confirmed_count=confirmed)


def _questionnaires(session: Session, rng: random.Random) -> None:
    """Sample answers to the programme's (default) questions, every other attendee."""
    questions = questionnaire_questions_ensure(programme=session.programme)
    for registration in session.registrations.filter(state="attended").order_by("pk")[::2]:
        answer, _created = QuestionnaireAnswer.objects.get_or_create(registration=registration)
        for question in questions:
            number: int | None = None
            text = ""
            if question.kind == Question.Kind.SCALE:
                number = rng.choice([3, 4, 4, 5, 5, 5] if question.order == 1 else [3, 4, 4, 5, 5])
            elif question.kind == Question.Kind.CHOICE:
                choices = question.choice_list()
                text = rng.choice([choices[0]] * 3 + choices[1:])
            else:
                text = rng.choice((TOPICS if question.order == 4 else COMMENTS) + ["", ""])
            if number is None and not text:
                continue
            QuestionnaireAnswerItem.objects.update_or_create(
                answer=answer, question=question, defaults={"number": number, "text": text}
            )


def _session(programme: Programme, number: int, **fields: object) -> Session:
    session, _created = Session.objects.update_or_create(
        programme=programme, number=number, defaults=fields
    )
    return session


def seed_demo() -> str:
    rng = random.Random(2023)
    orgs = _organisations()
    fields = list(FieldOfSupport.objects.all())

    programme, _ = Programme.objects.update_or_create(
        slug="2023-shiensha-kenshu",
        defaults={
            "title": "北九州市 孤独・孤立対策 支援者向け研修会",
            "description": (
                "普段の支援に新たな視点を ～孤独・孤立の問題は予防できる～\n"
                "介護・看護、子ども、貧困、障がいなど様々な支援活動を行う方が、孤独・孤立の予防に"
                "つながる気付きや新しい視点を取り込むための研修会です。協議会への参加の有無を問わず"
                "受講できます。カリキュラムから選択して受講できます。\n"
                "（講座名は元資料の読み取り誤りを文脈から補正しています：「ののさこもり」→「ひきこもり」、"
                "「オンラインアロー」→「オンラインアウトリーチ」、「制作者」→「当事者」。）"
            ),
            "venue": VENUE,
            "venue_address": ADDRESS,
            "organiser_contact": CONTACT,
            "fee": "無料",
            "application_opens_on": date(2023, 1, 4),
            "application_closes_on": date(2023, 1, 20),
            "is_published": True,
        },
    )
    opened = timezone.make_aware(datetime(2023, 1, 4, 9, 0))
    for number, (day, start, end, theme, fmt, lecturers) in enumerate(CURRICULUM_2023, start=1):
        session = _session(
            programme,
            number,
            date=day,
            start=_t(start),
            end=_t(end),
            theme=theme,
            format=fmt,
            lecturers=lecturers,
            capacity=75,
        )
        _registrations(
            session,
            count=DEMAND_2023[number - 1],
            prefix="kenshu",
            rng=rng,
            orgs=orgs,
            fields=fields,
            past=True,
            opened=opened,
        )
        _questionnaires(session, rng)

    # The 2022-12-13 case study (31 participants from the council's organisations).
    cs_programme, _ = Programme.objects.update_or_create(
        slug="2022-12-case-study",
        defaults={
            "title": "孤独・孤立対策等連携協議会 ケーススタディ",
            "description": "協議会に所属する団体の支援者が、実際の事例から連携のあり方を学びます。",
            "venue": "北九州市内（サンプル）",
            "organiser_contact": CONTACT,
            "application_opens_on": date(2022, 11, 21),
            "application_closes_on": date(2022, 12, 9),
            "is_published": True,
        },
    )
    cs_session = _session(
        cs_programme,
        1,
        date=date(2022, 12, 13),
        start=time(14, 0),
        end=time(16, 0),
        theme="ケーススタディ：老々介護の経験から考える支援のつながり",
        format="lecture",
        lecturers="NPO法人老いを支える北九州家族の会 副理事長",
        capacity=40,
    )
    for i in range(31):
        name, kana, email = _person(i + 5, "case")
        org = orgs[i % len(orgs)] if orgs else None
        Registration.objects.update_or_create(
            session=cs_session,
            email=email,
            defaults={
                "name": name,
                "kana": kana,
                "organisation": org,
                "organisation_name": "" if org else "（サンプル）協議会参加団体",
                "field_of_work": fields[(i * 3) % len(fields)] if fields else None,
                "state": "attended",
                "position": None,
                "created_at": timezone.make_aware(datetime(2022, 11, 22, 10)) + timedelta(hours=i),
            },
        )
    Session.objects.filter(pk=cs_session.pk).update(confirmed_count=31)

    # An upcoming sample programme, open now, so the registration form can be tried.
    today = timezone.localdate()
    start_day = max(date(2027, 1, 20), today + timedelta(days=30))
    upcoming, _ = Programme.objects.update_or_create(
        slug="sample-upcoming",
        defaults={
            "title": "（サンプル）支援者向け研修会 冬期",
            "description": "動作確認用のサンプル研修会です。実在の研修会ではありません。",
            "venue": VENUE,
            "venue_address": ADDRESS,
            "organiser_contact": CONTACT,
            "application_opens_on": min(today, date(2026, 11, 20)),
            "application_closes_on": start_day - timedelta(days=7),
            "is_published": True,
            "is_sample": True,
        },
    )
    upcoming_sessions = [
        (0, "09:30", "11:00", "孤独・孤立対策の現状と連携プラットフォーム", "lecture", 75, 40),
        (0, "11:15", "12:45", "傾聴と対話（グループワーク）", "group_work", 30, 30),
        (1, "09:30", "11:00", "大切な人を支えたい～ゲートキーパー研修～", "lecture", 75, 20),
        (1, "13:00", "14:30", "オンライン相談の注意点", "online", 100, 12),
    ]
    for number, (offset, start, end, theme, fmt, capacity, demand) in enumerate(
        upcoming_sessions, start=1
    ):
        session = _session(
            upcoming,
            number,
            date=start_day + timedelta(days=offset),
            start=_t(start),
            end=_t(end),
            theme=theme,
            format=fmt,
            lecturers="講師（サンプル）／支援団体（サンプル）",
            capacity=capacity,
            online_url="https://meet.example.jp/sample" if fmt == "online" else "",
        )
        _registrations(
            session,
            count=demand + (3 if number == 2 else 0),
            prefix="next",
            rng=rng,
            orgs=orgs,
            fields=fields,
            past=False,
            opened=timezone.make_aware(datetime(2026, 11, 20, 9)),
        )
    total = Registration.objects.filter(
        Q(session__programme=programme) | Q(session__programme=cs_programme)
    ).count()
    return f"3 programmes, {Session.objects.count()} sessions, {total} past registrations"
