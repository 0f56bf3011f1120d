from datetime import datetime, timedelta, timezone

from odoo import Command, fields

from .common import OmsTowerCase


class TestCockpit(OmsTowerCase):
    """Every count of the cockpit is the count of the list it opens."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        (cls.dc_north | cls.dc_south).write({"oms_health_mode": "off"})
        cls.web = cls.env["oms.channel"].create(
            {"name": "Cockpit web", "code": "cockpit-web", "company_id": cls.company.id}
        )
        cls.phone = cls.env["oms.channel"].create(
            {
                "name": "Cockpit phone",
                "code": "cockpit-phone",
                "company_id": cls.company.id,
                "kind": "phone",
                "unfulfillable_behaviour": "hold",
            }
        )
        cls.routed = [cls._confirmed([(cls.mug, 1)], oms_channel_id=cls.web.id) for _n in range(3)]
        cls.unknown = cls._create_product("Never stocked")
        cls.held = cls._confirmed([(cls.unknown, 1)], oms_channel_id=cls.phone.id)
        cls.draft = cls._create_order([(cls.mug, 1)], oms_channel_id=cls.phone.id)
        # One delivery should have left yesterday and was promised for this morning.
        late = cls._deliveries(cls.routed[0])
        late.write(
            {
                "scheduled_date": fields.Datetime.now() - timedelta(days=1),
                "oms_promised_date": fields.Datetime.now() - timedelta(hours=2),
            }
        )
        cls.routed[1].write({"oms_payment_status": "pending"})
        cls.routed[2].write({"oms_payment_status": "paid", "oms_payment_amount": 12.5})
        # The cockpit as its reader opens it: an OMS manager of this company, record rules
        # applying (a database with demo data has a retailer of its own beside this one).
        cls.reader = cls.env["res.users"].create(
            {
                "name": "Cockpit Reader",
                "login": "oms_cockpit_reader",
                "company_id": cls.company.id,
                "company_ids": [Command.set(cls.company.ids)],
                "groups_id": [
                    Command.set(
                        [
                            cls.env.ref("base.group_user").id,
                            cls.env.ref("oms_omnichannel.group_oms_manager").id,
                        ]
                    )
                ],
            }
        )

    def _cockpit(self):
        return self.env["oms.tower.dashboard"].with_user(self.reader).get_cockpit()

    def _figures(self, cockpit):
        for section in cockpit["sections"]:
            yield from section.get("figures", [])
            for row in section.get("rows", []):
                yield from row["cells"]
                if row.get("total"):
                    yield row["total"]

    def _by_key(self, cockpit):
        return {figure["key"]: figure for figure in self._figures(cockpit)}

    def test_every_count_is_the_count_of_its_list(self):
        self.env["oms.sync.health"].sudo()._store_report(
            {
                "reported_at": datetime.now(timezone.utc).isoformat(),
                "inbox": {"pending": 4, "retrying": 1, "oldest_age_seconds": 90, "dead_letters": 2},
                "dead_letters": [
                    {
                        "id": "1-0",
                        "channel": "cockpit-web",
                        "topic": "orders/create",
                        "error": "unknown product",
                        "failed_at": "2026-01-05T10:00:00+00:00",
                    },
                    {"id": "2-0", "channel": "cockpit-web", "error": "bad address"},
                ],
            }
        )
        cockpit = self._cockpit()
        checked = 0
        for figure in self._figures(cockpit):
            if not figure["countable"]:
                continue
            action = figure["action"]
            with self.subTest(figure=figure["key"]):
                self.assertEqual(
                    self.env[action["res_model"]]
                    .with_user(self.reader)
                    .search_count(action["domain"]),
                    figure["value"],
                )
            checked += 1
        self.assertGreater(checked, 20)
        figures = self._by_key(cockpit)
        self.assertEqual(figures["orders_cockpit-web_routed"]["value"], 3)
        self.assertEqual(figures["orders_cockpit-phone_hold"]["value"], 1)
        self.assertEqual(figures["orders_cockpit-phone_none"]["value"], 1)
        self.assertEqual(figures["orders_cockpit-phone_all"]["value"], 2)
        self.assertEqual(figures["backlog_NORTH"]["value"], 3)
        self.assertEqual(figures["late_to_leave_NORTH"]["value"], 1)
        self.assertEqual(figures["late_not_shipped"]["value"], 1)
        self.assertEqual(figures["held_hold"]["value"], 1)
        self.assertEqual(figures["payments_pending"]["value"], 1)
        self.assertEqual(figures["payments_received"]["value"], 1)
        self.assertEqual(figures["dead_letters"]["value"], 2)
        self.assertEqual(figures["dead_cockpit-web"]["value"], 2)
        self.assertEqual(figures["stock_NORTH"]["value"], 2)

    def test_figures_speak_the_readers_language(self):
        figures = self._by_key(self._cockpit())
        self.assertIn(self.company.currency_id.symbol, figures["payments_received"]["hint"])
        age = figures["backlog_age_NORTH"]["display"]
        self.assertRegex(age, r"^\d+ min$")
        self.assertEqual(figures["orders_cockpit-phone_hold"]["label"], "Cockpit phone: On hold")

    def test_changes_tell_open_cockpits(self):
        Bus = self.env["bus.bus"].sudo()
        before = Bus.search_count([])
        self._confirmed([(self.mug, 1)], oms_channel_id=self.web.id)
        self.env.cr.precommit.run()
        sent = Bus.search([], order="id desc", limit=Bus.search_count([]) - before)
        self.assertEqual(len(sent.filtered(lambda m: "oms_control_tower/changed" in m.message)), 1)
