"""Sourcing: which warehouse ships each line, with fewest shipments, and why."""

import json

import pytest
from oms_lib import sourcing
from oms_lib.sourcing import Destination, Line, Warehouse, haversine_km, source

# The demo warehouses (stock_warehouse_demo.xml) and a customer in Amsterdam.
SFO = Warehouse(1, "San Francisco", 37.7114, -122.3972, priority=10, code="WH")
CHI = Warehouse(2, "Chicago DC", 41.8075, -87.7370, priority=20, code="CHI")
RTM = Warehouse(3, "Rotterdam Hub", 51.8870, 4.4390, priority=30, code="RTM")
DEMO = [SFO, CHI, RTM]
AMSTERDAM = Destination(52.3676, 4.9041)
PARIS = Destination(48.8566, 2.3522)

# French and European warehouses around a customer in Paris (distances from Paris).
LIL = Warehouse(11, "Lille", 50.6292, 3.0573, code="LIL")  # 204 km
LYS = Warehouse(12, "Lyon", 45.7640, 4.8357, code="LYS")  # 391 km
MRS = Warehouse(13, "Marseille", 43.2965, 5.3698, code="MRS")  # 660 km
BER = Warehouse(14, "Berlin", 52.5200, 13.4050, code="BER")  # 877 km
MAD = Warehouse(15, "Madrid", 40.4168, -3.7038, code="MAD")  # 1,053 km

SHIRT = Line("L1", "shirt", 2, "TSHIRT-M-BLUE")
MUG = Line("L2", "mug", 1, "MUG-RED")
CAP = Line("L3", "cap", 3, "CAP-BLACK")
ORDER = [SHIRT, MUG, CAP]


def stock_of(**holdings):
    """``stock_of(RTM=["shirt", "mug"], CHI={"shirt": 1})``: products each warehouse
    holds, 10 of each for a list; keyed by warehouse code."""
    codes = {w.code: w.id for w in (*DEMO, LIL, LYS, MRS, BER, MAD)}
    stock = {}
    for code, products in holdings.items():
        if not isinstance(products, dict):
            products = dict.fromkeys(products, 10)
        for product, quantity in products.items():
            stock[codes[code], product] = quantity
    return stock


EVERYTHING = ["shirt", "mug", "cap"]


def shipped_from(decision):
    """{line key: warehouse ids} of a decision, for short assertions."""
    return {key: [wid for wid, _qty in parts] for key, parts in decision.assignments.items()}


# ---------------------------------------------------------------------------
# Distance
# ---------------------------------------------------------------------------


def test_haversine_known_distances():
    assert haversine_km(48.8566, 2.3522, 51.5074, -0.1278) == pytest.approx(343.5, abs=1)
    assert haversine_km(52.3676, 4.9041, 52.3676, 4.9041) == 0
    # Half the Earth's circumference between antipodes, without a math domain error.
    assert haversine_km(0, 0, 0, 180) == pytest.approx(20015, abs=5)


# ---------------------------------------------------------------------------
# Strategies
# ---------------------------------------------------------------------------


def test_nearest_warehouse_ships_everything():
    stock = stock_of(WH=EVERYTHING, CHI=EVERYTHING, RTM=EVERYTHING)
    decision = source(ORDER, DEMO, stock, AMSTERDAM, rule_name="EU orders")
    assert decision.feasible
    assert decision.reason == "complete"
    assert decision.shipments == [RTM.id]
    assert decision.assignments == {"L1": [(3, 2)], "L2": [(3, 1)], "L3": [(3, 3)]}
    assert decision.unavailable == []
    assert decision.total_distance_km == pytest.approx(62, abs=1)
    assert decision.explanation == [
        (
            "Rotterdam Hub (RTM) is 62 km away and has all 3 lines; Chicago DC (CHI) is "
            "6,620 km away and has all 3 lines; San Francisco (WH) is 8,779 km away and has "
            "all 3 lines."
        ),
        (
            "Rule 'EU orders' (nearest warehouse) chose Rotterdam Hub (RTM): it is the nearest "
            "warehouse and it has every line."
        ),
    ]


