import Foundation
import Testing
import FHIRCore
import Store
import Search

/// A context with one ValueSet, one small CodeSystem hierarchy and one List.
struct TestContext: SearchContext {
    func valueSet(url: String) async throws -> [TokenValue]? {
        url == "http://vs/bp" ? [TokenValue(system: .exactly("http://loinc.org"), code: "8480-6"),
                                 TokenValue(system: .exactly("http://loinc.org"), code: "8462-4")] : nil
    }
    func subsumption(system: String, code: String, below: Bool) async throws -> [String]? {
        guard system == "http://snomed.info/sct", code == "100" else { return nil }
        return below ? ["100", "101", "102"] : ["100", "1"]
    }
    func listItems(id: String) async throws -> [ReferenceValue]? {
        id == "L1" ? [.local("Patient", "p1"), .local("Observation", "o1"), .local("Patient", "p2")] : nil
    }
}

let parser = SearchParser(baseURL: base, defaultCount: 20, maxCount: 100)
let now = Date(timeIntervalSince1970: 1_700_000_000)

func parse(_ type: String?, _ items: [(String, String)], strict: Bool = false) async throws -> ParsedSearch {
    try await parser.parse(type: type, items: items.map { (name: $0.0, value: $0.1) }, strict: strict, now: now, context: TestContext())
}

func condition(_ type: String?, _ name: String, _ value: String) async throws -> SearchCondition {
    try await parse(type, [(name, value)], strict: true).condition
}

/// Expects a 400 whose issue has this type.
func expectInvalid(_ type: String?, _ items: [(String, String)], issue: String, strict: Bool = false,
                   sourceLocation: SourceLocation = #_sourceLocation) async {
    do {
        _ = try await parse(type, items, strict: strict)
        Issue.record("expected a 400 for \(items)", sourceLocation: sourceLocation)
    } catch let error as FHIRError {
        #expect(error.httpStatus == 400, sourceLocation: sourceLocation)
        #expect(error.issues.first?.code == issue, "\(error)", sourceLocation: sourceLocation)
    } catch {
        Issue.record("unexpected \(error)", sourceLocation: sourceLocation)
    }
}

