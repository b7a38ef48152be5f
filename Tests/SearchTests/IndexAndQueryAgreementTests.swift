import Foundation
import Testing
import FHIRCore
import Store
import Search

/// A minimal matcher with the semantics the Store model documents (``Comparison``, ``StringMode``, ``TokenValue``),
/// to prove that parsed query values and built index entries meet as a backend would make them meet.
enum ReferenceMatcher {
    static func matches(_ entries: [IndexEntry], _ condition: SearchCondition) -> Bool {
        switch condition {
        case .all(let cs): return cs.allSatisfy { matches(entries, $0) }
        case .any(let cs): return cs.contains { matches(entries, $0) }
        case .not(let c): return !matches(entries, c)
        case .match(let param, let m): return entries.contains { $0.param == param && matches($0.value, m) }
        case .composite(let param, let ms):
            return entries.contains { e in
                guard e.param == param, case .composite(let vs) = e.value, vs.count == ms.count else { return false }
                return zip(vs, ms).allSatisfy { matches($0, $1) }
            }
        case .missing(let param, _, let missing): return entries.contains { $0.param == param } != missing
        default: Issue.record("not modelled: \(condition)"); return false
        }
    }

    static func matches(_ value: IndexValue, _ match: ValueMatch) -> Bool {
        switch (value, match) {
        case (.token(let system, let code), .token(let t)):
            switch t.system {
            case .any: break
            case .none: if system != nil { return false }
            case .exactly(let s): if system != s { return false }
            }
            return t.code == nil || t.code == code
        case (.tokenText(let text), .tokenText(let q)): return text.contains(q)
        case (.identifierOfType(let ts, let tc, let v), .identifierOfType(let qs, let qc, let qv)):
            return (qs == nil || ts == qs) && tc == qc && v == qv
        case (.string(let normalized, let exact), .string(let q, let mode)):
            switch mode {
            case .startsWith: return normalized.hasPrefix(q)
            case .contains: return normalized.contains(q)
            case .exact: return exact == q
            }
        case (.date(let e), .date(let c, let q)):
            let eq = e.low >= q.low && e.high <= q.high
            switch c {
            case .eq: return eq
            case .ne: return !eq
            case .gt: return e.high > q.high
            case .lt: return e.low < q.low
            case .ge: return e.high > q.high || eq
            case .le: return e.low < q.low || eq
            case .sa: return e.low > q.high
            case .eb: return e.high < q.low
            case .ap: return e.low <= q.high && e.high >= q.low
            }
        case (.number(let n), .number(let c, let q)): return compare(n.value, c, q)
        case (.quantity(let v), .quantity(let c, let q, let system, let code, let canonical)):
            if v.canonical != canonical { return false }
            if let system, v.system != system { return false }
            if let code { if system == nil { guard v.code == code || v.unit == code else { return false } } else if v.code != code { return false } }
            return compare(v.number.value, c, q)
        case (.reference(let r), .reference(.local(let type, let id, let version))):
            return r.url == nil && r.id == id && (type == nil || r.type == type) && (version == nil || r.version == version)
        case (.reference(let r), .reference(.url(let url, let version))):
            return r.url == url && (version == nil || r.version == version)
        case (.uri(let u), .uri(let q, let mode)):
            switch mode {
            case .exact: return u == q
            case .below: return u.hasPrefix(q)
            case .above: return q.hasPrefix(u)
            }
        default: return false
        }
    }

    static func compare(_ v: Double, _ c: Comparison, _ q: NumberRange) -> Bool {
        switch c {
        case .eq, .ap: return q.low <= v && v <= q.high
        case .ne: return !(q.low <= v && v <= q.high)
        case .gt: return v > q.value
        case .lt: return v < q.value
        case .ge: return v >= q.value
        case .le: return v <= q.value
        case .sa: return v > q.high
        case .eb: return v < q.low
        }
    }
}

@Suite struct IndexAndQueryAgreementTests {
    func finds(_ resource: JSON, _ type: String, _ name: String, _ value: String) async throws -> Bool {
        let entries = builder.entries(for: resource, type: type)
        return ReferenceMatcher.matches(entries, try await condition(type, name, value))
    }