def test_ship_complete_beats_nearest_when_the_nearest_lacks_a_line():
    stock = stock_of(RTM=["shirt", "cap"], CHI=EVERYTHING)
    complete = source(ORDER, DEMO, stock, AMSTERDAM, strategy="ship_complete")
    assert complete.reason == "complete"
    assert complete.shipments == [CHI.id]
    assert "Chicago DC (CHI)" in complete.explanation[-1]
    assert "nearest warehouse that has every line" in complete.explanation[-1]
    assert "has 2 of the 3 lines (not MUG-RED)" in complete.explanation[0]

    # The nearest strategy keeps Rotterdam for what it has and ships the mug apart.
    nearest = source(ORDER, DEMO, stock, AMSTERDAM, strategy="nearest")
    assert nearest.reason == "split"
    assert nearest.shipments == [RTM.id, CHI.id]
    assert shipped_from(nearest) == {"L1": [3], "L2": [2], "L3": [3]}
    assert "first_choice_incomplete" in nearest.notes
    assert nearest.explanation[-2].startswith(
        "Rotterdam Hub (RTM) is the nearest warehouse but lacks MUG-RED"
    )
    assert nearest.explanation[-1] == (
        "Rotterdam Hub (RTM) ships TSHIRT-M-BLUE and CAP-BLACK; Chicago DC (CHI) ships MUG-RED."
    )


def test_split_takes_the_fewest_shipments():
    # Nobody has everything. Two shipments suffice: LIL+MAD (1,256 km), BER+MRS
    # (1,538 km) or BER+MAD (1,930 km); LIL+LYS+MRS is 1 km shorter but takes three.
    warehouses = [LIL, LYS, MRS, BER, MAD]
    stock = stock_of(
        LIL=["shirt"], LYS=["mug"], MRS=["cap"], BER=["shirt", "mug"], MAD=["mug", "cap"]
    )
    for strategy in ("ship_complete", "nearest"):
        decision = source(ORDER, warehouses, stock, PARIS, strategy=strategy)
        assert decision.reason == "split", strategy
        assert decision.shipments == [LIL.id, MAD.id], strategy
        assert shipped_from(decision) == {"L1": [LIL.id], "L2": [MAD.id], "L3": [MAD.id]}
        assert decision.total_distance_km == pytest.approx(1256, abs=2)

    assert decision.explanation[-1] == (
        "Lille (LIL) ships TSHIRT-M-BLUE; Madrid (MAD) ships MUG-RED and CAP-BLACK."
    )


def test_among_the_fewest_shipments_the_shortest_total_distance_wins():
    # Two shipments: LIL+MAD (1,256 km), LYS+MRS (1,052 km) or LYS+MAD (1,444 km).
    warehouses = [LIL, LYS, MRS, MAD]
    stock = stock_of(LIL=["shirt"], LYS=["shirt", "mug"], MRS=["cap"], MAD=["mug", "cap"])
    decision = source(ORDER, warehouses, stock, PARIS, strategy="ship_complete")
    assert decision.shipments == [LYS.id, MRS.id]
    assert shipped_from(decision) == {"L1": [LYS.id], "L2": [LYS.id], "L3": [MRS.id]}
    assert decision.explanation[-2] == (
        "No single warehouse has every line, so the ship complete strategy splits the order "
        "into 2 shipments, the fewest possible; of the 3 ways to do that, this one has the "
        "shortest total distance (1,052 km in all)."
    )
    # The nearest strategy keeps Lille, the nearest, and adds the one warehouse it needs.
    decision = source(ORDER, warehouses, stock, PARIS, strategy="nearest")
    assert decision.shipments == [LIL.id, MAD.id]
    assert decision.explanation[-2] == (
        "Lille (LIL) is the nearest warehouse but lacks MUG-RED and CAP-BLACK, so the nearest "
        "warehouse strategy ships the lines it has from there and the rest in as few other "
        "shipments as possible (1 more)."
    )


def test_no_split_allowed_puts_the_order_on_hold():
    stock = stock_of(RTM=["shirt", "mug"], CHI=["cap"])
    decision = source(ORDER, DEMO, stock, AMSTERDAM, allow_split=False, rule_name="EU orders")
    assert not decision.feasible
    assert decision.reason == "split_not_allowed"
    assert decision.assignments == {"L1": [], "L2": [], "L3": []}
    assert decision.shipments == []
    assert decision.unavailable == []  # every line exists somewhere, just not together
    assert decision.explanation[-1] == (
        "No warehouse has every line and splitting is not allowed, so rule 'EU orders' "
        "(nearest warehouse) cannot source the order."
    )
    assert (
        "Rotterdam Hub (RTM) is 62 km away and has 2 of the 3 lines (not CAP-BLACK)"
        in (decision.explanation[0])
    )
    # The same stock with splitting allowed ships in two parcels.
    assert source(ORDER, DEMO, stock, AMSTERDAM).shipments == [RTM.id, CHI.id]