@Suite struct SearchParserTokenTests {
    @Test func tokenForms() async throws {
        #expect(try await condition("Observation", "code", "http://loinc.org|8480-6")
                == .match(param: "code", .token(TokenValue(system: .exactly("http://loinc.org"), code: "8480-6"))))
        #expect(try await condition("Observation", "code", "8480-6") == .match(param: "code", .token(TokenValue(system: .any, code: "8480-6"))))
        #expect(try await condition("Observation", "code", "|8480-6") == .match(param: "code", .token(TokenValue(system: .none, code: "8480-6"))))
        #expect(try await condition("Observation", "code", "http://loinc.org|") == .match(param: "code", .token(TokenValue(system: .exactly("http://loinc.org"), code: nil))))
    }

    @Test func commasAreOrAndRepetitionIsAnd() async throws {
        let search = try await parse("Observation", [("code", "a,b"), ("status", "final")])
        #expect(search.condition == .all([
            .any([.match(param: "code", .token(TokenValue(system: .any, code: "a"))),
                  .match(param: "code", .token(TokenValue(system: .any, code: "b")))]),
            .match(param: "status", .token(TokenValue(system: .any, code: "final"))),
        ]))
    }

    @Test func escapedSeparatorsArePartOfTheValue() async throws {
        #expect(try await condition("Observation", "code", #"a\,b"#) == .match(param: "code", .token(TokenValue(system: .any, code: "a,b"))))
        #expect(try await condition("Observation", "code", #"s\|x|c\\d"#) == .match(param: "code", .token(TokenValue(system: .exactly("s|x"), code: #"c\d"#))))
        #expect(try await condition("Patient", "name", #"a\$b"#) == .match(param: "name", .string("a$b", .startsWith)))
    }

    @Test func notIsTheNegationOfTheOrOfTheMatches() async throws {
        #expect(try await condition("Observation", "status:not", "final,amended") == .not(.any([
            .match(param: "status", .token(TokenValue(system: .any, code: "final"))),
            .match(param: "status", .token(TokenValue(system: .any, code: "amended"))),
        ])))
    }

    @Test func textOfTypeInNotInBelowAbove() async throws {
        #expect(try await condition("Observation", "code:text", "Blood  PRESSURE") == .match(param: "code", .tokenText("blood pressure")))
        #expect(try await condition("Patient", "identifier:of-type", "http://terminology.hl7.org/CodeSystem/v2-0203|MR|123")
                == .match(param: "identifier", .identifierOfType(typeSystem: "http://terminology.hl7.org/CodeSystem/v2-0203", typeCode: "MR", value: "123")))
        let bp = [SearchCondition.match(param: "code", .token(TokenValue(system: .exactly("http://loinc.org"), code: "8480-6"))),
                  .match(param: "code", .token(TokenValue(system: .exactly("http://loinc.org"), code: "8462-4")))]
        #expect(try await condition("Observation", "code:in", "http://vs/bp") == .any(bp))
        #expect(try await condition("Observation", "code:not-in", "http://vs/bp") == .not(.any(bp)))
        #expect(try await condition("Condition", "code:below", "http://snomed.info/sct|100") == .any(["100", "101", "102"].map {
            .match(param: "code", .token(TokenValue(system: .exactly("http://snomed.info/sct"), code: $0)))
        }))
        #expect(try await condition("Condition", "code:above", "http://snomed.info/sct|100") == .any(["100", "1"].map {
            .match(param: "code", .token(TokenValue(system: .exactly("http://snomed.info/sct"), code: $0)))
        }))
    }

    @Test func unknownValueSetAndCodeSystemAreBadRequests() async {
        await expectInvalid("Observation", [("code:in", "http://vs/unknown")], issue: "value")
        await expectInvalid("Condition", [("code:below", "http://unknown|1")], issue: "not-supported")
    }

    @Test func missingModifier() async throws {
        #expect(try await condition("Patient", "birthdate:missing", "true") == .missing(param: "birthdate", type: .date, missing: true))
        #expect(try await condition("Observation", "code:missing", "false") == .missing(param: "code", type: .token, missing: false))
        await expectInvalid("Patient", [("birthdate:missing", "maybe")], issue: "value")
    }

    @Test func metaParametersAreIndexParameters() async throws {
        #expect(try await condition("Patient", "_tag", "http://t|a") == .match(param: "_tag", .token(TokenValue(system: .exactly("http://t"), code: "a"))))
        #expect(try await condition("Patient", "_security", "R") == .match(param: "_security", .token(TokenValue(system: .any, code: "R"))))
        #expect(try await condition("Patient", "_profile", "http://p") == .match(param: "_profile", .uri("http://p", .exact)))
        #expect(try await condition("Patient", "_source", "http://s") == .match(param: "_source", .uri("http://s", .exact)))
        #expect(try await condition(nil, "_tag", "a") == .match(param: "_tag", .token(TokenValue(system: .any, code: "a"))))
    }
}

@Suite struct SearchParserStringAndUriTests {
    @Test func stringModes() async throws {
        #expect(try await condition("Patient", "name", "Élo") == .match(param: "name", .string("elo", .startsWith)))
        #expect(try await condition("Patient", "name:exact", "Élodie") == .match(param: "name", .string("Élodie", .exact)))
        #expect(try await condition("Patient", "name:contains", "LOD") == .match(param: "name", .string("lod", .contains)))
    }

    @Test func uriModes() async throws {
        #expect(try await condition("ValueSet", "url", "http://a/b") == .match(param: "url", .uri("http://a/b", .exact)))
        #expect(try await condition("ValueSet", "url:below", "http://a") == .match(param: "url", .uri("http://a", .below)))
        #expect(try await condition("ValueSet", "url:above", "http://a/b/c") == .match(param: "url", .uri("http://a/b/c", .above)))
    }

    @Test func modifierNotValidForTheTypeIsABadRequestEvenLeniently() async {
        await expectInvalid("Patient", [("birthdate:exact", "2000")], issue: "not-supported")
        await expectInvalid("Observation", [("code:contains", "x")], issue: "not-supported")
        await expectInvalid("Patient", [("name:not", "x")], issue: "not-supported")
    }
}

@Suite struct SearchParserDateTests {
    @Test func prefixesAndPrecisions() async throws {
        let day = SearchDate.range("2015-03-04")!
        #expect(try await condition("Patient", "birthdate", "2015-03-04") == .match(param: "birthdate", .date(.eq, day)))
        for p in Comparison.allCases where p != .ap {
            #expect(try await condition("Patient", "birthdate", p.rawValue + "2015-03-04") == .match(param: "birthdate", .date(p, day)))
        }
        for text in ["2015", "2015-03", "2015-03-04T10:00", "2015-03-04T10:00:00", "2015-03-04T10:00:00.123Z", "2015-03-04T10:00:00+01:00"] {
            #expect(try await condition("Observation", "date", "ge" + text) == .match(param: "date", .date(.ge, SearchDate.range(text)!)))
        }
    }

