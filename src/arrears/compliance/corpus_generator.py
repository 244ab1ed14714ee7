"""The generated part of the content guard's training corpus, reproducible from this module.

`python -m arrears.compliance.corpus_generator` writes `lint_corpus_generated.yaml` beside this
file; the classifier (`arrears.compliance.meaning`) trains on it together with the hand-written
`lint_corpus.yaml`. Each category is a small grammar in zh-Hans and English: who acts, what they
do, to whom, when, in the active and the passive voice, as a statement, a question or a
condition. Then some sentences are rewritten as people write them: typos, "u"/"ur", emojis,
particles, 您 for 你, and zh/en code-switching. Lawful messages that look dangerous (lawful
mentions of courts, credit reports, police and family; warnings; notes that report what the
borrower said; negated threats) are generated the same way so the classifier learns the
difference. The random generator is seeded: the same module writes the same file.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

OUTPUT = Path(__file__).with_name("lint_corpus_generated.yaml")
SEED = 20261205
PER_CATEGORY = 420
LAWFUL = 3400


def pick(rng: random.Random, options):
    return options[rng.randrange(len(options))]


def fill(rng: random.Random, template: str, slots: dict[str, list[str]]) -> str:
    def one(match: re.Match) -> str:
        return fill(rng, pick(rng, slots[match.group(1)]), slots)

    return re.sub(r"\{(\w+)\}", one, template)


# -- shared slots -----------------------------------------------------------------------------

ZH = {
    "you": ["你", "你", "您", "你这人"],
    "cond": ["再不还", "今天不还", "如果还不上", "要是再拖", "再装死", "拖过今晚", "钱不到账的话", "明天中午前不处理",
             "再不回电话", "继续逃避的话", "不给个说法", "三天内不结清"],
    "when": ["今晚", "明天", "这几天", "下周", "随时", "马上", "过两天", "周末"],
    "family": ["父母", "老婆", "老公", "爸妈", "孩子", "兄弟姐妹", "亲戚", "岳父岳母", "公婆", "家里人", "女朋友", "男朋友"],
    "others": ["同事", "领导", "老板", "人事", "单位", "公司", "邻居", "物业", "居委会", "村干部", "老乡", "同学", "老师",
               "朋友", "通讯录里的人", "手机联系人", "微信好友", "QQ好友", "群里的人", "街坊"],
    "place": ["单位", "公司", "老家", "村里", "小区", "学校", "工地", "店里"],
    "media": ["朋友圈", "微博", "抖音", "快手", "小红书", "本地论坛", "贴吧", "公众号", "家族群", "业主群"],
    "body": ["腿", "手", "胳膊", "脑袋", "牙", "骨头", "脸"],
    "police": ["警察", "公安", "派出所", "刑警", "经侦", "民警", "公安局", "警方"],
    "court": ["法院", "法官", "执行局", "仲裁委", "检察院", "律师事务所", "司法局"],
    "gov": ["公安局", "法院", "检察院", "银保监", "金融监管局", "人民银行", "司法局", "网信办", "街道办", "税务局"],
    "platform": ["别的平台", "其他网贷", "小贷公司", "信用卡", "花呗", "借呗", "白条", "微粒贷", "亲戚朋友", "高利贷", "民间借贷"],
    "wallet": ["我的微信", "我个人微信", "我支付宝", "我个人支付宝", "我的银行卡", "我同事的卡", "这个私人账户", "我老婆的卡",
               "经理个人账户", "我这张卡"],
    "insult": ["废物", "垃圾", "人渣", "老赖", "骗子", "败类", "贱人", "畜生", "不要脸的东西", "无赖", "混蛋", "王八蛋", "狗东西",
               "蠢货", "白眼狼", "窝囊废", "没脸没皮的", "社会渣滓", "臭不要脸的", "死赖子"],
}

EN = {
    "cond": ["If you don't pay today", "Unless we see the money", "Keep ignoring us and", "If this isn't settled by Friday",
             "One more missed payment and", "If we don't hear back", "Don't pay and", "If you keep dodging our calls",
             "Should the balance stay unpaid", "Ignore this message and"],
    "when": ["tonight", "tomorrow", "this week", "by Monday", "any day now", "soon", "first thing in the morning"],
    "family": ["parents", "wife", "husband", "kids", "children", "mother", "father", "brother", "sister", "relatives",
               "in-laws", "partner", "grandparents", "cousins"],
    "others": ["boss", "employer", "manager", "coworkers", "colleagues", "HR department", "neighbours", "neighbors",
               "landlord", "friends", "church", "teachers", "classmates", "contacts", "phone contacts", "whole address book",
               "Facebook friends", "followers", "team at work", "pastor"],
    "media": ["Facebook", "Instagram", "Twitter", "TikTok", "a public group", "the neighbourhood forum", "LinkedIn", "WhatsApp groups"],
    "body": ["legs", "knees", "fingers", "face", "arm", "teeth"],
    "police": ["the police", "the cops", "the sheriff", "law enforcement", "officers", "the authorities", "a detective"],
    "court": ["the court", "a judge", "the courthouse", "the county court", "the magistrate", "the district attorney"],
    "gov": ["the police department", "the county court", "the FBI", "the IRS", "the Department of Justice", "the sheriff's office",
            "the attorney general's office", "a federal agency", "the state prosecutor", "the consumer protection bureau"],
    "platform": ["a payday loan", "a title loan", "a cash advance", "another lender", "your credit card", "a loan app",
                 "your friends", "your family", "a pawn shop", "your 401k", "a second loan"],
    "wallet": ["my Venmo", "my personal PayPal", "my Cash App", "my own account", "my Zelle", "my wife's account",
               "this private account", "my coworker's card", "gift cards", "a crypto wallet"],
    "insult": ["deadbeat", "loser", "parasite", "scumbag", "lowlife", "idiot", "moron", "leech", "freeloader", "bum",
               "trash", "liar", "cheat", "waste of space", "clown", "piece of garbage", "degenerate", "sponge", "coward"],
}

# -- categories: (zh templates, en templates) ---------------------------------------------------

CATEGORY_TEMPLATES: dict[str, tuple[list[str], list[str]]] = {
    "violence": ([
        "{cond}，{when}就让人去收拾{you}。", "{cond}，小心{you}的{body}。", "{you}的{body}还想要吗？{cond}就别怪我们。",
        "{cond}，我们的人{when}上门，打到{you}服为止。", "{you}这种人被人打一顿也是应该的。",
        "{cond}，{you}家的门窗{when}可能就被砸了。", "出门走夜路注意点，{cond}什么事都可能发生。",
        "{cond}，让{you}见血。", "{you}{family}上下学的路我们都熟，{cond}后果自负。", "{cond}，{you}的车会被人划烂。",
        "{you}会被揍得很惨，{cond}。", "{cond}，兄弟们会找{you}算账，{you}躲不掉的。", "{cond}，就放火烧了{you}家。",
        "等我们找到{you}，{you}就完了。", "{cond}，{you}的{body}就别想要了。", "迟早有人会收拾{you}的，{cond}。",
        "{cond}，{you}全家别想安生，出了事别找我们。", "{you}住哪我们一清二楚，晚上小心点。",
    ], [
        "{cond}, someone will break your {body}.", "{cond}, we'll pay you a visit and you won't like it.",
        "It would be a shame if something happened to your {family}.", "You'll get hurt {when} if this isn't paid.",
        "{cond}, your house might catch fire.", "We know where you live. Watch yourself {when}.",
        "{cond}, we'll send some guys to rough you up.", "People who don't pay us end up getting hurt.",
        "Your {body} will be broken {when}.", "{cond}, you'll wish you had never been born.",
        "{cond}, your car could have an accident.", "We will find you and make you pay in blood.",
        "Be careful walking home {when}.", "{cond}, your {family} won't be safe.",
        "You could get beaten up {when}, pay now.", "{cond}, we'll come round and smash your place up.",
    ]),
    "third_party": ([
        "{cond}，我们就{when}通知{you}的{others}。", "{cond}，{you}的{family}和{others}都会接到电话。",
        "{you}欠钱的事，{when}会让{you}{others}都知道。", "{cond}，就把{you}的欠款发到{media}。",
        "{you}的欠款情况将会被告知{you}的{others}。", "{you}的{family}会被我们一个个联系。",
        "{cond}，我们{when}去{you}{place}找{you}的{others}。", "{you}{others}的电话我们都有，{cond}就挨个打。",
        "{cond}，把{you}的照片和身份证发到{media}曝光。", "{you}的事会被发到{you}{place}的群里。",
        "{cond}，我们会让{you}{family}替{you}还。", "{cond}，{you}的{others}和{family}会知道{you}是什么人。",
        "{you}手机通讯录已经导出来了，{cond}全部群发。", "{cond}，会有人去{you}{place}贴告示。",
        "{cond}，{you}的{others}会收到{you}的欠款短信。", "{you}{family}那边我们会去聊聊{you}欠钱的事。",
    ], [
        "{cond}, we will call your {others}.", "{cond}, your {family} will be told about this debt.",
        "Your {others} will be informed about your unpaid loan {when}.", "{cond}, we'll post your debt on {media}.",
        "We have your {others}'s number and we will use it.", "Everyone in your contacts will hear about this {when}.",
        "{cond}, we'll let your {family} and {others} know what you owe.", "Your {others} are going to find out about this.",
        "{cond}, a letter about your debt goes to your {others}.", "Your {family} will be contacted about your account {when}.",
        "{cond}, we'll visit your workplace and talk to your {others}.", "Your debt will be shared with your {others}.",
        "{cond}, we'll message every one of your {others}.", "How would your {others} feel if they knew you owe us?",
        "{cond}, your name and balance will be posted on {media}.", "We will make sure your {family} knows you don't pay your debts.",
    ]),
    "arrest": ([
        "{cond}，{police}{when}就会上门抓人。", "{you}已经涉嫌诈骗，{cond}就等着坐牢吧。", "{cond}，{you}会被拘留。",
        "{you}的案子已经移交{police}，随时可能被带走。", "{cond}，{you}会留下案底，影响子女。", "{police}已经立案了，{you}跑不掉。",
        "恶意欠款是犯罪，{cond}就送{you}进监狱。", "{cond}，{when}就报警把{you}抓起来。", "{you}已经被{police}列为追查对象。",
        "{cond}，{you}会被刑事追责，判几年。", "{you}会被{police}通缉，{cond}。", "我们已经报案，{police}{when}会去{you}{place}。",
        "{cond}，{you}就是犯罪嫌疑人了。", "{you}的行为构成拒不履行，要被关起来。", "{cond}，{you}会被抓去蹲号子。",
        "已经给{you}立案了，等着{police}传唤吧。", "{cond}，{you}这辈子都有犯罪记录。",
    ], [
        "{cond}, {police} will arrest you {when}.", "You'll be going to jail {cond}.", "{cond}, a warrant will be issued for you.",
        "Not paying is a crime and you will be prosecuted.", "{police} have your file and will come for you {when}.",
        "{cond}, you'll be charged with fraud.", "You could be locked up for this.", "{cond}, you'll have a criminal record.",
        "We have filed a criminal complaint against you.", "{cond}, expect {police} at your door.",
        "You will be taken into custody {when} unless you pay.", "This is now a criminal case and you are the suspect.",
        "{cond}, you could be arrested at work.", "Jail is the next step {cond}.", "You'll be handcuffed in front of your {family}.",
        "A criminal investigation has been opened in your name.",
    ]),
    "fake_legal": ([
        "{court}已经判了，{when}强制执行。", "{you}的传票已经发出，{when}开庭，缺席直接判。", "{cond}，{when}冻结{you}所有银行卡。",
        "{you}已经被列入失信名单，不能坐飞机高铁。", "执行人员{when}上门查封{you}的房子。", "律师函已生效，{cond}直接划扣{you}工资。",
        "{you}的案件已判决，{you}的财产将被拍卖。", "{cond}，{court}会冻结{you}的微信和支付宝。", "开庭通知：{when}上午九点，不到庭视为认罪。",
        "{you}被起诉了，判决书{when}送达。", "{cond}，{you}的工资{when}开始被扣。", "仲裁裁决已经下来了，{you}必须马上执行。",
        "{you}名下的房产已被查封。", "{cond}，{when}就上{you}{place}强制执行。",
    ], [
        "A judgment has been entered against you and {when} your wages will be garnished.", "Your court date is set for {when}.",
        "{cond}, your bank accounts will be frozen {when}.", "This is your final summons; failure to appear means judgment.",
        "A lien has been placed on your home.", "The sheriff will seize your car {when}.", "You have been sued and lost.",
        "{cond}, your property will be auctioned.", "Your case has been filed and the hearing is {when}.",
        "Enclosed is a court order requiring immediate payment.", "{cond}, we will garnish your paycheck {when}.",
        "Your assets have been frozen by court order.", "A default judgment was issued against you.",
        "Legal papers have been served; pay now to stop the seizure.",
    ]),
    "impersonation": ([
        "我是{gov}的工作人员，关于{you}的欠款需要核实。", "这里是{gov}，{you}的借款案件由我们处理。", "【{gov}】通知：{you}的贷款逾期，请马上处理。",
        "我是{police}的，{you}的借款涉及案件。", "本人是{court}的法官，{you}的案子在我手上。", "{gov}来电：请{you}配合调查欠款。",
        "我代表{gov}正式通知{you}还款。", "{you}好，我是{court}的书记员，{you}欠款的事需要处理。", "我们是{gov}派来的，{you}必须配合。",
        "本人系{court}执业律师，{cond}就起诉。", "【{court}】{you}的欠款纠纷已登记，请联系承办人。",
    ], [
        "This is {gov} calling about your unpaid loan.", "I'm an officer with {gov} and your loan is under review.",
        "Message from {gov}: your debt must be paid immediately.", "I'm calling on behalf of {court} regarding your balance.",
        "This is Officer Smith from {police}; call us about your debt.", "{gov} has taken over collection of your account.",
        "I work for {court} and your file is on my desk.", "Notice from {gov}: settle your account today.",
        "We are a government agency collecting your debt.", "This is the clerk of {court}, you owe a balance.",
        "Agent Brown, {gov}. You need to pay this loan.",
    ]),
    "credit": ([
        "{cond}，{you}的征信就永远黑了。", "{cond}，{you}这辈子都贷不了款。", "逾期记录会跟{you}一辈子，还清也消不掉。",
        "{cond}，{you}的{family}征信也会受影响。", "我们会在征信上写{you}恶意诈骗。", "{cond}，{you}的孩子考公、当兵都会受影响。",
        "{you}征信已经上黑名单了，所有银行都不会借给{you}。", "{cond}，征信永久留底，买房买车都别想。",
        "{cond}，{you}的征信会连累{you}{family}贷款。", "上了征信黑名单，{you}坐高铁都不行。", "{you}的信用分明天就清零。",
    ], [
        "{cond}, your credit will be ruined forever.", "You'll never get a loan again in your life.",
        "This will stay on your credit report permanently, even after you pay.", "{cond}, we'll report you as a fraudster to the bureaus.",
        "Your credit score will drop to zero {when}.", "{cond}, your {family}'s credit will suffer too.",
        "We'll blacklist you with every bank in the country.", "{cond}, no landlord will ever rent to you again.",
        "Your credit file will say you committed fraud.", "Paying later won't remove it; your credit is destroyed for good.",
    ]),
    "insult": ([
        "{you}这个{insult}。", "{you}就是个{insult}，欠钱不还。", "像{you}这种{insult}，活着有什么用。", "{insult}，赶紧还钱。",
        "{you}真是{insult}，{family}都替{you}丢人。", "借钱的时候{you}怎么不想想，{insult}！", "{you}也配做人？{insult}一个。",
        "{you}全家都是{insult}。", "{you}这种{insult}早晚遭报应。", "不要脸，{you}就是{insult}。", "{you}是不是脑子有病？",
        "{you}这种人不得好死。", "{you}这种{insult}，出门被车撞死算了。", "{you}真丢{you}祖宗的脸。",
    ], [
        "You're a {insult}.", "Only a {insult} like you would do this.", "Pay up, you {insult}.", "What a {insult} you are.",
        "You {insult}, you make me sick.", "Your {family} must be ashamed of a {insult} like you.", "Stop acting like a {insult}.",
        "You are nothing but a {insult}.", "Listen, {insult}, pay what you owe.", "Nobody likes a {insult} like you.",
        "You're too stupid to manage money.", "Go to hell, you {insult}.",
    ]),
    "borrow": ([
        "{you}去{platform}借一笔先还我们。", "没钱就找{platform}借，{cond}。", "{platform}不是还有额度吗？拿来还。",
        "{you}可以去{platform}套现，今天必须还上。", "去找{platform}周转一下，先把这笔结了。", "卖点东西或者找{platform}借，总之今天要到账。",
        "{you}{family}那么有钱，让他们借给{you}还。", "借新还旧也行，找{platform}借。", "刷{platform}把我们这笔先平了。",
        "下载个{platform}的App，几分钟就能借出来还我们。",
    ], [
        "Borrow from {platform} and pay us today.", "Get {platform} if you have to, just pay this.", "Why not use {platform} to clear this?",
        "Take out {platform} to cover this balance.", "Ask your {family} for a loan and pay us.", "Put it on {platform}, then pay us.",
        "Sell something or borrow from {platform}, we need it {when}.", "You can always get {platform} to pay this off.",
        "Open a new loan and use it to settle with us.", "Max out {platform} to make this payment.",
    ]),
    "personal_account": ([
        "钱直接转{wallet}，我帮{you}处理。", "这次别走App了，打到{wallet}就行。", "还款转到{wallet}，更快到账。",
        "{you}把钱转给{wallet}，我给{you}销账。", "扫我的个人收款码付款。", "转到{wallet}，我帮{you}减免罚息。",
        "官方渠道太慢，转{wallet}当天就能结清。", "把钱打到下面这个账户，户名是我本人。",
    ], [
        "Send the money to {wallet} and I'll close it.", "Pay through {wallet}, it's faster than the app.",
        "Transfer the balance to {wallet} today.", "Skip the official portal and pay {wallet}.", "Just pay me directly via {wallet}.",
        "Use {wallet} and I'll waive the late fee.", "Wire it to my personal account and I'll mark it settled.",
        "Pay with {wallet}, then send me a photo of the receipt.",
    ]),
    "regf_overshadowing": ([
        "{cond}，异议也没用，先付钱。", "{you}提出异议我们也不受理，必须马上还。", "核实期不重要，{when}前必须付清。",
    ], [
        "Disputing won't stop anything, pay {when}.", "Don't bother disputing, just pay in full {when}.",
        "Your dispute rights don't matter here; payment is due {when}.", "You must pay before you can dispute.",
        "Any dispute will be ignored unless you pay first.", "Forget the 30 days, pay {when} or we sue.",
        "Disputes only delay the inevitable, so pay now.", "Even if you dispute, you still have to pay {when}.",
        "The validation period does not apply to you; pay {when}.", "Disputes are accepted only once the balance is paid.",
        "You have 48 hours to pay, whatever the dispute notice says.", "Dispute by phone today or lose the right.",
        "Writing a dispute letter will only make it worse for you.", "Pay {when} to avoid a lawsuit, regardless of any dispute.",
    ]),
}

# -- lawful messages that look dangerous ------------------------------------------------------

LAWFUL_TEMPLATES: tuple[list[str], list[str]] = ([
    "{you}的借款已逾期{n}天，请通过官方App还款。", "如{you}持续未还款，我司可能依法提起诉讼，以法院判决为准。",
    "逾期信息将依法如实报送征信，按时还款可以保护{you}的信用。", "我们不会联系{you}的{family}或{others}，请放心。",
    "本公司不会要求{you}向任何个人账户转账。", "谨防诈骗：{police}和{court}不会通过短信催收欠款。", "客户说{family}会帮忙还款，约定{when}还清。",
    "客户称{family}生病，申请延期，已记录。", "客户表示要报警，已解释我们会依法合规催收。", "客户问会不会被{police}抓，已说明这是民事纠纷，不会。",
    "客户骂我们是{insult}后挂断，{when}再跟进。", "{you}可在App内对金额提出异议，我们会在五个工作日内答复。",
    "如有困难，可以申请分期还款，请不要借新还旧。", "结清后逾期记录保留五年，这是征信业管理条例的规定。",
    "{you}可以拨打官方客服电话核实催收人员身份。", "客户{family}接听，只留了回电号码，没有透露借款信息。",
    "上门未见到客户，未向{others}透露任何信息。", "客户称已向{court}起诉，已转法务部门。", "{you}的还款已到账，感谢{you}的配合。",
    "明天是还款日，请确保银行卡余额充足。", "{you}可以通过人民银行征信中心免费查询信用报告。", "如对催收方式不满，可向我司或监管部门投诉。",
    "您好，这里是客服，请{you}方便时回电，谢谢。", "本次通话已录音，我们会依法处理{you}的账户。", "客户说{others}已经知道借款的事，我方未联系。",
    "我们理解{you}的难处，每期金额可以协商。", "{you}的紧急联系人只用于联系不上{you}时确认联系方式。", "客户情绪激动，说要去{court}告我们，已安抚。",
    "如{you}家中有变故，可以申请暂停催收。", "法院传票只会由法院送达，请以法院正式文书为准。", "逾期不还可能产生罚息，具体以合同约定为准。",
    "请勿相信自称{gov}的来电要求转账，如有疑问请报警。", "您好，我是{lender}的工作人员，想和您沟通一下借款的情况。",
    "您好，我是受{lender}委托的催收机构工作人员，您可以拨打{lender}客服核实我的工号。", "请问您最近情况怎么样？是不是遇到什么困难了？",
    "请问您现在方便接电话吗？", "您看什么时候方便还款呢？", "如果有困难，我们可以为您申请分期或延期。", "请问是{name}本人吗？我是{lender}的客服。", "客户说{police}上门查过他别的事，与本借款无关。",
    "客户{family}表示不知道借款的事，已致歉并结束通话，未透露任何信息。", "客户称被人冒充{court}诈骗过，已提醒通过官方渠道核实。",
    "如{you}认为逾期记录有误，可向征信中心申请异议处理。", "我们尊重{you}的隐私，欠款信息只会与{you}本人沟通。", "客户说要去{place}打工，{when}发工资后还款。",
    "客户投诉之前有人说要通知他{others}，已记录并上报合规。", "客户说{you}们再打电话他就去{media}曝光，已安抚。", "依法起诉需经法院立案，届时{you}会收到法院的正式文书。",
    "{you}可选择通过银行转账至我司对公账户，账户信息以App显示为准。", "客户情绪低落，说不想活了，已暂停催收并转关怀专员。",
    "如果{you}被{police}调查与本借款无关，不影响{you}的还款安排。", "今天联系了客户本人，承诺{when}还款，态度良好。", "我司已依法提起诉讼，案件进展请以法院通知为准。", "客户说{family}打{you}了，情绪低落，已暂停催收并上报。",
    "我们不会把{you}的信息发到{media}或告诉任何人。", "客户表示{when}发工资后还款。", "已提醒客户可通过App申请延期。",
], [
    "Your payment is {n} days late. Please pay in the app or call us.", "If the account stays unpaid, we may consider legal action; a court would decide.",
    "We report payment history to credit bureaus accurately.", "We will not contact your {family} or {others} about this account.",
    "We will never ask you to pay into a personal account.", "Scam alert: {police} and {court} never call to collect loan payments.",
    "Customer said her {family} will help pay by {when}.", "Customer reports a family illness; payment date moved.",
    "Customer said he would call {police} if we called again; noted.", "Customer asked if he could be arrested; explained this is a civil matter.",
    "Customer called the agent a {insult} and hung up; retry {when}.", "You may dispute the amount in the app and we will reply within five business days.",
    "If you are struggling, we can set up a payment plan; please don't take a new loan to pay this.",
    "You can verify who we are by calling the number on our website.", "Customer's {family} answered; left a callback number only, no details shared.",
    "No one was home during the visit; nothing was said to the {others}.", "Customer said he has filed a complaint in {court}; passed to legal.",
    "Thank you, your payment has been received.", "Your next payment is due {when}.", "You can get a free copy of your credit report once a year.",
    "Hi, this is customer service. Please call us back when convenient.", "This call is recorded for quality and compliance.",
    "Customer said his {others} already know about the loan; we have not contacted them.", "We understand things are hard; we can lower the instalment.",
    "Your emergency contact is only used to reach you, never told about the loan.", "Late fees may apply as set out in your agreement.",
    "Beware of callers claiming to be {gov} and asking for money; report them.", "A lawsuit has not been filed; call us to discuss options.",
    "We never post anything about customers on {media}.", "Customer will pay after payday {when}.", "Customer upset, said she'd sue us; escalated to a supervisor.",
    "This is a communication from a debt collector. You have the right to dispute this debt.",
    "This is a debt collector. If you dispute the debt in writing within the validation period, we will stop collection until we send verification.",
    "This is a debt collector. Paying now does not take away your right to dispute.", "We are a debt collector. Reply STOP to opt out of texts.",
    "This is a debt collector. Your dispute was received and collection is paused.", "This is a debt collector. You can dispute all or part of the debt by the date on this notice.",
    "This is a debt collector. You do not have to pay a debt you dispute until we verify it.",
    "This is a debt collector. You may dispute this debt by {date}.", "You can dispute all or part of this debt by {date}.",
    "If you write to us by {date} to dispute the debt, we must stop collection until we send you verification.",
    "You have until {date} to dispute this debt or ask for the original creditor's name.",
    "If you do not dispute by {date}, we will assume the debt is valid.", "Call or write by {date} if you want to dispute the debt.",
    "Disputing the debt is free and will not be reported as a late payment.", "We will not sue you while your dispute is being reviewed.",
    "You may dispute online, by mail or by phone; we accept disputes until {date}.", "If you dispute, we will mail you verification of the debt.",
    "You can pay now or dispute by {date}; paying does not take away your dispute rights.",
    "This is a debt collector. The amount is {amount}. You may dispute it by {date}.",
    "Hello, I am calling from {lender} about your loan.", "Hello {name}, this is {lender}; I would like to talk about your account.",
    "I am calling from an agency appointed by {lender}; you can verify my staff number with {lender}.",
    "Hi {name}, I'm calling on behalf of {lender} about the payment that is {n} days late.",
    "How are things for you at the moment?", "How are you doing these days? Is anything making it hard to pay?",
    "Is this a good time to talk?", "Could you tell me what happened with this month's payment?",
    "When do you think you will be able to pay?", "Would an instalment plan or a short deferral help you?",
    "Am I speaking with {name}? I am calling from {lender}.", "My name is {agent} from {lender}; my staff number is available on request.",
    "Could you ask {name} to call {lender} back? Thank you.", "We can talk about a plan that fits your budget; how does that sound?",
    "Customer said {police} came to his home about another matter; unrelated to the loan.", "Customer's {family} did not know about the loan; apologised and ended the call.",
    "If you think your credit report is wrong, you can dispute it with the bureau.", "We only discuss your account with you.",
    "Customer complained an earlier caller threatened to tell his {others}; logged and escalated to compliance.",
    "Customer threatened to post about us on {media}; noted.", "A lawsuit would need a court filing, and you would receive official papers.",
    "You can pay by bank transfer to our company account shown in the app.", "Customer sounded distressed; paused collection and referred to the care team.",
    "Spoke with the customer directly; promised to pay {when}, friendly call.", "Our agents will always give their name and a number you can check.",
])

LENDERS_ZH = ["禾丰消费金融", "本公司", "我司", "青禾小贷", "华信银行信用卡中心", "合作机构"]
LENDERS_EN = ["Hefeng Consumer Finance", "Maple Ridge Lending", "Northline Credit", "the card centre", "Sunrise Bank",
              "Hefeng Consumer Finance Co., Ltd."]
LAWFUL_SLOTS_ZH = {**ZH, "n": ["3", "7", "12", "15", "30", "45", "60"], "lender": LENDERS_ZH,
                   "name": ["张先生", "李女士", "王伟", "刘洋"]}
LAWFUL_SLOTS_EN = {**EN, "n": ["3", "7", "12", "15", "30", "45", "60"],
                   "date": ["May 3", "June 14, 2027", "January 9", "the 21st", "March 30, 2027", "August 2", "12/15/2026"],
                   "amount": ["$412.50", "$1,980.00", "$76.12", "$3,400", "$250"], "lender": LENDERS_EN,
                   "name": ["Jane Smith", "Mr. Chen", "Dana", "Marcus Lee"], "agent": ["Amy", "Tom Baker", "agent Li"]}

# -- how people write --------------------------------------------------------------------------

_EN_SWAPS = [(r"\byou\b", "u"), (r"\byour\b", "ur"), (r"\byou're\b", "ur"), (r"\bplease\b", "pls"), (r"\bare\b", "r"),
             (r"\btonight\b", "2nite"), (r"\bbecause\b", "cuz"), (r"'", "")]
_EMOJI = ["😡", "🔪", "👊", "😈", "⚠️", "🙂", "😊", "👍", "🚔", "💰", "‼️", "😤"]
_ZH_TO_EN = [("还钱", "pay"), ("老板", "boss"), ("警察", "police"), ("法院", "court"), ("欠款", "debt"), ("征信", "credit"),
             ("同事", "colleagues"), ("朋友圈", "WeChat moments"), ("律师", "lawyer"), ("今天", "today"), ("马上", "ASAP"),
             ("账户", "account"), ("家人", "family"), ("骗子", "scammer"), ("借", "borrow")]
_ZH_PARTICLES = ["啊", "哈", "哦", "嘛", "呢", "啦", "！！", "。。。"]


def _typo(rng: random.Random, text: str) -> str:
    words = text.split(" ")
    candidates = [i for i, w in enumerate(words) if len(w) > 4 and w.isalpha()]
    if not candidates:
        return text
    i = pick(rng, candidates)
    word = words[i]
    cut = rng.randrange(1, len(word) - 1)
    words[i] = word[:cut] + word[cut + 1:] if rng.random() < 0.5 else word[:cut] + word[cut + 1] + word[cut] + word[cut + 2:]
    return " ".join(words)


def roughen_en(rng: random.Random, text: str) -> str:
    if rng.random() < 0.25:
        for pattern, replacement in _EN_SWAPS:
            text = re.sub(pattern, replacement, text, flags=re.IGNORECASE)
        text = text.lower()
    if rng.random() < 0.2:
        text = _typo(rng, text)
    if rng.random() < 0.15:
        text = text.rstrip(".") + " " + pick(rng, _EMOJI)
    return text


def roughen_zh(rng: random.Random, text: str) -> str:
    if rng.random() < 0.2:
        text = text.replace("你", "您") if rng.random() < 0.5 else text.replace("你", "尼")
    if rng.random() < 0.2:
        text = text.rstrip("。") + pick(rng, _ZH_PARTICLES)
    if rng.random() < 0.15:
        text = text + pick(rng, _EMOJI)
    if rng.random() < 0.2:
        for zh, en in rng.sample(_ZH_TO_EN, 4):
            text = text.replace(zh, f" {en} ")
        text = re.sub(r"\s+", " ", text).strip()
    return text


def _messages(rng: random.Random, zh_templates, en_templates, zh_slots, en_slots, count: int):
    seen: set[str] = set()
    tries = 0
    while len(seen) < count and tries < count * 20:
        tries += 1
        if rng.random() < 0.5 and zh_templates:
            text, lang = roughen_zh(rng, fill(rng, pick(rng, zh_templates), zh_slots)), "zh"
            lang = "mixed" if re.search(r"[A-Za-z]{3}", text) else lang
        else:
            text, lang = roughen_en(rng, fill(rng, pick(rng, en_templates), en_slots)), "en"
            if rng.random() < 0.08:
                text, lang = text + " " + pick(rng, ["赶紧的", "听到没有", "谢谢", "明白吗"]), "mixed"
        if text not in seen:
            seen.add(text)
            yield lang, text


def generate(seed: int = SEED) -> list[dict]:
    """The generated entries, in the corpus's format (id, lang, text, expect)."""
    rng = random.Random(seed)
    entries: list[dict] = []
    for category, (zh_templates, en_templates) in CATEGORY_TEMPLATES.items():
        for lang, text in _messages(rng, zh_templates, en_templates, ZH, EN, PER_CATEGORY):
            entries.append({"lang": lang, "text": text, "expect": [category]})
    for lang, text in _messages(rng, LAWFUL_TEMPLATES[0], LAWFUL_TEMPLATES[1], LAWFUL_SLOTS_ZH, LAWFUL_SLOTS_EN, LAWFUL):
        entries.append({"lang": lang, "text": text, "expect": []})
    for number, entry in enumerate(entries):
        entry["id"] = f"g{number:05d}"
    return [{"id": e["id"], "lang": e["lang"], "text": e["text"], "expect": e["expect"]} for e in entries]


def render(entries: list[dict]) -> str:
    import yaml

    header = ("# Generated by `python -m arrears.compliance.corpus_generator` (seeded): do not edit by hand;\n"
              "# change the generator and run it again. Training data for arrears.compliance.meaning.\n")
    return header + yaml.safe_dump(entries, allow_unicode=True, sort_keys=False, width=200)


def main() -> None:
    OUTPUT.write_text(render(generate()), encoding="utf-8")
    print(f"{OUTPUT.name}: {len(generate())} entries")


if __name__ == "__main__":
    main()
