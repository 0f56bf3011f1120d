# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).


def post_init_hook(env):
    """Deliveries already routed to drop-ship nodes before the addon was installed are
    offered to their suppliers like new ones."""
    env["oms.dropship.delivery"]._oms_offer_open()
