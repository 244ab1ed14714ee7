"""The content guard beyond the phrase rules: meaning, categories and spans, the source cited for the
profile and product, the reader- and sender-dependent checks, and the content a channel requires."""

from __future__ import annotations

import pytest

from arrears.compliance.citations import cite
from arrears.compliance.lint import can_approve, lint, lint_many, required_content
from arrears.compliance.meaning import CATEGORIES, sentence_scores


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("we will contact everyone in your phone book about this debt", "third_party"),
        ("你的通讯录我们都有，会一个一个打电话告诉他们你欠钱", "third_party"),
        ("your children's school will be informed of your unpaid debt", "third_party"),
        ("不得好死", "insult"),
    ],
)
def test_what_the_phrase_list_missed_is_found_for_the_right_reason(text: str, category: str) -> None:
    assert category in {finding.category for finding in lint(text)}
    assert not can_approve(text)


def test_a_finding_the_classifier_adds_spans_the_sentence_that_carries_it() -> None:
    # given a lawful sentence, then a reworded threat to tell the borrower's family
    text = "您好，这里是禾丰消费金融。你的通讯录我们都有，会一个一个打电话告诉他们你欠钱。"
    # when
    found = [f for f in lint(text) if f.category == "third_party"]
    # then the finding points at the second sentence only, and says how it was found
    assert len(found) == 1
    assert found[0].excerpt == text[found[0].start : found[0].end]
    assert found[0].excerpt.startswith("你的通讯录") and "禾丰" not in found[0].excerpt


def test_each_finding_names_its_category_and_cites_the_source_for_profile_and_product() -> None:
    text = "你这个老赖，再不还钱就打断你的腿"
    loan = lint(text, profile="cn", product="consumer_loan")
    card = lint(text, profile="cn", product="credit_card")
    us = lint(text, profile="us-regf")
    assert {f.category for f in loan} == {"insult", "violence"}
    for finding in loan:
        assert "金融机构个人消费类贷款催收工作指引" in finding.citation_zh and "信用卡" not in finding.citation_zh
        assert finding.citation_zh in finding.message_zh and finding.citation_en in finding.message_en
    for finding in card:
        assert "商业银行信用卡业务监督管理办法" in finding.citation_zh
    assert {f.citation_en for f in us} == {
        "Reg F 12 CFR 1006.14(d), obscene, profane or abusive language",
        "Reg F 12 CFR 1006.14(c), violence or other criminal means",
    }


def test_an_unknown_profile_or_product_is_refused_in_both_languages() -> None:
    with pytest.raises(ValueError, match="unknown compliance profile"):
        lint("您好", profile="mars")
    with pytest.raises(ValueError, match="未知的产品"):
        cite("insult", "cn", "mortgage")


def test_a_message_to_a_third_party_must_not_reveal_the_debt() -> None:
    locate = "您好，我是禾丰消费金融的工作人员，想联系张先生，请他回电400-820-1234。"
    reveal = "您好，您的朋友李明在我司的借款已逾期，请督促他还款。"
    assert lint(locate, recipient="third_party") == ()
    found = lint(reveal, recipient="third_party")
    assert {f.rule_id for f in found} == {"lint.third_party_disclosure"}
    assert {f.excerpt for f in found} >= {"借款", "逾期"}
    # the same words to the borrower are no disclosure
    assert lint(reveal, recipient="borrower") == ()


def test_under_us_regf_a_debt_collector_says_so_and_a_first_notice_carries_validation_information() -> None:
    audience = {"profile": "us-regf", "sender": "debt_collector", "channel": "sms"}
    silent = "Your Lakeside Lending balance is past due. Call 800-555-0133."
    disclosed = "This is a debt collector. Your Lakeside Lending balance is past due. Call 800-555-0133."
    assert [f.rule_id for f in lint(silent, **audience)] == ["lint.regf_disclosure"]
    assert lint(disclosed, **audience) == ()
    # the lender collecting its own loan, or under cn, is not held to it
    assert lint(silent, profile="us-regf", sender="lender", channel="sms") == ()
    assert lint(silent, profile="cn", sender="debt_collector", channel="sms") == ()
    # a first notice without the date to dispute by
    first = {**audience, "channel": "letter", "first_notice": True}
    assert [f.category for f in lint(disclosed, **first)] == ["regf_disclosure"]
    validated = disclosed + " You owe $240.00 to Lakeside Lending. You may dispute it by May 3."
    assert lint(validated, **first) == ()


def test_overshadowing_the_dispute_rights_is_a_finding_under_us_regf_only() -> None:
    text = "This is a debt collector. Disputes are not accepted on this account."
    assert [f.category for f in lint(text, profile="us-regf")] == ["regf_overshadowing"]
    assert lint("This is a debt collector. You may dispute this debt by May 3.", profile="us-regf") == ()


def test_a_note_reporting_the_borrowers_words_and_a_lawful_possibility_of_suit_pass() -> None:
    assert lint("客户骂催收员是骗子后挂断，催收员未回应。") == ()
    assert lint("Customer asked whether he could be arrested; explained it is a civil matter.") == ()
    assert lint("【瑞丰金融】如协商不成，我司可能依法提起诉讼，最终以法院判决为准。回复TD退订") == ()
    # but the collector's own words in a note are still read
    assert lint("客户就是个老赖，我们会通知他单位领导。") != ()


def test_required_content_names_the_sender_says_how_to_verify_and_how_to_opt_out() -> None:
    names = ("禾丰消费金融有限公司", "禾丰App")
    bare = "您好，您的借款已逾期，请尽快还款。"
    found = required_content(bare, channel="sms", sender="debt_collector", names=names, verify=("400-820-1234",))
    assert [f.rule_id for f in found] == ["lint.identity_missing", "lint.verification_missing", "lint.opt_out_missing"]
    assert all((f.start, f.end) == (0, len(bare)) and f.category for f in found)
    full = "【禾丰消费金融】您好，您的借款已逾期，请尽快还款。核实身份请致电400-820-1234。回复TD退订"
    assert required_content(full, channel="sms", sender="debt_collector", names=names, verify=("400-820-1234",)) == ()
    # a letter carries the letterhead and has no opt-out; under us-regf the opt-out cites 1006.6(e)
    assert required_content("Dear customer, please call us.", channel="letter", names=names) == ()
    (opt_out,) = required_content("Please pay.", channel="email", profile="us-regf")
    assert "1006.6(e)" in opt_out.citation_en


def test_lint_many_finds_what_lint_finds_one_message_at_a_time() -> None:
    texts = [
        "We will tell your boss about this debt.",
        "【禾丰消费金融】您本期应还1,020.00元。回复TD退订",
        "你的通讯录我们都有，会一个一个打电话告诉他们你欠钱",
        "",
    ]
    assert lint_many(texts) == [lint(text) for text in texts]


def test_the_classifier_scores_each_sentence_and_knows_its_categories() -> None:
    scores = sentence_scores("We will tell your boss. Have a nice day.")
    assert [s.text for s in scores] == ["We will tell your boss.", "Have a nice day."]
    assert "third_party" in scores[0].categories and scores[1].categories == {}
    assert set(CATEGORIES) <= {"violence", "third_party", "arrest", "fake_legal", "impersonation", "credit",
                               "insult", "borrow", "personal_account", "regf_overshadowing"}
