"""`arrears check [--deploy]`: Django's system checks on the settings as the environment gives them.

    ARREARS_HTTPS=1 ARREARS_HSTS_PRELOAD=1 arrears check --deploy     # clean (docs/deployment.md)
"""

from __future__ import annotations


def register(subparsers) -> None:
    parser = subparsers.add_parser("check", help="检查配置 / check the settings")
    parser.add_argument("--deploy", action="store_true", help="同时检查生产部署的安全设置 / also the production security settings")
    parser.set_defaults(handler=run)


def run(args) -> int:
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    from arrears.errors import ConfigurationError
    from arrears.secret import require_secret

    if args.deploy:
        require_secret()
    try:
        call_command("check", deploy=args.deploy, fail_level="WARNING")
    except SystemCheckError as error:
        raise ConfigurationError(f"配置检查未通过：\n{error}", "the settings do not pass the checks (above)") from None
    return 0
