"""Message content lint: finds wording a collection message must not contain, before it is sent.

    >>> from arrears.compliance.lint import MessageFacts, can_approve, lint
    >>> [f.rule_id for f in lint("再不还钱，你全家都别想好过。")]
    ['lint.threat_violence']
    >>> can_approve("我们可能依法采取包括诉讼在内的措施。回复TD退订")
    True
    >>> [f.excerpt for f in lint("Your balance is $1,450.00.", facts=MessageFacts(balance=145000))]
    []

Works on zh-Hans, English and mixed text; pure Python, no Django. The rules and their sources
are data in `arrears.compliance.lint_rules`; docs/compliance-lint.md lists them, what passes,
and the lint's measured precision and recall.
"""

from __future__ import annotations

import bisect
import dataclasses
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from arrears.compliance import lint_rules as R
from arrears.compliance.citations import cite
from arrears.compliance.lint_rules import RULES, RULES_BY_ID, LintRule, RuleId, Severity
from arrears.money import FEN_PER_YUAN, Fen, MoneyError, format_yuan, to_fen

__all__ = ["Finding", "MessageFacts", "Severity", "can_approve", "lint", "lint_many", "required_content"]

RECIPIENTS = ("borrower", "third_party")
SENDERS = ("lender", "debt_collector")
OUTBOUND_CHANNELS = frozenset({"sms", "email", "letter", "app", "app_push", "call", "call_transcript", "visit_notice"})
"""Channels whose text reaches the borrower (notes and visit reports are the collector's own record)."""


@dataclass(frozen=True)
class MessageFacts:
    """What is true about the account a message is about, so the lint can check what it states.

    overdue_amount: the overdue amount in minor units (fen; cents for a dollar message);
      None when the message may not state one.
    balance: the outstanding balance in minor units; None likewise.
    other_amounts: further true amounts the message may state (a plan instalment, a promised
      payment, a waived fee).
    official_channels: the lender's official payment channels, as names ("禾丰App",
      "Maple Ridge app") or account numbers (spaces and dashes ignored). Empty: not checked.

    Zero amounts ("fees: $0.00") are never a misstatement.
    """

    overdue_amount: Fen | None = None
    balance: Fen | None = None
    other_amounts: tuple[Fen, ...] = ()
    official_channels: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for name in ("overdue_amount", "balance"):
            _check_amount(name, getattr(self, name), allow_none=True)
        object.__setattr__(self, "other_amounts", tuple(self.other_amounts))
        object.__setattr__(self, "official_channels", tuple(self.official_channels))
        for amount in self.other_amounts:
            _check_amount("other_amounts", amount, allow_none=False)
        for channel in self.official_channels:
            if not isinstance(channel, str) or not channel.strip():
                raise ValueError(f"official_channels holds names or account numbers, not {channel!r}")

    @property
    def known_amounts(self) -> frozenset[Fen]:
        amounts = [self.overdue_amount, self.balance, *self.other_amounts]
        return frozenset(amount for amount in amounts if amount is not None)

    @property
    def official_accounts(self) -> frozenset[str]:
        """The official channels that are account numbers, as bare digits."""
        return frozenset(digits for digits in map(_digits, self.official_channels) if _is_account(digits))

    @property
    def official_names(self) -> tuple[str, ...]:
        """The official channels that are names, in lower case."""
        return tuple(c.lower() for c in self.official_channels if not _is_account(_digits(c)))


@dataclass(frozen=True)
class Finding:
    """One piece of wording that breaks a rule.

    rule_id: the rule's stable id ("lint.threat_violence").
    start, end: the character span in the linted text; excerpt == text[start:end].
    message_zh, message_en: what is wrong and why, citing the source for the message's profile
      and product.
    severity: see `Severity`; any finding blocks approval.
    category: what the wording means (violence, third_party, arrest, ...: lint_citations.yaml).
    citation_zh, citation_en: the source cited, for the profile and product.
    found_by: "rule" (a phrase rule), "meaning" (the classifier) or "content" (a required-content check).
    """

    rule_id: RuleId
    start: int
    end: int
    excerpt: str
    message_zh: str
    message_en: str
    severity: Severity
    category: str = ""
    citation_zh: str = ""
    citation_en: str = ""
    found_by: str = "rule"


