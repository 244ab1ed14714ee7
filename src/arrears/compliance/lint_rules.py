"""The message lint's rules, as data: what each rule looks for, why, and what to tell the author.

Each rule is a `LintRule`: a stable id, a severity, the bilingual message a finding carries
(saying what is wrong and citing the source rule), and the regular expressions that find it.
The patterns are matched case-insensitively against zh-Hans, English and mixed text; Chinese
has no word boundaries, so the Chinese patterns are whole phrases, never single characters
that also occur inside harmless words.

`arrears.compliance.lint` compiles these and adds what patterns alone cannot do: negation
("we will not contact your employer" passes), anti-fraud warnings that describe the very
thing they warn about, and the amount and account checks against `MessageFacts`.

Sources cited (see docs/compliance-lint.md):
- 金融机构个人消费类贷款催收工作指引（试行）(China Banking Association, 2026), the rules for
  collecting consumer loans, which this product collects: no violence, coercion, intimidation or
  insult; third parties only to find the debtor, never told of the debt; no collection at night.
  (The credit-card regulation, 商业银行信用卡业务监督管理办法, says the same for cards; a consumer
  loan's message is not held to it, so no finding cites it.)
- 银行保险机构消费者权益保护管理办法 第四十一条: no violence, intimidation or fraud in collection.
- 征信业管理条例 第十六条: negative credit records are kept 5 years after the behaviour ends.
- Reg F 12 CFR 1006.14 (harassment or abuse), 1006.18 (false, deceptive or misleading
  representations), 1006.6(b)(1) (inconvenient times), 1006.6(d) (third parties).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

RuleId = str
"""A stable rule id such as "lint.threat_violence"; stored with reviews, never renamed."""


class Severity(StrEnum):
    """How urgently a finding wants a reviewer; any finding blocks approval."""

    CRITICAL = "critical"  # unlawful on its face: threats, impersonation, fraud risk
    MAJOR = "major"  # unlawful or misleading wording that a rewrite fixes


@dataclass(frozen=True)
class LintRule:
    """One rule of the lint.

    rule_id: stable id.
    severity: see `Severity`.
    message_zh, message_en: what is wrong and why, with the source rule.
    patterns: regular expressions (matched case-insensitively); a match is a finding unless
      a negation or an anti-fraud warning covers it.
    negatable: whether a negation just before the match ("不会", "will not") clears it.
      Insults are not: "别当老赖" is still an insult.
    quoted_in_warnings: whether an anti-fraud warning ("不法分子冒充…要求向个人账户转账")
      may describe the wording without being it.
    consent_allows: whether a sentence about the debtor's consent ("with your written
      permission we may speak with your spouse") makes the wording lawful.
    hedge_allows: whether a sentence that states a lawful possibility ("我司可依法申请强制执行",
      "we may file suit, which a court would decide") makes the wording lawful.
    category: what the wording means (a key of lint_citations.yaml); a finding cites the
      source for that category under the message's profile and product.
    profiles: the compliance profiles the rule applies under; empty: every profile.
    """

    rule_id: RuleId
    severity: Severity
    message_zh: str
    message_en: str
    patterns: tuple[str, ...]
    negatable: bool = True
    quoted_in_warnings: bool = False
    consent_allows: bool = False
    hedge_allows: bool = False
    category: str = ""
    profiles: tuple[str, ...] = ()


_CONSUMER_41 = "《银行保险机构消费者权益保护管理办法》第四十一条"
_GUIDELINE = "《金融机构个人消费类贷款催收工作指引（试行）》"
_CREDIT_16 = "《征信业管理条例》第十六条"

_YOU = r"(?:你|您|其|借款人|债务人)"
_OWN = rf"(?:{_YOU}(?:们)?(?:的|所在的?)?)"

_PARTY_ZH = (
    r"(?:工作单位|单位|领导|老板|上司|同事|人事部?门?|家人|家里人|家属|父母|爸妈|爸爸|妈妈|"
    r"老婆|老公|妻子|丈夫|配偶|孩子|子女|亲戚|亲属|亲友|亲朋好友|朋友|邻居|通讯录|紧急联系人|联系人|"
    r"村委会|居委会|学校|老师|同学|室友|舍友|公司所有人|公司|所有联系人|HR|母亲|父亲)"
)
_PARTY_EN = (
    r"(?:employer|boss|manager|supervisor|hr(?: department)?|human resources|co-?workers?|"
    r"colleagues?|workplace|office|family(?: members?)?|relatives?|parents?|mother|mom|father|"
    r"dad|sisters?|brothers?|siblings?|cousins?|aunt|uncle|grandparents?|in-laws|sons?|daughters?|"
    r"spouse|wife|husband|partner|boyfriend|girlfriend|children|kids|roommates?|flatmates?|"
    r"neighbou?rs?|friends?|contacts|references|church|pastor|landlord|school)"
)
_POSSESSIVE_EN = r"(?:your|his|her|their|(?:the )?(?:debtor|borrower|consumer|customer)'s)"
_CONTACT_EN = (
    r"(?:contact(?:s|ed|ing)?|call(?:s|ed|ing)?|ring(?:s|ing)?|phon(?:e|es|ed|ing)|text(?:s|ed|ing)?|"
    r"e-?mail(?:s|ed|ing)?|messag(?:e|es|ed|ing)|tell(?:s|ing)?|told|inform(?:s|ed|ing)?|"
    r"notif(?:y|ies|ied|ying)|visit(?:s|ed|ing)?|(?:write|writing|wrote) to|reach(?:es|ed|ing)? out to|"
    r"(?:speak|speaking|spoke) (?:to|with)|talk(?:ed|ing)? to|alert(?:s|ed|ing)?|"
    r"(?:show|showing|turn|turning) up at|(?:go|going|went) to)"
)

THREAT_VIOLENCE = LintRule(
    rule_id="lint.threat_violence",
    severity=Severity.CRITICAL,
    message_zh=(
        "含暴力、伤害或人身威胁。催收不得采用暴力、胁迫、恐吓等手段"
        f"（{_GUIDELINE}；{_CONSUMER_41}）。"
    ),
    message_en=(
        "Threatens violence or harm. Collection must not use violence, coercion or intimidation "
        f"({_GUIDELINE}; {_CONSUMER_41}; Reg F 12 CFR 1006.14, use or threat of violence)."
    ),
    patterns=(
        r"(?:打断|打折|砍断|剁了?)(?:你|您|他|她)?的?(?:腿|手|手指|胳膊)",
        r"弄死|整死|打死|砍死|捅死|杀了(?:你|您)|杀(?:你|您)全家|宰了(?:你|您)|废了(?:你|您)",
        r"(?:收拾|修理|教训|揍)(?:你|您)",
        r"(?:泼|喷)(?:红)?油漆|放火|烧了?(?:你|您)的?(?:家|房子|车)",
        r"(?:出门|走路|晚上|路上)小心(?:点|一点|些)?|小心(?:你|您)的?(?:家人|孩子|小孩|安全|腿|命)",
        r"别想好过|不会让(?:你|您)好过|让(?:你|您)好看|吃不了兜着走|有(?:你|您)好受",
        r"后果自负|后果很严重|别怪(?:我们|我)不客气|对(?:你|您)不客气",
        r"(?:保证|保障)不了(?:你|您)的?(?:人身)?安全|人身安全.{0,4}(?:不保|难保)",
        r"非常手段|极端手段|道上的",
        r"(?:知道|掌握|清楚)了?(?:你|您)(?:家|孩子|小孩|父母|老婆|老公)?的?(?:住址|地址|住哪|在哪)",
        r"被车撞|出(?:点)?意外|缺胳膊少腿|横着出来|见血|弄残|残废|让(?:你|您)(?:住院|进医院)",
        r"(?:卸|打断|打折|砍|剁|废)[^，。；！？]{0,4}?(?:腿|胳膊|手|脚)",
        r"兄弟们|弟兄们|信不信我|(?:已经)?(?:在|到)(?:你|您)(?:家)?(?:楼下|门口|家门口)",
        r"带(?:人|兄弟|几个人)(?:上门|过去|去(?:你|您)家)",
        r"(?:也|都)跑不了|一个(?:个|一个)找过去|跑得了和尚|(?:你|您)跑不掉|看(?:你|您)能躲到",
        r"有的是(?:办法|手段|人)|最好别(?:让|逼)(?:我们|我)|亲自上门|(?:你|您)等着瞧?|走着瞧|不会放过(?:你|您)|让(?:你|您)后悔|吃(?:点)?苦头",
        r"\b(?:break|snap) (?:your|his|her) (?:legs?|arms?|fingers?|neck)\b",
        r"\b(?:kill|beat up|shoot|stab) (?:you|your (?:family|kids|children|wife|husband))\b",
        r"\bhurt (?:you|your (?:family|kids|children|wife|husband))\b",
        r"\b(?:someone|somebody|you|your family|people) (?:might|may|could|will|is going to|are going to) get hurt\b",
        r"\bwatch your back\b|\byou(?:'ll| will) (?:regret|be sorry)\b|\bor else\b|\bsee what happens\b",
        r"\b(?:we|we'll|we will|i'll|i will|we're going to|i'm going to) (?:find|track|hunt) you(?: down)?\b|\byou can'?t hide\b|\byou(?:'ve| have) been warned\b",
        r"\b(?:things|this) (?:could|will|might|is going to) get (?:ugly|nasty|messy)\b|\bwe have (?:our )?ways\b|\bwe(?:'re| are) coming for you\b|\byou(?:'ll| will) pay for this\b",
        r"\bmake your life (?:miserable|hell|a living hell)\b",
        r"\bwe know where (?:you|your \w+) (?:live|lives|work|works|go|goes|sleep)\b",
        r"\byou won'?t like what (?:happens|will happen|comes next)\b",
        r"\bsomething (?:bad|terrible|unfortunate) (?:might|may|could|will) happen\b",
        r"\bsend (?:someone|somebody|some guys|people|our guys|a few guys) (?:to|over to|around to) your (?:house|home|place)\b",
        r"\b(?:we|i) can'?t (?:guarantee|promise) your (?:safety|well-being)\b",
        r"\bburn (?:down )?your (?:house|home|car)\b",
        r"\bknows? (?:where you live|your (?:home )?address)\b|\bpay you a (?:little )?visit\b|\bit would be a shame if\b|\baccidents happen\b",
    ),
    category="violence",
)

THREAT_ARREST = LintRule(
    rule_id="lint.threat_arrest",
    severity=Severity.CRITICAL,
    message_zh=(
        "以逮捕、拘留、报警或刑事追究相威胁。逾期欠款是民事纠纷，此类说法不实，属恐吓"
        f"（{_GUIDELINE}；{_CONSUMER_41}）。"
    ),
    message_en=(
        "Threatens arrest, detention, police or criminal prosecution over a civil debt, which is "
        f"false and intimidating ({_GUIDELINE}; {_CONSUMER_41}; Reg F 12 CFR 1006.18, false "
        "representation that non-payment will result in arrest or imprisonment)."
    ),
    patterns=(
        r"逮捕|拘留|拘捕|羁押|刑拘|坐牢|蹲监狱|进监狱|吃牢饭|判刑|抓起来|抓走|抓捕|抓(?:你|您)",
        r"(?:警察|警方|公安|民警|经侦|刑警|派出所|特警).{0,12}?(?:带走|上门|来找|找(?:你|您)|抓|传唤)",
        r"关进去|留(?:下)?案底|定罪|坐班房|到派出所|去派出所|(?:提交|报|交给|送)(?:到)?(?:公安|警方|派出所)",
        r"(?:警察|警方|公安|民警)(?:会|将|就)?(?:来|到)",
        r"报警|报案",
        r"移交(?:给)?(?:公安(?:机关|局)?|警方|司法机关|检察院)",
        r"刑事责任|刑事案件|刑事立案|刑事处罚|追究刑事|刑事追究|刑事诉讼",
        r"(?:涉嫌|构成|属于|犯了?)[^，。；！？]{0,8}?(?:诈骗|犯罪|罪)|(?:是|属于|构成)犯罪|诈骗罪|恶意透支|拒不执行判决",
        r"\b(?:arrest(?:ed)?|jail(?:ed)?|prison|imprison(?:ed|ment)?|locked up|handcuff(?:s|ed)?|detained|detention)\b",
        r"\bcriminal (?:charges?|case|complaint|prosecution|proceedings|investigation|offen[cs]e)\b",
        r"\bprosecut(?:e|ed|ion)\b",
        r"\b(?:report(?:ed|ing)?|notif(?:y|ied)|send|sent|forward(?:ed)?|refer(?:red)?|turn(?:ed)? over|hand(?:ed)? over)\b"
        r"[^.;!?\n]{0,25}?\bto (?:the )?(?:local )?(?:police|sheriff|law enforcement|district attorney|prosecutor|fbi)\b",
        r"\b(?:the )?(?:police|sheriff|law enforcement|authorities) (?:have|has|had|were|was|will be|are being|is being)"
        r" (?:been )?(?:notified|informed|contacted|called|involved)\b",
        r"\b(?:police|sheriff|officers?|deputies) (?:will|are going to|is going to) (?:come|visit|arrive|pick you up|show up)\b",
        r"\b(?:charged with|guilty of|committed|commit(?:ting)?) (?:a )?(?:theft|fraud|crime|felony|misdemeanou?r)\b",
        r"\btheft by deception\b|\bbehind bars\b|\bcops\b|\bwarrants?\b|\bfederal crime\b",
        r"不是民事|走刑事|转(?:为|成)刑事|(?:是|属于|变成)刑事|触犯(?:了)?刑法|刑法第[一二三四五六七八九十百零\d]+条|通缉|网上追逃|在逃人员",
        r"(?:警察|警方|公安|民警)[^，。；！？]{0,12}?(?:定位|追踪|找到|查到|控制|盯上)",
        r"等着进去|(?:要|会|得)进去(?:蹲|坐)|进去(?:蹲|坐)(?:几年|牢)",
        r"\b(?:contacted|notified|alerted|called|informed) (?:the )?(?:authorities|police|law enforcement|district attorney|prosecutors?)\b",
        r"\b(?:the )?(?:authorities|police|law enforcement) (?:are|is) (?:looking into|investigating|after|coming for) you\b",
        r"\b(?:police|sheriff|officers?|deputies) (?:will|are going to|is going to) be at your\b",
        r"\b(?:district attorney|prosecutors?)(?:'s office)? (?:has|have) been (?:notified|informed|contacted)\b|\bfelony\b|\bpolice matter\b",
    ),
    quoted_in_warnings=True,
    category="arrest",
)

INSULT = LintRule(
    rule_id="lint.insult",
    severity=Severity.MAJOR,
    message_zh=f"含侮辱、贬损性用语。催收不得辱骂债务人（{_GUIDELINE}）。",
    message_en=(
        f"Insulting or degrading words. Collectors must not insult the debtor ({_GUIDELINE}; "
        "Reg F 12 CFR 1006.14, obscene, profane or abusive language)."
    ),
    patterns=(
        r"老赖|骗子|废物|垃圾|人渣|败类|畜生|畜牲|王八蛋|混蛋|滚蛋|不要脸|还有脸|无耻|贱人|贱货|"
        r"蠢货|蠢猪|白痴|弱智|傻[逼屄bB]|脑残|猪脑子|狗东西|死皮赖脸|丢人现眼|去死|死全家|穷鬼|"
        r"不是人|听不懂人话|活该|遭报应|不得好死|断子绝孙|天打雷劈|卖血|卖肾|卖身|要不要脸|窝囊废|孬种|缩头乌龟|龟孙|无赖|赖子|下贱|可耻|"
        r"没出息|废柴|神经病|活着有什么用|什么东西|(?:的|个)东西[，。！？,.!?]|丢人|狗(?:东西|日的|娘养)|"
        r"(?:赖账|讨债|穷|死|烂|懒)鬼|(?:没一个|不是个?)好东西",
        r"(?<![A-Za-z])SB(?![A-Za-z])",
        r"脑子有(?:问题|病)|(?:你|您)是猪",
        r"\b(?:deadbeats?|losers?|scum(?:bag)?|idiots?|morons?|stupid|dumb|worthless|pathetic|liars?|"
        r"thie(?:f|ves)|lazy|shameless|freeloaders?|bums?|crooks?|leech(?:es)?|parasites?|dirtbags?|"
        r"low-?life|imbeciles?|retard(?:ed)?|bitch|bastard|assholes?|fuck\w*|shit\w*)\b",
        r"\bpiece of (?:shit|crap|garbage|trash)\b|\bdamn you\b|\bsorry excuse\b|\bgood[- ]for[- ]nothing\b",
        r"\b(?:useless|disgrace|disgraceful|cowards?|clowns?|degenerates?|losers?|rats?|cheats?|lowlifes?|sleaze\w*|embarrassment)\b|\bshame on you\b|\byou should be ashamed\b",
    ),
    negatable=False,
    category="insult",
)

FALSE_LEGAL_STATUS = LintRule(
    rule_id="lint.false_legal_status",
    severity=Severity.CRITICAL,
    message_zh=(
        "虚构诉讼、判决、强制执行等法律状态，或冒充法院、公安、律师。这是欺诈性陈述"
        f"（{_CONSUMER_41}）；如确有诉讼，应由法院依法送达，不由催收短信宣告。"
    ),
    message_en=(
        "Claims a legal status or court action (a filed suit, judgment, warrant, seizure), or poses "
        f"as a court, police or lawyer. That is a deceptive representation ({_CONSUMER_41}; Reg F "
        "12 CFR 1006.18, false representation of the legal status of a debt, of court process, "
        "or that a communication is from an attorney or official)."
    ),
    patterns=(
        r"法院已(?:经)?(?:立案|受理|判决|裁定|开庭|下达|发出|冻结|查封)",
        r"已(?:经)?(?:向法院|在法院)?(?:正式)?(?:起诉|提起诉讼|立案|提交起诉|申请强制执行|进入(?:诉讼|执行|司法)程序)",
        r"传票|判决书|裁定书|执行通知书|开庭|(?:被|成为)被告|强制执行|缺席判决|法院公告|(?:已经?|被)(?:起诉|立案|判决)",
        r"(?:冻结|查封|扣押|拍卖|划扣)(?:你|您)?的?(?:银行卡|银行账户|账户|资产|财产|房子|房产|车|车辆|工资|微信|支付宝)",
        r"(?:房子|房产|车子?|车辆|财产|资产|工资|银行卡|账户)[^，。；！？]{0,6}?(?:被)?(?:查封|冻结|扣押|拍卖)",
        r"扣(?:你|您)?的?工资|扣发工资|协助扣(?:款|工资|薪)",
        r"失信被执行人|限制高消费|纳入失信|(?:诉前|财产)?保全",
        r"(?:火车票|机票|高铁|飞机|动车)[^，。；！？]{0,6}?(?:买不了|坐不了|不能坐|不能买|限制|受限)",
        r"\b(?:lawsuit|suit|complaint|case|legal action|legal proceedings|litigation)\b(?: against you)?"
        r" (?:has|have) (?:already )?(?:been )?(?:filed|commenced|begun|started|initiated|brought)\b",
        r"\b(?:we|our client|our attorneys?|the creditor) (?:have|has) (?:already )?(?:filed|brought|commenced) (?:a )?(?:lawsuit|suit|complaint|legal action)\b",
        r"\byou (?:have been|were|are being|will be|are going to be) (?:sued|served)\b|\bserved with (?:papers|a summons|court papers)\b",
        r"\b(?:warrants?|subpoena(?:ed)?|summons)\b",
        r"\b(?:obtained|entered|issued|granted) (?:a )?(?:default )?judg(?:e)?ment\b|\bjudg(?:e)?ment (?:has been |was )(?:entered|obtained|issued|granted)\b",
        r"\b(?:garnish(?:ed|ing|ment)?|seize|seizure|repossess(?:ion)?|liens?|levy)\b",
        r"\bfreeze (?:your )?(?:bank )?(?:accounts?|assets)\b|\btake (?:your|the) (?:house|home|car|property)\b",
        r"\b(?:payroll|wage|salary) deductions?\b|\bdeduct\w* (?:it )?from your (?:wages|salary|pay(?:check)?)\b",
        r"\bcourthouse\b|\bcourt (?:officers?|papers)\b|\bpending lawsuit\b|\b(?:lawsuit|legal action|proceedings|litigation) (?:is|are) (?:now )?(?:pending|underway|in progress)\b",
        r"\bcourt order(?:ed)?\b|\bordered to appear\b|\bappear in court\b|\bcourt date\b|\bcase number\b",
    ),
    quoted_in_warnings=True,
    hedge_allows=True,
    category="fake_legal",
)

IMPERSONATION = LintRule(
    rule_id="lint.impersonation",
    severity=Severity.CRITICAL,
    message_zh=f"冒充法院、公安、检察院、政府机关或律师。这是欺诈性陈述（{_CONSUMER_41}）。",
    message_en=(
        f"Poses as a court, the police, a government body or a lawyer. That is a deceptive representation ({_CONSUMER_41}; "
        "Reg F 12 CFR 1006.18(b), false representation of government affiliation or that the collector is an attorney)."
    ),
    patterns=(
        r"(?:法院|公安局|派出所|检察院)(?:的)?(?:执行庭|执行局|经侦|工作人员|法官|警官)",
        r"(?:我们?是|这里是|(?:我们?)?这边是|本人是)[^，。；！？]{0,12}?(?:法院|公安|派出所|检察院|律师事务所|律所|警察|民警|警官|法官|律师|执行局|经侦)",
        r"【[^】]{0,12}(?:法院|公安|检察院|派出所)[^】]{0,6}】",
        r"\b(?:this is|i am|i'm|my name is \w+,?) (?:officer|detective|deputy|sergeant|judge|agent)\b",
        r"(?:\b(?:this is|we are|we're|i am|i'm|calling from|call from|message from|letter from|notice from|on behalf of)|^from) the (?:(?:county|city|state|district|superior|federal|local|municipal|circuit) )?"
        r"(?:sheriff(?:'s)?(?: department| office)?|police(?: department)?|court(?:house)?|district attorney(?:'s office)?|attorney general)\b",
        r"\blegal department of the (?:\w+ )?court\b",
        r"\blaw (?:offices?|firm) of\b|\b(?:we are|we're|this is) (?:a |the )?law (?:firm|office)\b",
    ),
    quoted_in_warnings=True,
    category="impersonation",
)

BORROW_TO_PAY = LintRule(
    rule_id="lint.borrow_to_pay",
    severity=Severity.MAJOR,
    message_zh=f"诱导借款人借新还旧、以贷还贷或向他人借钱还债（{_GUIDELINE}）。",
    message_en=(
        f"Pressures the borrower to borrow elsewhere to pay ({_GUIDELINE}; Reg F 12 CFR 1006.22(a), unfair means)."
    ),
    patterns=(
        r"以贷养贷|以贷还贷|借新还旧|拆东墙补西墙",
        r"(?:去|找|向|跟|问)[^，。；！？]{0,10}?(?:借|贷|套现)[^，。；！？]{0,10}?(?:还|给|填|转|凑|先)",
        r"(?:借|去借|找|用|下载?|刷|撸|申请)[^，。；！？]{0,6}?(?:网贷|口子|高利贷|花呗|借呗|小额贷款|小贷|信用卡)"
        r"[^，。；！？]{0,12}?(?:还|填|凑|给|转)|套现",
        r"\b(?:take out|get|borrow|use)\b[^.;!?\n]{0,25}?\b(?:payday loan|cash advance|title loan|another loan|loan app|credit card|new loan)\b",
        r"\bborrow(?:ing)? (?:it |the money |money )?from\b|\bmax out\b|\bpawn\b",
    ),
    negatable=True,
    category="borrow",
)

REGF_OVERSHADOWING = LintRule(
    rule_id="lint.regf_overshadowing",
    severity=Severity.CRITICAL,
    message_zh="削弱或淹没借款人在核实期内提出异议的权利（美国《Regulation F》12 CFR 1006.38(b)）。",
    message_en="Overshadows the consumer's right to dispute during the validation period (Reg F 12 CFR 1006.38(b)).",
    patterns=(
        r"\bdisput\w*[^.;!?\n]{0,40}?\b(?:(?:will|does|do|is|are|would|was|were) not|won'?t|cannot|can'?t|never|no longer)\b"
        r"(?!\s+(?:affect|harm|hurt|change your|be held|count|have to pay|need to pay|be reported))",
        r"\bdisput\w*[^.;!?\n]{0,40}?\b(?:ignored|only delay\w*|cost you|lose|worse|refusal|treated as|accompanied by|expired|report you)\b",
        r"\b(?:no|not accept\w*|cannot|can'?t|don'?t bother|forget|ignore|never mind)\b[^.;!?\n]{0,30}?\b(?:disput\w*|validation|30 days|thirty days)\b",
        r"\b(?:pay|payment)\b[^.;!?\n]{0,30}?\b(?:before|regardless of|even if)\b[^.;!?\n]{0,30}?\bdisput\w*",
        r"\bwithin (?:\d+|one|two|three|five|seven|ten) days? or\b",
        r"\b(?:validation|dispute|30-day|thirty-day) period\b[^.;!?\n]{0,20}?\b(?:does not matter|doesn'?t matter|is not relevant|is irrelevant)\b"
        r"|\bdo not wait for the (?:30|thirty)",
        r"\bfirst you must pay\b|\bmust pay (?:first|before)\b|\bwhatever the (?:notice|letter) says\b|\beven if you (?:plan to |want to |intend to )?disput",
        r"(?:不接受|不受理|无需理会|不必理会|不能提出|无权提出)[^，。；！？]{0,6}?异议|异议[^，。；！？]{0,8}?(?:无效|没用|不予受理)",
    ),
    negatable=False,
    category="regf_overshadowing",
    profiles=("us-regf",),
)

THIRD_PARTY_PRESSURE = LintRule(
    rule_id="lint.third_party_pressure",
    severity=Severity.CRITICAL,
    message_zh=(
        "借助单位、家人、同事、邻居或通讯录联系人向借款人施压，或向其透露欠款。不得向与债务无关的"
        f"第三人催收（{_GUIDELINE}）；第三方只可用于联系借款人本人，且不得告知欠款。"
    ),
    message_en=(
        "Puts pressure on the borrower through an employer, family, colleagues, neighbours or "
        "contacts, or discloses the debt to them. Collection from third parties unrelated to the "
        f"debt is forbidden ({_GUIDELINE}; Reg F 12 CFR 1006.6(d), communications with third "
        "parties, and 1006.14)."
    ),
    patterns=(
        rf"(?:通知|告知|告诉|联系|打电话给|打给|致电|找|拜访|上门找|发函给|发短信给|发到|发给|催|通报|曝光给)了?"
        rf"{_OWN}?\s*(?:紧急联系人|{_PARTY_ZH})",
        rf"(?:请|让|叫|托|找){_OWN}?(?:{_PARTY_ZH})+[^，。；！？]{{0,6}}?(?:转告|转达|帮忙|督促|劝|催)",
        rf"(?:给|向|跟|和){_OWN}?[^，。；！？]{{0,6}}?{_PARTY_ZH}[^，。；！？]{{0,4}}?"
        r"(?:打电话|发短信|发函|发信息|说明|告知|透露|通报|催收|催款|讲|聊|谈|说|反映)",
        rf"{_PARTY_ZH}的?(?:电话|号码|联系方式)[^，。；！？]{{0,4}}(?:都有|都在|掌握)",
        rf"(?:去|到|上){_YOU}(?:们)?的?(?:单位|公司|学校|老家|村里|小区)",
        rf"让{_OWN}?(?:{_PARTY_ZH})+[^，。；！？]{{0,3}}?(?:都)?(?:知道|看看|看到|评评理)",
        rf"(?:{_PARTY_ZH})+(?:也|都)跑不了|(?:父债子还|替(?:你|您)还)",
        rf"\b{_CONTACT_EN}\s+(?:all\s+)?(?:of\s+)?{_POSSESSIVE_EN}\s+(?:\w+\s+)?{_PARTY_EN}\b",
        rf"\b(?:tell|told|inform|notify|warn)\w*\s+(?:everyone|everybody|people|all)\s+(?:at|in|from)\s+{_POSSESSIVE_EN}\s+\w+",
        rf"\b{_POSSESSIVE_EN}\s+(?:\w+\s+)?{_PARTY_EN}\s+(?:will\s+)?(?:knows?|finds? out|hears?|learns?|will be (?:told|informed|notified|contacted|held responsible|liable))\b",
        r"\bcall(?:s|ed|ing)? you at (?:work|your (?:work|job|office|workplace))\b",
        rf"\b(?:discuss|share)\w*\s+(?:this|the|your)\s+(?:debt|account|balance|matter)\s+with\s+{_POSSESSIVE_EN}\s+{_PARTY_EN}\b",
    ),
    consent_allows=True,
    category="third_party",
)

UNOFFICIAL_PAYMENT = LintRule(
    rule_id="lint.unofficial_payment",
    severity=Severity.CRITICAL,
    message_zh=(
        "要求向个人账户或官方渠道以外的方式还款。款项可能无法入账，且属欺诈风险"
        f"（{_CONSUMER_41}）；只可引导借款人使用贷款机构的官方还款渠道。"
    ),
    message_en=(
        "Asks for payment into a personal account or through anything other than the lender's "
        f"official channels: the money may never reach the loan, and it is a fraud risk ({_CONSUMER_41}; "
        "Reg F 12 CFR 1006.18, false, deceptive or misleading means)."
    ),
    patterns=(
        r"(?:个人|私人)(?:的)?(?:账户|账号|帐户|帐号|银行卡|卡|微信|支付宝|收款码|二维码)",
        r"(?:转|打|汇|付|还)(?:账|款|钱)?(?:到|给|进|入)(?:我|本人|这张卡|下面的?卡|以下账户)",
        r"(?:加|添加)我(?:的)?(?:微信|QQ)|代还|私下(?:还款|转账|结清|交易)",
        r"(?:现金|钱款)(?:交给|给)(?:上门人员|外访人员|催收员|业务员|我)|(?:交|付|收)现金|现金(?:还款|支付|交|付)",
        r"(?:催收员|业务员|外访员|专员|经理|员工|工作人员|我)(?:本人|个人)?的?[\u4e00-\u9fff]{0,4}?(?:银行卡|账户|账号|微信|支付宝|收款码)",
        r"\bpersonal (?:bank )?(?:account|card|cash ?app|venmo|paypal|zelle|wallet)\b",
        r"\b(?:gift ?cards?|itunes cards?|google play(?: gift)? cards?|steam cards?|prepaid (?:debit )?cards?|bitcoin|crypto(?:currency)?|usdt|western union|moneygram)\b",
        r"\b(?:in cash|cash payment|pay (?:in )?cash|cash to (?:our|the|my) (?:agent|collector|representative))\b",
        r"\bpayable to me\b|\b(?:directly to me|to me directly|to me personally|me personally)\b",
        r"(?<![\w$])\$[A-Za-z][A-Za-z0-9_]{2,}",
        r"\b(?:venmo|zelle|cash ?app|paypal)\s+(?:it\s+)?(?:to\s+)?me\b|\bmy (?:venmo|zelle|cash ?app|paypal)\b",
    ),
    quoted_in_warnings=True,
    category="personal_account",
)

AMOUNT_MISSTATED = LintRule(
    rule_id="lint.amount_misstated",
    severity=Severity.MAJOR,
    message_zh=(
        f"夸大欠款或费用的增长（如“翻倍”）。不得虚假陈述欠款金额（{_CONSUMER_41}），"
        "罚息与费用只可按合同如实说明。"
    ),
    message_en=(
        "Exaggerates how the debt or its fees grow (\"double\", \"triple\"). The amount of a debt "
        f"must not be misstated ({_CONSUMER_41}; Reg F 12 CFR 1006.18, false representation of "
        "the amount of a debt); state penalty interest and fees as the contract sets them."
    ),
    patterns=(
        r"翻了?(?:一|两|几|十|数)?(?:倍|番)",
        r"(?:涨|滚|变|增加|翻)(?:到|成|了)?(?:原来的)?(?:两|三|四|五|十|几|数)倍",
        r"(?:滚|涨|翻|变)(?:到|成)了?[^，。；！？]{0,6}?(?:万|千)多?",
        r"利滚利|(?:的|是|成|到|达)(?:两|三|四|五|六|七|八|九|十|几|数|好几)倍",
        r"\b(?:doubled?|doubles|tripled?|triples|quadrupled?|quadruples|tenfold|ten times)\b(?![- ]?check)",
        r"\b(?:two|three|four|five|six|ten|twenty|\d+) times (?:what you owe|the (?:amount|balance|debt|principal|loan)|as much)\b",
        r"\b(?:balloon|skyrocket|explode|snowball)(?:s|ed|ing)?\b",
    ),
    category="inflated_amount",
)

PUBLIC_EXPOSURE = LintRule(
    rule_id="lint.public_exposure",
    severity=Severity.CRITICAL,
    message_zh=(
        "威胁曝光、公示欠款或列入“黑名单”。属恐吓并泄露个人信息"
        f"（{_GUIDELINE}；{_CONSUMER_41}）。按《征信业管理条例》如实报送逾期记录是合法的，"
        "但不得以公开曝光相威胁。"
    ),
    message_en=(
        "Threatens to publish the debt, expose the borrower publicly or put them on a 'blacklist'. "
        f"That is intimidation and a disclosure of personal data ({_GUIDELINE}; {_CONSUMER_41}; "
        "Reg F 12 CFR 1006.14, publication of a list of consumers who allegedly refuse to pay). "
        "Saying that overdue records are reported to the credit reference centre is lawful."
    ),
    patterns=(
        r"曝光|公示|公开(?:你|您)|挂(?:到|在)网上|张贴|大字报|黑名单|广播|登报|悬赏|通缉|社会性死亡|社死|"
        r"身败名裂|人尽皆知|上(?:电视|报纸|新闻)|(?:报纸|公众号)上|海报|贴满|横幅|传单",
        r"发(?:到|在|进)[^，。；！？]{0,8}?(?:朋友圈|微博|抖音|快手|网上|微信群|群里)",
        r"(?:微信群|朋友圈|群里)(?:里)?发(?:了)?|催收公告",
        r"让(?:所有人|大家|全世界|全村|全小区)(?:都)?知道|公告栏|(?:名字|照片|头像|身份证)[^，。；！？]{0,6}?(?:出现在|贴在|挂在|登在)",
        r"\b(?:post|publish|share|put|plaster|broadcast)\w*\b[^.;!?\n]{0,30}?\b(?:on|in|to|at)\s+"
        r"(?:facebook|instagram|twitter|tiktok|wechat|social media|the internet|online|our website|the newspaper|the news|the local paper)\b",
        r"\b(?:publish|post)\w*\s+(?:a |the |our )?list of\b|\blist of (?:defaulters|debtors|deadbeats|bad debtors|delinquent)",
        r"\bpublic (?:registry|register|list|database|notice board)\b|\bregistry of (?:defaulters|debtors|deadbeats)\b",
        r"\b(?:facebook|instagram|tiktok|twitter|social media|linkedin|blogs?|forums?|posters?|flyers?)\b|\bpublicly\b",
        r"\b(?:blacklist(?:ed)?|black list|wall of shame|name and shame|shame you|expose you|expose your (?:debt|name))\b",
        r"\beveryone (?:will )?(?:knows?|find out|sees?)\b|\bnewspaper\b|\bbillboard\b",
    ),
    category="third_party",
)

NIGHT_CONTACT = LintRule(
    rule_id="lint.night_contact",
    severity=Severity.MAJOR,
    message_zh=(
        f"威胁在夜间（22:00–08:00）联系或骚扰。未经债务人同意不得在此时段催收（{_GUIDELINE}）。"
    ),
    message_en=(
        "Threatens contact at night. No collection between 22:00 and 08:00 without the debtor's "
        f"consent ({_GUIDELINE}); in the US none before 8 a.m. or after 9 p.m. local time "
        "(Reg F 12 CFR 1006.6(b)(1)), and calls meant to harass are forbidden (1006.14)."
    ),
    patterns=(
        r"(?:每晚|每天晚上|天天晚上|每个晚上|半夜|深夜|凌晨|夜里|午夜|通宵|日夜|"
        r"(?:今晚|晚上|夜里|夜间)(?:十|十一|十二|10|11|12|22|23|24)点|(?:二十四|24)小时)"
        r"[^，。；！？]{0,12}?(?:打电话|打给|致电|联系|上门|拜访|找(?:你|您)|呼叫|轰炸|发短信|来电|去(?:你|您)家|堵(?:你|您)|等(?:你|您)|继续打|接着打|一直打|不停地?打|打到)",
        r"(?:打电话|打给|致电|联系|上门|拜访|找(?:你|您)|呼叫|轰炸|发短信)[^，。；！？]{0,8}?"
        r"(?:每晚|每天晚上|天天晚上|半夜|深夜|凌晨|夜里|午夜|通宵|日夜)",
        r"\b(?:call|calls|calling|called|ring|ringing|phone|phoning|text|texting|visit|visiting|contact|contacting|knock|show up|come by)\b"
        r"[^.;!?\n]{0,40}?\b(?:every night|each night|all night|nightly|at night|late at night|in the middle of the night|midnight|"
        r"around the clock|day and night|night and day|24/7|(?:12|[1-5]) (?:o'clock )?in the morning|after (?:9|10|11)(?::\d\d)?\s*p\.?m\b\.?|(?:1[01](?::\d\d)?\s*p\.?m\b\.?|(?:12|[1-5])(?::\d\d)?\s*a\.?m\b\.?))",
        r"\b(?:every night|each night|all night|nightly|in the middle of the night|at midnight|around the clock|day and night)\b"
        r"[^.;!?\n]{0,20}?\b(?:calls?|calling|visits?|texts?|knock)\b",
    ),
    category="night",
)

CREDIT_MISSTATEMENT = LintRule(
    rule_id="lint.credit_misstatement",
    severity=Severity.MAJOR,
    message_zh=(
        "夸大征信后果（“终身”“一辈子”、殃及子女等）。不良信息自不良行为终止之日起保存5年"
        f"（{_CREDIT_16}），不影响子女；如实说明逾期可能报送征信是合法的。"
    ),
    message_en=(
        "Overstates the credit consequences (a record 'for life', harm to the borrower's children). "
        f"Negative records are kept 5 years after the behaviour ends ({_CREDIT_16}); in the US most "
        "for 7 years. A plain statement that late payments may be reported is lawful (Reg F 12 CFR "
        "1006.18, false representation)."
    ),
    patterns=(
        r"(?:一辈子|终身|永久|永远|终生)[^，。；！？]{0,8}?(?:征信|信用|贷款|贷不了|借不到|记录|污点|黑户)",
        r"(?:征信|信用|记录)[^，。；！？]{0,8}?(?:一辈子|终身|永久|永远|终生)",
        r"黑户|(?:孩子|子女|家人|父母|配偶|老婆|老公)的?(?:征信|信用)",
        r"(?:孩子|子女|家人)[^，。；！？]{0,10}?(?:上学|学校|考公|公务员|政审|入学|参军|就业)[^，。；！？]{0,6}?(?:受影响|影响|过不了|上不了|考不了)",
        r"(?:孩子|子女)[^，。；！？]{0,6}?(?:上不了|考不了|进不了)(?:好)?(?:学|大学|学校|公务员)",
        r"\b(?:kids|children|family|spouse|wife|husband|parents)(?:'s?|’s?)? credit\b",
        r"\bcredit\b[^.;!?\n]{0,40}?\b(?:forever|for life|permanently|for the rest of your life)\b",
        r"\b(?:forever|permanently)\b[^.;!?\n]{0,30}?\bcredit\b",
        r"\bnever (?:be )?(?:able to )?(?:get|obtain|qualify for|be approved for|approved for|borrow)\b[^.;!?\n]{0,20}?\b(?:loans?|credit|mortgages?|cards?)\b",
    ),
    category="credit",
)

RULES: tuple[LintRule, ...] = (
    THREAT_VIOLENCE,
    THREAT_ARREST,
    INSULT,
    FALSE_LEGAL_STATUS,
    THIRD_PARTY_PRESSURE,
    UNOFFICIAL_PAYMENT,
    AMOUNT_MISSTATED,
    PUBLIC_EXPOSURE,
    NIGHT_CONTACT,
    CREDIT_MISSTATEMENT,
    IMPERSONATION,
    BORROW_TO_PAY,
    REGF_OVERSHADOWING,
)
"""Every rule, in the order findings of equal position are reported."""

RULES_BY_ID: dict[RuleId, LintRule] = {rule.rule_id: rule for rule in RULES}

# Negation and anti-fraud warnings. A negation cue clears a match that follows it in the same
# clause; a restart ("we", "我们", a comma, "就") opens a new clause, so "如果您不还款，我们就通知
# 您的家人" and "if you do not pay we will call your boss" are still findings.
NEGATION_CUES = (
    r"不会|不得|不能|不可|绝不|决不|从不|从未|并未|未曾|没有|无需|不必|不需要|不要|严禁|禁止|切勿|请勿|勿|"
    r"是否|会不会|能否|\b(?:whether|asked if|asks if|asking if)\b|"
    # a bare 不 or 未, but not where it means something else (不断 constantly, 不然 otherwise)
    # or conditions the threat (不还 "if you don't pay")
    r"(?:不|未)(?!断|停|然|管|论|仅|但|过|少|久|还|交|处理|配合|理|接|回)|没(?!完)|"
    r"\b(?:not|never|no|no one|nobody|neither|nor|without|cannot|refrain from|avoid|stop|cease)\b(?!\s+(?:pay|paid|respond|received|resolved|answer))|"
    r"\b(?:don|doesn|didn|won|wouldn|can|couldn|shouldn|isn|aren|wasn|weren|haven|hasn)(?:'|’)?t\b"
    r"(?!\s+(?:pay|paid|respond|received|resolved|answer))"
)
CLAUSE_RESTARTS = (
    r"[，,;；:：]|我们|我司|我|就|则|否则|不然|便|那么|的话|到时候|届时|"
    r"\b(?:we|we'll|we're|i|i'll|us|then|otherwise|unless|until)\b"
)
SENTENCE_ENDS = r"[。！？!?\n]|\.(?=\s|$)"
WARNING_CUES = (
    r"冒充|假冒|不法分子|自称|防诈骗|诈骗提醒|谨防|警惕|防范|不是我们|并非我们|(?:均|并|都|皆)?非(?:我司|本公司|我们)|不是我司|核实(?:来电|工作人员|对方|其)?身份|"
    r"\b(?:scam(?:mer)?s?|fraudsters?|impostors?|imposters?|impersonat\w*|pretending to be|beware|"
    r"(?:will )?never (?:ask|claim|request|demand)|verify (?:any|the|a|their|his|her) (?:caller|identity)|"
    r"(?:it is|it's) not (?:us|from us))\b"
)
HEDGE_CUES = (
    r"可能|可依法|依法(?:申请|提起|向)|有权|以法院[^，。；！？]{0,8}为准|由法院|只有法院|"
    r"\b(?:may|might|could|would decide|a court would|the court will decide|no (?:suit|lawsuit) has been filed|"
    r"can ask (?:a|the) court|only a court)\b"
)
"""A lawful possibility of legal action, stated as one, is not a claim that it has happened."""
REPORTED_SPEECH = (
    r"(?:客户|借款人|债务人|对方)(?:本人|自己|的?(?:母亲|父亲|妻子|丈夫|老婆|老公|家人|朋友|同事|儿子|女儿))?"
    r"(?:自述|自称|声称|称|说|表示|问|询问|骂|提出|担心|反映|怀疑|投诉|抱怨|威胁|打算|准备|情绪激动)|"
    r"\b(?:customer|debtor|borrower|client|consumer)(?:'s \w+)?\s+(?:\w+\s+)?"
    r"(?:said|says|asked|asks|called|mentioned|threatened|claimed|complained|told (?:us|me|the agent)|plans?|"
    r"yelled|shouted|screamed|swore|accused|insisted|"
    r"wants?|wanted|is planning|disputes|believes|thinks|worries|worried|was angry|became angry)\b"
)
"""A collector's note reporting what the borrower said or did ("客户骂催收员是骗子", "Customer asked
if we would call his employer") records it; the wording is the borrower's, not the collector's."""
COLLECTOR_VOICE = (
    r"(?:我们|我司|我)(?:会|将|就|要|已|马上|今天|明天)|已告知|已解释|已提醒|告诉(?:他|她|客户)|"
    r"\b(?:we(?:'ll| will| would| are going to| told| explained| advised)|i(?:'ll| will| told| explained)|"
    r"told (?:him|her|them|the customer)|explained|advised)\b"
)
"""Where the collector speaks again within a sentence, a report of the borrower's words has ended."""
CONSENT_CUES = r"同意|授权|\b(?:permission|consent|authori[sz]ation|authori[sz]ed?)\b"
"""A sentence that asks for or relies on the debtor's consent may name a third party lawfully."""
NEGATION_WINDOW = 60
"""How many characters before a match are searched for a negation cue (within its sentence)."""