    @Test func apWidensByTenPercentOfTheDistanceFromNow() async throws {
        // now is 2023-11-14T22:13:20Z; 2013-11-14 is about 10 years before, so about one year either side.
        let c = try await condition("Patient", "birthdate", "ap2013-11-14")
        guard case .match(_, .date(.ap, let r)) = c else { Issue.record("\(c)"); return }
        let day = SearchDate.range("2013-11-14")!
        let year: Int64 = 365 * 86_400 * 1_000_000
        #expect(r.low < day.low - year + 2 * 86_400_000_000 && r.low > day.low - year - 5 * 86_400_000_000)
        #expect(r.high > day.high + year - 5 * 86_400_000_000 && r.high < day.high + year + 2 * 86_400_000_000)
    }

    @Test func lastUpdatedIsAStoreCondition() async throws {
        #expect(try await condition("Patient", "_lastUpdated", "gt2020-01-01") == .lastUpdated(.gt, SearchDate.range("2020-01-01")!))
    }

    @Test func badDatesAndPrefixesAreBadRequests() async {
        await expectInvalid("Patient", [("birthdate", "2015-13-01")], issue: "value")
        await expectInvalid("Patient", [("birthdate", "yesterday")], issue: "value")
        await expectInvalid("Patient", [("birthdate", "xx2015")], issue: "value")
        await expectInvalid("Patient", [("_lastUpdated", "2015-02-30")], issue: "value")
    }
}

@Suite struct SearchParserNumberAndQuantityTests {
    @Test func numbersWithImpliedRanges() async throws {
        #expect(try await condition("RiskAssessment", "probability", "100") == .match(param: "probability", .number(.eq, NumberRange(value: 100, low: 99.5, high: 100.5))))
        #expect(try await condition("RiskAssessment", "probability", "gt1e2") == .match(param: "probability", .number(.gt, SearchNumber.range("1e2")!)))
        #expect(try await condition("RiskAssessment", "probability", "0.5") == .match(param: "probability", .number(.eq, SearchNumber.range("0.5")!)))
        #expect(try await condition("RiskAssessment", "probability", "ap100") == .match(param: "probability", .number(.ap, NumberRange(value: 100, low: 90, high: 110))))
        await expectInvalid("RiskAssessment", [("probability", "ten")], issue: "value")
    }

    @Test func quantitiesAreConvertedToCanonicalUCUM() async throws {
        let c = try await condition("Observation", "value-quantity", "5.4|http://unitsofmeasure.org|mg")
        guard case .match("value-quantity", .quantity(.eq, let n, system: UCUM.system, code: "g", canonical: true)) = c else { Issue.record("\(c)"); return }
        #expect(abs(n.value - 0.0054) < 1e-12 && abs(n.low - 0.00535) < 1e-12 && abs(n.high - 0.00545) < 1e-12)
        let noSystem = try await condition("Observation", "value-quantity", "le5.4||mg")
        guard case .match(_, .quantity(.le, _, system: UCUM.system, code: "g", canonical: true)) = noSystem else { Issue.record("\(noSystem)"); return }
        #expect(try await condition("Observation", "value-quantity", "5.4") == .match(param: "value-quantity", .quantity(.eq, SearchNumber.range("5.4")!, system: nil, code: nil)))
        #expect(try await condition("Observation", "value-quantity", "120|http://unitsofmeasure.org|mm[Hg]")
                == .match(param: "value-quantity", .quantity(.eq, SearchNumber.range("120")!, system: UCUM.system, code: "mm[Hg]", canonical: true)))
        await expectInvalid("Observation", [("value-quantity", "5.4|mg")], issue: "value")
    }

    @Test func compositeSplitsOnDollarAndTypesEachComponent() async throws {
        #expect(try await condition("Observation", "code-value-quantity", "http://loinc.org|8480-6$gt100") == .composite(param: "code-value-quantity", [
            .token(TokenValue(system: .exactly("http://loinc.org"), code: "8480-6")),
            .quantity(.gt, SearchNumber.range("100")!, system: nil, code: nil),
        ]))
        await expectInvalid("Observation", [("code-value-quantity", "8480-6")], issue: "value")
    }
}

