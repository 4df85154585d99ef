"""Sourcing: which warehouse ships each order line, and why, in plain words.

A sourcing rule (``oms.sourcing.rule``) gives a strategy, whether the order may be
split and how many shipments it may take at most; :func:`source` applies it to one
order given as plain data and returns a :class:`Decision` that carries the answer,
a reason code and the explanation a customer-service person reads.

Vocabulary
----------
* A *shipment* is one warehouse sending its part of the order.
* A warehouse *has* a line when its free stock of the product covers the line's whole
  quantity. Lines of the same product draw on the same stock. Free stock missing from
  the ``stock`` mapping, or negative (over-reserved), counts as none.
* *Priority order*: the order of ``priority_ids`` (warehouses not listed come after),
  then ``Warehouse.priority`` (lower first), then ``Warehouse.id``. Every tie is broken
  by it, so the same input always gives the same decision.

Strategies
----------
Each strategy ranks the warehouses, best first:

* ``nearest``: great-circle distance to the shipping address.
* ``ship_complete``: like ``nearest``, but completeness comes before distance (below).
* ``most_stock``: the most free units of the order's products, all products together.
* ``lowest_cost``: the lowest estimated cost of one shipment,
  ``cost_base + cost_per_km * distance``.
* ``priority``: priority order.

Distances and costs may be unknown: a warehouse or the shipping address without
coordinates, or a cost with ``cost_per_km`` and no distance. Warehouses with an unknown
value come after the others, in priority order; when the shipping address has no
coordinates, the distance-based strategies therefore follow priority order, and the
explanation says so.

Choosing the shipments
----------------------
``nearest``, ``most_stock``, ``lowest_cost`` and ``priority`` keep their first choice:
the best-ranked warehouse that can ship any of the lines ships every line it has. If it has them
all, that is the decision. Otherwise, when splitting is allowed, the remaining lines
ship from the fewest other warehouses; among equally few, the plan with the best
total for the strategy wins: the shortest total distance (``nearest``), the lowest
total cost (``lowest_cost``), the most stock (``most_stock``), the highest places in
priority order (``priority``). When keeping the first choice is impossible (splitting
is not allowed, or it would take more than ``max_shipments``), the choice is made as
for ``ship_complete``, with the strategy's totals.

``ship_complete`` ships from one warehouse that has every line when there is one (the
nearest of them). Otherwise, when splitting is allowed, it takes the fewest shipments
and, among those, the shortest total distance.

Within the chosen warehouses, each line ships whole from the best-ranked one that has
it. A single line is divided between warehouses only when no warehouse has its whole
quantity and splitting is allowed; it then takes what the chosen warehouses have, best
ranked first. Lines with a quantity of zero or less need nothing and get no shipment.

The search tries sets of warehouses by increasing size, so its cost grows with the
number of warehouses (2 ** W sets at worst, with W usually 10 or fewer) and only
linearly with the number of lines.

Outcome
-------
``Decision.reason`` is one of :data:`REASONS`:

* feasible: ``complete`` (one shipment), ``split`` (several), ``nothing_to_ship``
  (no line has a positive quantity);
* not feasible, the order waits for a person or for stock: ``no_warehouse`` (the rule
  has no warehouse), ``unavailable`` (some lines cannot be supplied at all, listed in
  ``Decision.unavailable``), ``split_not_allowed`` (each line can be supplied but no
  warehouse has them all, and the order may not be split), ``too_many_shipments``
  (supplying everything needs more shipments than the rule allows).

A decision that is not feasible assigns nothing. ``Decision.notes`` adds what else
shaped the decision, from :data:`NOTES`.

Explanation
-----------
``Decision.explanation`` is a list of sentences: what was unknown (coordinates), every
warehouse with its distance (or cost, stock, place in the list) and which lines it
has, the rule and why it chose what it chose, and for a split what each shipment
carries. For example::

    Rotterdam Hub (RTM) is 62 km away and has 2 of the 3 lines (not MUG-RED); Chicago
    DC (CHI) is 6,620 km away and has all 3 lines; San Francisco (WH) is 8,779 km away
    and has none of the lines.
    Rotterdam Hub (RTM) is the nearest warehouse but lacks MUG-RED, so rule 'EU orders'
    (nearest warehouse) ships the lines it has from there and the rest in as few other
    shipments as possible (1 more).
    Rotterdam Hub (RTM) ships TSHIRT-M-BLUE and CAP-BLACK; Chicago DC (CHI) ships MUG-RED.

``Decision.candidates`` holds the same facts as data, one :class:`Candidate` per
warehouse, for a table.
"""

