"""Node-to-destination distances at the edges of ``acos``'s domain.

The spherical law of cosines can give a cosine a rounding step outside [-1, 1] for a
destination on a node or at its antipode; ``NodeDistances`` clamps it (without builtin
calls, on the hot path) before ``acos``, which would raise on it. The two points below do
leave the domain in double precision (checked in the test), one on each side.
"""

from __future__ import annotations

import math
from unittest.mock import patch

from engine_builders import dc, network

from oms_engine import Destination
from oms_engine import network as network_module
from oms_engine.network import EARTH_RADIUS_KM

LAT, LON = -78.1263994064304, -51.24699767574411


def _cosine(lat1, lon1, lat2, lon2):
    a, b, c, d = map(math.radians, (lat1, lon1, lat2, lon2))
    return math.sin(a) * math.sin(c) + math.cos(a) * math.cos(c) * math.cos(b - d)


def test_a_destination_on_the_node_or_at_its_antipode_has_a_distance():
    # the premise: both cosines leave acos's domain unclamped
    assert _cosine(LAT, LON, LAT, LON) > 1.0
    assert _cosine(LAT, LON, -LAT, LON + 180.0) < -1.0
    net = network([dc("DC-POLE", lat=LAT, lon=LON)])
    on_node = net.node_distances(Destination("DE", "10115", LAT, LON))
    assert on_node[0] == 0.0  # below 5 km the haversine formula answers
    antipode = net.node_distances(Destination("DE", "10115", -LAT, LON + 180.0))
    assert antipode[0] == EARTH_RADIUS_KM * math.acos(-1.0)


def test_few_destinations_are_kept_and_the_last_ones_are_read_again():
    net = network([dc("DC-POLE", lat=LAT, lon=LON)])
    limit = network_module._DISTANCE_CACHE_LIMIT
    first = Destination("DE", "10115", 52.0, 13.0)
    kept = net.node_distances(first)
    assert net.node_distances(first) is kept  # its order's later questions read it
    km = kept[0]
    for i in range(3 * limit):
        net.node_distances(Destination("DE", "10115", 40.0 + i / 1000, 10.0))
        assert len(net._distance_cache) <= limit  # few objects for the collector to walk
    again = net.node_distances(first)
    assert again is not kept and again[0] == km  # computed anew, the same float


def test_filling_distances_in_one_loop_gives_the_floats_indexing_gives():
    """``NodeDistances.fill`` (the bounded path's holders, the whole-order walk's last
    group) works out the same floats as indexing, the haversine's below 5 km, the clamped
    cosines at the node and at its antipode, and leaves the other nodes unknown; in a list
    (a small network's) and in an array (a large one's)."""
    places = [(LAT, LON), (-LAT, LON + 180.0), (LAT + 0.01, LON), (52.52, 13.405), (48.1, 11.6)]
    nodes = [dc(f"DC{k}", lat=lat, lon=lon) for k, (lat, lon) in enumerate(places)]
    net = network(nodes)
    for array_from in (network_module._ARRAY_NODES, 5):
        with patch.object(network_module, "_ARRAY_NODES", array_from):
            for lat, lon in ((LAT, LON), (53.55, 9.99)):
                indexed = [network_module.NodeDistances(net, lat, lon)[k] for k in range(5)]
                filled = network_module.NodeDistances(net, lat, lon)
                filled.fill([0, 1, 2, 3])
                assert list(filled.known)[:4] == indexed[:4]
                assert filled.known[4] < 0.0  # not asked for: still unknown
                assert [filled[k] for k in range(5)] == indexed
