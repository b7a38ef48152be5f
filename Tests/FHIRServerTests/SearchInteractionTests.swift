import FHIRCore
import FHIRServer
import Foundation
import Testing

/// Search through the FHIR interactions: every result parameter, paging, includes, compartments, $everything and
/// custom SearchParameters, over a real SQLite store.
@Suite("Search interactions")
struct SearchInteractionTests {
    /// A small record: two patients, their observations (heights and weights), an encounter, a practitioner.
    static func seed(_ t: TestService) async throws {
        let bundle = """
        {"resourceType":"Bundle","type":"transaction","entry":[
          {"fullUrl":"urn:uuid:dr","resource":{"resourceType":"Practitioner","id":"dr","name":[{"family":"House"}]},"request":{"method":"PUT","url":"Practitioner/dr"}},
          {"fullUrl":"urn:uuid:p1","resource":{"resourceType":"Patient","id":"p1","gender":"female","birthDate":"1970-05-01","name":[{"family":"Élodie","given":["Anne"]}],"generalPractitioner":[{"reference":"Practitioner/dr"}]},"request":{"method":"PUT","url":"Patient/p1"}},
          {"fullUrl":"urn:uuid:p2","resource":{"resourceType":"Patient","id":"p2","gender":"male","birthDate":"1950","name":[{"family":"Martin"}]},"request":{"method":"PUT","url":"Patient/p2"}},
          {"fullUrl":"urn:uuid:e1","resource":{"resourceType":"Encounter","id":"e1","status":"finished","class":{"code":"AMB"},"subject":{"reference":"Patient/p1"},"participant":[{"individual":{"reference":"Practitioner/dr"}}]},"request":{"method":"PUT","url":"Encounter/e1"}}
        """ + (1...12).map { i in
            let patient = i <= 9 ? "p1" : "p2"
            let code = i % 2 == 0 ? "8302-2" : "29463-7"
            let value = i % 2 == 0 ? 150 + i : 50 + i
            return """
            ,{"resource":{"resourceType":"Observation","id":"o\(i)","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"\(code)"}]},"subject":{"reference":"Patient/\(patient)"},"encounter":{"reference":"Encounter/e1"},"effectiveDateTime":"20\(10 + i)-03-04T10:00:00Z","valueQuantity":{"value":\(value),"system":"http://unitsofmeasure.org","code":"\(i % 2 == 0 ? "cm" : "kg")"}},"request":{"method":"PUT","url":"Observation/o\(i)"}}
            """
        }.joined() + "]}"
        let r = await t.send(.post, "", body: bundle)
        #expect(r.status == 200, "\(String(decoding: r.body, as: UTF8.self))")
    }

    static func ids(_ r: FHIRResponse, mode: String = "match") -> [String] {
        (r.json["entry"]?.arrayValue ?? []).compactMap { e in
            guard e["search"]?["mode"]?.stringValue == mode, let res = e["resource"] else { return nil }
            return "\(res["resourceType"]!.stringValue!)/\(res["id"]!.stringValue!)"
        }
    }

    static func link(_ r: FHIRResponse, _ relation: String) -> String? {
        r.json["link"]?.arrayValue?.first { $0["relation"]?.stringValue == relation }?["url"]?.stringValue
    }

    /// The path and query of an absolute link, as `send` takes it.
    static func relative(_ url: String) -> String { String(url.dropFirst("http://test/fhir/".count)) }

