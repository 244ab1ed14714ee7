"""What a written collection notice (催收通知书) says, in zh-Hans or English, for a profile. Pure.

The notice names the creditor and the borrower; breaks the amounts into principal, interest,
penalty and fee as the nightly cycle stored them; tells how to pay through official channels
only, how to verify a collector and how to dispute or complain. Under `us-regf` it is also the
validation notice of Regulation F, 12 CFR 1006.34(c): itemization date, the amounts itemized
since then, the end of the validation period and the dispute prompts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from arrears.messaging.footer import WHITELIST_PATH, verify_url
from arrears.money import DEFAULT_CURRENCY, Fen, format_money
from arrears.notices.document import Document, Section
from arrears.notices.lender import Lender

PROFILES = ("cn", "us-regf")
LANGUAGES = ("zh-hans", "en")
RECEIPT_BUSINESS_DAYS = 5  # 12 CFR 1006.34(b)(5): the consumer may be assumed to receive it 5 business days after sending
VALIDATION_DAYS = 30


@dataclass(frozen=True)
class Amounts:
    """Amounts in minor units, from one stored account state."""

    principal: Fen
    interest: Fen
    penalty: Fen
    fee: Fen
    balance: Fen
    principal_outstanding: Fen
    days_past_due: int

    @property
    def overdue_total(self) -> Fen:
        return self.principal + self.interest + self.penalty + self.fee


@dataclass(frozen=True)
class Itemization:
    """Reg F 12 CFR 1006.34(c)(2)(vi)–(viii): the debt on the itemization date and what changed since."""

    itemization_date: dt.date
    amount_then: Fen
    interest_since: Fen
    fees_since: Fen
    paid_since: Fen
    amount_now: Fen


@dataclass(frozen=True)
class NoticeFacts:
    profile: str
    language: str
    notice_date: dt.date
    state_date: dt.date
    lender: Lender
    borrower_name: str
    borrower_address: str
    loan_reference: str
    product_name: str
    loan_start: dt.date
    original_principal: Fen
    amounts: Amounts
    itemization: Itemization | None = None
    currency: str = DEFAULT_CURRENCY
    """The loan's (ISO 4217): every amount is shown in it, whatever the profile."""
    public_url: str = ""
    """Where the product's public pages are: the notice links the collector check page and the
    lender's agency whitelist there, as every message's footer does (empty: the lender file's
    verify_url)."""

    def __post_init__(self) -> None:
        if self.profile not in PROFILES:
            raise ValueError(f"profile must be one of {PROFILES}, not {self.profile!r}")
        if self.language not in LANGUAGES:
            raise ValueError(f"language must be one of {LANGUAGES}, not {self.language!r}")


def _verify_lines(words: dict, facts: NoticeFacts) -> tuple[str, ...]:
    lender = facts.lender
    if facts.public_url:
        check, whitelist = verify_url(facts.public_url), facts.public_url.rstrip("/") + WHITELIST_PATH
    else:
        check = whitelist = lender.verify_url
    return tuple(line.format(hotline=lender.hotline, verify=check, whitelist=whitelist) for line in words["verify_lines"])


def validation_end_date(notice_date: dt.date) -> dt.date:
    """30 days after the day the consumer is assumed to receive the notice: 5 business days after it
    is sent, Saturdays, Sundays and federal holidays excluded (12 CFR 1006.34(b)(5))."""
    from arrears.compliance.business_days import add_business_days

    return add_business_days(notice_date, RECEIPT_BUSINESS_DAYS, "us") + dt.timedelta(days=VALIDATION_DAYS)


