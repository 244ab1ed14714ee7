"""Message content lint: each rule on its own (spans exact), lawful wording, facts, approval,
and precision and recall over the labelled set (printed in the terminal summary)."""

from __future__ import annotations

import dataclasses
from collections import Counter
from pathlib import Path

import pytest
import yaml

from arrears.compliance.lint import Finding, MessageFacts, Severity, can_approve, lint
from arrears.compliance.lint_rules import RULES, RULES_BY_ID

LABELLED = Path(__file__).resolve().parents[1] / "data" / "lint_messages.yaml"
PRECISION_FLOOR = 0.90
RECALL_FLOOR = 0.85
# The held-out split (never used to train the meaning classifier): with the classifier the lint finds
# 0.750 of what a reviewer labels (it found 0.375 with phrase rules alone, 0.719 with the first
# classifier), and some of what it adds is a neighbouring category (0.857 precision by rule id; 0.821
# with the first classifier). The floors are the measured figures. The content
# guard's own held-out sets are tests/data/lint_heldout*.yaml (tests/unit/test_lint_heldout.py).
HELD_OUT_PRECISION_FLOOR = 0.85
HELD_OUT_RECALL_FLOOR = 0.75


def only(text: str, facts: MessageFacts | None = None) -> Finding:
    findings = lint(text, facts=facts)
    assert len(findings) == 1, findings
    return findings[0]


def span_of(text: str, excerpt: str) -> tuple[int, int]:
    start = text.index(excerpt)
    return start, start + len(excerpt)


# -- one rule at a time, with the exact span ----------------------------------------------------

RULE_EXAMPLES = [
    ("lint.threat_violence", "再不还钱，你全家都别想好过。", "别想好过"),
    ("lint.threat_violence", "再不还，打断你的腿。", "打断你的腿"),
    ("lint.threat_violence", "Pay today. We know where you live.", "We know where you live"),
    ("lint.threat_violence", "Someone might get hurt if this isn't paid.", "Someone might get hurt"),
    ("lint.threat_arrest", "欠钱不还，等着坐牢吧。", "坐牢"),
    ("lint.threat_arrest", "我们已将材料移交公安机关处理。", "移交公安机关"),
    ("lint.threat_arrest", "You will be arrested at your workplace.", "arrested"),
    ("lint.threat_arrest", "We will send your file to the police today.", "send your file to the police"),
    ("lint.insult", "你这个老赖，赶紧还钱。", "老赖"),
    ("lint.insult", "Pay up, you deadbeat.", "deadbeat"),
    ("lint.false_legal_status", "法院已立案，请尽快处理。", "法院已立案"),
    ("lint.impersonation", "您好，我们是恒信律师事务所，请配合处理欠款。", "我们是恒信律师事务所"),
    ("lint.impersonation", "Hello, this is Sergeant Wells about your overdue card.", "this is Sergeant"),
    ("lint.false_legal_status", "A lawsuit has been filed against you.", "lawsuit has been filed"),
    ("lint.false_legal_status", "An order for your detention is on file: a warrant awaits.", "warrant"),
    ("lint.third_party_pressure", "今天不还，我们就通知你的单位。", "通知你的单位"),
    ("lint.third_party_pressure", "我们会联系您的通讯录好友。", "联系您的通讯录"),
    ("lint.third_party_pressure", "We will tell your employer about this debt.", "tell your employer"),
    ("lint.third_party_pressure", "Expect us to call your mother tonight.", "call your mother"),
    ("lint.unofficial_payment", "请把钱转到我的个人账户。", "转到我的个人账户"),
    ("lint.unofficial_payment", "请直接微信转账给我。", "转账给我"),
    ("lint.unofficial_payment", "Please pay to my personal account today.", "personal account"),
    ("lint.unofficial_payment", "You can settle this with Google Play gift cards.", "Google Play gift cards"),
    ("lint.amount_misstated", "不还的话罚息每天翻倍。", "翻倍"),
    ("lint.amount_misstated", "Your balance will double next month.", "double"),
    ("lint.public_exposure", "再不还就把你的照片挂到网上。", "挂到网上"),
    ("lint.public_exposure", "不还就上征信黑名单。", "黑名单"),
    ("lint.public_exposure", "We will post your name on Facebook.", "post your name on Facebook"),
    ("lint.night_contact", "我们每天晚上都会给你打电话。", "每天晚上都会给你打电话"),
    ("lint.night_contact", "We will call you every night until you pay.", "call you every night"),
    ("lint.credit_misstatement", "逾期将永久记入征信。", "永久记入征信"),
    ("lint.credit_misstatement", "This stays on your credit report forever.", "credit report forever"),
    ("lint.borrow_to_pay", "实在不行就以贷养贷吧。", "以贷养贷"),
    ("lint.borrow_to_pay", "Just max out another card.", "max out"),
    ("lint.regf_overshadowing", "这是债务催收方的通知。本账户不接受任何异议。", "不接受任何异议"),
    ("lint.regf_overshadowing", "This is a debt collector. Ignore the 30 days and pay now.", "Ignore the 30 days"),
]