# Amounts, accounts and payment brands, for the checks against MessageFacts.
CURRENCY_PREFIX = r"(?:US\$|USD|RMB|CNY|人民币|¥|￥|\$)"
CURRENCY_SUFFIX = r"(?:元|块钱|块|yuan|RMB|CNY|dollars?|USD)"
NUMBER = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d{1,2})?"
CHINESE_NUMBER = r"[零〇一二两三四五六七八九十百千万]+"
ACCOUNT_NUMBER = (
    r"(?:账号|帐号|账户|帐户|卡号|银行卡|这张卡|此卡|收款账户|account(?: number| no\.?| #)?|acct\.?|a/c|iban)"
    r"\s*[:：]?\s*((?:\d[ -]?){9,22}\d)(?!\d)"
)
PAYMENT_BRANDS = (
    "微信", "支付宝", "云闪付", "wechat", "alipay", "venmo", "zelle", "paypal", "cash app",
)
PAYMENT_WORDS = r"还款|转账|支付|付款|汇款|\b(?:pay|paying|payment|send|transfer|wire)\b"

# What a finding against the facts states; lint_citations.yaml adds what the category means and its source.
AMOUNT_MISMATCH_ZH = "所述金额 {stated} 与实际金额（{known}）均不符。"
AMOUNT_MISMATCH_EN = "The amount {stated} matches none of the true amounts ({known})."
ACCOUNT_UNKNOWN_ZH = "收款账号 {account} 不在贷款机构的官方还款渠道之列。"
ACCOUNT_UNKNOWN_EN = "The account {account} is not one of the lender's official payment channels."
BRAND_UNKNOWN_ZH = "还款方式“{brand}”不在贷款机构的官方还款渠道之列。"
BRAND_UNKNOWN_EN = "Payment by \"{brand}\" is not one of the lender's official payment channels."