    @Test func everyParameterTypeFindsTheSeededResources() async throws {
        let t = try TestService.make(); defer { Task { await t.close() } }
        try await Self.seed(t)
        #expect(Self.ids(await t.send(.get, "Patient?gender=female")) == ["Patient/p1"])
        #expect(Self.ids(await t.send(.get, "Patient?name=elodie")) == ["Patient/p1"])         // accents and case
        #expect(Self.ids(await t.send(.get, "Patient?birthdate=lt1960")) == ["Patient/p2"])
        #expect(Self.ids(await t.send(.get, "Observation?code=http://loinc.org|8302-2&value-quantity=gt160")).count == 1)
        #expect(Self.ids(await t.send(.get, "Observation?date=ge2020&subject=Patient/p2")) == ["Observation/o10", "Observation/o11", "Observation/o12"])
        #expect(Self.ids(await t.send(.get, "Observation?subject:Patient.gender=male&code=8302-2")) == ["Observation/o10", "Observation/o12"])
        #expect(Self.ids(await t.send(.get, "Patient?_has:Observation:subject:code=8302-2&gender=male")) == ["Patient/p2"])
        #expect(Self.ids(await t.send(.get, "Patient?gender:missing=true")).isEmpty)
        // Quantities: a search without a unit compares values as written; with a UCUM unit, across units.
        #expect(Self.ids(await t.send(.get, "Observation?code=8302-2&value-quantity=lt100")).isEmpty)
        #expect(Self.ids(await t.send(.get, "Observation?value-quantity=1.6|http://unitsofmeasure.org|m")) == ["Observation/o10", "Observation/o12", "Observation/o6", "Observation/o8"])
        #expect(Self.ids(await t.send(.get, "Observation?code=8302-2&_sort=-value-quantity&_count=2")) == ["Observation/o12", "Observation/o10"])
    }

    @Test func summaryCountAndTotalAreExact() async throws {
        let t = try TestService.make(); defer { Task { await t.close() } }
        try await Self.seed(t)
        let count = await t.send(.get, "Observation?subject=Patient/p1&_summary=count")
        #expect(count.json["total"]?.numberText == "9")
        #expect(count.json["entry"] == nil)
        let page = await t.send(.get, "Observation?subject=Patient/p1&_count=2")
        #expect(page.json["total"]?.numberText == "9")
        #expect(Self.ids(page).count == 2)
        let empty = await t.send(.get, "Observation?subject=Patient/p1&_count=0")
        #expect(empty.json["total"]?.numberText == "9")
        #expect(empty.json["entry"] == nil)
        let none = await t.send(.get, "Observation?subject=Patient/p1&_count=2&_total=none")
        #expect(none.json["total"] == nil)
    }

    @Test func cursorPagesWalkForwardAndBackAndSurviveInserts() async throws {
        let t = try TestService.make(); defer { Task { await t.close() } }
        try await Self.seed(t)
        var seen: [String] = []
        var response = await t.send(.get, "Observation?_sort=date&_count=5")
        var pages = 0
        while true {
            seen += Self.ids(response)
            pages += 1
            // A resource added meanwhile at the start of the order does not shift the next pages.
            if pages == 1 {
                _ = await t.send(.put, "Observation/o0", body: """
                {"resourceType":"Observation","id":"o0","status":"final","code":{"text":"x"},"effectiveDateTime":"2001-01-01"}
                """)
            }
            guard let next = Self.link(response, "next") else { break }
            response = await t.send(.get, Self.relative(next))
            #expect(response.status == 200)
        }
        #expect(pages == 3)
        #expect(seen == (1...12).map { "Observation/o\($0)" })
        // The last page's previous link goes back to the page before it.
        let previous = try #require(Self.link(response, "previous"))
        #expect(Self.ids(await t.send(.get, Self.relative(previous))) == (6...10).map { "Observation/o\($0)" })
        // A made-up cursor is refused, not misread.
        #expect(await t.send(.get, "Observation?_cursor=bm90LWEtY3Vyc29y").status == 400)
    }

    @Test func sortDescendingOnAParameter() async throws {
        let t = try TestService.make(); defer { Task { await t.close() } }
        try await Self.seed(t)
        let r = await t.send(.get, "Patient?_sort=-birthdate")
        #expect(Self.ids(r) == ["Patient/p1", "Patient/p2"])
    }