def test_no_split_allowed_takes_the_nearest_complete_warehouse():
    stock = stock_of(RTM=["shirt", "mug"], CHI=EVERYTHING, WH=EVERYTHING)
    decision = source(ORDER, DEMO, stock, AMSTERDAM, allow_split=False)
    assert decision.reason == "complete"
    assert decision.shipments == [CHI.id]
    assert "first_choice_replaced" in decision.notes
    assert decision.explanation[-1] == (
        "Rotterdam Hub (RTM) comes first but lacks CAP-BLACK, and splitting is not allowed, "
        "so the nearest warehouse strategy chose Chicago DC (CHI), the nearest warehouse "
        "that has every line."
    )


def test_max_shipments_is_respected():
    warehouses = [LIL, LYS, MRS, BER]
    # Lille (nearest) has the shirt only; mug and cap are never together.
    stock = stock_of(LIL=["shirt"], LYS=["mug"], MRS=["cap"], BER=["shirt", "mug"])
    kept = source(ORDER, warehouses, stock, PARIS)
    assert kept.shipments == [LIL.id, LYS.id, MRS.id]

    # Two at most: keeping Lille is impossible, Berlin + Marseille do it in two.
    capped = source(ORDER, warehouses, stock, PARIS, max_shipments=2)
    assert capped.feasible
    assert capped.shipments == [MRS.id, BER.id]
    assert shipped_from(capped) == {"L1": [BER.id], "L2": [BER.id], "L3": [MRS.id]}
    assert "first_choice_replaced" in capped.notes
    assert capped.explanation[-2].startswith(
        "Keeping Lille (LIL), the nearest warehouse, would take more than 2 shipments, the "
        "rule's maximum, so the nearest warehouse strategy splits the order into 2 shipments"
    )

    # Three lines in three places and one shipment allowed: on hold, saying why.
    stock = stock_of(LIL=["shirt"], LYS=["mug"], MRS=["cap"])
    decision = source(ORDER, warehouses, stock, PARIS, max_shipments=2)
    assert not decision.feasible
    assert decision.reason == "too_many_shipments"
    assert decision.shipments == []
    assert decision.explanation[-1] == (
        "Shipping every line takes at least 3 shipments (Lille (LIL), Lyon (LYS) and "
        "Marseille (MRS)), but the nearest warehouse strategy allows at most 2, so it "
        "cannot source the order."
    )
    single = source(ORDER, warehouses, stock, PARIS, max_shipments=1)
    assert single.reason == "split_not_allowed"
    assert "the rule allows a single shipment" in single.explanation[-1]


def test_missing_destination_coordinates_fall_back_to_priority_order():
    stock = stock_of(WH=EVERYTHING, CHI=EVERYTHING, RTM=EVERYTHING)
    for destination in (None, Destination(None, None), Destination(52.37, None)):
        decision = source(ORDER, DEMO, stock, destination)
        assert decision.shipments == [SFO.id]  # priority 10 comes first
        assert decision.notes == ["no_destination_coordinates"]
        assert decision.total_distance_km is None
        assert decision.explanation[0] == (
            "The shipping address has no coordinates, so distances are unknown and the "
            "warehouses are taken in priority order."
        )
        assert decision.explanation[-1] == (
            "The nearest warehouse strategy chose San Francisco (WH): it is the first "
            "warehouse in priority order and it has every line."
        )
    # The list of priority_ids comes before the warehouses' own priority.
    decision = source(ORDER, DEMO, stock, None, priority_ids=[RTM.id, SFO.id])
    assert decision.shipments == [RTM.id]
    # Costs per km are unknown without a distance: lowest_cost falls back the same way.
    priced = [
        Warehouse(w.id, w.name, w.latitude, w.longitude, w.priority, 5.0, 0.01, w.code)
        for w in DEMO
    ]
    decision = source(ORDER, priced, stock, None, strategy="lowest_cost", priority_ids=[CHI.id])
    assert decision.shipments == [CHI.id]
    assert decision.candidates[0].shipping_cost is None
    assert "taken in priority order" in decision.explanation[0]
    assert "it is the first warehouse in priority order" in decision.explanation[-1]