    @Test func patientFixtureIsFoundByItsValuesAndNotByOthers() async throws {
        let p = try Fixture.json("patient.json")
        for (name, value) in [("birthdate", "1991-11-15"), ("birthdate", "1991-11"), ("birthdate", "1991"), ("birthdate", "ge1991-11-15"),
                              ("birthdate", "gt1991-11-14"), ("birthdate", "lt1991-11-16"), ("birthdate", "sa1991-11-14"),
                              ("birthdate", "ap1991-11-20"), ("name", "medh"), ("name", "RUBEN"), ("family:exact", "Medhurst46"),
                              ("name:contains", "hurst"), ("identifier", "http://hl7.org/fhir/sid/us-ssn|999-87-1947"),
                              ("identifier:of-type", "http://terminology.hl7.org/CodeSystem/v2-0203|SS|999-87-1947"),
                              ("gender", "male"), ("gender:not", "female"), ("address-city", "east"), ("phone", "555-378-2854"),
                              ("_profile", "http://hl7.org/fhir/us/core/StructureDefinition/us-core-patient"), ("deceased", "false")] {
            #expect(try await finds(p, "Patient", name, value), "\(name)=\(value)")
        }
        for (name, value) in [("birthdate", "1991-11-16"), ("birthdate", "1991-11-15T10:00"), ("birthdate", "gt1991-11-15"),
                              ("birthdate", "eb1991-11-15"), ("name", "hurst"), ("family:exact", "medhurst46"), ("gender", "female"),
                              ("gender:not", "male"), ("identifier", "http://other|999-87-1947"), ("deceased", "true")] {
            #expect(try await !finds(p, "Patient", name, value), "\(name)=\(value)")
        }
    }

    @Test func quantitiesMeetAcrossUnits() async throws {
        let obs = try Fixture.json("observation.json")  // 173.9 cm
        for value in ["173.9|http://unitsofmeasure.org|cm", "1.739|http://unitsofmeasure.org|m", "1739|http://unitsofmeasure.org|mm",
                      "gt1.5|http://unitsofmeasure.org|m", "173.9", "ap170||cm", "lt2000||mm"] {
            #expect(try await finds(obs, "Observation", "value-quantity", value), "\(value)")
        }
        // 174 stands for [173.5, 174.5], which holds 173.9; 175 does not.
        #expect(try await finds(obs, "Observation", "value-quantity", "174|http://unitsofmeasure.org|cm"))
        for value in ["175|http://unitsofmeasure.org|cm", "gt2|http://unitsofmeasure.org|m", "173.9|http://unitsofmeasure.org|kg", "ap150||cm"] {
            #expect(try await !finds(obs, "Observation", "value-quantity", value), "\(value)")
        }
        let bp = try Fixture.json("observation-bp.json")
        #expect(try await finds(bp, "Observation", "component-code-value-quantity", "http://loinc.org|8480-6$gt120"))
        #expect(try await !finds(bp, "Observation", "component-code-value-quantity", "http://loinc.org|8462-4$gt120"))
        #expect(try await finds(bp, "Observation", "code", "http://loinc.org|85354-9"))
        #expect(try await finds(bp, "Observation", "code:text", "blood press"))
        #expect(try await finds(bp, "Observation", "date", "2014-01-17"))
        #expect(try await finds(bp, "Observation", "date", "2014-01-17T10:48:38+01:00"))
        #expect(try await !finds(bp, "Observation", "date", "2014-01-17T10:48:38Z"))
    }

    @Test func canonicalsMeetWithAndWithoutVersionOnAnyServer() async throws {
        let local = try resource(#"{"resourceType":"QuestionnaireResponse","questionnaire":"\#(base)/Questionnaire/q1|2"}"#)
        #expect(try await finds(local, "QuestionnaireResponse", "questionnaire", base + "/Questionnaire/q1|2"))
        #expect(try await finds(local, "QuestionnaireResponse", "questionnaire", base + "/Questionnaire/q1"))
        #expect(try await !finds(local, "QuestionnaireResponse", "questionnaire", base + "/Questionnaire/q1|3"))
        let other = try resource(#"{"resourceType":"QuestionnaireResponse","questionnaire":"http://q.org/Questionnaire/phq9"}"#)
        #expect(try await finds(other, "QuestionnaireResponse", "questionnaire", "http://q.org/Questionnaire/phq9"))
        #expect(try await !finds(other, "QuestionnaireResponse", "questionnaire", "http://q.org/Questionnaire/phq9|1"))
    }

    @Test func referencesMeetInEveryForm() async throws {
        let r = try resource(#"{"resourceType":"Observation","subject":{"reference":"Patient/123"},"basedOn":[{"reference":"\#(base)/ServiceRequest/7/_history/3"}]}"#)
        for (name, value) in [("subject", "Patient/123"), ("subject", "123"), ("subject:Patient", "123"), ("subject", base + "/Patient/123"),
                              ("patient", "123"), ("based-on", "ServiceRequest/7"), ("based-on", "ServiceRequest/7/_history/3")] {
            #expect(try await finds(r, "Observation", name, value), "\(name)=\(value)")
        }
        for (name, value) in [("subject", "Patient/12"), ("subject", "http://other/fhir/Patient/123"), ("based-on", "ServiceRequest/7/_history/2"),
                              ("subject:missing", "true")] {
            #expect(try await !finds(r, "Observation", name, value), "\(name)=\(value)")
        }
    }
}