@dataclass(frozen=True)
class Readers:
    """Who a message is about and for, so each finding cites the right source and the checks that
    depend on the reader apply.

    profile: the compliance profile (cn, us-regf); product: consumer_loan, credit_card or microloan (a product's kind, ledger Product.kind).
    recipient: borrower, or third_party (a contact, a relative, an employer: the debt must not show).
    sender: lender, or debt_collector (an agency; under us-regf it must say it is a debt collector).
    channel: sms, email, letter, app, app_push, call, call_transcript, visit_notice, call_note,
      visit_note; None when unknown (then no channel-dependent check runs).
    first_notice: the first communication, where us-regf wants the validation information.
    """

    profile: str | None = None
    product: str | None = None
    recipient: str = "borrower"
    sender: str = "lender"
    channel: str | None = None
    first_notice: bool = False

    def __post_init__(self) -> None:
        if self.recipient not in RECIPIENTS:
            raise ValueError(f"收件人只可为 {RECIPIENTS} / recipient is one of {RECIPIENTS}, not {self.recipient!r}")
        if self.sender not in SENDERS:
            raise ValueError(f"发送方只可为 {SENDERS} / sender is one of {SENDERS}, not {self.sender!r}")
        cite("violence", self.profile, self.product)  # refuses an unknown profile or product


def lint(
    text: str,
    *,
    facts: MessageFacts | None = None,
    profile: str | None = None,
    product: str | None = None,
    recipient: str = "borrower",
    sender: str = "lender",
    channel: str | None = None,
    first_notice: bool = False,
) -> tuple[Finding, ...]:
    """Every finding in `text`, ordered by position; empty when the text may be approved.

    The phrase rules and the meaning classifier (`arrears.compliance.meaning`) both read the text;
    the classifier adds a category the rules missed, spanning the sentence that carries it.
    `profile` and `product` choose the source each finding cites; `recipient`, `sender`,
    `channel` and `first_notice` switch on the checks that depend on them (see `Readers`).
    """
    audience = Readers(profile, product, recipient, sender, channel, first_notice)
    return _lint_one(text, facts, audience, None)


def lint_many(
    texts: Iterable[str], *, facts: Iterable[MessageFacts | None] | None = None, **audience
) -> list[tuple[Finding, ...]]:
    """`lint` for many texts with one audience (`lint`'s keyword arguments): the classifier is
    consulted once for all their sentences. `facts`, when given, holds one entry per text."""
    from arrears.compliance import meaning

    texts = list(texts)
    for text in texts:
        _check_text(text)
    facts_list = list(facts) if facts is not None else [None] * len(texts)
    if len(facts_list) != len(texts):
        raise ValueError(f"{len(texts)} 条文本却有 {len(facts_list)} 份事实 / {len(texts)} texts but {len(facts_list)} facts")
    who = Readers(**audience)
    scored = meaning.score_many(texts)
    return [_lint_one(text, fact, who, scores) for text, fact, scores in zip(texts, facts_list, scored)]


def _check_text(text: object) -> None:
    if not isinstance(text, str):
        raise TypeError(f"lint takes text, not {type(text).__name__}")