def test_warehouse_without_coordinates_comes_after_the_known_ones():
    nowhere = Warehouse(9, "Overflow", priority=-5)
    stock = stock_of(CHI=EVERYTHING) | {(9, "shirt"): 5, (9, "mug"): 5, (9, "cap"): 5}
    decision = source(ORDER, [nowhere, CHI], stock, AMSTERDAM)
    assert decision.shipments == [CHI.id]
    assert decision.notes == ["missing_warehouse_coordinates"]
    assert decision.explanation[0] == (
        "Overflow has no known distance, so it comes after the others, in priority order."
    )
    assert "Overflow has no coordinates and has all 3 lines" in decision.explanation[1]


def test_most_stock_prefers_the_fullest_warehouse():
    stock = stock_of(
        RTM={"shirt": 2, "mug": 1, "cap": 3},
        CHI={"shirt": 40, "mug": 30, "cap": 20},
        WH={"shirt": 50, "mug": 1},
    )
    decision = source(ORDER, DEMO, stock, AMSTERDAM, strategy="most_stock")
    assert decision.shipments == [CHI.id]
    assert [c.warehouse_id for c in decision.candidates] == [CHI.id, SFO.id, RTM.id]
    assert decision.explanation[0].startswith(
        "Chicago DC (CHI) holds 90 units of these products (6,620 km away) and has all 3 lines"
    )
    assert "it is the warehouse with the most stock of these products" in (decision.explanation[-1])


def test_lowest_cost_prefers_the_cheapest_shipment():
    # Chicago is far but ships cheaply; Rotterdam is near but dear.
    cheap = Warehouse(2, "Chicago DC", 41.8075, -87.7370, cost_base=4.0, cost_per_km=0.001)
    dear = Warehouse(3, "Rotterdam Hub", 51.8870, 4.4390, cost_base=25.0, cost_per_km=0.01)
    stock = stock_of(CHI=EVERYTHING, RTM=EVERYTHING)
    decision = source(ORDER, [dear, cheap], stock, AMSTERDAM, strategy="lowest_cost")
    assert decision.shipments == [cheap.id]
    assert decision.candidates[0].shipping_cost == pytest.approx(4.0 + 6.620, abs=0.01)
    assert decision.candidates[1].shipping_cost == pytest.approx(25.0 + 0.62, abs=0.01)
    assert decision.explanation[0].startswith(
        "Chicago DC would cost about 10.62 to ship from (6,620 km) and has all 3 lines"
    )
    assert "it is the cheapest warehouse to ship from" in decision.explanation[-1]
    # Near the nearest strategy disagrees.
    assert source(ORDER, [dear, cheap], stock, AMSTERDAM).shipments == [dear.id]


def test_priority_follows_the_list_and_skips_warehouses_without_the_lines():
    stock = stock_of(WH=EVERYTHING, CHI=EVERYTHING, RTM=EVERYTHING)
    decision = source(
        ORDER, DEMO, stock, AMSTERDAM, strategy="priority", priority_ids=[CHI.id, RTM.id]
    )
    assert decision.shipments == [CHI.id]
    assert "it is the first warehouse in the priority list" in decision.explanation[-1]
    # Without a list, the warehouses' priority field; the first has none of the lines.
    stock = stock_of(CHI=EVERYTHING, RTM=EVERYTHING)
    decision = source(ORDER, DEMO, stock, AMSTERDAM, strategy="priority")
    assert decision.shipments == [CHI.id]
    assert decision.explanation[0].startswith(
        "San Francisco (WH) is number 1 in the priority list (8,779 km away) and has none "
        "of the lines; Chicago DC (CHI) is number 2"
    )
    assert "among those that can ship any of these lines" in decision.explanation[-1]


def test_ties_are_broken_by_priority_then_id():
    twins = [
        Warehouse(7, "Twin B", 51.9, 4.4, priority=5),
        Warehouse(6, "Twin A", 51.9, 4.4, priority=5),
        Warehouse(8, "Twin C", 51.9, 4.4, priority=1),
    ]
    stock = {(wid, p): 10 for wid in (6, 7, 8) for p in ("shirt", "mug", "cap")}
    assert source(ORDER, twins, stock, AMSTERDAM).shipments == [8]
    assert source(ORDER, twins[:2], stock, AMSTERDAM).shipments == [6]
    assert source(ORDER, list(reversed(twins[:2])), stock, AMSTERDAM).shipments == [6]