    @Test func includeAndRevincludeAddTheirResourcesOnce() async throws {
        let t = try TestService.make(); defer { Task { await t.close() } }
        try await Self.seed(t)
        let inc = await t.send(.get, "Observation?subject=Patient/p2&_include=Observation:subject&_include=Observation:encounter")
        #expect(Self.ids(inc).count == 3)
        #expect(Set(Self.ids(inc, mode: "include")) == ["Patient/p2", "Encounter/e1"])
        let iterate = await t.send(.get, "Observation?_id=o1&_include=Observation:encounter&_include:iterate=Encounter:participant")
        #expect(Set(Self.ids(iterate, mode: "include")) == ["Encounter/e1", "Practitioner/dr"])
        let rev = await t.send(.get, "Patient?_id=p2&_revinclude=Observation:subject")
        #expect(Self.ids(rev) == ["Patient/p2"])
        #expect(Set(Self.ids(rev, mode: "include")) == ["Observation/o10", "Observation/o11", "Observation/o12"])
    }

    @Test func tooManyIncludesAreReportedNotDropped() async throws {
        let t = try TestService.make(.init(baseURL: "http://test/fhir", maxIncludes: 2)); defer { Task { await t.close() } }
        try await Self.seed(t)
        let rev = await t.send(.get, "Patient?_id=p1&_revinclude=Observation:subject")
        #expect(Self.ids(rev, mode: "include").count == 2)
        let outcome = rev.json["entry"]?.arrayValue?.first { $0["search"]?["mode"]?.stringValue == "outcome" }
        #expect(outcome?["resource"]?["issue"]?[0]?["code"]?.stringValue == "too-costly")
    }

    @Test func summaryAndElementsReturnSubsetsTagged() async throws {
        let t = try TestService.make(); defer { Task { await t.close() } }
        try await Self.seed(t)
        let elements = await t.send(.get, "Patient?_id=p1&_elements=gender")
        let p = try #require(elements.json["entry"]?[0]?["resource"])
        #expect(p["gender"]?.stringValue == "female")
        #expect(p["name"] == nil && p["birthDate"] == nil)
        #expect(p["meta"]?["tag"]?[0]?["code"]?.stringValue == "SUBSETTED")
        let summary = await t.send(.get, "Patient?_id=p1&_summary=true")
        let s = try #require(summary.json["entry"]?[0]?["resource"])
        #expect(s["name"] != nil && s["birthDate"] != nil)
        let data = await t.send(.get, "Patient?_id=p1&_summary=data")
        #expect(data.json["entry"]?[0]?["resource"]?["text"] == nil)
    }

    @Test func unknownParametersAreReportedOrRefusedWhenStrict() async throws {
        let t = try TestService.make(); defer { Task { await t.close() } }
        try await Self.seed(t)
        let lenient = await t.send(.get, "Patient?frobnicate=1")
        #expect(lenient.status == 200)
        #expect(Self.ids(lenient).count == 2)
        let outcome = lenient.json["entry"]?.arrayValue?.last
        #expect(outcome?["search"]?["mode"]?.stringValue == "outcome")
        let strict = await t.send(.get, "Patient?frobnicate=1", headers: ["prefer": "handling=strict"])
        #expect(strict.status == 400)
        #expect(await t.send(.get, "Patient?birthdate=not-a-date").status == 400)
    }

    @Test func compartmentAndSystemSearches() async throws {
        let t = try TestService.make(); defer { Task { await t.close() } }
        try await Self.seed(t)
        #expect(Self.ids(await t.send(.get, "Patient/p2/Observation")) == ["Observation/o10", "Observation/o11", "Observation/o12"])
        #expect(Self.ids(await t.send(.get, "Patient/p2/Observation?code=8302-2")) == ["Observation/o10", "Observation/o12"])
        let system = await t.send(.get, "?_type=Patient,Practitioner")
        #expect(Set(Self.ids(system)) == ["Patient/p1", "Patient/p2", "Practitioner/dr"])
        let posted = await t.send(.post, "Patient/_search", body: "gender=male", headers: ["content-type": "application/x-www-form-urlencoded"])
        #expect(Self.ids(posted) == ["Patient/p2"])
    }