def _lint_one(text: str, facts: MessageFacts | None, audience: Readers, scores) -> tuple[Finding, ...]:
    _check_text(text)
    context = _Context(text)
    found: list[Finding] = []
    for rule, patterns in _COMPILED:
        if rule.profiles and (audience.profile or "cn") not in rule.profiles:
            continue
        for pattern in patterns:
            for match in pattern.finditer(text):
                if match.end() == match.start() or context.cleared(rule, match.start()):
                    continue
                found.append(_finding(rule, text, match.start(), match.end()))
    if facts is not None:
        found.extend(_amount_findings(text, facts))
        found.extend(_account_findings(text, facts))
        found.extend(_brand_findings(text, facts, context))
    found.extend(_meaning_findings(text, found, audience, context, scores))
    if audience.recipient == "third_party":
        found.extend(_disclosure_findings(text))
    found.extend(_regf_disclosure_findings(text, audience))
    return tuple(_merged(text, (_cited(f, audience) for f in found)))


def findings_as_data(findings: Iterable[Finding]) -> list[dict]:
    """Findings as plain data, as they are kept with a note, an agency's note or a call transcript."""
    return [
        {
            "rule_id": f.rule_id,
            "excerpt": f.excerpt,
            "start": f.start,
            "end": f.end,
            "message_zh": f.message_zh,
            "message_en": f.message_en,
            "severity": str(getattr(f.severity, "value", f.severity)),
            "category": f.category,
            "citation_zh": f.citation_zh,
            "citation_en": f.citation_en,
        }
        for f in findings
    ]


def can_approve(text: str, facts: MessageFacts | None = None, **audience) -> bool:
    """A template may be approved only when the lint finds nothing in it."""
    return not lint(text, facts=facts, **audience)


# -- meaning -----------------------------------------------------------------------------------

CATEGORY_RULES: dict[str, RuleId] = {}
for _rule in RULES:
    CATEGORY_RULES.setdefault(_rule.category, _rule.rule_id)
CATEGORY_RULES.update(
    disclosure="lint.third_party_disclosure",
    regf_disclosure="lint.regf_disclosure",
)
"""The rule id a finding of each category carries when no phrase rule of its own found it."""


def _meaning_findings(text: str, found: list[Finding], audience: Readers, context: _Context, scores) -> Iterator[Finding]:
    """A category the phrase rules did not find, where the classifier reads it in a sentence."""
    from arrears.compliance import meaning

    if scores is None:
        scores = meaning.sentence_scores(text)
    already = {finding.category for finding in found}
    profile = audience.profile or "cn"
    reported: set[str] = set()
    for sentence in scores:
        for category in sentence.categories:
            if category in already or category in reported:
                continue
            rule = RULES_BY_ID[CATEGORY_RULES[category]]
            if rule.profiles and profile not in rule.profiles:
                continue
            if rule.quoted_in_warnings and context.in_warning(sentence.start):
                continue
            if context.reported(sentence.end - 1):
                continue
            if (rule.hedge_allows and context.hedged(sentence.start)) or (
                rule.consent_allows and context.about_consent(sentence.start)
            ):
                continue
            reported.add(category)
            yield _finding(rule, text, sentence.start, sentence.end, found_by="meaning")


# -- reader-dependent checks ---------------------------------------------------------------------

_DEBT_WORDS = re.compile(R.DEBT_WORDS, re.IGNORECASE)
_COLLECTOR_DISCLOSURE = re.compile(R.DEBT_COLLECTOR_DISCLOSURE, re.IGNORECASE)
_VALIDATION = tuple(re.compile(p, re.IGNORECASE) for p in R.VALIDATION_INFORMATION)


def _disclosure_findings(text: str) -> Iterator[Finding]:
    """A message a third party reads must not reveal the debt (a locate message names no debt)."""
    for match in _DEBT_WORDS.finditer(text):
        yield _check_finding("lint.third_party_disclosure", "disclosure", text, match.start(), match.end())


