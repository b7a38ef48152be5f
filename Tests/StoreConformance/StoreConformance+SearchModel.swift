import FHIRCore
import Foundation
import Store
import Testing

/// The backend-neutral search model: every kind of value match and comparison on boundary values, `:missing`,
/// NOT, composites, chains and reverse chains.
extension StoreConformance {
    static func searchComparesDatesOnRangeBoundaries(_ store: any FHIRStore) async throws {
        try await put(
            store,
            resource("Observation", "day", date("date", day(2015, 3, 1))),
            resource("Observation", "sec", date("date", second(2015, 3, 1, 10, 0, 0))),
            resource("Observation", "openEnd", date("date", DateRange(low: micros(2015), high: .max))),
            resource("Observation", "openStart", date("date", DateRange(low: .min, high: micros(2015) - 1))),
            resource("Observation", "y2016", date("date", year(2016))),
            resource("Observation", "none"))
        func match(_ comparison: Comparison, _ range: DateRange) async throws -> [String] {
            try await findIDs(store, "Observation", .match(param: "date", .date(comparison, range)))
        }
        let y2015 = year(2015), d = day(2015, 3, 1), s = second(2015, 3, 1, 10, 0, 0)
        // eq: the entry lies within the search range, at each precision.
        #expect(try await match(.eq, y2015) == ["day", "sec"])
        #expect(try await match(.eq, month(2015, 3)) == ["day", "sec"])
        #expect(try await match(.eq, d) == ["day", "sec"])
        #expect(try await match(.eq, s) == ["sec"])
        #expect(try await match(.eq, second(2015, 3, 1, 10, 0, 1)).isEmpty)
        #expect(try await match(.ne, y2015) == ["openEnd", "openStart", "y2016"])
        // gt / lt compare the ends; an end equal to the search end is not after it.
        #expect(try await match(.gt, y2015) == ["openEnd", "y2016"])
        #expect(try await match(.gt, d) == ["openEnd", "y2016"])
        #expect(try await match(.lt, y2015) == ["openStart"])
        #expect(try await match(.lt, s) == ["day", "openEnd", "openStart"])
        #expect(try await match(.ge, y2015) == ["day", "openEnd", "sec", "y2016"])
        #expect(try await match(.ge, day(2016, 1, 1)) == ["openEnd", "y2016"])
        #expect(try await match(.le, y2015) == ["day", "openStart", "sec"])
        // sa / eb: wholly after / before.
        #expect(try await match(.sa, y2015) == ["y2016"])
        #expect(try await match(.eb, y2015) == ["openStart"])
        #expect(try await match(.eb, d) == ["openStart"])
        // ap: the ranges overlap.
        #expect(try await match(.ap, d) == ["day", "openEnd", "sec"])
        #expect(try await match(.ap, DateRange(low: .min, high: .max)) == ["day", "openEnd", "openStart", "sec", "y2016"])
    }

    static func searchComparesNumbersAndQuantities(_ store: any FHIRStore) async throws {
        try await put(
            store,
            resource("RiskAssessment", "n10", entry("probability", .number(NumberRange(exactly: 10)))),
            resource("RiskAssessment", "n10.5", entry("probability", .number(NumberRange(value: 10.5, low: 10.45, high: 10.55)))),
            resource("RiskAssessment", "n100", entry("probability", .number(NumberRange(exactly: 100)))),
            resource("Observation", "q1", quantity("value-quantity", 5, code: "mg", unit: "mg")),
            resource("Observation", "q2", quantity("value-quantity", 5, system: nil, code: nil, unit: "mg")),
            resource("Observation", "q3", quantity("value-quantity", 5, code: "g", unit: "gram")),
            resource("Observation", "q4", quantity("value-quantity", 7, code: "mg", unit: "mg")))
        func number(_ comparison: Comparison, _ range: NumberRange) async throws -> [String] {
            try await findIDs(store, "RiskAssessment", .match(param: "probability", .number(comparison, range)))
        }
        let ten = NumberRange(value: 10, low: 9.5, high: 10.5)
        #expect(try await number(.eq, ten) == ["n10", "n10.5"]) // both ends inclusive
        #expect(try await number(.ne, ten) == ["n100"])
        #expect(try await number(.gt, ten) == ["n10.5", "n100"])
        #expect(try await number(.ge, ten) == ["n10", "n10.5", "n100"])
        #expect(try await number(.lt, NumberRange(value: 10.5, low: 10.45, high: 10.55)) == ["n10"])
        #expect(try await number(.le, NumberRange(value: 10.5, low: 10.45, high: 10.55)) == ["n10", "n10.5"])
        #expect(try await number(.sa, ten) == ["n100"])
        #expect(try await number(.eb, NumberRange(value: 10.5, low: 10.45, high: 10.55)) == ["n10"])
        #expect(try await number(.ap, NumberRange(value: 100, low: 90, high: 110)) == ["n100"])

        func byQuantity(_ comparison: Comparison, _ value: Double, system: String?, code: String?) async throws -> [String] {
            let range = NumberRange(value: value, low: value - 0.5, high: value + 0.5)
            return try await findIDs(store, "Observation", .match(
                param: "value-quantity", .quantity(comparison, range, system: system, code: code)))
        }
        #expect(try await byQuantity(.eq, 5, system: ucum, code: "mg") == ["q1"])
        // Without a system the code matches the entry's code or its unit.
        #expect(try await byQuantity(.eq, 5, system: nil, code: "mg") == ["q1", "q2"])
        #expect(try await byQuantity(.eq, 5, system: nil, code: nil) == ["q1", "q2", "q3"])
        #expect(try await byQuantity(.eq, 5, system: ucum, code: nil) == ["q1", "q3"])
        #expect(try await byQuantity(.gt, 5, system: ucum, code: "mg") == ["q4"])
        #expect(try await byQuantity(.eq, 5, system: "http://other", code: "mg").isEmpty)
        #expect(try await byQuantity(.le, 7, system: nil, code: "mg") == ["q1", "q2", "q4"])
    }

