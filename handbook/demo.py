"""Demo content for the お悩みハンドブック: real windows from contacts_verified.csv, plus sample
windows (「サンプル」, no phone number) from member NPOs. Idempotent."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from .models import Category, OpeningHours, Service, Worry
from .services import contacts_load, content_changed

CATEGORIES = [
    ("now", "いま、とてもつらい", "死にたい・消えたいほどつらいとき。今すぐ話せる窓口があります。"),
    ("money", "くらし・お金", "生活費、借金、食べ物、生活保護のこと。"),
    ("work", "しごと", "仕事が見つからない、職場がつらい、辞めたいとき。"),
    ("housing", "住まい", "家賃が払えない、住む所がない、家を出たいとき。"),
    ("family", "家族・子育て", "子育て、夫婦や親子の悩み、家族の世話のこと。"),
    ("youth", "学校・若者", "いじめ、不登校、ひきこもり、若者の居場所。"),
    ("mind", "こころ・からだ", "眠れない、気分が落ち込む、急な病気やけが。"),
    ("lonely", "孤独・孤立", "話し相手がいない、居場所がない、さびしいとき。"),
    ("violence", "暴力・虐待", "家族やパートナーからの暴力、虐待、性暴力。"),
    ("elderly", "高齢・介護", "高齢の家族のこと、介護、認知症。"),
    ("disability", "障がい", "障がいのある本人と家族のこと。"),
    ("foreign", "外国人", "日本語が難しい、外国から来た人のこと。"),
    ("trouble", "法律・トラブル", "契約トラブル、悪質商法、近所やストーカーの相談。"),
]

# (category, text, keywords, synonyms, crisis, tags)
WORRIES: list[tuple[str, str, str, str, bool, tuple[str, ...]]] = [
    (
        "now",
        "死にたいと思ってしまう",
        "死にたい,自殺,しにたい,死ぬ,死のう",
        "もう終わりにしたい,死んだほうがまし,自殺したい",
        True,
        ("suicide",),
    ),
    (
        "now",
        "消えてしまいたい",
        "消えたい,いなくなりたい",
        "誰にも会わずに消えたい,存在を消したい",
        True,
        ("suicide",),
    ),
    (
        "now",
        "生きるのがつらい",
        "生きづらい,生きるのに疲れた,つらい",
        "生きている意味がわからない,生きていたくない",
        True,
        ("suicide", "lonely"),
    ),
    (
        "now",
        "自分を傷つけてしまう",
        "リストカット,リスカ,自傷,切ってしまう",
        "手首を切る,自分を痛めつける",
        True,
        ("suicide", "mind"),
    ),
    (
        "now",
        "家族や知り合いが死にたいと言っている",
        "家族 自殺,友達 死にたい,自殺 心配",
        "身近な人が自殺しそう,友人が死にたがっている",
        True,
        ("suicide",),
    ),
    (
        "now",
        "今すぐ誰かに話を聞いてほしい",
        "話を聞いて,誰かと話したい,聞いてほしい",
        "とにかく話したい,夜中に話せる所",
        False,
        ("suicide", "lonely"),
    ),
    (
        "money",
        "お金がなくて生活が苦しい",
        "お金がない,生活費,貧乏,生活できない,金欠",
        "お金ない,生活が苦しい,お金に困っている,食べていけない",
        False,
        ("money",),
    ),
    (
        "money",
        "生活保護について相談したい",
        "生活保護,保護費,受給",
        "生活保護を受けたい,生保",
        False,
        ("welfare",),
    ),
    (
        "money",
        "借金が返せない",
        "借金,ローン,返済,多重債務,サラ金,取り立て",
        "借金が返せない,督促が来る,自己破産",
        False,
        ("debt",),
    ),
    (
        "money",
        "今日食べる物がない",
        "食べ物がない,食料,フードバンク,ごはん,空腹",
        "ご飯が食べられない,食べる物に困っている,何日も食べていない",
        False,
        ("food", "money"),
    ),
    (
        "money",
        "電気やガスが止められそう",
        "電気,ガス,水道,公共料金,滞納",
        "ライフラインが止まる,料金を払えない",
        False,
        ("money",),
    ),
    (
        "money",
        "税金や保険料が払えない",
        "税金,保険料,国民健康保険,年金,滞納",
        "税金を払えない,国保が払えない",
        False,
        ("money", "legal"),
    ),
    (
        "money",
        "収入が減って先が不安",
        "収入減,減収,給料が減った,家計",
        "お金の先行きが不安,家計が苦しい",
        False,
        ("money", "work"),
    ),
    (
        "work",
        "仕事が見つからない",
        "仕事探し,就職,求職,無職,失業,ハローワーク",
        "働き口がない,就職できない,職がない",
        False,
        ("work",),
    ),
    (
        "work",
        "仕事をやめたい",
        "退職,辞めたい,やめたい,仕事がつらい",
        "会社を辞めたい,仕事辞めたい,もう働けない",
        False,
        ("work", "mind"),
    ),
    (
        "work",
        "職場でパワハラやいじめを受けている",
        "パワハラ,職場いじめ,ハラスメント,上司",
        "上司に怒鳴られる,職場で無視される",
        False,
        ("work", "legal"),
    ),
    (
        "work",
        "仕事をクビになった",
        "解雇,クビ,雇い止め,失業",
        "会社を辞めさせられた,契約を切られた",
        False,
        ("work", "money", "legal"),
    ),
    (
        "work",
        "給料が払われない",
        "未払い,給料未払い,賃金",
        "給料をもらえない,残業代が出ない",
        False,
        ("legal", "work"),
    ),
    (
        "work",
        "長い間働いていなくて不安",
        "ブランク,働いていない,社会復帰",
        "何年も仕事をしていない,働くのが怖い",
        False,
        ("work", "hikikomori"),
    ),
    (
        "housing",
        "家賃が払えない",
        "家賃,滞納,住居確保給付金",
        "家賃を払えない,家賃が高い",
        False,
        ("housing", "money"),
    ),
    (
        "housing",
        "住む所がない",
        "ホームレス,住まいがない,野宿,ネットカフェ",
        "家がない,寝る場所がない,路上生活",
        False,
        ("homeless", "housing"),
    ),
    (
        "housing",
        "家を追い出されそう",
        "立ち退き,退去,追い出される",
        "アパートを出て行けと言われた,住む所を失いそう",
        False,
        ("housing", "legal"),
    ),
    (
        "housing",
        "家を出たいが行く所がない",
        "家出,避難,逃げたい,シェルター",
        "家にいたくない,家から逃げたい",
        False,
        ("housing", "dv", "lonely"),
    ),
    (
        "housing",
        "部屋がごみでいっぱいになっている",
        "ごみ屋敷,片付けられない,ごみ",
        "部屋が片付かない,物が捨てられない",
        False,
        ("community",),
    ),
    (
        "family",
        "子育てがつらい",
        "育児,子育て,育児ノイローゼ,イライラ",
        "子どもにイライラする,育児に疲れた,子育てに自信がない",
        False,
        ("parenting",),
    ),
    (
        "family",
        "ひとり親で生活が苦しい",
        "ひとり親,シングルマザー,母子家庭,父子家庭,養育費",
        "一人で子どもを育てている,シングルで生活が大変",
        False,
        ("parenting", "money"),
    ),
    (
        "family",
        "子どもが夜に急に熱を出した",
        "子ども 熱,小児救急,夜間,子どもの病気",
        "赤ちゃんが熱,子どもが具合が悪い",
        False,
        ("child_health",),
    ),
    (
        "family",
        "夫婦の関係に悩んでいる",
        "夫婦,離婚,夫,妻,けんか",
        "旦那と合わない,離婚したい",
        False,
        ("legal", "dv_soft"),
    ),
    (
        "family",
        "家族の世話で自分の時間がない",
        "ヤングケアラー,家族の世話,介護",
        "親の面倒を見ている,兄弟の世話",
        False,
        ("carer", "youth"),
    ),
    (
        "family",
        "妊娠して不安",
        "妊娠,望まない妊娠,出産",
        "予期せぬ妊娠,赤ちゃんを育てられない",
        False,
        ("parenting",),
    ),
    (
        "family",
        "親との関係がつらい",
        "親,毒親,親子関係,けんか",
        "親とうまくいかない,親がこわい",
        False,
        ("youth", "lonely"),
    ),
    (
        "youth",
        "いじめられている",
        "いじめ,無視,仲間はずれ,いやがらせ",
        "学校でいじめを受けている,クラスで無視される",
        False,
        ("bullying", "child"),
    ),
    (
        "youth",
        "学校に行けない",
        "不登校,登校できない,学校に行きたくない",
        "学校がつらい,学校に行きたくない",
        False,
        ("school", "child"),
    ),
    (
        "youth",
        "息子が部屋から出てこない",
        "ひきこもり,引きこもり,部屋から出ない,家から出ない",
        "子どもがずっと部屋にこもっている,息子がひきこもり,娘が外に出られない",
        False,
        ("hikikomori",),
    ),
    (
        "youth",
        "自分が外に出られない",
        "ひきこもり,外出できない,人に会えない",
        "家から出られない,何年も外に出ていない",
        False,
        ("hikikomori", "lonely"),
    ),
    (
        "youth",
        "勉強する場所やお金がない",
        "学習支援,勉強,塾,進学",
        "勉強を見てほしい,進学のお金がない",
        False,
        ("study", "money"),
    ),
    (
        "youth",
        "若者で将来が不安",
        "若者,将来,進路,ニート",
        "これからどうしていいかわからない,やりたいことがない",
        False,
        ("youth",),
    ),
    (
        "youth",
        "子どもだけど誰かに相談したい",
        "子ども 相談,18歳以下,中学生,高校生,小学生",
        "大人に言えないことがある,先生に言えない",
        False,
        ("child",),
    ),
    (
        "youth",
        "SNSで知らない人とトラブルになった",
        "SNS,ネット,トラブル,画像,脅される",
        "ネットで脅された,写真をばらまかれた",
        False,
        ("police", "child"),
    ),
    (
        "mind",
        "眠れない日が続いている",
        "眠れない,不眠,寝られない,睡眠",
        "夜眠れない,ずっと眠れていない",
        False,
        ("mind",),
    ),
    (
        "mind",
        "気分が落ち込んで何もできない",
        "うつ,落ち込み,やる気が出ない,気分",
        "憂うつ,何もする気がしない,心が疲れた",
        False,
        ("mind",),
    ),
    (
        "mind",
        "不安で胸が苦しくなる",
        "不安,パニック,動悸",
        "不安が止まらない,パニックになる",
        False,
        ("mind",),
    ),
    (
        "mind",
        "お酒やギャンブルがやめられない",
        "アルコール,お酒,ギャンブル,パチンコ,依存症,薬物",
        "飲酒がやめられない,パチンコをやめられない",
        False,
        ("addiction", "mind"),
    ),
    (
        "mind",
        "急に具合が悪くなった",
        "急病,救急車,けが,具合が悪い,病院",
        "救急車を呼ぶか迷う,夜に病院に行きたい",
        False,
        ("emergency",),
    ),
    (
        "mind",
        "病院にかかるお金がない",
        "医療費,病院代,治療費",
        "病院に行けない,薬代が払えない",
        False,
        ("money", "health"),
    ),
    (
        "mind",
        "夜中に不安で誰かと話したい",
        "夜,深夜,眠れない,話したい",
        "夜になるとつらくなる,夜中に電話できる所",
        False,
        ("suicide", "lonely"),
    ),
    (
        "lonely",
        "誰とも話さない日が続いている",
        "孤独,話し相手,会話がない,ひとり",
        "何日も人と話していない,ずっと一人",
        False,
        ("lonely",),
    ),
    (
        "lonely",
        "さびしくてたまらない",
        "さびしい,寂しい,孤独,ひとりぼっち",
        "さみしい,一人がつらい,孤独を感じる",
        False,
        ("lonely",),
    ),
    (
        "lonely",
        "相談できる人がいない",
        "相談相手,頼れる人がいない,誰にも言えない",
        "頼れる人がいない,悩みを言える人がいない",
        False,
        ("lonely", "general"),
    ),
    (
        "lonely",
        "居場所がほしい",
        "居場所,サロン,集まり,カフェ",
        "行ける場所がない,人と会える場所",
        False,
        ("lonely", "community"),
    ),
    (
        "lonely",
        "地域で友だちや仲間をつくりたい",
        "友だち,仲間,地域,ボランティア,つながり",
        "近所に知り合いがいない,人とつながりたい",
        False,
        ("community", "lonely"),
    ),
    (
        "lonely",
        "ひとり暮らしで何かあったら心配",
        "ひとり暮らし,独居,見守り,孤独死",
        "一人で倒れたらどうしよう,見守ってほしい",
        False,
        ("elderly", "community"),
    ),
    (
        "lonely",
        "どこに相談したらいいかわからない",
        "わからない,窓口,相談先,どこに",
        "相談窓口がわからない,何をどこに聞けば",
        False,
        ("general",),
    ),
    (
        "violence",
        "夫やパートナーから暴力を受けている",
        "DV,暴力,殴られる,配偶者,恋人",
        "旦那に殴られる,夫が怖い,パートナーからのDV",
        True,
        ("dv",),
    ),
    (
        "violence",
        "暴言や束縛がつらい",
        "暴言,束縛,モラハラ,精神的DV,お金を渡さない",
        "怒鳴られる,行動を監視される,モラハラ夫",
        False,
        ("dv",),
    ),
    (
        "violence",
        "子どもが虐待されているかもしれない",
        "虐待,児童虐待,通告,泣き声",
        "近所で子どもが虐待されている,子どもがたたかれている",
        True,
        ("abuse",),
    ),
    (
        "violence",
        "親から暴力をふるわれている",
        "虐待,親 暴力,たたかれる,ネグレクト",
        "親に殴られる,家で食事をもらえない",
        True,
        ("abuse", "child"),
    ),
    (
        "violence",
        "性暴力の被害にあった",
        "性暴力,性被害,レイプ,痴漢,性犯罪",
        "無理やり性行為をされた,体を触られた",
        True,
        ("sexual",),
    ),
    (
        "violence",
        "ストーカーにつきまとわれている",
        "ストーカー,つきまとい,待ち伏せ",
        "後をつけられる,しつこく連絡が来る",
        False,
        ("police", "legal"),
    ),
    (
        "violence",
        "高齢の家族が虐待されているかもしれない",
        "高齢者虐待,お年寄り 暴力,介護 虐待",
        "親が施設でたたかれている",
        True,
        ("elderly", "abuse_elder"),
    ),
    (
        "violence",
        "今すぐ身の危険を感じている",
        "危険,助けて,襲われる,殺される",
        "殺されそう,今すぐ助けてほしい",
        True,
        ("danger",),
    ),
    (
        "elderly",
        "親の介護に疲れた",
        "介護疲れ,介護,在宅介護,老老介護",
        "介護がつらい,親の世話に疲れた",
        False,
        ("elderly", "carer"),
    ),
    (
        "elderly",
        "家族が認知症かもしれない",
        "認知症,物忘れ,ぼけ,徘徊",
        "親の物忘れがひどい,同じことを何度も聞く",
        False,
        ("elderly",),
    ),
    (
        "elderly",
        "高齢でひとり暮らしが不安",
        "高齢者,ひとり暮らし,お年寄り,老後",
        "年をとって一人が心細い,老後が不安",
        False,
        ("elderly", "lonely"),
    ),
    (
        "elderly",
        "介護サービスの使い方がわからない",
        "介護保険,ケアマネ,デイサービス,要介護",
        "介護保険の申請方法,ヘルパーを頼みたい",
        False,
        ("elderly",),
    ),
    (
        "elderly",
        "年金だけでは暮らせない",
        "年金,老後資金,高齢 生活費",
        "年金が少ない,老後のお金が足りない",
        False,
        ("money", "elderly"),
    ),
    (
        "disability",
        "障がいがあって生活に困っている",
        "障がい,障害,障害者,手帳",
        "障がいのことで困っている,障害者手帳",
        False,
        ("disability",),
    ),
    (
        "disability",
        "障がいのある家族の将来が心配",
        "障がい 家族,親亡き後,障害児",
        "障がいのある子の将来,親がいなくなった後",
        False,
        ("disability", "parenting"),
    ),
    (
        "disability",
        "発達障がいかもしれない",
        "発達障害,ADHD,自閉症,アスペルガー",
        "発達の特性,こだわりが強い",
        False,
        ("disability", "mind"),
    ),
    (
        "disability",
        "障がいがあっても働きたい",
        "障がい者 就労,作業所,就労支援,A型,B型",
        "障害があって仕事が見つからない",
        False,
        ("disability", "work"),
    ),
    (
        "foreign",
        "日本語が話せなくて困っている",
        "日本語,外国語,通訳,言葉",
        "言葉がわからない,日本語ができない",
        False,
        ("foreign",),
    ),
    (
        "foreign",
        "外国人で生活のことを相談したい",
        "外国人,在留資格,ビザ,留学生,技能実習",
        "外国から来て困っている,ビザのこと",
        False,
        ("foreign", "general"),
    ),
    (
        "foreign",
        "外国人で仕事やお金に困っている",
        "外国人 仕事,外国人 お金,技能実習",
        "外国人で給料がもらえない",
        False,
        ("foreign", "legal"),
    ),
    (
        "trouble",
        "悪質な業者と契約してしまった",
        "悪質商法,契約,クーリングオフ,詐欺,訪問販売",
        "高い物を買わされた,だまされた",
        False,
        ("consumer",),
    ),
    (
        "trouble",
        "ネットで買い物トラブルにあった",
        "通販,ネット 詐欺,返金,定期購入",
        "お金を払ったのに届かない,解約できない",
        False,
        ("consumer",),
    ),
    (
        "trouble",
        "法律のことを相談したい",
        "法律,弁護士,裁判,相続,離婚",
        "弁護士に相談したい,法律相談",
        False,
        ("legal",),
    ),
    (
        "trouble",
        "近所とのトラブルで困っている",
        "近所,騒音,隣人,トラブル",
        "隣がうるさい,近所の人ともめている",
        False,
        ("police", "legal"),
    ),
    (
        "trouble",
        "刑務所から出てきて生活を立て直したい",
        "出所,刑務所,更生,前科",
        "出所後の住まいと仕事",
        False,
        ("reentry", "homeless"),
    ),
    (
        "trouble",
        "性のことやLGBTのことで悩んでいる",
        "LGBT,性的マイノリティ,ゲイ,レズビアン,トランスジェンダー",
        "同性が好き,自分の性がわからない",
        False,
        ("lgbt",),
    ),
    (
        "mind",
        "病気で仕事や生活が続けられない",
        "病気,治療,入院,闘病",
        "病気で働けない,入院で生活が心配",
        False,
        ("health", "money"),
    ),
    (
        "lonely",
        "大切な人を亡くしてつらい",
        "死別,亡くなった,喪失,グリーフ",
        "家族が亡くなってつらい,ペットロス",
        False,
        ("lonely", "suicide_soft"),
    ),
    (
        "work",
        "働いているのに生活が苦しい",
        "ワーキングプア,低収入,非正規,パート",
        "働いてもお金が足りない",
        False,
        ("money", "work"),
    ),
    (
        "youth",
        "ひきこもりの家族のことを相談したい",
        "ひきこもり 家族,8050,親の会",
        "家族がひきこもっている,大人の子どもが働かない",
        False,
        ("hikikomori",),
    ),
]

# Real windows (by their row name in contacts_verified.csv) → the tags they answer.
CONTACT_TAGS: dict[str, tuple[str, ...]] = {
    "110番（警察への緊急通報）": ("danger", "dv", "sexual", "police"),
    "119番（救急・火事）": ("danger", "emergency"),
    "いのちの電話（ナビダイヤル・日本いのちの電話連盟）": ("suicide", "suicide_soft"),
    "自殺予防いのちの電話（フリーダイヤル・日本いのちの電話連盟）": ("suicide",),
    "よりそいホットライン（社会的包摂サポートセンター）": (
        "suicide",
        "lonely",
        "money",
        "dv",
        "sexual",
        "foreign",
        "lgbt",
        "general",
    ),
    "#いのちSOS（NPO法人自殺対策支援センターライフリンク）": ("suicide",),
    "こころの健康相談統一ダイヤル（厚生労働省）": ("suicide", "mind"),
    "児童相談所虐待対応ダイヤル「189」（いちはやく）": ("abuse",),
    "DV相談＋（DV相談プラス・内閣府）": ("dv", "dv_soft"),
    "性犯罪被害相談電話 #8103（ハートさん・警察）": ("sexual",),
    "性犯罪・性暴力被害者のためのワンストップ支援センター #8891（はやくワンストップ）": ("sexual",),
    "【福岡県】性暴力被害者支援センター・ふくおか": ("sexual",),
    "24時間子供SOSダイヤル（文部科学省）": ("bullying", "school", "child"),
    "あなたのいばしょチャット相談（NPO法人あなたのいばしょ）": ("suicide", "lonely"),
    "生きづらびっと（LINE相談）": ("suicide",),
    "北九州いのちの電話（社会福祉法人）": ("suicide", "lonely", "suicide_soft", "mind"),
    "DV相談ナビ #8008（はれれば・内閣府）": ("dv",),
    "【福岡県】配偶者からの暴力相談電話（夜間・休日）": ("dv",),
    "消費者ホットライン 188（いやや・消費者庁）": ("consumer",),
    "法テラス・サポートダイヤル（日本司法支援センター）": ("legal", "debt"),
    "法テラス 多言語情報提供サービス": ("foreign",),
    "警察相談専用電話 #9110": ("police",),
    "救急安心センター #7119（福岡県救急医療電話相談）": ("emergency",),
    "福岡県小児救急医療電話相談 #8000": ("child_health",),
    "チャイルドライン（認定NPO法人チャイルドライン支援センター）": ("child", "bullying"),
    "子どもの人権110番（法務省）": ("bullying", "abuse", "child"),
    "児童相談所相談専用ダイヤル（いちはやく おなやみを）": ("parenting",),
    "北九州市自殺予防こころの相談電話": ("suicide", "mind"),
    "北九州市ひきこもり地域支援センター「すてっぷ」（NPO法人STEP・北九州が受託）": ("hikikomori",),
    "北九州市子ども・若者応援センター「YELL（エール）」（北九州市福祉事業団が受託）": (
        "youth",
        "hikikomori",
        "school",
    ),
    "北九州市消費生活センター": ("consumer",),
    "北九州市子ども総合センター（児童相談所）": ("parenting", "abuse", "school"),
    "北九州市配偶者暴力相談支援センター": ("dv", "dv_soft"),
    "地域包括支援センター（各区役所の統括支援センター）": ("elderly", "abuse_elder", "carer"),
    "北九州市社会福祉協議会（本部）": ("community",),
    "小倉北区社会福祉協議会": ("community", "lonely"),
    "若松区社会福祉協議会": ("community", "lonely"),
    "北九州市コールセンター（市の総合案内）": ("general",),
    "北九州市 テレフォンセンター（救急医療の案内）": ("emergency", "health", "child_health"),
    "認定NPO法人 抱樸（ほうぼく）": ("homeless", "reentry", "money", "lonely"),
    "生活困窮者自立相談支援（各区役所保健福祉課「いのちをつなぐネットワークコーナー」）": (
        "money",
        "work",
        "housing",
        "debt",
        "food",
        "homeless",
    ),
}
_WARD_OFFICE_TAGS = ("general", "elderly", "disability", "parenting", "welfare_ward")
_WELFARE_OFFICE_TAGS = ("welfare", "money")

SAMPLE_WEEKDAYS = [(d, dt.time(10), dt.time(16)) for d in range(5)]
# (name, description, tags, field slug of a member organisation to attach, hours, extra fields)
SAMPLES: list[tuple[str, str, tuple[str, ...], str, list[tuple[int, dt.time, dt.time]], dict]] = [
    (
        "フードバンク 食品の受け取り窓口",
        "食べる物に困っている人に、寄付された食品をお渡しします。",
        ("food", "money"),
        "food",
        [(1, dt.time(13), dt.time(17)), (4, dt.time(13), dt.time(17))],
        {"anonymous_ok": True, "cost": "無料"},
    ),
    (
        "子ども食堂 みんなのテーブル",
        "子どもも大人も一緒に食べられる食堂。ひとりでも来られます。",
        ("food", "child", "lonely", "community"),
        "children-youth",
        [(2, dt.time(17), dt.time(19)), (5, dt.time(11), dt.time(14))],
        {"cost": "子ども無料・大人300円", "age_max": 18},
    ),
    (
        "居場所カフェ ほっと",
        "予約なしで立ち寄れる居場所。話さずに過ごしても大丈夫です。",
        ("lonely", "community", "hikikomori"),
        "hikikomori",
        SAMPLE_WEEKDAYS,
        {"anonymous_ok": True, "cost": "無料"},
    ),
    (
        "就労体験・仕事探しの伴走",
        "長く働いていない人の仕事探しに、スタッフが付き添います。",
        ("work", "hikikomori"),
        "employment",
        SAMPLE_WEEKDAYS,
        {"age_min": 15, "age_max": 64, "cost": "無料"},
    ),
    (
        "住まい探しの相談（居住支援）",
        "保証人がいない、家賃が払えないなど、住まいの困りごとの相談。",
        ("housing", "homeless"),
        "housing",
        SAMPLE_WEEKDAYS,
        {"cost": "無料"},
    ),
    (
        "外国人のくらし相談（やさしい日本語）",
        "やさしい日本語・英語・ベトナム語で生活の相談ができます。",
        ("foreign",),
        "foreigners",
        [(5, dt.time(10), dt.time(15))],
        {"languages": "やさしい日本語・英語・ベトナム語", "cost": "無料"},
    ),
    (
        "介護する家族のつどい",
        "介護をしている家族同士で話し合える集まりです。",
        ("carer", "elderly", "lonely"),
        "elderly-care",
        [(3, dt.time(13, 30), dt.time(15, 30))],
        {"cost": "無料"},
    ),
    (
        "障がいのある人と家族の相談室",
        "福祉サービスの使い方、働くこと、将来のことを相談できます。",
        ("disability",),
        "disability",
        SAMPLE_WEEKDAYS,
        {"cost": "無料"},
    ),
    (
        "ひとり親家庭の応援窓口",
        "ひとり親の生活、仕事、子育ての相談と、食品の支援。",
        ("parenting", "money", "food"),
        "family",
        SAMPLE_WEEKDAYS,
        {"cost": "無料"},
    ),
    (
        "無料学習支援教室",
        "中学生・高校生の勉強を大学生ボランティアが見ます。",
        ("study", "child", "school"),
        "children-youth",
        [(1, dt.time(18), dt.time(20)), (3, dt.time(18), dt.time(20))],
        {"age_min": 12, "age_max": 18, "cost": "無料"},
    ),
    (
        "依存症の家族の会",
        "お酒・ギャンブルなどの問題を抱える家族の集まりです。",
        ("addiction",),
        "mental-health",
        [(5, dt.time(14), dt.time(16))],
        {"anonymous_ok": True, "cost": "無料"},
    ),
    (
        "傾聴ボランティアのおしゃべり会",
        "話を聞いてもらいたい人のための、ゆっくり話せる会。",
        ("lonely", "suicide_soft", "elderly"),
        "elderly-care",
        [(2, dt.time(10), dt.time(12))],
        {"anonymous_ok": True, "cost": "無料"},
    ),
    (
        "不登校の子の親の会",
        "不登校の子どもを持つ保護者同士で話せる会です。",
        ("school", "parenting"),
        "children-youth",
        [(5, dt.time(10), dt.time(12))],
        {"cost": "無料"},
    ),
    (
        "若者のLINE相談",
        "10代・20代のための文字での相談（LINE）。",
        ("youth", "child", "mind", "lonely"),
        "children-youth",
        [(d, dt.time(18), dt.time(22)) for d in range(7)],
        {
            "age_min": 13,
            "age_max": 29,
            "anonymous_ok": True,
            "chat": "LINE（サンプルのためアカウントはありません）",
            "cost": "無料",
        },
    ),
    (
        "ヤングケアラーの相談・交流",
        "家族の世話をしている子ども・若者の相談と交流。",
        ("carer", "youth"),
        "children-youth",
        [(5, dt.time(13), dt.time(16))],
        {"age_max": 29, "cost": "無料"},
    ),
    (
        "くらしの法律相談会",
        "借金、相続、離婚などを弁護士に無料で相談できます（予約制）。",
        ("legal", "debt"),
        "poverty",
        [(2, dt.time(13), dt.time(16))],
        {"cost": "無料（30分）"},
    ),
    (
        "性の多様性の相談",
        "性的マイノリティの本人と家族の相談。",
        ("lgbt",),
        "women",
        [(6, dt.time(14), dt.time(18))],
        {"anonymous_ok": True, "cost": "無料"},
    ),
    (
        "出所した人の生活再建の相談",
        "住まいと仕事の立て直しを一緒に考えます。",
        ("reentry", "housing", "work"),
        "reentry",
        SAMPLE_WEEKDAYS,
        {"cost": "無料"},
    ),
    (
        "病気と暮らしの相談（医療ソーシャルワーカー）",
        "病気や治療費、入院中の生活の相談。",
        ("health", "money"),
        "poverty",
        SAMPLE_WEEKDAYS,
        {"cost": "無料"},
    ),
    (
        "こころの不調の相談（保健師）",
        "眠れない・落ち込むなどの相談を保健師が受けます。",
        ("mind",),
        "mental-health",
        SAMPLE_WEEKDAYS,
        {"cost": "無料"},
    ),
]


def _provider_for(name: str):  # noqa: ANN202
    from members.models import Organisation

    for needle in ("抱樸", "いのちの電話", "社会福祉協議会"):
        if needle in name:
            return Organisation.objects.filter(name__contains=needle).order_by("pk").first()
    for ward in ("門司", "小倉北", "小倉南", "若松", "八幡東", "八幡西", "戸畑"):
        if name.startswith(ward):
            return (
                Organisation.objects.filter(name__contains=f"{ward}区役所").order_by("pk").first()
            )
    return None


def _sample_provider(field_slug: str):  # noqa: ANN202
    from members.models import Organisation

    return (
        Organisation.objects.filter(is_sample=True, fields__slug=field_slug).order_by("pk").first()
    )


def seed_demo() -> str:
    contacts_load()
    categories = {}
    for order, (slug, name, description) in enumerate(CATEGORIES):
        categories[slug], _ = Category.objects.update_or_create(
            slug=slug, defaults={"name": name, "description": description, "order": order}
        )
    worries: list[tuple[Worry, tuple[str, ...]]] = []
    for order, (cat, text, keywords, synonyms, crisis, tags) in enumerate(WORRIES):
        worry, _ = Worry.objects.update_or_create(
            text=text,
            defaults={
                "category": categories[cat],
                "keywords": keywords,
                "synonyms": synonyms,
                "is_crisis": crisis,
                "order": order,
                "is_active": True,
            },
        )
        worries.append((worry, tags))

    tagged: dict[str, list[Service]] = {}
    for service in Service.objects.filter(is_sample=False).exclude(source_key=""):
        tags = CONTACT_TAGS.get(service.source_key, ())
        if service.source_key.endswith("区役所（代表）"):
            tags = _WARD_OFFICE_TAGS
        elif "福祉事務所" in service.source_key:
            tags = _WELFARE_OFFICE_TAGS
        provider = _provider_for(service.source_key)
        if provider is not None and service.provider_id != provider.pk:
            service.provider = provider
            service.save(update_fields=["provider"])
        for tag in tags:
            tagged.setdefault(tag, []).append(service)

    for name, description, tags, field_slug, rows, extra in SAMPLES:
        service, _ = Service.objects.update_or_create(
            name=f"{name}（サンプル）",
            is_sample=True,
            defaults={
                "description": description,
                "provider": _sample_provider(field_slug),
                "phone": "",
                "phone_status": Service.PhoneStatus.UNVERIFIED,
                "closed_on_holidays": True,
                "target": "デモ用のサンプルです。実在しない窓口です。",
                "last_checked": None,
                "is_active": True,
                **extra,
            },
        )
        service.hours.all().delete()
        OpeningHours.objects.bulk_create(
            OpeningHours(service=service, weekday=w, opens=o, closes=c) for w, o, c in rows
        )
        for tag in tags:
            tagged.setdefault(tag, []).append(service)

    for worry, tags in worries:
        linked = {s.pk for tag in tags for s in tagged.get(tag, [])}
        worry.services.set(linked)
    content_changed()
    n_services = Service.objects.filter(Q(is_sample=True) | ~Q(source_key="")).count()
    return (
        f"{len(categories)} categories, {len(worries)} worries, {n_services} services "
        f"({Service.objects.filter(is_sample=True).count()} samples)"
    )