# ---------------------------------------------------------------------------
# Lines
# ---------------------------------------------------------------------------


def test_a_line_is_divided_only_when_no_warehouse_has_it_all():
    big = Line("L9", "shirt", 12, "TSHIRT-M-BLUE")
    stock = stock_of(RTM={"shirt": 7}, CHI={"shirt": 8}, WH={"shirt": 20})
    # San Francisco has the 12: the line ships whole, however far.
    assert source([big], DEMO, stock, AMSTERDAM).assignments == {"L9": [(SFO.id, 12)]}

    stock = stock_of(RTM={"shirt": 7}, CHI={"shirt": 8}, WH={"shirt": 3})
    decision = source([big], DEMO, stock, AMSTERDAM)
    assert decision.feasible
    assert decision.assignments == {"L9": [(RTM.id, 7), (CHI.id, 5)]}
    assert "line_split" in decision.notes
    assert decision.explanation[-2:] == [
        (
            "Rotterdam Hub (RTM) ships TSHIRT-M-BLUE (7 of 12); Chicago DC (CHI) ships "
            "TSHIRT-M-BLUE (5 of 12)."
        ),
        (
            "No warehouse has the whole quantity of TSHIRT-M-BLUE, so it is divided between "
            "warehouses."
        ),
    ]

    forbidden = source([big], DEMO, stock, AMSTERDAM, allow_split=False)
    assert not forbidden.feasible
    assert forbidden.reason == "unavailable"
    assert forbidden.unavailable == ["L9"]
    assert forbidden.explanation[-2] == (
        "12 TSHIRT-M-BLUE needed, but Rotterdam Hub (RTM) has 7, Chicago DC (CHI) has 8 and "
        "San Francisco (WH) has 3: no warehouse has all of it and splitting is not allowed."
    )


def test_out_of_stock_lines_are_unavailable():
    stock = stock_of(RTM=["shirt", "mug"], CHI={"cap": 1}, WH={"cap": 1})
    decision = source(ORDER, DEMO, stock, AMSTERDAM, rule_name="EU orders")
    assert not decision.feasible
    assert decision.reason == "unavailable"
    assert decision.unavailable == ["L3"]
    assert decision.shipments == []
    assert decision.explanation[-2:] == [
        (
            "3 CAP-BLACK needed, but Chicago DC (CHI) has 1 and San Francisco (WH) has 1: "
            "only 2 in all."
        ),
        (
            "Rule 'EU orders' (nearest warehouse) cannot source the order until CAP-BLACK is "
            "available."
        ),
    ]
    nothing = source([MUG], DEMO, {}, AMSTERDAM)
    assert nothing.unavailable == ["L2"]
    assert nothing.explanation[-2] == "1 MUG-RED needed, but no warehouse has any."


def test_lines_of_one_product_share_its_stock():
    first = Line("A", "shirt", 3, "TSHIRT-M-BLUE")
    second = Line("B", "shirt", 3, "TSHIRT-M-BLUE (gift)")
    stock = stock_of(RTM={"shirt": 4}, CHI={"shirt": 4})
    decision = source([first, second], DEMO, stock, AMSTERDAM)
    assert decision.assignments == {"A": [(RTM.id, 3)], "B": [(CHI.id, 3)]}
    # Each line fits in Rotterdam alone, but not both together.
    held = source([first, second], DEMO, stock, AMSTERDAM, allow_split=False)
    assert held.reason == "split_not_allowed"
    short = source([first, second], DEMO, stock_of(RTM={"shirt": 4}), AMSTERDAM)
    assert short.reason == "unavailable"
    assert short.unavailable == ["A", "B"]


def test_over_reserved_stock_counts_as_none():
    stock = stock_of(RTM={"shirt": -4, "mug": 5}, CHI={"shirt": 3})
    decision = source([SHIRT, MUG], DEMO, stock, AMSTERDAM)
    assert decision.assignments == {"L1": [(CHI.id, 2)], "L2": [(RTM.id, 1)]}
    assert decision.candidates[0].stock == {"L1": 0, "L2": 5}
    assert decision.candidates[0].units == 5