@pytest.mark.parametrize(("rule_id", "text", "excerpt"), RULE_EXAMPLES)
def test_each_rule_finds_its_wording_at_the_exact_span(rule_id: str, text: str, excerpt: str) -> None:
    # when (a rule of one profile only is tried under that profile)
    profile = RULES_BY_ID[rule_id].profiles[0] if RULES_BY_ID[rule_id].profiles else None
    found = [finding for finding in lint(text, profile=profile) if finding.rule_id == rule_id]
    # then
    assert len(found) == 1, lint(text, profile=profile)
    finding = found[0]
    assert (finding.start, finding.end) == span_of(text, excerpt)
    assert finding.excerpt == excerpt == text[finding.start : finding.end]


def test_every_rule_has_an_example_in_each_language() -> None:
    def is_chinese(text: str) -> bool:
        return any("\u4e00" <= char <= "\u9fff" for char in text)

    for rule in RULES:
        texts = [text for rule_id, text, _ in RULE_EXAMPLES if rule_id == rule.rule_id]
        assert any(is_chinese(text) for text in texts), rule.rule_id
        assert any(not is_chinese(text) for text in texts), rule.rule_id


def test_findings_are_ordered_by_position_and_each_carries_its_rule() -> None:
    text = "你这个老赖，再不还我们就通知你的单位，罚息每天翻倍。"
    findings = lint(text)
    assert [f.rule_id for f in findings] == ["lint.insult", "lint.third_party_pressure", "lint.amount_misstated"]
    assert [f.start for f in findings] == sorted(f.start for f in findings)
    assert findings[1].severity is Severity.CRITICAL
    assert findings[0].severity is Severity.MAJOR


def test_overlapping_matches_of_one_rule_become_one_finding() -> None:
    # given: "打到我" and "我老婆的支付宝" are both payment-to-a-person wordings, and overlap
    text = "还款请直接打到我老婆的支付宝上。"
    # when
    finding = only(text)
    # then
    assert finding.rule_id == "lint.unofficial_payment"
    assert finding.excerpt == "打到我老婆的支付宝"


def test_mixed_language_text_is_linted_in_both_languages() -> None:
    text = "【Notice】您的 overdue amount 是 ¥3,000.00，please pay today，否则我们会 call your boss."
    finding = only(text, MessageFacts(overdue_amount=300_000))
    assert finding.rule_id == "lint.third_party_pressure"
    assert finding.excerpt == "call your boss"


def test_english_is_matched_whatever_the_case() -> None:
    assert only("WE WILL CALL YOUR EMPLOYER.").excerpt == "CALL YOUR EMPLOYER"


# -- lawful wording passes ---------------------------------------------------------------------

LAWFUL = [
    "我们可能依法采取包括诉讼在内的措施。",
    "We may take lawful action, including legal proceedings.",
    "您的借款已逾期15天，逾期金额￥2,450.00，请于6月20日前还款。",
    "Your payment of $286.40 was due on May 3.",
    "提醒：您的借款将于2024年6月15日到期，请按时还款。",
    "Reminder: your loan payment is due on June 15.",
    "逾期记录将按照《征信业管理条例》报送至中国人民银行征信中心。",
    "Late payments may be reported to the credit reporting agencies.",
    "如还款有困难，可致电400-820-1234与我们协商还款计划。",
    "If you are having difficulty, we can work with you on a repayment plan.",
    "回复TD退订",
    "Reply STOP to opt out.",
    "我们不会联系您的家人、同事或其他第三方。",
    "We will not contact your employer.",
    "We will never ask you to pay into a personal account.",
    "We won't call you before 8 a.m. or after 9 p.m. your local time.",
    "Double-check your bank account number before you pay.",
    "If you want us to speak with your spouse, please send us written permission first.",
    "防诈骗提醒：近期有不法分子冒充我司工作人员，要求客户向个人账户转账。",
    "通话记录：客户因病住院，暂时无力还款，已提交困难减免申请。",
]