@Suite struct SearchParserReferenceTests {
    @Test func referenceForms() async throws {
        #expect(try await condition("Observation", "subject", "123") == .match(param: "subject", .reference(.local(type: nil, id: "123"))))
        #expect(try await condition("Observation", "subject", "Patient/123") == .match(param: "subject", .reference(.local(type: "Patient", id: "123"))))
        #expect(try await condition("Observation", "subject", "Patient/123/_history/2") == .match(param: "subject", .reference(.local(type: "Patient", id: "123", version: "2"))))
        #expect(try await condition("Observation", "subject", base + "/Patient/123") == .match(param: "subject", .reference(.local(type: "Patient", id: "123"))))
        #expect(try await condition("Observation", "subject", "http://other/fhir/Patient/1") == .match(param: "subject", .reference(.url("http://other/fhir/Patient/1"))))
        #expect(try await condition("QuestionnaireResponse", "questionnaire", "http://q/Questionnaire/x|2.0") == .match(param: "questionnaire", .reference(.url("http://q/Questionnaire/x", version: "2.0"))))
        #expect(try await condition("Observation", "subject:Patient", "123") == .match(param: "subject", .reference(.local(type: "Patient", id: "123"))))
        #expect(try await condition("Observation", "subject:identifier", "http://mrn|7") == .match(param: "subject", .referenceIdentifier(TokenValue(system: .exactly("http://mrn"), code: "7"))))
        await expectInvalid("Observation", [("subject:Medication", "1")], issue: "value")
    }

    @Test func chainsSeveralLevelsDeep() async throws {
        #expect(try await condition("Observation", "subject:Patient.name", "peter")
                == .chain(param: "subject", targetType: "Patient", .match(param: "name", .string("peter", .startsWith))))
        let deep = try await condition("Encounter", "patient.organization.name", "x")
        #expect(deep == .chain(param: "patient", targetType: "Patient",
                               .chain(param: "organization", targetType: "Organization", .match(param: "name", .string("x", .startsWith)))))
    }

    @Test func untypedChainOrsTheTargetsThatHaveTheParameter() async throws {
        // Observation.subject targets Group, Device, Patient and Location; only Patient and Location have `name`.
        let c = try await condition("Observation", "subject.name", "peter")
        guard case .any(let alternatives) = c else { Issue.record("\(c)"); return }
        let targets = alternatives.compactMap { if case .chain(_, let t, _) = $0 { t } else { nil } }
        #expect(Set(targets) == Set(["Patient", "Location"]))
        #expect(alternatives.allSatisfy { if case .chain("subject", _, .match("name", .string("peter", .startsWith))) = $0 { true } else { false } })
    }

    @Test func reverseChainsNest() async throws {
        #expect(try await condition("Patient", "_has:Observation:patient:code", "1234")
                == .reverseChain(sourceType: "Observation", param: "patient", .match(param: "code", .token(TokenValue(system: .any, code: "1234")))))
        #expect(try await condition("Patient", "_has:Observation:patient:_has:Provenance:target:agent", "Practitioner/1")
                == .reverseChain(sourceType: "Observation", param: "patient",
                                 .reverseChain(sourceType: "Provenance", param: "target", .match(param: "agent", .reference(.local(type: "Practitioner", id: "1"))))))
        await expectInvalid("Patient", [("_has:Observation:code:code", "1")], issue: "invalid")
    }
}

@Suite struct SearchParserSpecialParameterTests {
    @Test func idTypeAndList() async throws {
        #expect(try await condition("Patient", "_id", "a,b") == .ids(["a", "b"]))
        #expect(try await condition("Patient", "_list", "L1") == .ids(["p1", "p2"]))
        #expect(try await condition(nil, "_list", "L1") == .any([.all([.types(["Observation"]), .ids(["o1"])]), .all([.types(["Patient"]), .ids(["p1", "p2"])])]))
        #expect(try await condition("Patient", "_list", "nope") == .nothing)
        let system = try await parse(nil, [("_type", "Patient,Observation"), ("_tag", "x")])
        #expect(system.types == ["Patient", "Observation"])
        await expectInvalid(nil, [("_type", "Patient,Nonsense")], issue: "value")
        let disjoint = try await parse(nil, [("_type", "Patient"), ("_type", "Observation")])
        #expect(disjoint.condition == .nothing)
        let anded = try await parse(nil, [("_type", "Patient,Observation"), ("_type", "Observation,Encounter")])
        #expect(anded.types == ["Observation"] && anded.condition == .everything)
    }

