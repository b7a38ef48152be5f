import FHIRCore
import Foundation
import Store
@testable import Summary
import Testing

/// The summary's narratives and printable page: every value from the record escaped, the page self-contained.
@Suite("Summary rendering")
struct SummaryRenderingTests {
    static func stored(_ json: String) throws -> (StoredResource, JSON) {
        let resource = try JSON.parse(Array(json.utf8))
        let stored = StoredResource(type: resource["resourceType"]!.stringValue!, id: resource["id"]!.stringValue!, version: 1,
                                    lastUpdated: Date(), method: .create, content: Array(json.utf8), patientKey: "p")
        return (stored, resource)
    }

    static func summary(allergy: String) throws -> PatientSummary {
        let (patient, patientJSON) = try stored(#"{"resourceType":"Patient","id":"p","name":[{"text":"O'Brien & <Sons>"}],"birthDate":"1990-01-01"}"#)
        let (a, aJSON) = try stored(allergy)
        let sections = SummarySection.Kind.allCases.map { kind -> SummarySectionContent in
            let entries = kind == .allergies ? [SummaryEntry(stored: a, resource: aJSON, kind: .allergies)] : []
            return SummarySectionContent(section: .of(kind), entries: entries, emptyReason: entries.isEmpty ? .unavailable : nil,
                                         mayBeWithheld: false, truncated: false)
        }
        return PatientSummary(patient: patient, patientResource: patientJSON, sections: sections, mayBeWithheld: true, generated: Date())
    }

    @Test func escapingCoversMarkupQuotesAndControlCharacters() {
        #expect(SummaryText.escape(#"<script>alert("x")</script> & 'y'"#) == "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;")
        #expect(SummaryText.escape("a\u{01}b") == "a b")
    }

    @Test func pageEscapesEveryRecordValueAndIsSelfContained() throws {
        let summary = try Self.summary(allergy: #"{"resourceType":"AllergyIntolerance","id":"a","code":{"text":"<img src=x onerror=alert(1)>"},"reaction":[{"manifestation":[{"text":"\"quoted\" & <b>bold</b>"}]}]}"#)
        let html = SummaryPage.html(summary)
        #expect(html.hasPrefix("<!DOCTYPE html>\n<html lang=\"en\">"))
        #expect(html.contains("<style>") && html.contains("@media print"))
        #expect(!html.contains("<img") && !html.contains("<b>bold"))
        #expect(html.contains("&lt;img src=x onerror=alert(1)&gt;"))
        #expect(html.contains("&quot;quoted&quot; &amp; &lt;b&gt;bold&lt;/b&gt;"))
        #expect(html.contains("O&#39;Brien &amp; &lt;Sons&gt;"))
        #expect(html.contains(SummaryText.escape(PatientSummary.withheldNotice)))
        #expect(!html.contains("<script") && !html.contains("<link") && !html.contains("src=\""))
    }

    @Test func documentNarrativesAreXHTMLDivsWithEscapedValues() throws {
        let summary = try Self.summary(allergy: #"{"resourceType":"AllergyIntolerance","id":"a","code":{"text":"Latex <&>"}}"#)
        let bundle = summary.documentBundle(id: "b1", baseURL: "http://x/fhir")
        let composition = try #require(bundle["entry"]?[0]?["resource"])
        #expect(composition["text"]?["div"]?.stringValue?.contains("O&#39;Brien &amp; &lt;Sons&gt;") == true)
        let allergies = try #require(composition["section"]?[1])
        #expect(allergies["text"]?["div"]?.stringValue == #"<div xmlns="http://www.w3.org/1999/xhtml"><table><thead><tr><th>Substance</th><th>Criticality</th><th>Reaction</th><th>Status</th><th>Since</th></tr></thead><tbody><tr><td>Latex &lt;&amp;&gt;</td><td></td><td></td><td></td><td></td></tr></tbody></table></div>"#)
        #expect(bundle["entry"]?[2]?["fullUrl"]?.stringValue == "http://x/fhir/AllergyIntolerance/a")
    }
}