@pytest.mark.parametrize("text", LAWFUL)
def test_lawful_wording_passes(text: str) -> None:
    assert lint(text) == ()
    assert can_approve(text)


def test_lawful_wording_with_the_facts_passes() -> None:
    facts = MessageFacts(overdue_amount=245_000, balance=1_240_000)
    text = "您的逾期金额为2,450.00元，剩余本金12,400.00元。我们可能依法采取包括诉讼在内的措施。回复TD退订"
    assert lint(text, facts=facts) == ()


# -- negation and condition ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "rule_id"),
    [
        ("如果您不还款，我们就通知您的家人。", "lint.third_party_pressure"),
        ("If you do not pay we will call your boss.", "lint.third_party_pressure"),
        ("If you don't want us to call your boss, pay today.", "lint.third_party_pressure"),
        ("不还的话罚息每天翻倍。", "lint.amount_misstated"),
    ],
)
def test_a_negated_condition_does_not_clear_the_threat_that_follows(text: str, rule_id: str) -> None:
    assert rule_id in {finding.rule_id for finding in lint(text)}


def test_a_negation_does_not_excuse_an_insult() -> None:
    assert only("别装了，你就是个老赖。").rule_id == "lint.insult"


# -- amounts against the facts -----------------------------------------------------------------


def test_an_amount_that_matches_neither_the_overdue_amount_nor_the_balance_is_a_finding() -> None:
    # given
    facts = MessageFacts(overdue_amount=256_000, balance=1_800_000)
    text = "您的逾期金额为3,560.00元，请立即还款。"
    # when
    finding = only(text, facts)
    # then
    assert finding.rule_id == "lint.amount_misstated"
    assert (finding.start, finding.end) == span_of(text, "3,560.00元")
    assert "3,560.00元" in finding.message_zh and "2,560.00" in finding.message_zh
    assert "18,000.00" in finding.message_en and "第四十一条" in finding.message_zh
    # and under us-regf it cites Regulation F
    regf = lint(text, facts=facts, profile="us-regf")[0]
    assert "1006.18" in regf.message_en and "1006.18" in regf.citation_en


@pytest.mark.parametrize(
    ("text", "fen"),
    [
        ("逾期金额￥2,450.00", 245_000),
        ("逾期金额人民币2,450.00元", 245_000),
        ("逾期金额2450元", 245_000),
        ("overdue: 2,450 yuan", 245_000),
        ("overdue: RMB 2,450.00", 245_000),
        ("past due: $2,450.00", 245_000),
        ("逾期款项合计1.2万元", 1_200_000),
        ("欠款五千元", 500_000),
        ("欠款一万二千元", 1_200_000),
    ],
)
def test_amounts_are_read_in_every_usual_form(text: str, fen: int) -> None:
    assert lint(text, facts=MessageFacts(overdue_amount=fen)) == ()
    assert [f.rule_id for f in lint(text, facts=MessageFacts(overdue_amount=fen + 1))] == ["lint.amount_misstated"]


def test_numbers_that_are_not_money_are_not_amounts() -> None:
    facts = MessageFacts(overdue_amount=100)
    text = "您尾号3381的借款已逾期12天，罚息按日0.05%计收，请致电400-820-1234，家住3单元。"
    assert lint(text, facts=facts) == ()


def test_other_true_amounts_and_zero_amounts_pass() -> None:
    facts = MessageFacts(overdue_amount=200_000, other_amounts=(50_000,))
    assert lint("逾期2,000.00元，可先还500.00元；本期新增费用 $0.00。", facts=facts) == ()


def test_without_facts_amounts_are_not_checked_but_exaggeration_is() -> None:
    assert lint("您的逾期金额为3,560.00元。") == ()
    assert only("金额已经翻了一倍。").rule_id == "lint.amount_misstated"


# -- payment channels against the facts ---------------------------------------------------------