def test_lines_without_quantity_need_no_warehouse():
    empty = Line("L0", "shirt", 0, "TSHIRT-M-BLUE")
    decision = source([empty, MUG], DEMO, stock_of(RTM=["mug"]), AMSTERDAM)
    assert decision.assignments == {"L0": [], "L2": [(RTM.id, 1)]}
    only_empty = source([empty], DEMO, {}, AMSTERDAM)
    assert only_empty.feasible
    assert only_empty.reason == "nothing_to_ship"
    assert only_empty.shipments == []
    assert source([], DEMO, {}, AMSTERDAM).reason == "nothing_to_ship"


def test_no_warehouse_to_choose_from():
    decision = source(ORDER, [], {}, AMSTERDAM, rule_name="Empty rule")
    assert not decision.feasible
    assert decision.reason == "no_warehouse"
    assert decision.explanation == [
        "Rule 'Empty rule' (nearest warehouse) has no warehouse to ship from."
    ]


# ---------------------------------------------------------------------------
# Decision data
# ---------------------------------------------------------------------------


def test_candidates_table_and_json():
    stock = stock_of(RTM=["shirt", "cap"], CHI=EVERYTHING)
    decision = source(ORDER, DEMO, stock, AMSTERDAM)
    rtm, chi, sfo = decision.candidates
    assert (rtm.warehouse_id, rtm.name, rtm.rank) == (RTM.id, "Rotterdam Hub (RTM)", 1)
    assert rtm.distance_km == pytest.approx(62, abs=1)
    assert rtm.lines == ["L1", "L3"]
    assert rtm.stock == {"L1": 10, "L2": 0, "L3": 10}
    assert rtm.shipped == {"L1": 2, "L3": 3}
    assert rtm.chosen and chi.chosen and not sfo.chosen
    assert chi.shipped == {"L2": 1}
    assert sfo.lines == []
    data = json.loads(json.dumps(decision.to_dict()))
    assert data["assignments"] == [
        {"line": "L1", "warehouse_id": 3, "quantity": 2},
        {"line": "L2", "warehouse_id": 2, "quantity": 1},
        {"line": "L3", "warehouse_id": 3, "quantity": 3},
    ]
    assert data["candidates"][0]["shipped"] == [["L1", 2], ["L3", 3]]
    assert decision.explanation_text == " ".join(decision.explanation)


def test_every_strategy_explains_the_chosen_warehouse():
    stock = stock_of(RTM=EVERYTHING, CHI=EVERYTHING)
    for strategy in sourcing.STRATEGIES:
        decision = source(ORDER, DEMO, stock, AMSTERDAM, strategy=strategy, rule_name="R")
        chosen = next(c for c in decision.candidates if c.chosen)
        assert decision.feasible
        assert decision.explanation[-1].startswith(
            f"Rule 'R' ({sourcing.STRATEGY_LABELS[strategy]}) chose {chosen.name}: it is "
        )


def test_invalid_arguments_are_refused():
    with pytest.raises(ValueError, match="Unknown sourcing strategy 'fastest'"):
        source(ORDER, DEMO, {}, AMSTERDAM, strategy="fastest")
    with pytest.raises(ValueError, match="max_shipments must be at least 1"):
        source(ORDER, DEMO, {}, AMSTERDAM, max_shipments=0)
    with pytest.raises(ValueError, match="distinct"):
        source([SHIRT, SHIRT], DEMO, {}, AMSTERDAM)


def test_many_lines_and_warehouses_stay_fast_enough_to_search():
    # 12 warehouses, 300 lines, each warehouse holding a share: the search is by sets
    # of warehouses (2 ** 12 at most), not by combinations of lines.
    warehouses = [Warehouse(100 + i, f"W{i}", 40 + i, -5 + 2 * i, code=f"W{i}") for i in range(12)]
    lines = [Line(n, f"p{n}", 1) for n in range(300)]
    stock = {(100 + n % 12, f"p{n}"): 1 for n in range(300)}
    decision = source(lines, warehouses, stock, PARIS, strategy="ship_complete")
    assert decision.feasible
    assert len(decision.shipments) == 12
    capped = source(lines, warehouses, stock, PARIS, max_shipments=11)
    assert capped.reason == "too_many_shipments"