def _regf_disclosure_findings(text: str, audience: Readers) -> Iterator[Finding]:
    """Under us-regf a debt collector's communication to the consumer says that it is from a debt
    collector (12 CFR 1006.18(e)); the first one also carries the validation information (1006.34)."""
    if (
        (audience.profile or "cn") != "us-regf"
        or audience.sender != "debt_collector"
        or audience.recipient != "borrower"
        or audience.channel not in OUTBOUND_CHANNELS
    ):
        return
    if not _COLLECTOR_DISCLOSURE.search(text):
        yield _check_finding("lint.regf_disclosure", "regf_disclosure", text, 0, len(text),
                             zh="未表明本通讯来自债务催收方。", en="It does not say that it is from a debt collector.")
    elif audience.first_notice and not all(pattern.search(text) for pattern in _VALIDATION):
        yield _check_finding("lint.regf_disclosure", "regf_disclosure", text, 0, len(text),
                             zh="首次通讯缺少核实信息（欠款金额、债权人及提出异议的期限）。",
                             en="A first notice without the validation information (amount, creditor, the date to dispute by).")


IDENTITY_CHANNELS = frozenset({"sms"})
"""Channels whose text itself must name the lender or agency: an SMS (its 【signature】 under cn). A
letter carries the lender's letterhead, an email its sender, a push the lender's app, a call script
the collector's own introduction."""
OPT_OUT_CHANNELS = frozenset({"sms", "email", "app_push"})
"""Electronic channels: the message carries a way to opt out."""
_OPT_OUT = re.compile(R.OPT_OUT_CUES, re.IGNORECASE)
_PHONE = re.compile(R.PHONE_NUMBER)


_SIGNATURE = re.compile(r"^\s*【[^】]{2,24}】|【[^】]{2,24}】\s*$")
_LEGAL_SUFFIX = re.compile(r"(?:股份有限公司|有限责任公司|有限公司|公司|,?\s*(?:Inc|Ltd|LLC|Co|Corp|Limited)\.?)$", re.IGNORECASE)


def _names_sender(text: str, names: Iterable[str]) -> bool:
    """An SMS names its sender: the name, the name without its legal suffix, or a 【signature】."""
    if _SIGNATURE.search(text):
        return True
    lowered = text.lower()
    return any(name.lower() in lowered or _LEGAL_SUFFIX.sub("", name).strip().lower() in lowered for name in names)


def required_content(
    text: str,
    *,
    channel: str,
    profile: str | None = None,
    product: str | None = None,
    recipient: str = "borrower",
    sender: str = "lender",
    names: Iterable[str] = (),
    verify: Iterable[str] = (),
) -> tuple[Finding, ...]:
    """What `text` lacks that a message on `channel` must carry, as findings spanning the whole text.

    - identity: an SMS to the borrower names the lender or agency (one of `names`; not checked when
      none is given);
    - verification: a debt collector's (agency's) message says how to verify it: one of `verify`
      (the lender's hotline) or a telephone number;
    - opt-out: an electronic message (SMS, email, push) carries a way to opt out.
    A message to a third party names neither lender nor debt (see `lint`, recipient="third_party").
    """
    _check_text(text)
    audience = Readers(profile, product, recipient, sender, channel)
    found: list[Finding] = []
    names = [name for name in names if name and name.strip()]
    if recipient == "borrower" and channel in IDENTITY_CHANNELS and names and not _names_sender(text, names):
        found.append(_check_finding("lint.identity_missing", "identity", text, 0, len(text), severity=Severity.MAJOR,
                                    zh=f"未写明“{names[0]}”。", en=f"It does not name {names[0]}."))
    if sender == "debt_collector" and recipient == "borrower" and channel in OUTBOUND_CHANNELS:
        numbers = [number for number in verify if number and number.strip()]
        if not any(number in text for number in numbers) and not _PHONE.search(text):
            found.append(_check_finding("lint.verification_missing", "verification", text, 0, len(text),
                                        severity=Severity.MAJOR))
    if channel in OPT_OUT_CHANNELS and not _OPT_OUT.search(text):
        found.append(_check_finding("lint.opt_out_missing", "opt_out", text, 0, len(text), severity=Severity.MAJOR))
    return tuple(_cited(finding, audience) for finding in found)