OPT_OUT_CUES = r"退订|回复\s*TD|关闭[^，。；！？]{0,8}通知|\b(?:STOP|unsubscribe|opt[- ]out|turn\b[^.]{0,24}\boff)\b"
"""A way to opt out, in the words each profile's opt-out line uses (messaging/opt_out.py)."""
PHONE_NUMBER = r"(?<!\d)(?:400|800|888|877|866|855|95\d)[- ]?\d{2,4}(?:[- ]?\d{3,4})?(?!\d)|(?<!\d)\d{3,4}[- ]\d{3,4}[- ]\d{4}(?!\d)|(?<!\d)1[3-9]\d{9}(?!\d)"
"""A telephone number to call: a hotline (400, 95xxx, 800), a number with area code, a mobile."""

# Words that reveal a debt, for a message a third party reads.
DEBT_WORDS = (
    r"欠款|欠钱|欠了|欠我|欠费|逾期|还款|还钱|催收|债务|借款|贷款|网贷|账单|拖欠|代还|代为还款|"
    r"\b(?:debts?|overdue|owe[sd]?|owing|arrears|repay\w*|loans?|collections?|past due|balance|payments?|delinquent|default(?:ed)?|behind on)\b"
)
DEBT_COLLECTOR_DISCLOSURE = r"\bdebt collector\b|\bcollect(?:ing)? a debt\b|债务催收(?:方|机构|人)"
"""Under us-regf a debt collector's communication says so (12 CFR 1006.18(e))."""
VALIDATION_INFORMATION = (
    r"\bdisput\w*",
    r"(?:\$|US\$|USD)\s*\d|\d[\d,]*(?:\.\d\d)? (?:dollars|USD)",
    r"\b(?:by|before|until|within)\s+(?:(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)\w*\.?\s+\d{1,2}|\d{1,2}/\d{1,2}|\d+ days|thirty days)",
)
"""A first notice under us-regf names the amount and the date to dispute by (12 CFR 1006.34)."""
