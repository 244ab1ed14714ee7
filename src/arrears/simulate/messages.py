"""Messages in a simulated day: the outbox worker sends what is due to real local peers (an SMSC over
SMPP 3.4, an SMTP server, the app's push webhook), and the borrowers read them on their phones.

    with MessageDesk(world) as desk:
        desk.round(day, dt.time(10))           # the worker's round at 10:00, the clock reading it

A borrower who reads a reminder may pay within a few days, or reply STOP (TD): the reply goes back
through the SMSC as a mobile-originated message and the worker opts the number out, as it would
for anyone. Delivery receipts come back the same way.
"""

from __future__ import annotations

import dataclasses
import datetime as dt


STOP_WORDS = ("TD", "退订", "STOP")


class MessageDesk:
    ROUNDS = tuple(dt.time(hour) for hour in (10, 12, 14, 16, 18, 20))

    def __init__(self, world) -> None:
        self.world = world

    def __enter__(self) -> MessageDesk:
        from arrears.outbox.local import start_local_peers
        from arrears.outbox.worker import Worker

        self.peers = start_local_peers(letters=self.world.letters_dir)
        self.worker = Worker(self.peers.config, owner="simulate")
        return self

    def __exit__(self, *exc) -> None:
        self.worker.close()
        self.peers.stop()

    def round(self, day: dt.date, moment: dt.time) -> None:
        """The worker's round at `moment` (the clock reads it): what is due goes out; then what the
        borrowers do about what reached them."""
        before = dataclasses.replace(self.worker.tally)
        tally = self.worker.drain(listen_seconds=0.2 if moment == self.ROUNDS[-1] else 0.0)
        self.world.tally["messages_sent"] += tally.sent - before.sent
        self.world.tally["messages_blocked_at_send"] += tally.blocked - before.blocked
        self.world.tally["opt_outs_by_reply"] += tally.opt_outs - before.opt_outs
        self._read(day)

    def _read(self, day: dt.date) -> None:
        """Each borrower who got a message today: pay soon, reply STOP, or nothing."""
        borrowers, params = self.world.borrowers, self.world.params
        for message in self.peers.take_new():
            references = borrowers.loans_of(message.to)
            for reference in references:
                behaviour = borrowers.of(reference)
                if message.channel == "sms" and borrowers.chance(params.rate("replies_stop", behaviour)):
                    self.peers.smsc.reply(message.to, STOP_WORDS[int(borrowers.rng.integers(0, len(STOP_WORDS)))])
                    self.world.tally["stop_replies"] += 1
                    continue
                if borrowers.chance(params.rate("pays_after_message", behaviour)):
                    from arrears.simulate.daytime import _overdue
                    from arrears.ledger.models import Loan

                    loan = Loan.objects.filter(external_id=reference).first()
                    amount = _overdue(loan) if loan is not None else 0
                    borrowers.book(day + dt.timedelta(days=borrowers.between(1, 3)), reference, amount, "message")
                    self.world.tally["paid_after_message"] += 1