def _check_finding(rule_id: RuleId, category: str, text: str, start: int, end: int, *, zh: str = "", en: str = "",
                   severity: Severity = Severity.CRITICAL) -> Finding:
    return Finding(rule_id, start, end, text[start:end], zh, en, severity, category=category, found_by="content")


def _cited(finding: Finding, audience: Readers) -> Finding:
    """`finding` citing the source for the message's profile and product."""
    citation = cite(finding.category, audience.profile, audience.product)
    what_zh, what_en = citation.message()
    zh = f"{finding.message_zh}{what_zh}" if finding.message_zh else what_zh
    en = f"{finding.message_en} {what_en}" if finding.message_en else what_en
    return dataclasses.replace(finding, message_zh=zh, message_en=en, citation_zh=citation.zh, citation_en=citation.en)


# -- matching in context ---------------------------------------------------------------------

_FLAGS = re.IGNORECASE
_CHECK_RULE_IDS = ["lint.third_party_disclosure", "lint.regf_disclosure", "lint.identity_missing",
                   "lint.verification_missing", "lint.opt_out_missing"]
_COMPILED: tuple[tuple[LintRule, tuple[re.Pattern[str], ...]], ...] = tuple(
    (rule, tuple(re.compile(pattern, _FLAGS) for pattern in rule.patterns)) for rule in RULES
)
_NEGATION = re.compile(R.NEGATION_CUES, _FLAGS)
_RESTART = re.compile(R.CLAUSE_RESTARTS, _FLAGS)
_SENTENCE_END = re.compile(R.SENTENCE_ENDS)
_WARNING = re.compile(R.WARNING_CUES, _FLAGS)
_CONSENT = re.compile(R.CONSENT_CUES, _FLAGS)
_REPORTED = re.compile(R.REPORTED_SPEECH, _FLAGS)
_HEDGE = re.compile(R.HEDGE_CUES, _FLAGS)
_COLLECTOR_VOICE = re.compile(R.COLLECTOR_VOICE, _FLAGS)
_PAYMENT_WORDS = re.compile(R.PAYMENT_WORDS, _FLAGS)


class _Context:
    """Sentences of one text, and whether a match in them is negated or quoted in a warning."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.sentence_starts = [0] + [m.end() for m in _SENTENCE_END.finditer(text)]
        self.warning_sentences = {
            index
            for index, start in enumerate(self.sentence_starts)
            if _WARNING.search(text, start, self._sentence_end(index))
        }
        self.consent_sentences = {
            index
            for index, start in enumerate(self.sentence_starts)
            if _CONSENT.search(text, start, self._sentence_end(index))
        }

    def _sentence_index(self, position: int) -> int:
        return bisect.bisect_right(self.sentence_starts, position) - 1

    def _sentence_end(self, index: int) -> int:
        starts = self.sentence_starts
        return starts[index + 1] if index + 1 < len(starts) else len(self.text)

    def sentence(self, position: int) -> tuple[int, int]:
        index = self._sentence_index(position)
        return self.sentence_starts[index], self._sentence_end(index)

    def negated(self, position: int) -> bool:
        """A negation cue earlier in the same clause: "we will not contact your employer"."""
        sentence_start, _ = self.sentence(position)
        window_start = max(sentence_start, position - R.NEGATION_WINDOW)
        clause_start = window_start
        for restart in _RESTART.finditer(self.text, window_start, position):
            clause_start = restart.end()
        return _NEGATION.search(self.text, clause_start, position) is not None

    def in_warning(self, position: int) -> bool:
        """Inside an anti-fraud warning, which names the scam it warns about."""
        return self._sentence_index(position) in self.warning_sentences

    def about_consent(self, position: int) -> bool:
        """Inside a sentence about the debtor's consent or authorisation."""
        return self._sentence_index(position) in self.consent_sentences

    def hedged(self, position: int) -> bool:
        """In a sentence that states a lawful possibility rather than a fact."""
        start, end = self.sentence(position)
        return _HEDGE.search(self.text, start, end) is not None

    def reported(self, position: int) -> bool:
        """Inside the borrower's words as a note reports them: a reported-speech cue earlier in the
        sentence, and the collector not speaking again between it and `position`."""
        sentence_start, _ = self.sentence(position)
        cue = None
        for cue in _REPORTED.finditer(self.text, sentence_start, position):
            pass
        if cue is None:
            return False
        return _COLLECTOR_VOICE.search(self.text, cue.end(), position) is None

    def cleared(self, rule: LintRule, position: int) -> bool:
        if self.reported(position):
            return True
        if rule.negatable and self.negated(position):
            return True
        if rule.consent_allows and self.about_consent(position):
            return True
        if rule.hedge_allows and self.hedged(position):
            return True
        return rule.quoted_in_warnings and self.in_warning(position)


