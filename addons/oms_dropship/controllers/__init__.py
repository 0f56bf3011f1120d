from . import portal, portal_api_keys