    @Test func sortCountTotalSummaryElements() async throws {
        let s = try await parse("Observation", [("_sort", "-date,_id,code"), ("_count", "500"), ("_total", "accurate"),
                                                ("_summary", "count"), ("_elements", "code, subject")])
        #expect(s.sort == [SortKey(.param("date", .date), descending: true), SortKey(.id), SortKey(.param("code", .token))])
        #expect(s.count == 100)
        #expect(s.issues.contains { $0.severity == .information && $0.expression == ["_count"] })
        #expect(s.total == .accurate && s.summary == .count && s.elements == ["code", "subject"])
        #expect(try await parse("Observation", []).count == 20)
        #expect(try await parse("Observation", [("_sort", "-_lastUpdated")]).sort == [SortKey(.lastUpdated, descending: true)])
        await expectInvalid("Observation", [("_sort", "nonsense")], issue: "not-supported")
        await expectInvalid("Observation", [("_count", "-1")], issue: "value")
        await expectInvalid("Observation", [("_count", "ten")], issue: "value")
        await expectInvalid("Observation", [("_total", "some")], issue: "value")
        await expectInvalid("Observation", [("_summary", "maybe")], issue: "value")
    }

    @Test func includesAndRevincludes() async throws {
        let s = try await parse("Observation", [("_include", "Observation:subject"), ("_include", "Observation:subject:Patient"),
                                                ("_include:iterate", "Patient:general-practitioner"), ("_include", "*"),
                                                ("_revinclude", "Provenance:target"), ("_revinclude:iterate", "*")])
        #expect(s.includes == [
            IncludeParameter(sourceType: "Observation", param: "subject"),
            IncludeParameter(sourceType: "Observation", param: "subject", targetType: "Patient"),
            IncludeParameter(sourceType: "Patient", param: "general-practitioner", iterate: true),
            IncludeParameter(sourceType: "Observation", param: nil),
        ])
        #expect(s.revincludes == [IncludeParameter(sourceType: "Provenance", param: "target"),
                                  IncludeParameter(sourceType: "*", param: nil, targetType: "Observation", iterate: true)])
        await expectInvalid("Observation", [("_include", "Observation:code")], issue: "invalid")
        await expectInvalid("Observation", [("_include", "Observation:subject:Medication")], issue: "invalid")
        await expectInvalid("Observation", [("_include", "Nonsense:subject")], issue: "value")
    }

    @Test func unknownParametersWarnWhenLenientAndFailWhenStrict() async throws {
        let lenient = try await parse("Patient", [("name", "x"), ("foo", "1"), ("_text", "cancer"), ("_filter", "x eq 1"), ("_content", "x")])
        #expect(lenient.condition == .match(param: "name", .string("x", .startsWith)))
        #expect(lenient.issues.filter { $0.severity == .warning && $0.code == "not-supported" }.map(\.expression) == [["foo"], ["_text"], ["_filter"], ["_content"]])
        #expect(lenient.canonicalItems.map(\.name) == ["name"])
        await expectInvalid("Patient", [("foo", "1")], issue: "not-supported", strict: true)
        await expectInvalid("Patient", [("_content", "x")], issue: "not-supported", strict: true)
        await expectInvalid("Location", [("near", "42|-71|10|km")], issue: "not-supported", strict: true)
        await expectInvalid("Observation", [("subject.nonsense", "1")], issue: "not-supported", strict: true)
    }

    @Test func canonicalItemsKeepTheUnderstoodParametersInOrder() async throws {
        let s = try await parse("Observation", [("code", "a"), ("_count", "5"), ("bogus", "1"), ("_sort", "date")])
        #expect(s.canonicalItems.map { "\($0.name)=\($0.value)" } == ["code=a", "_count=5", "_sort=date"])
        #expect(s.count == 5)
    }
}

@Suite struct CompartmentConditionTests {
    @Test func observationIsInThePatientCompartmentThroughSubjectAndPerformer() {
        let c = CompartmentCondition.patient("123", resourceType: "Observation")
        guard case .any(let alternatives)? = c else { Issue.record("\(String(describing: c))"); return }
        #expect(alternatives.contains(.match(param: "subject", .reference(.local(type: "Patient", id: "123")))))
        #expect(alternatives.contains(.match(param: "performer", .reference(.local(type: "Patient", id: "123")))))
    }

    @Test func patientItselfAndTypesOutsideTheCompartment() {
        #expect(CompartmentCondition.patient("123", resourceType: "Patient") == .ids(["123"]))
        #expect(CompartmentCondition.patient("123", resourceType: "Organization") == nil)
    }
}
