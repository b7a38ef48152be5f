#!/usr/bin/env python3
"""Generate Sources/FHIRCore/Definitions/r4-model/cardinality.json from the FHIR R4 model classes of the PyPI
package fhirclient 4.4.0 (Apache-2.0).

The other r4-model files (from fhirpathpy) give each element path its type but not its cardinality. fhirclient's
generated classes know it: `elementProperties()` returns (name, json name, type, is_list, of_many, not_optional)
for every element of every resource, datatype and backbone element. This script walks them from each root type
named in type2Parent.json (types and their parents) and writes, with paths in the same form as path2Type.json (`Observation.component.code`,
choice elements expanded: `Observation.valueQuantity`):

- "arrays": the paths whose JSON form is an array (max cardinality > 1);
- "required": the paths with min cardinality 1; for a required choice element the path of the choice,
  with `[x]` (`MedicationRequest.medication[x]`), meaning one of its types must be present.

Usage: pip install fhirclient==4.4.0 && python3 scripts/generate-r4-model.py
"""
import json
import os
import sys

from fhirclient.models import backboneelement, fhirelementfactory, resource

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Sources", "FHIRCore", "Definitions", "r4-model")

# Primitive types have no elements of their own worth listing.
PRIMITIVES = {
    "base64Binary", "boolean", "canonical", "code", "date", "dateTime", "decimal", "id", "instant", "integer",
    "markdown", "oid", "positiveInt", "string", "time", "unsignedInt", "uri", "url", "uuid", "xhtml",
}


def main() -> None:
    with open(os.path.join(ROOT, "type2Parent.json")) as f:
        parents = json.load(f)
        # Every type and every parent (Element, Resource have none of their own).
        roots = sorted((set(parents) | set(parents.values())) - PRIMITIVES)
    with open(os.path.join(ROOT, "path2Type.json")) as f:
        known_paths = set(json.load(f))
    with open(os.path.join(ROOT, "pathsDefinedElsewhere.json")) as f:
        elsewhere = set(json.load(f))

    arrays: set[str] = set()
    required: set[str] = set()
    missing_roots = []

    def walk(path: str, instance, stack: tuple) -> None:
        # The JSON name, not the Python one (`class`, not `class_fhir`).
        for _name, name, typ, is_list, of_many, not_optional in instance.elementProperties():
            child = f"{path}.{name}"
            if is_list:
                arrays.add(child)
            if not_optional:
                required.add(f"{path}.{of_many}[x]" if of_many else child)
            # Recurse into backbone elements (classes defined for this element, not shared datatypes or resources).
            if (isinstance(typ, type) and issubclass(typ, backboneelement.BackboneElement)
                    and not issubclass(typ, resource.Resource) and typ.resource_type not in roots):
                if typ in stack:
                    continue  # recursive element (e.g. Questionnaire.item.item): see pathsDefinedElsewhere.json
                walk(child, typ(), stack + (typ,))

    for name in roots:
        instance = fhirelementfactory.FHIRElementFactory.instantiate(name, None)
        if type(instance).__name__ == "Element" and name != "Element":
            missing_roots.append(name)
            continue
        walk(name, instance, (type(instance),))

    # Backbone elements themselves are not in path2Type.json, only their children.
    prefixes = {p.rsplit(".", i)[0] for p in known_paths for i in range(1, p.count(".") + 1)}
    unknown = sorted(p for p in arrays | required
                     if "[x]" not in p and p not in known_paths and p not in prefixes
                     and not any(p == e or p.startswith(e + ".") for e in elsewhere))
    if missing_roots:
        print("types fhirclient does not know:", missing_roots, file=sys.stderr)
    if unknown:
        print(f"{len(unknown)} paths not in path2Type.json, e.g.", unknown[:10], file=sys.stderr)

    out = {
        "source": "fhirclient 4.4.0 (Apache-2.0), elementProperties() of its FHIR R4 model classes",
        "arrays": sorted(arrays),
        "required": sorted(required),
    }
    with open(os.path.join(ROOT, "cardinality.json"), "w") as f:
        json.dump(out, f, indent=0, separators=(",", ":"))
        f.write("\n")
    print(f"cardinality.json: {len(arrays)} array paths, {len(required)} required paths")


if __name__ == "__main__":
    main()