def _finding(rule: LintRule, text: str, start: int, end: int, *, zh: str = "", en: str = "",
             found_by: str = "rule") -> Finding:
    """A finding of `rule`. `zh`/`en` state what is specific to this finding (the amount, the
    account); `_cited` adds what the category means and the source for the message's profile."""
    return Finding(
        rule_id=rule.rule_id,
        start=start,
        end=end,
        excerpt=text[start:end],
        message_zh=zh,
        message_en=en,
        severity=rule.severity,
        category=rule.category,
        found_by=found_by,
    )


def _merged(text: str, findings: Iterable[Finding]) -> Iterator[Finding]:
    """Overlapping findings of one rule become one, spanning both; the first one's message stays."""
    order = {rule_id: index for index, rule_id in enumerate([rule.rule_id for rule in RULES] + _CHECK_RULE_IDS)}
    by_rule: dict[RuleId, list[Finding]] = {}
    for finding in sorted(findings, key=lambda f: (f.start, f.end)):
        kept = by_rule.setdefault(finding.rule_id, [])
        if kept and finding.start < kept[-1].end:
            last = kept[-1]
            end = max(last.end, finding.end)
            kept[-1] = dataclasses.replace(last, end=end, excerpt=text[last.start : end])
        else:
            kept.append(finding)
    every = [finding for kept in by_rule.values() for finding in kept]
    yield from sorted(every, key=lambda f: (f.start, f.end, order[f.rule_id]))


# -- amounts ------------------------------------------------------------------------------------

_AMOUNT = re.compile(
    rf"{R.CURRENCY_PREFIX}\s*(?P<prefixed>{R.NUMBER})(?P<prefixed_unit>万|千)?(?:\s*{R.CURRENCY_SUFFIX}\b)?"
    rf"|(?<![0-9A-Za-z.,])(?P<suffixed>{R.NUMBER})(?P<suffixed_unit>万|千)?\s*{R.CURRENCY_SUFFIX}(?![A-Za-z])"
    rf"|(?P<chinese>{R.CHINESE_NUMBER})(?:元|块钱|块)",
    _FLAGS,
)
_CHINESE_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CHINESE_UNITS = {"十": 10, "百": 100, "千": 1000}
_UNIT_FACTORS = {"万": 10_000, "千": 1_000, None: 1, "": 1}


def stated_amounts(text: str) -> Iterator[tuple[int, int, Fen]]:
    """Each money amount written in `text`: (start, end, minor units). Bare numbers are not money."""
    for match in _AMOUNT.finditer(text):
        if match["chinese"]:
            fen = _chinese_number(match["chinese"]) * FEN_PER_YUAN
        else:
            number = match["prefixed"] or match["suffixed"]
            unit = match["prefixed_unit"] if match["prefixed"] else match["suffixed_unit"]
            try:
                fen = to_fen(number) * _UNIT_FACTORS[unit]
            except MoneyError:
                continue
        yield match.start(), match.end(), fen


