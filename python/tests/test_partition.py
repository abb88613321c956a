"""impactmap.partition, which the Dask and Spark recipes share: the halo's
guarantee checked against geodesic distances (impactmap.distance), stripes
and the acceptance test."""

import math

import numpy as np
import pyarrow as pa
import pytest

import impactmap
from conftest import wkb_point
from impactmap.partition import Stripes, exact, halo_deg, next_halo, reach_m


def geodesic_m(a, b):
    """Geodesic distances between pairs of (lon, lat) points, metres."""
    return impactmap.distance(pa.array([wkb_point(*p) for p in a]), pa.array([wkb_point(*p) for p in b])).to_numpy()


@pytest.mark.parametrize("max_lat", [0.0, 50.45, 75.0])
@pytest.mark.parametrize("distance_m", [20.0, 500.0, 50_000.0])
def test_a_point_beyond_the_halo_is_farther_than_its_distance(max_lat, distance_m):
    halo = halo_deg(distance_m, max_lat)
    # From points at every latitude up to max_lat (either hemisphere), to
    # points just beyond the halo at latitudes around them.
    lats = np.linspace(-max_lat, max_lat, 9)
    shifts = np.degrees(np.linspace(-2, 2, 9) * distance_m / 6_356_752.0)
    frm = [(10.0, lat) for lat in lats for _ in shifts]
    to = [(10.0 + halo * 1.000001, lat + s) for lat in lats for s in shifts]
    d = geodesic_m(frm, to)
    assert d.min() >= distance_m
    # The bound is tight: due east at the largest latitude, within 5 %.
    assert geodesic_m([(10.0, max_lat)], [(10.0 + halo, max_lat)])[0] <= distance_m * 1.05


@pytest.mark.parametrize("max_lat", [0.0, 50.45, 89.0])
def test_reach_inverts_the_halo(max_lat):
    for distance_m in (1.0, 20.0, 1_000.0, 80_000.0):
        halo = halo_deg(distance_m, max_lat)
        reach = reach_m(halo, max_lat)
        assert halo_deg(reach, max_lat) <= halo
        assert reach == pytest.approx(distance_m, rel=1e-9)
    assert halo_deg(100_000.0, 89.5) == 360.0  # a pole is in reach
    assert reach_m(360.0, max_lat) == math.inf


def test_the_next_halo_doubles_and_reaches_the_farthest_answer():
    halo = halo_deg(20.0, 50.45)
    # No answer known (a stripe found no site): doubled, up to the whole globe.
    assert next_halo(halo, math.nan, 50.45) == 2 * halo
    assert next_halo(200.0, math.nan, 50.45) == 360.0
    # An answer 3 km away: one round guarantees it, however many doublings that is.
    wider = next_halo(halo, 3_000.0, 50.45)
    assert wider > 2 * halo and reach_m(wider, 50.45) >= 3_000.0
    assert exact([3_000.0], reach_m(wider, 50.45)).all()
    # A near answer still doubles the halo.
    assert next_halo(halo, 21.0, 50.45) == 2 * halo
    # An answer whose halo would reach a pole: the whole globe.
    assert next_halo(halo, 5_000_000.0, 50.45) == 360.0


def test_stripes_hold_equal_counts_and_reach_across_the_antimeridian():
    rng = np.random.default_rng(7)
    centres = np.concatenate([rng.normal(30.5, 0.01, 3_000), rng.uniform(-180, 180, 1_000), [np.nan]])
    stripes = Stripes.balanced(centres, 4)
    assert len(stripes) == 4
    counts = np.bincount(stripes.of(centres[:-1]), minlength=4)
    assert counts.min() >= 990 and counts.max() <= 1010, counts
    assert stripes.span(0)[0] == -180.0 and stripes.span(3)[1] == 180.0
    # Boxes near 180° reach stripe 0 (from -180°) through its western halo.
    hit = stripes.reaching([179.95, 179.0, -179.99], [179.99, 179.5, -179.98], 0, 0.1)
    assert hit.tolist() == [True, False, True]
    assert len(Stripes.balanced([np.nan], 4)) == 1


def test_an_answer_is_exact_within_the_reach_and_always_at_the_whole_globe():
    d = np.array([0.0, 19.9, 20.0, 20.1, np.nan])
    assert exact(d, 20.0).tolist() == [True, True, True, False, False]
    assert exact(d, math.inf).all()