import math
from dataclasses import asdict, dataclass, field
from itertools import combinations

STRATEGIES = ("nearest", "ship_complete", "most_stock", "lowest_cost", "priority")
STRATEGY_LABELS = {
    "nearest": "nearest warehouse",
    "ship_complete": "ship complete",
    "most_stock": "most stock",
    "lowest_cost": "lowest shipping cost",
    "priority": "priority list",
}
REASONS = (
    "complete",
    "split",
    "nothing_to_ship",
    "no_warehouse",
    "unavailable",
    "split_not_allowed",
    "too_many_shipments",
)
FEASIBLE_REASONS = ("complete", "split", "nothing_to_ship")
NOTES = (
    # The shipping address has no coordinates: no distance is known.
    "no_destination_coordinates",
    # Some warehouses have no coordinates: their distance is unknown.
    "missing_warehouse_coordinates",
    # The strategy's first choice lacks lines: it ships what it has, the rest elsewhere.
    "first_choice_incomplete",
    # The first choice could not be kept (no split, or too many shipments).
    "first_choice_replaced",
    # A line is divided between warehouses because none has its whole quantity.
    "line_split",
)
EARTH_RADIUS_KM = 6371.0088  # mean Earth radius (IUGG)

# What each strategy measures a warehouse by; it also compares plans of equally many
# shipments (_Order.plan_key).
_DISTANCE, _COST, _STOCK, _PRIORITY = "distance", "cost", "stock", "priority"
_MEASURE = {
    "nearest": _DISTANCE,
    "ship_complete": _DISTANCE,
    "most_stock": _STOCK,
    "lowest_cost": _COST,
    "priority": _PRIORITY,
}
_BEST = {
    "nearest": "the nearest warehouse",
    "ship_complete": "the nearest warehouse",
    "most_stock": "the warehouse with the most stock of these products",
    "lowest_cost": "the cheapest warehouse to ship from",
    "priority": "the first warehouse in the priority list",
}
_TIE_BREAK = {
    _DISTANCE: "the shortest total distance",
    _COST: "the lowest total shipping cost",
    _STOCK: "the most stock",
    _PRIORITY: "the highest places in the priority list",
}


# ---------------------------------------------------------------------------
# Data
# ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Warehouse:
    """A warehouse a rule may ship from.

    ``latitude``/``longitude`` in decimal degrees (None when unknown). ``priority``:
    lower comes first in priority order. A shipment from it is estimated to cost
    ``cost_base + cost_per_km * distance_km``. ``code`` is shown after the name.
    """

    id: object
    name: str
    latitude: float | None = None
    longitude: float | None = None
    priority: int = 0
    cost_base: float = 0.0
    cost_per_km: float = 0.0
    code: str | None = None

    @property
    def display_name(self) -> str:
        """``Rotterdam Hub (RTM)``, or the name alone without a code."""
        return f"{self.name} ({self.code})" if self.code else self.name


@dataclass(frozen=True, slots=True)
class Line:
    """An order line: ``key`` identifies it in the decision (e.g. the sale line id),
    ``label`` names it in the explanation (e.g. the SKU; default ``line <key>``)."""

    key: object
    product_id: object
    quantity: float
    label: str | None = None

    @property
    def display_name(self) -> str:
        """The label, or ``line <key>``."""
        return self.label or f"line {self.key}"


@dataclass(frozen=True, slots=True)
class Destination:
    """The shipping address's coordinates in decimal degrees; either may be None."""

    latitude: float | None = None
    longitude: float | None = None


@dataclass(slots=True)
class Candidate:
    """One warehouse as the decision saw it, for a table next to the explanation.

    ``rank`` is its 1-based place in the strategy's order; ``lines`` the keys of the
    lines it has whole; ``stock`` its free quantity per line key; ``units`` its free
    units of the order's products; ``shipped`` what the decision takes from it.
    """

    warehouse_id: object
    name: str
    rank: int
    distance_km: float | None
    shipping_cost: float | None
    units: float
    lines: list = field(default_factory=list)
    stock: dict = field(default_factory=dict)
    shipped: dict = field(default_factory=dict)

    @property
    def chosen(self) -> bool:
        """Whether the decision ships anything from this warehouse."""
        return bool(self.shipped)


