# Run by tools/run.sh through `odoo-bin shell` on the first `make run`: the integration user of
# the demo data (login oms_sync, group "OMS Integration", never admin) gets an API key for the
# sync service. Odoo shows a key only once: tools/run.sh keeps it in .run/sync-api-key.
user = env["res.users"].search([("login", "=", "oms_sync")])  # noqa: F821
group = env.ref("oms_omnichannel.group_oms_integration")  # noqa: F821
if not user or group not in user.groups_id:
    raise SystemExit("no user oms_sync in the group OMS Integration: was the demo data loaded?")
# sudo: a key without an expiry date is for a system user to make (Odoo's _generate says so).
keys = env["res.users.apikeys"].with_user(user).sudo()  # noqa: F821
key = keys._generate(None, "sync service (make run)", False)
env.cr.commit()  # noqa: F821
print("OMS-SYNC-API-KEY", key)