    @Test func everythingReturnsTheRecordAndItsSharedResourcesOnly() async throws {
        let t = try TestService.make(); defer { Task { await t.close() } }
        try await Self.seed(t)
        let r = await t.send(.get, "Patient/p2/$everything")
        #expect(r.status == 200)
        #expect(Set(Self.ids(r)) == ["Patient/p2", "Observation/o10", "Observation/o11", "Observation/o12"])
        // The encounter belongs to p1's record: not included in p2's, although p2's observations point to it.
        #expect(Self.ids(r, mode: "include").isEmpty)
        let p1 = await t.send(.get, "Patient/p1/$everything?_count=4")
        #expect(p1.json["total"]?.numberText == "11")   // the patient, 9 observations, the encounter
        #expect(Self.ids(p1, mode: "include") .contains("Practitioner/dr"))
        #expect(Self.link(p1, "next") != nil)
        let types = await t.send(.get, "Patient/p1/$everything?_type=Encounter")
        #expect(Self.ids(types) == ["Encounter/e1"])
        #expect(await t.send(.get, "Patient/nobody/$everything").status == 404)
    }

    @Test func customSearchParameterWorksAfterReindex() async throws {
        let t = try TestService.make(); defer { Task { await t.close() } }
        try await Self.seed(t)
        let parameter = """
        {"resourceType":"SearchParameter","url":"http://example.org/SearchParameter/encounter-class-code","name":"classcode","status":"active","code":"classcode","base":["Encounter"],"type":"token","expression":"Encounter.class.code","description":"class code"}
        """
        #expect(await t.send(.post, "SearchParameter", body: parameter).status == 201)
        // Existing resources are indexed for it by $reindex.
        let reindex = await t.send(.post, "Encounter/$reindex")
        #expect(reindex.status == 200)
        #expect(reindex.json["parameter"]?[0]?["valueInteger"]?.numberText == "1")
        #expect(Self.ids(await t.send(.get, "Encounter?classcode=AMB")) == ["Encounter/e1"])
        // New ones on write.
        _ = await t.send(.put, "Encounter/e2", body: #"{"resourceType":"Encounter","id":"e2","status":"planned","class":{"code":"AMB"}}"#)
        #expect(Self.ids(await t.send(.get, "Encounter?classcode=AMB")) == ["Encounter/e1", "Encounter/e2"])
        // An unusable definition is refused.
        let broken = parameter.replacingOccurrences(of: "Encounter.class.code", with: "Encounter.class.(")
            .replacingOccurrences(of: "encounter-class-code", with: "broken")
        #expect(await t.send(.post, "SearchParameter", body: broken).status == 422)
    }

    @Test func inValueSetStoredOnTheServer() async throws {
        let t = try TestService.make(); defer { Task { await t.close() } }
        try await Self.seed(t)
        let valueSet = """
        {"resourceType":"ValueSet","url":"http://example.org/ValueSet/heights","status":"active","compose":{"include":[{"system":"http://loinc.org","concept":[{"code":"8302-2"}]}]}}
        """
        #expect(await t.send(.post, "ValueSet", body: valueSet).status == 201)
        #expect(Self.ids(await t.send(.get, "Observation?subject=Patient/p2&code:in=http://example.org/ValueSet/heights")) == ["Observation/o10", "Observation/o12"])
        #expect(Self.ids(await t.send(.get, "Observation?subject=Patient/p2&code:not-in=http://example.org/ValueSet/heights")) == ["Observation/o11"])
        #expect(await t.send(.get, "Observation?code:in=http://example.org/ValueSet/unknown").status == 400)
    }
}

extension JSON {
    /// The text of a JSON number.
    var numberText: String? { if case .number(let n) = self { return n } else { return nil } }
}
