"""`arrears model …`: train the propensity model, read its card, promote it, score the book.

    arrears model train --as-of 2026-11-30 [--horizon 30] [--share 50] [--step 7]
    arrears model card [VERSION] [--svg calibration.svg] [--json card.json]
    arrears model list
    arrears model promote VERSION --by USERNAME
    arrears model score --as-of 2026-11-30
    arrears model experiments --from 2026-09-01 --to 2026-11-30   # per arm: recovered, cost, cures, with intervals
    arrears model public [--json results.json]     # German credit data shipped in a package, against published AUCs
"""

from __future__ import annotations

import json

from arrears.commands._options import iso_date
from arrears.errors import InputError


def register(subparsers) -> None:
    parser = subparsers.add_parser("model", help="还款倾向模型：训练、模型卡、启用、评分 / propensity model")
    actions = parser.add_subparsers(dest="model_action", metavar="ACTION")
    training = actions.add_parser("train", help="训练新版本 / train a new version")
    training.add_argument("--as-of", type=iso_date, required=True, help="训练截至日 / trained as of (YYYY-MM-DD)")
    training.add_argument("--horizon", type=int, default=30, help="标签窗口天数 / label window in days (30)")
    training.add_argument("--share", type=int, default=50, help="须还逾期金额的百分比 / %% of the overdue amount paid (50)")
    training.add_argument("--step", type=int, default=7, help="快照间隔天数 / days between snapshots (7)")
    training.set_defaults(handler=run_train)
    showing = actions.add_parser("card", help="模型卡 / a model's card")
    showing.add_argument("version", nargs="?", type=int, help="版本（默认最新）/ version (the newest)")
    showing.add_argument("--svg", help="校准图输出路径 / write the calibration plot (SVG)")
    showing.add_argument("--json", help="模型卡 JSON 输出路径 / write the card as JSON")
    showing.set_defaults(handler=run_card)
    listing = actions.add_parser("list", help="列出模型版本 / list the versions")
    listing.set_defaults(handler=run_list)
    promoting = actions.add_parser("promote", help="启用一个版本 / promote a version")
    promoting.add_argument("version", type=int, help="版本 / version")
    promoting.add_argument("--by", required=True, help="启用人的用户名 / the username of the person promoting")
    promoting.set_defaults(handler=run_promote)
    scoring = actions.add_parser("score", help="用已启用的模型评分 / score the book with the promoted model")
    scoring.add_argument("--as-of", type=iso_date, required=True, help="评分日 / the day scored (YYYY-MM-DD)")
    scoring.set_defaults(handler=run_score)
    measuring = actions.add_parser("experiments", help="冠军/挑战组的结果与区间 / champion/challenger outcomes per arm")
    measuring.add_argument("--from", dest="first", type=iso_date, required=True, help="开始日 / first day")
    measuring.add_argument("--to", dest="last", type=iso_date, required=True, help="结束日 / last day")
    measuring.set_defaults(handler=run_experiments)
    public = actions.add_parser("public", help="在公开信贷数据上检验学习器 / the learners on public credit data")
    public.add_argument("--json", help="结果 JSON 输出路径 / write the results as JSON")
    public.set_defaults(handler=run_public)
    parser.set_defaults(handler=lambda args: parser.print_help() or 2)


def _check(args) -> None:
    if args.horizon < 1 or args.horizon > 180:
        raise InputError("标签窗口应在 1–180 天之间", "the label window must be 1–180 days")
    if args.share < 1 or args.share > 100:
        raise InputError("百分比应在 1–100 之间", "the share must be 1–100 (%)")
    if args.step < 1 or args.step > 90:
        raise InputError("快照间隔应在 1–90 天之间", "the snapshot step must be 1–90 days")


def run_train(args) -> int:
    from arrears.intelligence.card import card_text
    from arrears.intelligence.training import TrainOptions, train

    _check(args)
    model = train(TrainOptions(as_of=args.as_of, horizon=args.horizon, share_pct=args.share, step_days=args.step))
    print(card_text(model.card))
    return 0


def _model(version):
    from arrears.intelligence.models import TrainedModel

    models = TrainedModel.objects.all()
    model = models.filter(version=version).first() if version else models.order_by("-version").first()
    if model is None:
        raise InputError(f"没有模型{'版本 ' + str(version) if version else ''}",
                         f"no model{' version ' + str(version) if version else ''}: train one first")
    return model


def run_card(args) -> int:
    from pathlib import Path

    from arrears.intelligence.card import calibration_svg, card_text

    model = _model(args.version)
    print(card_text(model.card))
    if args.svg:
        Path(args.svg).write_text(calibration_svg(model.card), encoding="utf-8")
    if args.json:
        Path(args.json).write_text(json.dumps(model.card, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


def run_list(args) -> int:
    from arrears.intelligence.models import TrainedModel

    for model in TrainedModel.objects.order_by("version"):
        auc = model.card.get("metrics", {}).get("lightgbm", {}).get("auc")
        print(f"v{model.version}  {model.state:<9} as of {model.as_of}  AUC {auc}  "
              f"promoted by {model.promoted_by.get_username() if model.promoted_by else '—'}")
    return 0


def run_promote(args) -> int:
    from django.contrib.auth import get_user_model

    from arrears.intelligence.scoring import promote

    user = get_user_model().objects.filter(username=args.by).first()
    if user is None:
        raise InputError(f"没有用户 {args.by}", f"no user {args.by!r}")
    model = promote(args.version, user)
    print(f"已启用 v{model.version} / promoted v{model.version} (by {args.by})")
    return 0


def run_score(args) -> int:
    from arrears.intelligence.card import psi_word
    from arrears.intelligence.scoring import score_book

    scored = score_book(args.as_of)
    zh, en = psi_word(scored.drift["score_psi"])
    print(f"v{scored.version}: 评分 {scored.rows} 个账户，文件 {scored.path} / scored {scored.rows} accounts, file {scored.path}")
    print(scored.outcome.summary() if hasattr(scored.outcome, "summary") else scored.outcome)
    print(f"评分漂移 PSI {scored.drift['score_psi']:.3f}（{zh}）/ score drift PSI {scored.drift['score_psi']:.3f} ({en})")
    return 0


def run_public(args) -> int:
    import warnings
    from pathlib import Path

    from arrears.intelligence.public import german_credit_report, report_text

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        report = german_credit_report()
    print(report_text(report))
    if args.json:
        Path(args.json).write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


def run_experiments(args) -> int:
    from arrears.intelligence.experiments import measure_experiments, results_text

    print(results_text(measure_experiments(args.first, args.last)))
    return 0