@dataclass(slots=True)
class Decision:
    """The answer of :func:`source`.

    ``assignments`` maps every line key to ``[(warehouse_id, quantity), ...]`` (empty
    when the decision is not feasible or the line needs nothing); ``shipments`` lists
    the warehouse ids used, best ranked first; ``unavailable`` the keys of the lines
    that no allowed combination of warehouses can supply; ``reason`` is one of
    :data:`REASONS`, ``notes`` codes from :data:`NOTES`; ``explanation`` is a list of
    plain-English sentences and ``candidates`` one :class:`Candidate` per warehouse,
    in the strategy's order. ``total_distance_km`` sums the chosen warehouses'
    distances (None when one is unknown or nothing ships).
    """

    strategy: str
    feasible: bool
    reason: str
    assignments: dict
    shipments: list
    unavailable: list
    notes: list
    explanation: list
    candidates: list
    total_distance_km: float | None = None

    @property
    def explanation_text(self) -> str:
        """The explanation as one paragraph."""
        return " ".join(self.explanation)

    def to_dict(self) -> dict:
        """The decision as JSON-compatible data (assignments as a list of rows, so
        that line keys keep their type)."""
        data = asdict(self)
        data["assignments"] = [
            {"line": key, "warehouse_id": warehouse_id, "quantity": quantity}
            for key, parts in self.assignments.items()
            for warehouse_id, quantity in parts
        ]
        for candidate in data["candidates"]:
            candidate["chosen"] = bool(candidate["shipped"])
            candidate["stock"] = list(candidate["stock"].items())
            candidate["shipped"] = list(candidate["shipped"].items())
        return data


# ---------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km between two points given in decimal degrees."""
    phi1 = math.radians(lat1)
    phi2 = math.radians(lat2)
    half_dphi = (phi2 - phi1) / 2
    half_dlambda = math.radians(lon2 - lon1) / 2
    a = math.sin(half_dphi) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(half_dlambda) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def source(
    lines,
    warehouses,
    stock,
    destination=None,
    strategy="nearest",
    allow_split=True,
    max_shipments=None,
    priority_ids=None,
    rule_name=None,
) -> Decision:
    """Choose the warehouses that ship ``lines`` and explain the choice.

    ``lines``: :class:`Line` objects with distinct keys; ``warehouses``: the
    :class:`Warehouse` objects the rule allows; ``stock``: free quantity per
    ``(warehouse_id, product_id)``, missing meaning none; ``destination``: a
    :class:`Destination` or None; ``strategy``: one of :data:`STRATEGIES`;
    ``allow_split``: whether the order may ship from several warehouses;
    ``max_shipments``: at most that many warehouses (None: no limit);
    ``priority_ids``: warehouse ids in priority order (see the module doc);
    ``rule_name``: named in the explanation. Raises ValueError on an unknown strategy,
    a ``max_shipments`` below 1 or repeated line keys.
    """
    if strategy not in _MEASURE:
        raise ValueError(f"Unknown sourcing strategy {strategy!r}; use one of {STRATEGIES}.")
    if max_shipments is not None and max_shipments < 1:
        raise ValueError(f"max_shipments must be at least 1, got {max_shipments!r}.")
    order = _Order(lines, warehouses, stock, destination, strategy, priority_ids)
    limit = max(len(order.sites), 1) if max_shipments is None else max_shipments
    order.cap = limit if allow_split else 1
    order.allow_split = allow_split
    # Lower case: it is used within sentences; _build capitalizes their first letter.
    order.prefix = (
        f"rule '{rule_name}' ({STRATEGY_LABELS[strategy]})"
        if rule_name
        else f"the {STRATEGY_LABELS[strategy]} strategy"
    )
    return _decide(order)


# ---------------------------------------------------------------------------
# The order as the search sees it
# ---------------------------------------------------------------------------


# Radians and cosine of each warehouse's latitude, by (latitude, longitude): warehouses
# are few and the same for every order.
_TRIG = {}


def _trig(warehouse):
    if warehouse.longitude is None:
        return None
    if len(_TRIG) > 4096:  # many distinct coordinates: do not grow without end
        _TRIG.clear()
    phi = math.radians(warehouse.latitude)
    trig = _TRIG[warehouse.latitude, warehouse.longitude] = (
        phi,
        math.radians(warehouse.longitude),
        math.cos(phi),
    )
    return trig