def test_an_official_account_passes_and_any_other_account_is_a_finding() -> None:
    facts = MessageFacts(official_channels=("安和信贷App", "1100 2233 4455 6677 889"))
    official = "请通过对公账户（账号：1100-2233-4455-6677-889）还款。"
    other = "收款账户：6217 0012 3456 7890 123，户名张伟。"
    assert lint(official, facts=facts) == ()
    finding = only(other, facts)
    assert finding.rule_id == "lint.unofficial_payment"
    assert finding.excerpt == "6217 0012 3456 7890 123"
    assert "6217 0012 3456 7890 123" in finding.message_zh


def test_a_wallet_the_lender_does_not_use_is_a_finding_when_channels_are_given() -> None:
    text = "You can pay by Venmo or in the Maple Ridge app."
    assert lint(text) == ()
    finding = only(text, MessageFacts(official_channels=("Maple Ridge app",)))
    assert (finding.rule_id, finding.excerpt) == ("lint.unofficial_payment", "Venmo")
    assert lint(text, facts=MessageFacts(official_channels=("Maple Ridge app", "Venmo"))) == ()


# -- approval, facts and findings as values -------------------------------------------------------


def test_can_approve_refuses_a_template_with_any_finding() -> None:
    template = "【催收通知】{name}您好，您已逾期{days}天，再不还款我们将通知您的单位。回复TD退订"
    assert lint(template)
    assert not can_approve(template)


def test_can_approve_checks_against_the_facts() -> None:
    text = "您的逾期金额为3,560.00元。"
    assert can_approve(text)
    assert not can_approve(text, MessageFacts(overdue_amount=256_000))


@pytest.mark.parametrize(
    "arguments",
    [{"overdue_amount": -1}, {"balance": 1.5}, {"balance": True}, {"other_amounts": ("100",)}, {"official_channels": ("",)}],
)
def test_message_facts_refuse_what_is_not_an_amount_or_a_channel(arguments: dict) -> None:
    with pytest.raises(ValueError):
        MessageFacts(**arguments)


def test_message_facts_are_frozen_and_keep_sequences_as_tuples() -> None:
    facts = MessageFacts(overdue_amount=100, other_amounts=[5, 6], official_channels=["App", "6222-0000-1111-2222"])
    assert facts.other_amounts == (5, 6)
    assert facts.known_amounts == frozenset({100, 5, 6})
    assert facts.official_accounts == frozenset({"6222000011112222"})
    assert facts.official_names == ("app",)
    with pytest.raises(dataclasses.FrozenInstanceError):
        facts.balance = 1  # type: ignore[misc]


def test_every_rule_message_is_bilingual_and_cites_its_source() -> None:
    for rule in RULES:
        assert rule.message_zh and rule.message_en, rule.rule_id
        assert "《" in rule.message_zh, rule.rule_id
        assert "Reg F" in rule.message_en or "《" in rule.message_en, rule.rule_id
    cited = " ".join(rule.message_zh for rule in RULES)
    assert "金融机构个人消费类贷款催收工作指引" in cited and "第四十一条" in cited and "信用卡" not in cited
    assert "1006.14" in " ".join(rule.message_en for rule in RULES)


def test_lint_refuses_what_is_not_text() -> None:
    with pytest.raises(TypeError):
        lint(None)  # type: ignore[arg-type]


# -- the labelled set ---------------------------------------------------------------------------


# The labelled set predates three rules: posing as a court or lawyer was labelled
# lint.false_legal_status there, and borrowing elsewhere and Reg F's dispute rights were not labelled.
NOT_IN_LABELLED_SET = {"lint.impersonation", "lint.borrow_to_pay", "lint.regf_overshadowing"}


def as_labelled(rule_id: str) -> str:
    return "lint.false_legal_status" if rule_id == "lint.impersonation" else rule_id


def load_labelled() -> list[dict]:
    with LABELLED.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def facts_of(message: dict) -> MessageFacts | None:
    facts = message.get("facts")
    return MessageFacts(**facts) if facts else None