    static func searchMatchesStringsAndUris(_ store: any FHIRStore) async throws {
        try await put(
            store,
            resource("Patient", "s1", string("name", "Ève  Smith")),
            resource("Patient", "s2", string("name", "Evelyn")),
            resource("Patient", "s3", string("name", "Steve")),
            resource("ValueSet", "u1", entry("url", .uri("http://acme.org/fhir/ValueSet/a"))),
            resource("ValueSet", "u2", entry("url", .uri("http://acme.org/fhir"))),
            resource("ValueSet", "u3", entry("url", .uri("http://acme.org/fhirx"))),
            resource("ValueSet", "u4", entry("url", .uri("urn:oid:1.2.3"))),
            resource("ValueSet", "u5", entry("url", .uri("urn:e\u{301}x"))))
        func name(_ value: String, _ mode: StringMode) async throws -> [String] {
            try await findIDs(store, "Patient", .match(param: "name", .string(value, mode)))
        }
        #expect(try await name("eve", .startsWith) == ["s1", "s2"])
        #expect(try await name("ÈVE", .startsWith) == ["s1", "s2"])
        #expect(try await name("eve smith", .startsWith) == ["s1"])
        #expect(try await name("smith", .startsWith).isEmpty)
        #expect(try await name("", .startsWith) == ["s1", "s2", "s3"])
        #expect(try await name("eve", .contains) == ["s1", "s2", "s3"])
        #expect(try await name("SMITH", .contains) == ["s1"])
        #expect(try await name("Ève  Smith", .exact) == ["s1"])
        #expect(try await name("eve smith", .exact).isEmpty)
        #expect(try await name("Evelyn", .exact) == ["s2"])
        #expect(try await name("Eve", .exact).isEmpty)

        func url(_ value: String, _ mode: UriMode) async throws -> [String] {
            try await findIDs(store, "ValueSet", .match(param: "url", .uri(value, mode)))
        }
        #expect(try await url("http://acme.org/fhir", .exact) == ["u2"])
        #expect(try await url("http://acme.org/FHIR", .exact).isEmpty)
        #expect(try await url("http://acme.org/fhir", .below) == ["u1", "u2", "u3"])
        #expect(try await url("http://acme.org/fhir/", .below) == ["u1"])
        #expect(try await url("http://acme.org/fhir/ValueSet/a/b", .above) == ["u1", "u2"])
        #expect(try await url("http://acme.org/fhi", .above).isEmpty)
        #expect(try await url("urn:oid:1.2.3", .exact) == ["u4"])
        // A prefix ending in a combining mark (one Swift character with the letter before it, two code points).
        #expect(try await url("urn:e\u{301}", .below) == ["u5"])
        #expect(try await url("urn:e", .below) == ["u5"])
    }

