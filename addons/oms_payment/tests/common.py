# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The payment tests' retailer: the routing retailer of the core's customer message tests,
with orders that arrive through the intake as a shop sends them."""

from odoo.addons.oms_omnichannel.tests.customer_message_common import OmsCustomerMessageCase


class OmsPaymentCase(OmsCustomerMessageCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.channel.warehouse_ids = cls.north | cls.south
        cls.bank_transfer = cls.env.ref("oms_payment.oms_payment_method_bank_transfer")
        cls.bank_transfer.bank_details = "Nordhafen GmbH, IBAN DE89 3704 0044 0532 0130 00"
        cls.invoice = cls.env.ref("oms_payment.oms_payment_method_invoice")
        cls.invoice.currency_id = cls.company.currency_id
        cls.intake = cls.env["oms.intake"]

    def _payload(
        self, external_id="2001", method="bank_transfer", status="pending", version=1, **extra
    ):
        payload = {
            "channel": self.channel.code,
            "external_id": external_id,
            "external_version": version,
            "status": "open",
            "name": f"#{external_id}",
            "currency": self.company.currency_id.name,
            "customer": {"email": "ana@example.com", "name": "Ana"},
            "shipping_address": {
                "name": "Ana",
                "street": "Hauptstraße 2",
                "city": "Berlin",
                "zip": "10117",
                "country_code": "DE",
            },
            "lines": [
                {"external_id": "l1", "sku": "MSG-SHIRT", "quantity": 2, "unit_price": "19.90"},
                {"external_id": "l2", "sku": "MSG-CAP", "quantity": 1, "unit_price": "9.50"},
            ],
            "payment": {
                "status": status,
                "method": method,
                "amount": "49.30",
                "reference": f"pay-{external_id}",
            },
        }
        payload.update(extra)
        return payload

    def _ingest(self, *payloads):
        results = self.intake.ingest_orders(list(payloads))
        for result in results:
            self.assertIn(
                result["status"], ("created", "updated", "unchanged", "cancelled"), result
            )
        return self.env["sale.order"].browse([r["order_id"] for r in results])

    def _messages(self, order, event):
        return order.oms_customer_message_ids.filtered(lambda m: m.event == event)

    def _reserved(self, product, warehouse):
        quants = self.env["stock.quant"]._gather(product, warehouse.lot_stock_id)
        return sum(quants.mapped("reserved_quantity"))
