"""The small condition language of the guideline rules (data, not code).

A condition is JSON:
  {"all": [c, ...]}        every c holds (an empty list always holds)
  {"any": [c, ...]}        at least one c holds
  {"not": c}               c does not hold
  {"always": true}         always holds
  {"fact": NAME, OP: VALUE} a test of one case fact, OP one of:
      equals   the fact equals VALUE (code, true/false, number, or null for "unknown")
      in       the fact is one of the codes in VALUE (a list)
      contains the fact (a set of codes) contains the code VALUE
      gte/lte  the fact (a number) is ≥ / ≤ VALUE
A fact that is unknown (None) satisfies only `equals: null`.
"""

from collections.abc import Mapping

COMBINATORS = ("all", "any", "not", "always")
OPERATORS = ("equals", "in", "contains", "gte", "lte")
# Which operators each kind of fact accepts.
OPERATORS_BY_TYPE = {
    "set": {"contains"},
    "code": {"equals", "in"},
    "bool": {"equals"},
    "int": {"equals", "gte", "lte"},
}


def evaluate(cond: Mapping, values: Mapping) -> bool:
    if "all" in cond:
        return all(evaluate(c, values) for c in cond["all"])
    if "any" in cond:
        return any(evaluate(c, values) for c in cond["any"])
    if "not" in cond:
        return not evaluate(cond["not"], values)
    if "always" in cond:
        return bool(cond["always"])
    value = values.get(cond["fact"])
    op = next(op for op in OPERATORS if op in cond)
    expected = cond[op]
    if op == "equals":
        return value is expected if value is None or expected is None else value == expected
    if value is None:
        return False
    if op == "in":
        return value in expected
    if op == "contains":
        return expected in value
    if op == "gte":
        return value >= expected
    return value <= expected


def specificity(cond: Mapping) -> int:
    """How many positive facts must hold for the condition: ranks the most specific rule first."""
    if "all" in cond:
        return sum(specificity(c) for c in cond["all"])
    if "any" in cond:
        return min((specificity(c) for c in cond["any"]), default=0)
    if "not" in cond or "always" in cond:
        return 0
    return 1


def validate(cond, facts: Mapping, vocabularies: Mapping, where: str) -> list[str]:
    """Every problem in `cond`, each naming where it is, so a bad data file is refused clearly."""
    if not isinstance(cond, Mapping):
        return [f"{where}: a condition must be an object, got {cond!r}"]
    combinators = [key for key in COMBINATORS if key in cond]
    if combinators:
        if len(cond) != 1:
            return [f"{where}: {combinators[0]!r} must be the only key, got {sorted(cond)}"]
        key = combinators[0]
        if key == "always":
            return [] if cond["always"] is True else [f"{where}: 'always' must be true"]
        if key == "not":
            return validate(cond["not"], facts, vocabularies, f"{where}.not")
        if not isinstance(cond[key], list):
            return [f"{where}: {key!r} needs a list of conditions"]
        errors = []
        for index, child in enumerate(cond[key]):
            errors += validate(child, facts, vocabularies, f"{where}.{key}[{index}]")
        return errors
    return _validate_leaf(cond, facts, vocabularies, where)


def _validate_leaf(cond, facts, vocabularies, where) -> list[str]:
    name = cond.get("fact")
    if name not in facts:
        return [f"{where}: unknown fact {name!r} (known: {', '.join(sorted(facts))})"]
    ops = [key for key in cond if key != "fact"]
    if len(ops) != 1 or ops[0] not in OPERATORS:
        return [f"{where}: fact {name!r} needs exactly one operator of {', '.join(OPERATORS)}, got {ops}"]
    op, value, spec = ops[0], cond[ops[0]], facts[name]
    kind = spec["type"]
    if op not in OPERATORS_BY_TYPE[kind]:
        return [f"{where}: operator {op!r} does not apply to the {kind} fact {name!r}"]
    if op == "equals" and value is None:
        return [] if spec.get("nullable") else [f"{where}: fact {name!r} is never unknown (null)"]
    if kind == "bool":
        return [] if isinstance(value, bool) else [f"{where}: fact {name!r} compares with true/false, got {value!r}"]
    if kind == "int":
        ok = isinstance(value, int) and not isinstance(value, bool)
        return [] if ok else [f"{where}: fact {name!r} compares with an integer, got {value!r}"]
    codes = vocabularies[spec["codes"]]
    wanted = value if op == "in" else [value]
    if op == "in" and (not isinstance(value, list) or not value):
        return [f"{where}: 'in' needs a non-empty list of {spec['codes']} codes"]
    return [f"{where}: unknown {spec['codes']} code {code!r} for fact {name!r}"
            for code in wanted if code not in codes]
