"""Messages in a simulated day: the outbox worker sends what is due to real local peers (an SMSC over
SMPP 3.4, an SMTP server, the app's push webhook), and the borrowers read them on their phones.

    with MessageDesk(world) as desk:
        desk.send(day)                         # the worker's rounds up to noon
        desk.send(day, until=dt.time(20))      # and the rest of the day

A borrower who reads a reminder may pay within a few days, or reply STOP (TD): the reply goes back
through the SMSC as a mobile-originated message and the worker opts the number out, as it would
for anyone. Delivery receipts come back the same way.
"""

from __future__ import annotations

import datetime as dt

from arrears import clock

ROUNDS = tuple(dt.time(hour) for hour in (10, 12, 14, 16, 18, 20))
STOP_WORDS = ("TD", "退订", "STOP")


class MessageDesk:
    def __init__(self, world) -> None:
        self.world = world
        self._sent_through: dict[dt.date, dt.time] = {}

    def __enter__(self) -> MessageDesk:
        from arrears.channels.local_peers import start_local_peers

        self.peers = start_local_peers()
        return self

    def __exit__(self, *exc) -> None:
        self.peers.stop()

    def send(self, day: dt.date, *, until: dt.time = dt.time(12, 0)) -> None:
        """The worker's rounds of `day` not yet run, up to `until`; then what the borrowers do about them."""
        from arrears.outbox.worker import Worker

        done = self._sent_through.get(day)
        rounds = [t for t in ROUNDS if t <= until and (done is None or t > done)]
        for index, moment in enumerate(rounds):
            with clock.set_to(clock.at_local(day, moment)):
                last = moment == ROUNDS[-1]
                tally = Worker(self.peers.config, owner="simulate").run(until_idle=True, listen_seconds=0.3 if last else 0.0)
            self.world.tally["messages_sent"] += tally.sent
            self.world.tally["messages_blocked_at_send"] += tally.blocked
            self.world.tally["opt_outs_by_reply"] += tally.opt_outs
            self._read(day)
            self._sent_through[day] = moment

    def _read(self, day: dt.date) -> None:
        """Each borrower who got a message today: pay soon, reply STOP, or nothing."""
        borrowers, params = self.world.borrowers, self.world.params
        for message in self.peers.take_new():
            references = borrowers.loans_of(message.to)
            for reference in references:
                behaviour = borrowers.of(reference)
                if message.channel == "sms" and borrowers.chance(params.rate("replies_stop", behaviour)):
                    self.peers.smpp.reply(message.to, STOP_WORDS[int(borrowers.rng.integers(0, len(STOP_WORDS)))])
                    self.world.tally["stop_replies"] += 1
                    continue
                if borrowers.chance(params.rate("pays_after_message", behaviour)):
                    from arrears.simulate.daytime import _overdue
                    from arrears.ledger.models import Loan

                    loan = Loan.objects.filter(external_id=reference).first()
                    amount = _overdue(loan) if loan is not None else 0
                    borrowers.book(day + dt.timedelta(days=borrowers.between(1, 3)), reference, amount, "message")
                    self.world.tally["paid_after_message"] += 1