    static func searchMatchesReferencesIdentifiersAndText(_ store: any FHIRStore) async throws {
        let canonical = "http://acme.org/Questionnaire/q"
        try await put(
            store,
            resource("Observation", "r1", reference("subject", "Patient", "p1"),
                     entry("subject", .referenceIdentifier(system: "urn:ssn", value: "123"))),
            resource("Observation", "r2", entry("subject", .reference(ReferenceValue(type: "Patient", id: "p1", version: "2")))),
            resource("Observation", "r3", entry("subject", .reference(ReferenceValue(
                type: "Patient", id: "p1", url: "http://other.org/fhir/Patient/p1")))),
            resource("Observation", "r4", entry("subject", .reference(ReferenceValue(type: nil, id: nil, version: "1.0", url: canonical)))),
            resource("Observation", "r5", entry("subject", .reference(ReferenceValue(type: nil, id: nil, version: "2.0", url: canonical)))),
            resource("Observation", "r6", reference("subject", "Group", "p1")),
            resource("Patient", "t1",
                     entry("identifier", .identifierOfType(typeSystem: "http://terminology.hl7.org/CodeSystem/v2-0203", typeCode: "MR", value: "42")),
                     token("identifier", "urn:mrn", "42"),
                     entry("language", .tokenText(SearchText.normalize("Body Weight")))),
            resource("Patient", "t2",
                     entry("identifier", .identifierOfType(typeSystem: "http://terminology.hl7.org/CodeSystem/v2-0203", typeCode: "SS", value: "42")),
                     entry("language", .tokenText(SearchText.normalize("Body height")))))
        func subject(_ match: ReferenceMatch) async throws -> [String] {
            try await findIDs(store, "Observation", .match(param: "subject", .reference(match)))
        }
        // A local reference, with or without type, versioned or not; absolute URLs are not local references.
        #expect(try await subject(.local(type: "Patient", id: "p1")) == ["r1", "r2"])
        #expect(try await subject(.local(type: nil, id: "p1")) == ["r1", "r2", "r6"])
        #expect(try await subject(.local(type: "Patient", id: "p1", version: "2")) == ["r2"])
        #expect(try await subject(.local(type: "Patient", id: "p2")).isEmpty)
        #expect(try await subject(.url("http://other.org/fhir/Patient/p1")) == ["r3"])
        // A canonical matches every version unless one is asked for.
        #expect(try await subject(.url(canonical)) == ["r4", "r5"])
        #expect(try await subject(.url(canonical, version: "1.0")) == ["r4"])
        #expect(try await subject(.anyOfType("Group")) == ["r6"])
        // :identifier
        #expect(try await findIDs(store, "Observation", .match(param: "subject", .referenceIdentifier(
            TokenValue(system: .exactly("urn:ssn"), code: "123")))) == ["r1"])
        #expect(try await findIDs(store, "Observation", .match(param: "subject", .referenceIdentifier(
            TokenValue(system: .any, code: "123")))) == ["r1"])
        #expect(try await findIDs(store, "Observation", .match(param: "subject", .referenceIdentifier(
            TokenValue(system: .none, code: "123")))).isEmpty)
        // :of-type
        let v2 = "http://terminology.hl7.org/CodeSystem/v2-0203"
        #expect(try await findIDs(store, "Patient", .match(param: "identifier", .identifierOfType(
            typeSystem: v2, typeCode: "MR", value: "42"))) == ["t1"])
        #expect(try await findIDs(store, "Patient", .match(param: "identifier", .identifierOfType(
            typeSystem: v2, typeCode: "MR", value: "43"))).isEmpty)
        #expect(try await findIDs(store, "Patient", .match(param: "identifier", .identifierOfType(
            typeSystem: "http://other", typeCode: "SS", value: "42"))).isEmpty)
        // The plain token is still there, and the modifiers' entries are not plain tokens.
        #expect(try await findIDs(store, "Patient", code("42", param: "identifier")) == ["t1"])
        // :text
        #expect(try await findIDs(store, "Patient", .match(param: "language", .tokenText("WEIGHT"))) == ["t1"])
        #expect(try await findIDs(store, "Patient", .match(param: "language", .tokenText("body"))) == ["t1", "t2"])
        #expect(try await findIDs(store, "Patient", code("body weight", param: "language")).isEmpty)
    }

    static func searchNestsAndOrNotMissingTypesAndPatientRecord(_ store: any FHIRStore) async throws {
        let y2015 = year(2015)
        try await put(
            store,
            resource("Observation", "o1", patient: "p1", token("code", nil, "A"), date("date", day(2015, 5, 5))),
            resource("Observation", "o2", patient: "p1", token("code", nil, "B")),
            resource("Observation", "o3", patient: "p2"),
            resource("Condition", "c1", patient: "p2", token("code", nil, "A")),
            resource("Practitioner", "dr", token("code", nil, "A")))
        let inYear = SearchCondition.match(param: "date", .date(.eq, y2015))
        #expect(try await findIDs(store, "Observation", .missing(param: "code", type: .token, missing: true)) == ["o3"])
        #expect(try await findIDs(store, "Observation", .missing(param: "code", type: .token, missing: false)) == ["o1", "o2"])
        #expect(try await findIDs(store, "Observation", .missing(param: "date", type: .date, missing: true)) == ["o2", "o3"])
        #expect(try await findIDs(store, "Observation", .missing(param: "date", type: .token, missing: false)).isEmpty)
        #expect(try await findIDs(store, "Observation", .not(code("A"))) == ["o2", "o3"])
        #expect(try await findIDs(store, "Observation", .all([.any([code("A"), code("B")]), .not(inYear)])) == ["o2"])
        #expect(try await findIDs(store, "Observation", .any([.all([code("A"), inYear]), .ids(["o3"])])) == ["o1", "o3"])
        #expect(try await findIDs(store, "Observation", .not(.any([code("A"), .not(.missing(param: "code", type: .token, missing: false))])))
            == ["o2"])
        #expect(try await findIDs(store, "Observation", .everything) == ["o1", "o2", "o3"])
        #expect(try await findIDs(store, "Observation", .nothing).isEmpty)
        #expect(try await findIDs(store, "Observation", .all([code("A"), .nothing])).isEmpty)
        #expect(try await findIDs(store, "Observation", .ids([])).isEmpty)
        // System level: _type, patient records.
        #expect(try await find(store, nil, code("A")) == ["Condition/c1", "Observation/o1", "Practitioner/dr"])
        #expect(try await find(store, nil, .all([code("A"), .types(["Observation", "Practitioner"])]))
            == ["Observation/o1", "Practitioner/dr"])
        #expect(try await find(store, nil, .patientRecord(["p2"])) == ["Condition/c1", "Observation/o3"])
        #expect(try await find(store, nil, .patientRecord([""])) == ["Practitioner/dr"])
        #expect(try await find(store, "Observation", .all([.patientRecord(["p1", "p2"]), .not(code("B"))])) == ["Observation/o1", "Observation/o3"])
        #expect(try await find(store, nil, .patientRecord([])).isEmpty)
        // A resource that moved to another patient is in that patient's record only.
        try await put(store, version("Observation", "o2", 2, patient: "p2", tokens: [token("code", nil, "B")]))
        #expect(try await find(store, nil, .patientRecord(["p1"])) == ["Observation/o1"])
        #expect(try await find(store, "Observation", .patientRecord(["p2"])) == ["Observation/o2", "Observation/o3"])
    }

    static func compositeMatchesComponentsOfTheSameOccurrence(_ store: any FHIRStore) async throws {
        let loinc = "http://loinc.org"
        func codeValue(_ code: String, _ value: Double) -> IndexEntry {
            entry("code-value-quantity", .composite([
                .token(system: loinc, code: code),
                .quantity(QuantityValue(number: NumberRange(exactly: value), system: ucum, code: "mg", unit: "mg")),
            ]))
        }
        try await put(
            store,
            resource("Observation", "o1", codeValue("A", 5), codeValue("B", 10)),
            resource("Observation", "o2", codeValue("A", 10)),
            resource("Observation", "o3", entry("code-date", .composite([
                .token(system: loinc, code: "A"), .date(day(2015, 3, 1)),
            ])), entry("code-string", .composite([.token(system: nil, code: "A"), .string(normalized: "high", exact: "High")]))))
        func composite(in param: String = "code-value-quantity", _ matches: ValueMatch...) async throws -> [String] {
            try await findIDs(store, "Observation", .composite(param: param, matches))
        }
        func mg(_ comparison: Comparison, _ value: Double) -> ValueMatch {
            .quantity(comparison, NumberRange(value: value, low: value - 0.5, high: value + 0.5), system: ucum, code: "mg")
        }
        let a = ValueMatch.token(TokenValue(system: .exactly(loinc), code: "A"))
        let b = ValueMatch.token(TokenValue(system: .any, code: "B"))
        // o1 has A (5 mg) and B (10 mg): A with more than 7 mg is not in one occurrence.
        #expect(try await composite(a, mg(.gt, 7)) == ["o2"])
        #expect(try await composite(b, mg(.gt, 7)) == ["o1"])
        #expect(try await composite(a, mg(.eq, 5)) == ["o1"])
        #expect(try await composite(a, mg(.ge, 5)) == ["o1", "o2"])
        #expect(try await composite(b, mg(.lt, 7)).isEmpty)
        #expect(try await composite(in: "code-date", a, .date(.eq, month(2015, 3))) == ["o3"])
        #expect(try await composite(in: "code-date", a, .date(.gt, month(2015, 3))).isEmpty)
        #expect(try await composite(in: "code-string", .token(TokenValue(system: .none, code: "A")), .string("hi", .startsWith)) == ["o3"])
        // As a probe, after another driver.
        #expect(try await findIDs(store, "Observation", .all([.ids(["o1", "o2"]), .composite(
            param: "code-value-quantity", [b, mg(.gt, 7)])])) == ["o1"])
        #expect(try await findIDs(store, "Observation", .missing(param: "code-value-quantity", type: .composite, missing: true)) == ["o3"])
    }

    static func chainsAndReverseChainsFollowReferences(_ store: any FHIRStore) async throws {
        try await put(
            store,
            resource("Organization", "org1", string("name", "Acme")),
            resource("Organization", "org2", string("name", "Other")),
            resource("Patient", "p1", patient: "p1", string("name", "Peter"), reference("organization", "Organization", "org1")),
            resource("Patient", "p2", patient: "p2", string("name", "Paul"), reference("organization", "Organization", "org2")),
            resource("Observation", "o1", patient: "p1", reference("subject", "Patient", "p1"), token("code", nil, "A")),
            resource("Observation", "o2", patient: "p2", reference("subject", "Patient", "p2"), token("code", nil, "A")),
            resource("Observation", "o3", patient: "p1", reference("subject", "Patient", "p1"), token("code", nil, "B")))
        let peter = SearchCondition.match(param: "name", .string("peter", .startsWith))
        let acme = SearchCondition.match(param: "name", .string("acme", .exact))
        // subject:Patient.name=peter
        #expect(try await findIDs(store, "Observation", .chain(param: "subject", targetType: "Patient", peter)) == ["o1", "o3"])
        // subject:Patient.organization:Organization.name:exact=Acme (two levels)
        #expect(try await findIDs(store, "Observation", .chain(param: "subject", targetType: "Patient",
            .chain(param: "organization", targetType: "Organization", .match(param: "name", .string("Acme", .exact))))) == ["o1", "o3"])
        #expect(try await findIDs(store, "Observation", .chain(param: "subject", targetType: "Patient",
            .chain(param: "organization", targetType: "Organization", acme))).isEmpty)
        // A chain whose condition cannot drive, and a chain probed after another driver.
        #expect(try await findIDs(store, "Observation", .chain(param: "subject", targetType: "Patient", .not(peter))) == ["o2"])
        #expect(try await findIDs(store, "Observation", .all([code("A"), .chain(param: "subject", targetType: "Patient", peter)])) == ["o1"])
        #expect(try await findIDs(store, "Observation", .chain(param: "subject", targetType: "Group", peter)).isEmpty)
        // _has:Observation:subject:code=B
        #expect(try await findIDs(store, "Patient", .reverseChain(sourceType: "Observation", param: "subject", code("B"))) == ["p1"])
        #expect(try await findIDs(store, "Patient", .reverseChain(sourceType: "Observation", param: "subject", code("A"))) == ["p1", "p2"])
        #expect(try await findIDs(store, "Patient", .reverseChain(sourceType: "Observation", param: "performer", code("A"))).isEmpty)
        // Nested: Organization?_has:Patient:organization:_has:Observation:subject:code=B
        let nested = SearchCondition.reverseChain(sourceType: "Patient", param: "organization",
            .reverseChain(sourceType: "Observation", param: "subject", code("B")))
        #expect(try await findIDs(store, "Organization", nested) == ["org1"])
        // Probed (another condition drives) and not drivable.
        #expect(try await findIDs(store, "Patient", .all([.match(param: "name", .string("p", .startsWith)),
            .reverseChain(sourceType: "Observation", param: "subject", code("B"))])) == ["p1"])
        #expect(try await findIDs(store, "Patient", .reverseChain(sourceType: "Observation", param: "subject", .not(code("A")))) == ["p1"])
        #expect(try await findIDs(store, "Patient", .not(.reverseChain(sourceType: "Observation", param: "subject", code("B")))) == ["p2"])
        // Deleted resources are not followed either way.
        try await put(store, version("Observation", "o3", 2, method: .delete, patient: "p1"))
        #expect(try await findIDs(store, "Patient", .reverseChain(sourceType: "Observation", param: "subject", code("B"))).isEmpty)
        #expect(try await findIDs(store, "Organization", nested).isEmpty)
        try await put(store, version("Patient", "p1", 2, method: .delete, patient: "p1"))
        #expect(try await findIDs(store, "Observation", .chain(param: "subject", targetType: "Patient", peter)).isEmpty)
    }
}
