"""Customer service and AI agents: find an order, read its status, cancel and change it.

router -> service -> Odoo's ``oms.customer.service`` doors (docs/customer_service.md). The MCP
server (``mcp_server.py``) exposes the same operations as tools, through this API.
"""
