import Foundation
import Testing
import FHIRCore
import Store
import Search

@Suite struct IndexBuilderTokenTests {
    @Test func codeableConceptGivesEachCodingAndItsTextForTextSearch() throws {
        let obs = try Fixture.json("observation.json")
        let code = values(builder.entries(for: obs, type: "Observation"), "code")
        #expect(code.contains(.token(system: "http://loinc.org", code: "8302-2")))
        #expect(code.contains(.tokenText("body height")))
    }

    @Test func identifierGivesSystemValueAndOfTypeEntries() throws {
        let patient = try Fixture.json("patient.json")
        let ids = values(builder.entries(for: patient, type: "Patient"), "identifier")
        #expect(ids.contains(.token(system: "http://hl7.org/fhir/sid/us-ssn", code: "999-87-1947")))
        #expect(ids.contains(.identifierOfType(typeSystem: "http://terminology.hl7.org/CodeSystem/v2-0203", typeCode: "SS", value: "999-87-1947")))
        #expect(ids.contains(.tokenText("social security number")))
    }

    @Test func contactPointCodeAndBooleanAreTokens() throws {
        let patient = try Fixture.json("patient.json")
        let entries = builder.entries(for: patient, type: "Patient")
        #expect(values(entries, "phone") == [.token(system: nil, code: "555-378-2854")])
        #expect(values(entries, "telecom") == [.token(system: nil, code: "555-378-2854")])
        #expect(values(entries, "gender") == [.token(system: nil, code: "male")])
        let active = try resource(#"{"resourceType":"Patient","active":true}"#)
        #expect(values(builder.entries(for: active, type: "Patient"), "active") == [.token(system: nil, code: "true")])
    }

    @Test func metaTagAndSecurityAreTokensProfileAndSourceAreUris() throws {
        let r = try resource(#"{"resourceType":"Observation","meta":{"tag":[{"system":"http://t","code":"a"}],"security":[{"system":"http://s","code":"R"}],"profile":["http://p/obs"],"source":"http://src#x"}}"#)
        let entries = builder.entries(for: r, type: "Observation")
        #expect(values(entries, "_tag") == [.token(system: "http://t", code: "a")])
        #expect(values(entries, "_security") == [.token(system: "http://s", code: "R")])
        #expect(values(entries, "_profile") == [.uri("http://p/obs")])
        #expect(values(entries, "_source") == [.uri("http://src#x")])
    }

    @Test func deceasedIsComputedByFHIRPath() throws {
        let dead = try resource(#"{"resourceType":"Patient","deceasedDateTime":"2020-01-01"}"#)
        #expect(values(builder.entries(for: dead, type: "Patient"), "deceased") == [.token(system: nil, code: "true")])
        let alive = try resource(#"{"resourceType":"Patient","deceasedBoolean":false}"#)
        #expect(values(builder.entries(for: alive, type: "Patient"), "deceased") == [.token(system: nil, code: "false")])
    }
}

@Suite struct IndexBuilderStringTests {
    @Test func humanNameAndAddressPartsAreEachTheirOwnNormalisedEntry() throws {
        let patient = try Fixture.json("patient.json")
        let entries = builder.entries(for: patient, type: "Patient")
        let name = values(entries, "name")
        #expect(name.contains(.string(normalized: "medhurst46", exact: "Medhurst46")))
        #expect(name.contains(.string(normalized: "ruben688", exact: "Ruben688")))
        #expect(name.contains(.string(normalized: "mr.", exact: "Mr.")))
        #expect(values(entries, "family") == [.string(normalized: "medhurst46", exact: "Medhurst46")])
        let address = values(entries, "address")
        for part in ["501 Pollich Burg", "East Sandwich", "MA", "02537", "US"] {
            #expect(address.contains(.string(normalized: SearchText.normalize(part), exact: part)))
        }
        #expect(values(entries, "address-city") == [.string(normalized: "east sandwich", exact: "East Sandwich")])
        #expect(values(entries, "address-postalcode") == [.string(normalized: "02537", exact: "02537")])
    }

    @Test func indexedStringsAreNormalisedExactlyLikeSearchText() throws {
        let samples = ["  Mixed\tCASE\r\nText\u{0B}\u{0C} end ", "\u{1C}sep\u{1F}", "Ünïcödé  Straße", "ABC-xyz_09 ", "", " "]
        for sample in samples {
            let r = JSON.object(["resourceType": "Patient", "name": .array([.object(["family": .string(sample)])])])
            #expect(values(builder.entries(for: r, type: "Patient"), "family") == [.string(normalized: SearchText.normalize(sample), exact: sample)])
        }
    }

    @Test func accentsAndCaseAreFoldedButExactKeepsTheText() throws {
        let r = try resource(#"{"resourceType":"Patient","name":[{"family":"Élodie  Durand"}]}"#)
        #expect(values(builder.entries(for: r, type: "Patient"), "family") == [.string(normalized: "elodie durand", exact: "Élodie  Durand")])
    }
}

@Suite struct IndexBuilderDateTests {
    @Test func birthDateCoversTheWholeDay() throws {
        let patient = try Fixture.json("patient.json")
        let birth = values(builder.entries(for: patient, type: "Patient"), "birthdate")
        #expect(birth == [.date(DateRange(low: micros("1991-11-15T00:00:00Z"), high: micros("1991-11-16T00:00:00Z") - 1))])
    }

    @Test func dateTimeWithZoneCoversOneSecondInUTC() throws {
        let obs = try Fixture.json("observation.json")
        let date = values(builder.entries(for: obs, type: "Observation"), "date")
        let low = micros("2014-01-17T09:48:38Z")
        #expect(date == [.date(DateRange(low: low, high: low + 999_999))])
    }

    @Test func precisionsYearMonthFractionAndNoZoneAsUTC() {
        #expect(SearchDate.range("2015") == DateRange(low: micros("2015-01-01T00:00:00Z"), high: micros("2016-01-01T00:00:00Z") - 1))
        #expect(SearchDate.range("2015-02") == DateRange(low: micros("2015-02-01T00:00:00Z"), high: micros("2015-03-01T00:00:00Z") - 1))
        #expect(SearchDate.range("2015-02-07T13:28:17.239+02:00") == DateRange(low: micros("2015-02-07T11:28:17Z") + 239_000, high: micros("2015-02-07T11:28:17Z") + 239_999))
        #expect(SearchDate.range("2015-02-07T13:28:17") == SearchDate.range("2015-02-07T13:28:17Z"))
        #expect(SearchDate.range("2015-02-07T13:28") == DateRange(low: micros("2015-02-07T13:28:00Z"), high: micros("2015-02-07T13:29:00Z") - 1))
        #expect(micros("1970-01-01T00:00:01Z") == 1_000_000)
        #expect(SearchDate.range("2015-02-30") == nil)
        #expect(SearchDate.range("2015-13") == nil)
        #expect(SearchDate.range("15-01-01") == nil)
    }

    @Test func periodWithOpenEndIsUnboundedAndTimingGivesEventsAndBounds() throws {
        let enc = try resource(#"{"resourceType":"Encounter","period":{"start":"2020-05-01"}}"#)
        #expect(values(builder.entries(for: enc, type: "Encounter"), "date") == [.date(DateRange(low: micros("2020-05-01T00:00:00Z"), high: .max))])
        let closed = try resource(#"{"resourceType":"Encounter","period":{"end":"2020-05-01"}}"#)
        #expect(values(builder.entries(for: closed, type: "Encounter"), "date") == [.date(DateRange(low: .min, high: micros("2020-05-02T00:00:00Z") - 1))])
        let timing = try resource(#"{"resourceType":"CarePlan","activity":[{"detail":{"scheduledTiming":{"event":["2021-01-01","2021-02-01"],"repeat":{"boundsPeriod":{"start":"2021-01-01","end":"2021-12-31"}}}}}]}"#)
        let dates = values(builder.entries(for: timing, type: "CarePlan"), "activity-date")
        #expect(dates.count == 3)
        #expect(dates.contains(.date(DateRange(low: micros("2021-01-01T00:00:00Z"), high: micros("2022-01-01T00:00:00Z") - 1))))
    }
}

@Suite struct IndexBuilderNumberAndQuantityTests {
    @Test func numberRangeFollowsTheWrittenPrecision() {
        #expect(SearchNumber.range("100") == NumberRange(value: 100, low: 99.5, high: 100.5))
        #expect(SearchNumber.range("1.5e2") == NumberRange(value: 150, low: 145, high: 155))
        #expect(SearchNumber.range("0.5") == NumberRange(value: 0.5, low: 0.45, high: 0.55))
        #expect(SearchNumber.range("-3") == NumberRange(value: -3, low: -3.5, high: -2.5))
        #expect(SearchNumber.range("abc") == nil)
        #expect(SearchNumber.range("1e") == nil)
    }

    @Test func numberParameterIndexesIntegersAndDecimals() throws {
        let r = try resource(#"{"resourceType":"RiskAssessment","prediction":[{"probabilityDecimal":0.25}]}"#)
        let p = values(builder.entries(for: r, type: "RiskAssessment"), "probability")
        #expect(p.count == 1)
        guard case .number(let n)? = p.first else { Issue.record("no number"); return }
        #expect(n.value == 0.25 && abs(n.low - 0.245) < 1e-12 && abs(n.high - 0.255) < 1e-12)
    }

    @Test func ucumQuantityGetsASecondCanonicalEntry() throws {
        let obs = try Fixture.json("observation.json")
        let q = values(builder.entries(for: obs, type: "Observation"), "value-quantity")
        #expect(q.count == 2)
        #expect(q.contains(.quantity(QuantityValue(number: SearchNumber.range("173.9")!, system: UCUM.system, code: "cm", unit: "cm"))))
        guard case .quantity(let canonical)? = q.first(where: { if case .quantity(let v) = $0 { v.code == "m" } else { false } }) else {
            Issue.record("no canonical entry"); return
        }
        #expect(abs(canonical.number.value - 1.739) < 1e-9)
        #expect(abs(canonical.number.low - 1.7385) < 1e-9)
    }

    @Test func ucumTableConvertsCommonClinicalUnits() {
        #expect(UCUM.canonical("mg")! == ("g", 1e-3))
        #expect(UCUM.canonical("kg")! == ("g", 1e3))
        #expect(UCUM.canonical("dL")! == ("L", 0.1))
        #expect(UCUM.canonical("mmol/L")! == ("mol/L", 1e-3))
        #expect(UCUM.canonical("mg/dL")! == ("g/L", 1e-2))
        #expect(UCUM.canonical("h")! == ("s", 3600))
        #expect(UCUM.canonical("mm")! == ("m", 1e-3))
        #expect(UCUM.canonical("mm[Hg]")! == ("mm[Hg]", 1))
        #expect(UCUM.canonical("Cel") == nil)
    }

    @Test func pressureStaysInMillimetresOfMercury() throws {
        let bp = try Fixture.json("observation-bp.json")
        let q = values(builder.entries(for: bp, type: "Observation"), "component-value-quantity")
        // Each value as written and its canonical twin (mm[Hg] is canonical itself).
        #expect(q.count == 4)
        #expect(q.allSatisfy { if case .quantity(let v) = $0 { v.code == "mm[Hg]" } else { false } })
        #expect(q.filter { if case .quantity(let v) = $0 { v.canonical } else { false } }.count == 2)
    }

    @Test func moneyIndexesTheCurrencyAsCode() throws {
        let r = try resource(#"{"resourceType":"ChargeItem","priceOverride":{"value":77.49,"currency":"USD"}}"#)
        let q = values(builder.entries(for: r, type: "ChargeItem"), "price-override")
        #expect(q == [.quantity(QuantityValue(number: SearchNumber.range("77.49")!, system: "urn:iso:std:iso:4217", code: "USD", unit: nil))])
    }
}

@Suite struct IndexBuilderReferenceTests {
    @Test func localVersionedAbsoluteAndIdentifierReferences() throws {
        let r = try resource("""
        {"resourceType":"Observation","subject":{"reference":"Patient/123"},
         "performer":[{"reference":"Practitioner/7/_history/2"},{"reference":"\(base)/Organization/9"},
                      {"reference":"http://other.org/fhir/Practitioner/5"},{"reference":"#c1"},
                      {"identifier":{"system":"http://npi","value":"42"}}]}
        """)
        let entries = builder.entries(for: r, type: "Observation")
        #expect(values(entries, "subject") == [.reference(.local("Patient", "123"))])
        #expect(values(entries, "patient") == [.reference(.local("Patient", "123"))])
        let performer = values(entries, "performer")
        #expect(performer == [
            .reference(ReferenceValue(type: "Practitioner", id: "7", version: "2")),
            .reference(.local("Organization", "9")),
            .reference(ReferenceValue(type: "Practitioner", id: "5", url: "http://other.org/fhir/Practitioner/5")),
            .referenceIdentifier(system: "http://npi", value: "42"),
        ])
    }

    @Test func whereResolveIsKeepsOnlyReferencesOfThatType() throws {
        let r = try resource(#"{"resourceType":"Observation","subject":{"reference":"Group/1"}}"#)
        let entries = builder.entries(for: r, type: "Observation")
        #expect(values(entries, "patient").isEmpty)
        #expect(values(entries, "subject") == [.reference(.local("Group", "1"))])
    }

    @Test func canonicalWithVersion() throws {
        let r = try resource(#"{"resourceType":"QuestionnaireResponse","questionnaire":"http://q.org/Questionnaire/phq9|1.0"}"#)
        #expect(values(builder.entries(for: r, type: "QuestionnaireResponse"), "questionnaire") == [
            .reference(ReferenceValue(type: "Questionnaire", id: "phq9", version: "1.0", url: "http://q.org/Questionnaire/phq9")),
        ])
    }

    @Test func expressionsOutsideSimplePathRunOnFHIRPath() throws {
        let r = try resource(#"{"resourceType":"Library","relatedArtifact":[{"type":"depends-on","resource":"http://x/Library/a"},{"type":"composed-of","resource":"http://x/Library/b"}]}"#)
        let entries = builder.entries(for: r, type: "Library")
        #expect(values(entries, "depends-on") == [.reference(ReferenceValue(type: "Library", id: "a", url: "http://x/Library/a"))])
        #expect(values(entries, "composed-of") == [.reference(ReferenceValue(type: "Library", id: "b", url: "http://x/Library/b"))])
    }
}

@Suite struct IndexBuilderCompositeTests {
    @Test func componentCodeValueQuantityPairsEachComponentsCodeWithItsValue() throws {
        let bp = try Fixture.json("observation-bp.json")
        let composite = values(builder.entries(for: bp, type: "Observation"), "component-code-value-quantity")
        let systolic = IndexValue.composite([
            .token(system: "http://loinc.org", code: "8480-6"),
            .quantity(QuantityValue(number: SearchNumber.range("128")!, system: UCUM.system, code: "mm[Hg]", unit: "mm[Hg]")),
        ])
        #expect(composite.contains(systolic))
        // A diastolic code is never paired with the systolic value.
        #expect(!composite.contains(.composite([
            .token(system: "http://loinc.org", code: "8462-4"),
            .quantity(QuantityValue(number: SearchNumber.range("128")!, system: UCUM.system, code: "mm[Hg]", unit: "mm[Hg]")),
        ])))
        // One combination per component and quantity form (as written, canonical): the code's text is not part
        // of composites.
        #expect(composite.count == 4)
    }

    @Test func codeValueQuantityOnTheObservationItself() throws {
        let obs = try Fixture.json("observation.json")
        let composite = values(builder.entries(for: obs, type: "Observation"), "code-value-quantity")
        #expect(composite.contains(.composite([
            .token(system: "http://loinc.org", code: "8302-2"),
            .quantity(QuantityValue(number: SearchNumber.range("173.9")!, system: UCUM.system, code: "cm", unit: "cm")),
        ])))
    }
}

@Suite struct IndexBuilderWholeBundleTests {
    @Test func syntheaBundleEntriesAgreeWithKnownFacts() throws {
        let bundle = try Fixture.json("synthea-bundle.json")
        let resources = bundle["entry"]!.arrayValue!.compactMap { $0["resource"] }
        var observations = 0
        for r in resources {
            let type = r["resourceType"]!.stringValue!
            let entries = builder.entries(for: r, type: type)
            #expect(Set(entries).count == entries.count, "entries are deduplicated")
            #expect(!entries.contains { $0.param == "_id" || $0.param == "_lastUpdated" })
            switch type {
            case "Observation":
                observations += 1
                #expect(entries.contains { $0.param == "code" })
                #expect(entries.contains { $0.param == "subject" })
                #expect(entries.contains { $0.param == "status" })
                if r["effectiveDateTime"] != nil { #expect(entries.contains { $0.param == "date" }) }
            case "Patient":
                let birth = values(entries, "birthdate")
                #expect(birth.count == 1)
                if case .date(let range)? = birth.first { #expect(range.high - range.low + 1 == 86_400_000_000) }
            case "Encounter":
                #expect(entries.contains { $0.param == "date" })
                #expect(entries.contains { $0.param == "class" })
            default: break
            }
            // Every resource gets entries of the same parameters whichever parameter is asked for alone.
            if let one = entries.first {
                #expect(builder.entries(for: r, type: type, param: one.param) == entries.filter { $0.param == one.param })
            }
        }
        #expect(observations == 56)
    }
}

@Suite struct IndexBuilderConcurrencyTests {
    /// One builder serves concurrent writers: its per-type cache of compiled expressions is shared safely, and
    /// the entries do not depend on which task compiled them.
    @Test func concurrentUseGivesTheSameEntries() async throws {
        let bundle = try Fixture.json("synthea-bundle.json")
        let resources = bundle["entry"]!.arrayValue!.compactMap { $0["resource"] }
        let shared = IndexBuilder(baseURL: base)
        let expected = resources.map { builder.entries(for: $0, type: $0["resourceType"]!.stringValue!) }
        let results = await withTaskGroup(of: (Int, [[IndexEntry]]).self) { group in
            for task in 0..<4 {
                group.addTask {
                    (task, resources.map { shared.entries(for: $0, type: $0["resourceType"]!.stringValue!) })
                }
            }
            var all: [[[IndexEntry]]] = []
            for await (_, entries) in group { all.append(entries) }
            return all
        }
        #expect(results.count == 4)
        for r in results { #expect(r == expected) }
    }
}
