"""The content lint on the call transcripts the contacts feed brings: each transcript is read as a
call's words to its party (the borrower, or a third party), under the lender's profile and the
loan's product kind, and its findings are kept with the attempt (`ContactAttempt.content_findings`).

A transcript with findings still lands: the call was made; the findings are what a reviewer sees
on the account's contact history and in the content review list (workbench)."""

from __future__ import annotations

import json

import pyarrow as pa

from arrears.compliance.lint import findings_as_data, lint_many

CHANNEL = "call_transcript"
NO_FINDINGS = "[]"


def transcript_findings(rows: pa.Table, *, profile: str, products: pa.Array | None = None) -> pa.Array:
    """Per row of `rows` (columns transcript, party), its transcript's findings as JSON text ("[]"
    without a transcript or a finding). `products`: each row's product kind (consumer_loan when
    not given); the rows are linted in batches of one party and one product kind."""
    texts = rows.column("transcript").to_pylist()
    parties = rows.column("party").to_pylist()
    kinds = products.to_pylist() if products is not None else [None] * len(texts)
    out = [NO_FINDINGS] * len(texts)
    groups: dict[tuple[str, str], list[int]] = {}
    for index, text in enumerate(texts):
        if text:
            recipient = "third_party" if parties[index] == "third_party" else "borrower"
            groups.setdefault((recipient, kinds[index] or "consumer_loan"), []).append(index)
    for (recipient, product), indices in groups.items():
        found = lint_many([texts[i] for i in indices], profile=profile, product=product, recipient=recipient,
                          channel=CHANNEL)
        for index, findings in zip(indices, found):
            if findings:
                out[index] = json.dumps(findings_as_data(findings), ensure_ascii=False)
    return pa.array(out, pa.string())
