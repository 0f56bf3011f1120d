"""One module per shop provider: ``verify(headers, body, secret)`` and ``parse(...)``."""

from sync_service.inbox.providers import generic, shopify, shopware, woocommerce

PROVIDERS = {
    "shopify": shopify,
    "woocommerce": woocommerce,
    "shopware": shopware,
    "generic": generic,
}
