# Run by the `odoo-init` service through `odoo shell`: gives the demo integration user
# (login "oms_sync", group "OMS Integration") the key the sync service logs in with.
# Odoo's JSON-RPC accepts an API key or the password in the same place; in production create
# a real API key for this user (Preferences > Account Security) and put it in OMS_ODOO_API_KEY.
import os

key = os.environ["OMS_ODOO_API_KEY"]
user = env["res.users"].search([("login", "=", "oms_sync")], limit=1)  # noqa: F821
if user:
    user.password = key
    env.cr.commit()  # noqa: F821
    print(f"oms_sync (uid {user.id}) ready for the sync service")
else:
    print("no oms_sync user: was the addon installed with its demo data?")