def _chinese_number(numeral: str) -> int:
    """一万二千 -> 12000; 五千 -> 5000; 十二 -> 12."""
    total = section = digit = 0
    for char in numeral:
        if char in _CHINESE_DIGITS:
            digit = _CHINESE_DIGITS[char]
        elif char in _CHINESE_UNITS:
            section += (digit or 1) * _CHINESE_UNITS[char]
            digit = 0
        elif char == "万":
            total += (section + digit) * 10_000
            section = digit = 0
    return total + section + digit


def _amount_findings(text: str, facts: MessageFacts) -> Iterator[Finding]:
    known = facts.known_amounts
    if not known:
        return
    rule = RULES_BY_ID["lint.amount_misstated"]
    known_zh, known_en = _describe_known(facts)
    for start, end, fen in stated_amounts(text):
        if fen == 0 or fen in known:
            continue
        stated = text[start:end]
        yield _finding(
            rule,
            text,
            start,
            end,
            zh=R.AMOUNT_MISMATCH_ZH.format(stated=stated, known=known_zh),
            en=R.AMOUNT_MISMATCH_EN.format(stated=stated, known=known_en),
        )


def _describe_known(facts: MessageFacts) -> tuple[str, str]:
    zh: list[str] = []
    en: list[str] = []
    if facts.overdue_amount is not None:
        zh.append(f"逾期金额 {format_yuan(facts.overdue_amount, symbol='')}")
        en.append(f"overdue {format_yuan(facts.overdue_amount, symbol='')}")
    if facts.balance is not None:
        zh.append(f"余额 {format_yuan(facts.balance, symbol='')}")
        en.append(f"balance {format_yuan(facts.balance, symbol='')}")
    if facts.other_amounts:
        others = ", ".join(format_yuan(amount, symbol="") for amount in facts.other_amounts)
        zh.append(f"其他 {others}")
        en.append(f"other {others}")
    return "；".join(zh), "; ".join(en)


# -- payment channels --------------------------------------------------------------------------

_ACCOUNT = re.compile(R.ACCOUNT_NUMBER, _FLAGS)


def _digits(value: str) -> str:
    return "".join(char for char in value if char.isdigit())


def _is_account(digits: str) -> bool:
    return len(digits) >= 8


def _account_findings(text: str, facts: MessageFacts) -> Iterator[Finding]:
    """An account number to pay into that is not one of the lender's (checked only when channels are given)."""
    if not facts.official_channels:
        return
    rule = RULES_BY_ID["lint.unofficial_payment"]
    official = facts.official_accounts
    for match in _ACCOUNT.finditer(text):
        if _digits(match[1]) in official:
            continue
        account = match[1]
        yield _finding(
            rule,
            text,
            match.start(1),
            match.end(1),
            zh=R.ACCOUNT_UNKNOWN_ZH.format(account=account),
            en=R.ACCOUNT_UNKNOWN_EN.format(account=account),
        )


def _brand_findings(text: str, facts: MessageFacts, context: _Context) -> Iterator[Finding]:
    """A wallet named for payment ("pay by Venmo") when the lender's named channels do not include it."""
    names = facts.official_names
    if not names:
        return
    rule = RULES_BY_ID["lint.unofficial_payment"]
    lowered = text.lower()
    for brand in R.PAYMENT_BRANDS:
        if any(brand in name for name in names):
            continue
        for match in re.finditer(re.escape(brand), lowered):
            sentence_start, sentence_end = context.sentence(match.start())
            if not _PAYMENT_WORDS.search(text, sentence_start, sentence_end):
                continue
            if context.cleared(rule, match.start()):
                continue
            shown = text[match.start() : match.end()]
            yield _finding(
                rule,
                text,
                match.start(),
                match.end(),
                zh=R.BRAND_UNKNOWN_ZH.format(brand=shown),
                en=R.BRAND_UNKNOWN_EN.format(brand=shown),
            )


def _check_amount(name: str, value: object, *, allow_none: bool) -> None:
    if value is None and allow_none:
        return
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{name} is a non-negative whole number of minor units (fen), not {value!r}")