def written_notice(facts: NoticeFacts) -> Document:
    zh = facts.language == "zh-hans"
    words = _ZH if zh else _EN
    lender = facts.lender
    money = lambda minor: format_money(minor, facts.currency, facts.language)  # noqa: E731
    a = facts.amounts
    sections = [
        Section(
            words["creditor"],
            (
                f"{words['name']}{lender.text('name', facts.language)}",
                f"{words['address']}{lender.text('address', facts.language)}",
                f"{words['hotline']}{lender.hotline}    {words['website']}{lender.website}",
            ),
        ),
        Section(
            words["borrower"],
            (
                f"{words['name']}{facts.borrower_name}",
                f"{words['address']}{facts.borrower_address or words['no_address']}",
                f"{words['loan']}{facts.loan_reference}    {words['product']}{facts.product_name}",
                f"{words['start']}{facts.loan_start.isoformat()}    {words['original']}{money(facts.original_principal)}",
            ),
        ),
        Section(
            words["amounts"].format(date=facts.state_date.isoformat()),
            (words["dpd"].format(days=a.days_past_due),),
            table=(
                (words["principal"], money(a.principal)),
                (words["interest"], money(a.interest)),
                (words["penalty"], money(a.penalty)),
                (words["fee"], money(a.fee)),
                (words["overdue_total"], money(a.overdue_total)),
                (words["balance"], money(a.balance)),
            ),
        ),
        Section(
            words["pay"],
            (
                words["pay_app"].format(app=lender.text("app_name", facts.language)),
                words["pay_bank"].format(
                    holder=lender.text("bank_account_name", facts.language),
                    bank=lender.text("bank_name", facts.language),
                    account=lender.bank_account,
                ),
                words["pay_only"].format(hotline=lender.hotline),
            ),
        ),
        Section(words["verify"], _verify_lines(words, facts)),
        Section(
            words["dispute"],
            tuple(
                line.format(
                    hotline=lender.hotline,
                    email=lender.complaint_email,
                    address=lender.text("address", facts.language),
                    regulator=lender.text("regulator", facts.language),
                )
                for line in words["dispute_lines"]
            ),
        ),
    ]
    if facts.profile == "cn":
        sections.append(Section(words["cn_rights"], words["cn_lines"]))
    else:
        sections.append(_validation_section(facts, words, money))
    return Document(
        title=words["title"],
        subtitle=words["subtitle"].format(date=facts.notice_date.isoformat(), reference=facts.loan_reference)
        + (words["regf_subtitle"] if facts.profile == "us-regf" else ""),
        sections=tuple(sections),
        footer=words["footer"].format(lender=lender.text("name", facts.language)),
        language=facts.language,
    )


def _validation_section(facts: NoticeFacts, words: dict, money) -> Section:
    item = facts.itemization
    if item is None:
        raise ValueError("a us-regf notice needs the itemization")
    end = validation_end_date(facts.notice_date).isoformat()
    lender = facts.lender
    lines = (
        words["regf_collector"].format(name=lender.text("name", facts.language), address=lender.text("address", facts.language)),
        words["regf_consumer"].format(name=facts.borrower_name, address=facts.borrower_address or words["no_address"]),
        words["regf_creditor"].format(name=lender.text("name", facts.language), reference=facts.loan_reference),
        words["regf_end"].format(end=end),
        words["regf_stop"].format(end=end),
        words["regf_prompts"],
        *words["regf_boxes"],
        words["regf_cfpb"],
    )
    return Section(
        words["regf_heading"],
        lines,
        table=(
            (words["regf_itemization_date"], item.itemization_date.isoformat()),
            (words["regf_owed_then"].format(date=item.itemization_date.isoformat()), money(item.amount_then)),
            (words["regf_interest_since"], "+ " + money(item.interest_since)),
            (words["regf_fees_since"], "+ " + money(item.fees_since)),
            (words["regf_paid_since"], "- " + money(item.paid_since)),
            (words["regf_now"], money(item.amount_now)),
        ),
    )


