from . import test_compute_proposals
