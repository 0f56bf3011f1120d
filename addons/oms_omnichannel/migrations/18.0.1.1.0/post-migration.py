"""An order's package count is stored since 18.0.1.1.0 (it followed the first decision
before): fill it from the order's current decision, which described the order then."""


def migrate(cr, version):
    cr.execute(
        """
        UPDATE sale_order so
           SET oms_package_count = d.package_count
          FROM oms_routing_decision d
         WHERE d.id = so.oms_decision_id
           AND so.oms_package_count IS DISTINCT FROM d.package_count
        """
    )