_ZH: dict = {
    "title": "催收通知书",
    "subtitle": "通知日期：{date}    编号：{reference}",
    "regf_subtitle": "\n本通知同时为美国 Regulation F 债务核实通知（12 CFR 1006.34）",
    "creditor": "一、债权人",
    "borrower": "二、借款人",
    "name": "名称/姓名：",
    "address": "地址：",
    "no_address": "（未登记）",
    "hotline": "客服热线：",
    "website": "官网：",
    "loan": "合同编号：",
    "product": "产品：",
    "start": "放款日期：",
    "original": "借款本金：",
    "amounts": "三、逾期金额明细（截至 {date}，以夜间批处理记录为准）",
    "dpd": "逾期天数：{days} 天",
    "principal": "逾期本金",
    "interest": "逾期利息",
    "penalty": "罚息",
    "fee": "滞纳金及费用",
    "overdue_total": "逾期合计",
    "balance": "全部未结清金额",
    "pay": "四、还款方式（仅限官方渠道）",
    "pay_app": "1. 登录{app}，在“我的借款”中还款。",
    "pay_bank": "2. 转账至本公司对公账户：户名 {holder}，开户行 {bank}，账号 {account}，附言请注明合同编号。",
    "pay_only": "本公司及受托机构的任何人员均不会要求您向个人账户、个人收款码转账或交付现金；如遇此类要求，请拒绝并致电 {hotline} 举报。",
    "verify": "五、如何核实催收人员身份",
    "verify_lines": (
        "1. 致电客服热线 {hotline}，提供催收人员的姓名和工号，核实其是否为本公司或本公司委托机构的在岗人员。",
        "2. 访问 {verify} 输入催收人员告知的核实码，核实其身份；本公司委托的催收机构白名单见 {whitelist}。",
        "3. 上门催收须至少两名人员同行，并主动出示工作证件；您有权要求查看证件，并可保留通话录音、短信等证据。",
    ),
    "dispute": "六、异议与投诉",
    "dispute_lines": (
        "如对本通知所列金额或催收行为有异议，可致电 {hotline}、发送邮件至 {email}，或书面寄至 {address}。",
        "本公司将在收到异议后核实并书面答复；核实期间暂停对有异议部分的催收。",
        "您也可向监管部门反映：{regulator}。",
    ),
    "cn_rights": "七、您的权利与说明",
    "cn_lines": (
        "本通知依据《金融机构个人消费类贷款催收工作指引（试行）》应您的要求出具；催收人员不会在 22:00 至 08:00 之间联系您。",
        "逾期记录将依照《征信业管理条例》第十六条报送征信机构，自不良行为终止之日起保存 5 年。",
        "如您遇到经济困难，可联系我们协商分期还款、延期或减免方案。",
    ),
    "regf_heading": "七、债务核实信息（12 CFR 1006.34）",
    "regf_collector": "债务催收方：{name}，{address}",
    "regf_consumer": "消费者：{name}，{address}",
    "regf_creditor": "债权人：{name}；账户编号：{reference}",
    "regf_itemization_date": "分项日期",
    "regf_owed_then": "截至 {date} 您的欠款",
    "regf_interest_since": "此后产生的利息",
    "regf_fees_since": "此后产生的费用",
    "regf_paid_since": "此后您已还款或获得的减免",
    "regf_now": "目前欠款总额",
    "regf_end": "如需对全部或部分债务提出异议，请于 {end} 前致电或来函。逾期未提出的，我们将视为信息无误。",
    "regf_stop": "如您于 {end} 前书面提出异议，我们将暂停对有异议部分的催收，直至向您寄送证明您欠款的资料；您也可在该日期前书面要求我们提供原始债权人的名称和地址。",
    "regf_prompts": "您希望如何回复？（可多选，寄回本页）",
    "regf_boxes": (
        "□ 我对该债务有异议，因为我认为：这不是我的债务。",
        "□ 我对该债务有异议，因为我认为：金额有误。",
        "□ 我对该债务有异议，因为我认为：其他原因（请另附说明）。",
        "□ 请告知原始债权人的名称和地址。",
        "□ 随函附上还款金额：______",
    ),
    "regf_cfpb": "了解您在联邦法律下的权利，请访问 www.cfpb.gov/debt-collection。",
    "footer": "{lender}    本通知由系统依据夜间批处理记录生成，金额以实际还款入账为准。",
}