def test_the_labelled_set_is_large_balanced_and_labelled_with_known_rules() -> None:
    messages = load_labelled()
    assert len(messages) >= 160
    assert len({m["id"] for m in messages}) == len(messages)
    languages = Counter(m["lang"] for m in messages)
    assert abs(languages["zh"] - languages["en"]) <= 0.1 * len(messages)
    clean = sum(1 for m in messages if not m["expect"])
    assert 0.40 <= clean / len(messages) <= 0.50
    labels = Counter(rule_id for m in messages for rule_id in m["expect"])
    assert set(labels) == set(RULES_BY_ID) - NOT_IN_LABELLED_SET
    assert min(labels.values()) >= 10
    assert {m.get("split", "dev") for m in messages} == {"dev", "holdout"}


@dataclasses.dataclass
class Tally:
    true_positive: int = 0
    false_positive: int = 0
    false_negative: int = 0

    @property
    def precision(self) -> float:
        found = self.true_positive + self.false_positive
        return self.true_positive / found if found else 1.0

    @property
    def recall(self) -> float:
        expected = self.true_positive + self.false_negative
        return self.true_positive / expected if expected else 1.0

    def add(self, predicted: set[str], expected: set[str]) -> None:
        self.true_positive += len(predicted & expected)
        self.false_positive += len(predicted - expected)
        self.false_negative += len(expected - predicted)

    def row(self, label: str, messages: int | str) -> str:
        return (
            f"{label:<28}{messages:>9}{self.precision:>11.3f}{self.recall:>8.3f}"
            f"{self.true_positive:>6}{self.false_positive:>5}{self.false_negative:>5}"
        )


def test_precision_and_recall_over_the_labelled_set(lint_report: list[str]) -> None:
    # given
    messages = load_labelled()
    splits = {"all": Tally(), "dev": Tally(), "holdout": Tally()}
    per_rule = {rule.rule_id: Tally() for rule in RULES if rule.rule_id not in NOT_IN_LABELLED_SET}
    counts = Counter()
    blocked = Counter()
    # when
    for message in messages:
        predicted = {as_labelled(finding.rule_id) for finding in lint(message["text"], facts=facts_of(message))}
        expected = set(message["expect"])
        split = message.get("split", "dev")
        for name in ("all", split):
            splits[name].add(predicted, expected)
            kind = "violating" if expected else "clean"
            counts[name, kind] += 1
            blocked[name, kind] += bool(predicted)
        for rule_id, tally in per_rule.items():
            tally.add(predicted & {rule_id}, expected & {rule_id})
    # then: the numbers go to the terminal summary before anything is asserted
    header = f"{'':<28}{'messages':>9}{'precision':>11}{'recall':>8}{'tp':>6}{'fp':>5}{'fn':>5}"
    lint_report.append(f"labelled set {LABELLED.name}, micro-averaged over rule ids")
    lint_report.append(header)
    for name, label in (("all", "all"), ("dev", "dev (rules written with it)"), ("holdout", "held out")):
        lint_report.append(splits[name].row(label, counts[name, "clean"] + counts[name, "violating"]))
    lint_report.append("per rule, all messages")
    for rule_id, tally in per_rule.items():
        lint_report.append(tally.row(rule_id, ""))
    for name, label in (("all", "all"), ("holdout", "held out")):
        lint_report.append(
            f"approval ({label}): clean messages blocked {blocked[name, 'clean']}/{counts[name, 'clean']}, "
            f"violating messages blocked {blocked[name, 'violating']}/{counts[name, 'violating']}"
        )
    assert splits["all"].precision >= PRECISION_FLOOR
    assert splits["all"].recall >= RECALL_FLOOR
    assert splits["holdout"].precision >= HELD_OUT_PRECISION_FLOOR
    assert splits["holdout"].recall >= HELD_OUT_RECALL_FLOOR


def test_a_consumer_loans_finding_cites_the_consumer_loan_rules_never_the_credit_card_regulation() -> None:
    # given a note that threatens, insults and tells the borrower's employer, about a consumer loan
    findings = lint("你这个老赖，再不还钱就打断你的腿，还会通知你的单位领导")
    # when each finding says why
    assert {f.rule_id for f in findings} >= {"lint.threat_violence", "lint.insult", "lint.third_party_pressure"}
    # then it cites the rules for collecting consumer loans, in both languages, and not the card regulation
    for finding in findings:
        assert "信用卡" not in finding.message_zh and "credit card" not in finding.message_en.lower()
        assert "金融机构个人消费类贷款催收工作指引" in finding.message_zh + finding.message_en