class _Order:
    """One order against the allowed warehouses, indexed by rank (0 = best)."""

    __slots__ = (
        "active",
        "allow_split",
        "cap",
        "costs",
        "dest_known",
        "distances",
        "fallback",
        "full",
        "labels",
        "lines",
        "measure",
        "names",
        "notes",
        "prefix",
        "quantities",
        "required",
        "rows",
        "shared",
        "sites",
        "split_lines",
        "strategy",
        "unavailable",
        "units",
        "useful",
    )

    def __init__(self, lines, warehouses, stock, destination, strategy, priority_ids):
        self.lines = lines = list(lines)
        if len({line.key for line in lines}) != len(lines):
            raise ValueError("Order line keys must be distinct.")
        self.quantities = quantities = [line.quantity for line in lines]
        self.labels = [line.display_name for line in lines]
        self.active = [index for index, quantity in enumerate(quantities) if quantity > 0]
        self.strategy = strategy
        self.measure = _MEASURE[strategy]
        self.notes = []
        lat = destination.latitude if destination is not None else None
        lon = destination.longitude if destination is not None else None
        self.dest_known = lat is not None and lon is not None
        if not self.dest_known:
            self.notes.append("no_destination_coordinates")
        rows = self._read_sites(warehouses, stock, lat, lon, priority_ids)
        self._rank(rows)
        self._classify_lines()

    def _read_sites(self, warehouses, stock, lat, lon, priority_ids):
        positions = {wid: pos for pos, wid in enumerate(priority_ids or ())}
        last = len(positions)
        products = {}  # product -> its active lines; units count each product once
        for index in self.active:
            products.setdefault(self.lines[index].product_id, []).append(index)
        # Lines of one product share its stock, which the search must keep in mind.
        self.shared = [indexes for indexes in products.values() if len(indexes) > 1]
        firsts = [indexes[0] for indexes in products.values()]
        if len(firsts) == len(self.lines):
            firsts = None  # each line its own product, all active: sum them all
        quantities = self.quantities
        active = self.active
        products_by_line = [line.product_id for line in self.lines]
        get = stock.get
        if self.dest_known:
            # haversine_km() with the destination's trigonometry computed once.
            dest_phi, dest_lambda = math.radians(lat), math.radians(lon)
            dest_cos = math.cos(dest_phi)
        rows = []
        for warehouse in warehouses:
            distance = cost = None
            if self.dest_known and warehouse.latitude is not None:
                trig = _TRIG.get((warehouse.latitude, warehouse.longitude)) or _trig(warehouse)
                if trig is not None:
                    phi, lam, cos_phi = trig
                    a = (
                        math.sin((dest_phi - phi) / 2) ** 2
                        + cos_phi * dest_cos * math.sin((dest_lambda - lam) / 2) ** 2
                    )
                    distance = 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))
            if distance is not None:
                cost = warehouse.cost_base + warehouse.cost_per_km * distance
            elif not warehouse.cost_per_km:
                cost = warehouse.cost_base
            wid = warehouse.id
            free = [get((wid, product), 0) for product in products_by_line]
            if free and min(free) < 0:  # over-reserved stock is no stock
                free = [max(quantity, 0) for quantity in free]
            full = 0
            for index in active:
                if free[index] >= quantities[index]:
                    full |= 1 << index
            units = sum(free) if firsts is None else sum(free[index] for index in firsts)
            order_key = (positions.get(wid, last), warehouse.priority, wid)
            rows.append((warehouse, distance, cost, units, free, full, order_key))
        return rows

    def _rank(self, rows):
        measure = self.measure
        if measure == _DISTANCE:
            rows.sort(key=lambda row: (row[1] is None, row[1] or 0.0, row[6]))
        elif measure == _COST:
            rows.sort(key=lambda row: (row[2] is None, row[2] or 0.0, row[6]))
        elif measure == _STOCK:
            rows.sort(key=lambda row: (-row[3], row[6]))
        else:
            rows.sort(key=lambda row: row[6])
        self.sites = [row[0] for row in rows]
        self.names = [site.display_name for site in self.sites]
        self.distances = [row[1] for row in rows]
        self.costs = [row[2] for row in rows]
        self.units = [row[3] for row in rows]
        self.rows = [row[4] for row in rows]
        self.full = [row[5] for row in rows]
        if self.dest_known and None in self.distances:
            self.notes.append("missing_warehouse_coordinates")
        # Nothing to measure by: the strategy follows priority order.
        values = self.distances if measure == _DISTANCE else self.costs
        self.fallback = measure in (_DISTANCE, _COST) and values.count(None) == len(values)

    def _classify_lines(self):
        """Lines some warehouse has whole, lines to divide, lines nobody can supply."""
        anywhere = 0
        for full in self.full:
            anywhere |= full
        self.required = 0
        self.split_lines = []
        self.unavailable = []
        for index in self.active:
            if anywhere >> index & 1:
                self.required |= 1 << index
            else:
                self.split_lines.append(index)
        self.useful = [
            rank
            for rank, full in enumerate(self.full)
            if full or any(self.rows[rank][index] > 0 for index in self.split_lines)
        ]

    def check_unavailable(self):
        """Find the lines that no plan of at most ``cap`` shipments can supply."""
        unavailable = set()
        for index in self.split_lines:
            if self.cap < 2 or self.shipments_for_line(index) > self.cap:
                unavailable.add(index)
        for indexes in self.shared:
            if self.free_total(indexes[0]) < self.demand(indexes[0]):
                unavailable.update(indexes)
        self.unavailable = sorted(unavailable)

    def free_total(self, index):
        """The free stock of line ``index``'s product in all warehouses together."""
        return sum(max(row[index], 0.0) for row in self.rows)

    def demand(self, index):
        """The quantity of line ``index``'s product on all the order's lines."""
        product = self.lines[index].product_id
        return sum(self.quantities[i] for i in self.active if self.lines[i].product_id == product)

    def shipments_for_line(self, index):
        """How many warehouses together supply line ``index``; a huge number if none."""
        need = self.quantities[index]
        for count, free in enumerate(sorted((row[index] for row in self.rows), reverse=True)):
            need -= free
            if need <= 0:
                return count + 1
        return len(self.rows) + 1

    # -- plans: tuples of ranks, best ranked first ---------------------------

    def covers(self, plan):
        cover = 0
        full = self.full
        for rank in plan:
            cover |= full[rank]
        if cover & self.required != self.required:
            return False
        rows = self.rows
        for index in self.split_lines:
            if sum(rows[rank][index] for rank in plan) < self.quantities[index]:
                return False
        return True

    def plan_key(self, plan):
        measure = self.measure
        if measure == _PRIORITY:
            return plan
        if measure == _STOCK:
            return (-sum(self.units[rank] for rank in plan), plan)
        values = self.distances if measure == _DISTANCE else self.costs
        known = [values[rank] for rank in plan if values[rank] is not None]
        return (len(plan) - len(known), sum(known), plan)

    def assign(self, plan):
        """``{line index: [(rank, quantity), ...]}`` or None when stock runs short."""
        result = {}
        used = {}  # (rank, product) -> quantity already taken by earlier lines
        rows = self.rows
        for index in self.active:
            quantity = self.quantities[index]
            product = self.lines[index].product_id
            for rank in plan:
                if rows[rank][index] - used.get((rank, product), 0) >= quantity:
                    used[rank, product] = used.get((rank, product), 0) + quantity
                    result[index] = [(rank, quantity)]
                    break
            else:
                parts = self._divide(plan, index, used) if self.cap > 1 else None
                if parts is None:
                    return None
                result[index] = parts
        return result

    def _divide(self, plan, index, used):
        need = self.quantities[index]
        product = self.lines[index].product_id
        parts = []
        for rank in plan:
            free = self.rows[rank][index] - used.get((rank, product), 0)
            if free <= 0:
                continue
            take = min(need, free)
            used[rank, product] = used.get((rank, product), 0) + take
            parts.append((rank, take))
            need -= take
            if need <= 0:
                return parts
        return None


