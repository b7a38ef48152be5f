import FHIRCore
import Foundation

/// The XHTML narratives of the summary's Composition and sections (`text.div`): every value escaped.
enum SummaryNarrative {
    static let open = #"<div xmlns="http://www.w3.org/1999/xhtml">"#

    /// The Composition's narrative: who, when, and whether something may have been withheld.
    static func composition(_ summary: PatientSummary) -> String {
        var html = open
        html += "<p><b>Patient summary</b> of \(SummaryText.escape(summary.patientName))"
        if let birthDate = summary.patientResource["birthDate"]?.stringValue { html += ", born \(SummaryText.escape(birthDate))" }
        html += ".</p>"
        let identifiers = summary.patientIdentifiers
        if !identifiers.isEmpty {
            html += "<p>" + identifiers.map(SummaryText.escape).joined(separator: "<br/>") + "</p>"
        }
        html += "<p>Generated \(SummaryText.escape(FHIRInstant.format(summary.generated))) from the shared record.</p>"
        if summary.mayBeWithheld { html += "<p><b>Note:</b> \(SummaryText.escape(PatientSummary.withheldNotice))</p>" }
        return html + "</div>"
    }

    /// A section's narrative: its table, or the sentence that stands for it.
    static func section(_ content: SummarySectionContent) -> String {
        var html = open
        html += table(content, tableAttributes: "", headerAttributes: "")
        return html + "</div>"
    }

    /// A section's content as HTML: a paragraph when it lists nothing real, else a table; then its notes.
    static func table(_ content: SummarySectionContent, tableAttributes: String, headerAttributes: String) -> String {
        var html = ""
        if let text = content.emptyText { html += "<p>\(SummaryText.escape(text))</p>" }
        if !content.entries.isEmpty, !content.statesNoneKnown {
            html += "<table\(tableAttributes)><thead><tr>"
            for column in content.section.columns { html += "<th\(headerAttributes)>\(SummaryText.escape(column))</th>" }
            html += "</tr></thead><tbody>"
            for entry in content.entries {
                html += "<tr>" + entry.cells.map { "<td>\(SummaryText.escape($0))</td>" }.joined() + "</tr>"
            }
            html += "</tbody></table>"
        }
        if content.truncated { html += "<p>Only the first entries are listed.</p>" }
        if content.mayBeWithheld, content.emptyReason != .withheld {
            html += "<p>Some information of this section may have been withheld from you (your profession's rights).</p>"
        }
        return html
    }
}