_EN: dict = {
    "title": "Written Collection Notice",
    "subtitle": "Date: {date}    Reference: {reference}",
    "regf_subtitle": "\nThis notice is also the validation notice under Regulation F, 12 CFR 1006.34",
    "creditor": "1. Creditor",
    "borrower": "2. Borrower",
    "name": "Name: ",
    "address": "Address: ",
    "no_address": "(none on file)",
    "hotline": "Hotline: ",
    "website": "Website: ",
    "loan": "Loan reference: ",
    "product": "Product: ",
    "start": "Loan date: ",
    "original": "Principal lent: ",
    "amounts": "3. Amounts overdue (as of {date}, as stored by the nightly cycle)",
    "dpd": "Days past due: {days}",
    "principal": "Principal overdue",
    "interest": "Interest overdue",
    "penalty": "Penalty interest",
    "fee": "Late fees and charges",
    "overdue_total": "Total overdue",
    "balance": "Total outstanding",
    "pay": "4. How to pay (official channels only)",
    "pay_app": "1. In the {app}, under My loans.",
    "pay_bank": "2. By transfer to our company account: account name {holder}, bank {bank}, account number {account}; quote your loan reference.",
    "pay_only": "We and our agencies will never ask you to pay into a personal account or to hand over cash. If anyone does, refuse and call {hotline} to report it.",
    "verify": "5. How to verify a collector",
    "verify_lines": (
        "1. Call our hotline {hotline} with the collector's name and staff number to check that they work for us or an agency we appointed.",
        "2. Enter the code a collector gives you at {verify} to check who they are; the agencies we appoint are listed at {whitelist}.",
        "3. Home visits are made by at least two people, who show their identification; you may ask to see it and keep records of calls and messages.",
    ),
    "dispute": "6. Disputes and complaints",
    "dispute_lines": (
        "If you disagree with an amount in this notice or with how you were contacted, call {hotline}, email {email}, or write to {address}.",
        "We will look into it and answer in writing; we stop collecting any disputed amount while we do.",
        "You may also contact the regulator: {regulator}.",
    ),
    "cn_rights": "7. Your rights",
    "cn_lines": (
        "This notice is issued at your request under the China Banking Association's guideline on collecting personal consumer loans; we will not contact you between 22:00 and 08:00.",
        "Late payments are reported to the credit reference centre under the Regulation on the Administration of Credit Reporting, art. 16, and kept for 5 years after the late payment ends.",
        "If you are in financial hardship, contact us to discuss an instalment plan, a deferral or a waiver.",
    ),
    "regf_heading": "7. Validation information (12 CFR 1006.34)",
    "regf_collector": "Debt collector: {name}, {address}",
    "regf_consumer": "Consumer: {name}, {address}",
    "regf_creditor": "Creditor: {name}; account number: {reference}",
    "regf_itemization_date": "Itemization date",
    "regf_owed_then": "As of {date}, you owed",
    "regf_interest_since": "Interest charged since then",
    "regf_fees_since": "Fees charged since then",
    "regf_paid_since": "Paid or credited since then",
    "regf_now": "Total amount of the debt now",
    "regf_end": "Call or write to us by {end} to dispute all or part of the debt. If you do not, we will assume that our information is correct.",
    "regf_stop": "If you write to us by {end}, we must stop collection on any amount you dispute until we send you information that shows you owe the debt. You may also ask us in writing by that date for the name and address of the original creditor.",
    "regf_prompts": "How do you want to respond? Check all that apply and return this page.",
    "regf_boxes": (
        "[ ] I want to dispute the debt because I think: This is not my debt.",
        "[ ] I want to dispute the debt because I think: The amount is wrong.",
        "[ ] I want to dispute the debt because I think: Other (please describe on a separate page).",
        "[ ] I want you to send me the name and address of the original creditor.",
        "[ ] I enclosed this amount: ______",
    ),
    "regf_cfpb": "Visit www.cfpb.gov/debt-collection to learn more about your rights under federal law.",
    "footer": "{lender}    Generated from the nightly cycle's records; amounts are subject to payments received.",
}