# ---------------------------------------------------------------------------
# Search
# ---------------------------------------------------------------------------


def _search(order, cap, anchor=None):
    """The best plan of at most ``cap`` warehouses (containing ``anchor`` if given).

    Returns ``(plan, assignment, alternatives)``, alternatives being how many plans of
    the same size covered the order, or None.
    """
    useful = order.useful
    pool = [rank for rank in useful if rank != anchor] if anchor is not None else useful
    extra = 0 if anchor is None else 1
    # No plan can be smaller than the lines over the most lines one warehouse has.
    most = max(full.bit_count() for full in order.full) or 1
    smallest = max(1, -(-order.required.bit_count() // most))
    for size in range(smallest, min(cap, len(useful)) + 1):
        plans = []
        for combo in combinations(pool, size - extra):
            # The anchor is the best-ranked useful warehouse: prepending keeps rank order.
            plan = (anchor, *combo) if extra else combo
            if order.covers(plan):
                plans.append(plan)
        if len(plans) > 1:
            plans.sort(key=order.plan_key)
        for plan in plans:
            assignment = order.assign(plan)
            if assignment is not None:
                return plan, assignment, len(plans)
    return None


def _decide(order):
    if not order.sites:
        return _refuse(order, "no_warehouse", [f"{order.prefix} has no warehouse to ship from."])
    if not order.active:
        sentence = "No line has a quantity to ship, so nothing needs a warehouse."
        return _build(order, "nothing_to_ship", None, [sentence])
    order.check_unavailable()
    if order.unavailable:
        return _refuse(order, "unavailable", _unavailable_sentences(order))
    found = None
    anchor = order.useful[0]
    if order.strategy != "ship_complete":
        found = _search(order, order.cap, anchor)
        if found is not None and len(found[0]) > 1:
            order.notes.append("first_choice_incomplete")
    if found is None:
        found = _search(order, order.cap)
        if found is not None and order.strategy != "ship_complete":
            order.notes.append("first_choice_replaced")
    if found is None:
        return _refuse(order, *_too_many(order))
    plan, assignment, alternatives = found
    sentences = _choice_sentences(order, plan, assignment, alternatives, anchor)
    reason = "complete" if len(plan) == 1 else "split"
    return _build(order, reason, assignment, sentences)


def _refuse(order, reason, sentences):
    return _build(order, reason, None, sentences)


def _build(order, reason, assignment, sentences):
    """The Decision: assignments and candidates by line key and warehouse id."""
    lines, sites = order.lines, order.sites
    assignments = {line.key: [] for line in lines}
    shipped = [{} for _site in sites]
    if assignment:
        for index, parts in assignment.items():
            key = lines[index].key
            assignments[key] = [(sites[rank].id, quantity) for rank, quantity in parts]
            for rank, quantity in parts:
                shipped[rank][key] = quantity
            if len(parts) > 1 and "line_split" not in order.notes:
                order.notes.append("line_split")
    used = [rank for rank in range(len(sites)) if shipped[rank]]
    distance = None
    if used and all(order.distances[rank] is not None for rank in used):
        distance = sum(order.distances[rank] for rank in used)
    keys = [line.key for line in lines]
    candidates = [
        Candidate(
            warehouse_id=site.id,
            name=order.names[rank],
            rank=rank + 1,
            distance_km=order.distances[rank],
            shipping_cost=order.costs[rank],
            units=order.units[rank],
            lines=[keys[index] for index in order.active if order.full[rank] >> index & 1],
            stock=dict(zip(keys, order.rows[rank], strict=True)),
            shipped=shipped[rank],
        )
        for rank, site in enumerate(sites)
    ]
    return Decision(
        strategy=order.strategy,
        feasible=reason in FEASIBLE_REASONS,
        reason=reason,
        assignments=assignments,
        shipments=[sites[rank].id for rank in used],
        unavailable=[lines[index].key for index in order.unavailable],
        notes=order.notes,
        explanation=[_capitalize(sentence) for sentence in _context_sentences(order) + sentences],
        candidates=candidates,
        total_distance_km=distance,
    )


# ---------------------------------------------------------------------------
# Explanation
# ---------------------------------------------------------------------------


def _context_sentences(order):
    """Why the ranking is what it is (missing coordinates), then every candidate."""
    sentences = []
    if order.measure in (_DISTANCE, _COST) and order.sites:
        values = order.distances if order.measure == _DISTANCE else order.costs
        unknown = [order.names[rank] for rank, value in enumerate(values) if value is None]
        if order.fallback and not order.dest_known:
            sentences.append(
                "The shipping address has no coordinates, so distances are unknown and "
                "the warehouses are taken in priority order."
            )
        elif order.fallback:
            what = "distance" if order.measure == _DISTANCE else "shipping cost"
            sentences.append(
                f"No warehouse has a known {what}, so they are taken in priority order."
            )
        elif unknown:
            what = "distance" if order.measure == _DISTANCE else "shipping cost"
            sentences.append(
                f"{_join(unknown)} {'has' if len(unknown) == 1 else 'have'} no known "
                f"{what}, so {'it comes' if len(unknown) == 1 else 'they come'} after the "
                "others, in priority order."
            )
    if order.sites and order.active:
        phrases = [
            f"{name} {_measure_phrase(order, rank)}{_has_phrase(order, rank)}"
            for rank, name in enumerate(order.names)
        ]
        sentences.append(_capitalize("; ".join(phrases)) + ".")
    return sentences


def _measure_phrase(order, rank):
    distance = order.distances[rank]
    away = f"is {_km(distance)} away" if distance is not None else ""
    measure = order.measure
    if measure == _DISTANCE:
        if distance is None and order.dest_known:
            return "has no coordinates and "
        return f"{away} and " if away else ""
    if measure == _COST:
        cost = order.costs[rank]
        if cost is None:
            return "has no cost estimate (distance unknown) and "
        where = f" ({_km(distance)})" if distance is not None else ""
        return f"would cost about {cost:,.2f} to ship from{where} and "
    where = f" ({_km(distance)} away)" if distance is not None else ""
    if measure == _STOCK:
        units = order.units[rank]
        return f"holds {_qty(units)} unit{'' if units == 1 else 's'} of these products{where} and "
    return f"is number {rank + 1} in the priority list{where} and "


def _has_phrase(order, rank):
    full = order.full[rank]
    active = order.active
    if len(active) == 1:
        index = active[0]
        free, label = order.rows[rank][index], order.labels[index]
        ordered = _qty(order.quantities[index])
        if full:
            return f"has {_qty(free)} {label}, enough for the {ordered} ordered"
        return f"has {_qty(free)} {label}, fewer than the {ordered} ordered"
    has = full.bit_count()  # only active lines have a bit
    if has == len(active):
        return f"has all {has} lines"
    if not has:
        return "has none of the lines"
    lacks = [order.labels[index] for index in active if not full >> index & 1]
    return f"has {has} of the {len(active)} lines (not {_join(lacks, 'or')})"


def _best(order):
    """How the strategy's best warehouse is called, given what is known."""
    if order.fallback:
        return "the first warehouse in priority order"
    return _BEST[order.strategy]


def _choice_sentences(order, plan, assignment, alternatives, anchor):
    """Why these warehouses: the rule, the chosen one and what the others lacked."""
    if len(plan) == 1:
        return [_single_sentence(order, plan[0], anchor)]
    if "first_choice_incomplete" in order.notes and not order.full[anchor]:
        sentence = (
            f"no warehouse has every line, so {order.prefix} splits the order into "
            f"{len(plan)} shipments, starting with {order.names[anchor]}, "
            f"{_anchor_title(order, anchor)}"
        )
    elif "first_choice_incomplete" in order.notes:
        more = len(plan) - 1
        sentence = (
            f"{order.names[anchor]} is {_anchor_title(order, anchor)} but lacks "
            f"{_lacks(order, anchor)}, so {order.prefix} ships the lines it has from there "
            f"and the rest in as few other shipments as possible ({more} more)"
        )
    else:
        if order.strategy == "ship_complete":
            sentence = "no single warehouse has every line"
        else:
            sentence = (
                f"keeping {order.names[anchor]}, {_anchor_title(order, anchor)}, "
                f"would take more than {order.cap} shipments, the rule's maximum"
            )
        sentence += (
            f", so {order.prefix} splits the order into {len(plan)} shipments, the fewest possible"
        )
    if alternatives > 1:
        sentence += (
            f"; of the {alternatives} ways to do that, this one has {_TIE_BREAK[order.measure]}"
        )
        distance = _plan_distance(order, plan)
        if order.measure == _DISTANCE and distance is not None:
            sentence += f" ({_km(distance)} in all)"
    return [sentence + ".", *_shipment_sentences(order, plan, assignment)]


def _single_sentence(order, chosen, anchor):
    name = order.names[chosen]
    best = _best(order)
    if chosen == 0:
        return f"{order.prefix} chose {name}: it is {best} and it has every line."
    if chosen == anchor:
        return (
            f"{order.prefix} chose {name}: it is {_anchor_title(order, anchor)}, "
            "and it has every line."
        )
    if order.strategy == "ship_complete":
        return (
            f"{order.prefix} chose {name}: it is {best} that has every line, and this "
            "rule ships an order complete from one warehouse when it can."
        )
    return (
        f"{order.names[anchor]} comes first but lacks {_lacks(order, anchor)}, "
        f"and {_no_split_because(order)}, so {order.prefix} chose {name}, {best} "
        "that has every line."
    )


def _shipment_sentences(order, plan, assignment):
    """What each shipment carries, then the lines divided between warehouses."""
    parts = []
    for rank in plan:
        labels = []
        for index, shares in assignment.items():
            for share_rank, quantity in shares:
                if share_rank == rank:
                    label = order.labels[index]
                    if len(shares) > 1:
                        label += f" ({_qty(quantity)} of {_qty(order.quantities[index])})"
                    labels.append(label)
        if labels:
            parts.append(f"{order.names[rank]} ships {_join(labels)}")
    sentences = ["; ".join(parts) + "."]
    divided = [order.labels[index] for index, shares in assignment.items() if len(shares) > 1]
    if divided:
        sentences.append(
            f"No warehouse has the whole quantity of {_join(divided)}, so "
            f"{'it is' if len(divided) == 1 else 'they are'} divided between warehouses."
        )
    return sentences


def _too_many(order):
    """``(reason, sentences)`` when no plan fits in ``cap`` shipments."""
    if order.cap == 1:
        sentence = (
            f"No warehouse has every line and {_no_split_because(order)}, so "
            f"{order.prefix} cannot source the order."
        )
        return "split_not_allowed", [sentence]
    found = _search(order, len(order.useful))
    if found is None:
        # Lines of one product together exceed what the warehouses can hand out whole.
        order.unavailable = [index for indexes in order.shared for index in indexes]
        return "unavailable", _unavailable_sentences(order)
    plan = found[0]
    names = _join([order.names[rank] for rank in plan])
    sentence = (
        f"Shipping every line takes at least {len(plan)} shipments ({names}), but "
        f"{order.prefix} allows at most {order.cap}, so it cannot source the order."
    )
    return "too_many_shipments", [sentence]


def _unavailable_sentences(order):
    sentences = []
    for index in order.unavailable:
        needed = f"{_qty(order.quantities[index])} {order.labels[index]} needed"
        held = [
            f"{order.names[rank]} has {_qty(row[index])}"
            for rank, row in enumerate(order.rows)
            if row[index] > 0
        ]
        total = order.free_total(index)
        if not held:
            sentences.append(f"{needed}, but no warehouse has any.")
            continue
        demand = order.demand(index)
        if total < order.quantities[index]:
            why = f"only {_qty(total)} in all"
        elif demand > order.quantities[index]:
            why = f"other lines of the order need the same product, {_qty(demand)} in all"
        elif order.cap < 2:
            why = f"no warehouse has all of it and {_no_split_because(order)}"
        else:
            why = (
                f"it would take {order.shipments_for_line(index)} shipments and the rule "
                f"allows at most {order.cap}"
            )
        sentences.append(f"{needed}, but {_join(held)}: {why}.")
    keys = [order.labels[index] for index in order.unavailable]
    sentences.append(
        f"{order.prefix} cannot source the order until {_join(keys)} "
        f"{'is' if len(keys) == 1 else 'are'} available."
    )
    return sentences


def _no_split_because(order):
    if not order.allow_split:
        return "splitting is not allowed"
    return "the rule allows a single shipment"


def _anchor_title(order, anchor):
    if anchor == 0:
        return _best(order)
    return f"{_best(order)} among those that can ship any of these lines"


def _lacks(order, rank):
    full = order.full[rank]
    lacking = [order.labels[i] for i in order.active if not full >> i & 1]
    return _join(lacking)


def _plan_distance(order, plan):
    distances = [order.distances[rank] for rank in plan]
    return None if None in distances else sum(distances)


def _km(distance):
    return "less than 1 km" if distance < 1 else f"{distance:,.0f} km"


def _qty(quantity):
    if float(quantity).is_integer():
        return f"{int(quantity):,}"
    return f"{quantity:,.3f}".rstrip("0")


def _join(items, word="and"):
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {word} {items[-1]}"


def _capitalize(text):
    return text[:1].upper() + text[1:]
